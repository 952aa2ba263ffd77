"""Helper peer (run as a subprocess by test_hostile_floods.py): joins a room by hand,
sends ``count`` chat frames in one burst, reads the room's relay of every one (its texts
in the groups of ``chats`` blocks under its nickname) until the room acknowledges the
last, and prints one JSON line:
``{"relayed": [...texts in order...], "acked": "<id of the last chat acknowledged>",
"seconds": ...}``.

    python tests/hostile/flood_peer.py PORT [COUNT] [NICK]

It runs in its own process so that its decoding of ten thousand chats does not compete
for the GIL with the window being measured.
"""

from __future__ import annotations

import json
import socket
import struct
import sys
import time


def frame(message: dict) -> bytes:
    payload = json.dumps(message).encode("utf-8")
    return struct.pack("!I", len(payload)) + payload


def recv_exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise SystemExit(f"the room closed the connection after {len(data)} of {size} bytes")
        data += chunk
    return data


def recv_message(sock: socket.socket) -> dict:
    (size,) = struct.unpack("!I", recv_exactly(sock, 4))
    return json.loads(recv_exactly(sock, size))


def main() -> int:
    port = int(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    nick = sys.argv[3] if len(sys.argv) > 3 else "flood"
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(frame({"t": "hello", "nick": nick, "version": 4}))
        while recv_message(sock).get("t") != "welcome":
            pass
        burst = b"".join(
            frame({"t": "chat", "id": f"f{n}", "text": f"{nick} {n:05d}"}) for n in range(count)
        )
        started = time.monotonic()
        sock.sendall(burst)
        relayed, acked, last = [], "", f"f{count - 1}"
        while acked != last:  # the room relays a turn's chats in one block, then acks
            message = recv_message(sock)
            if message.get("t") == "chats":
                for sender, *texts in message["chats"]:
                    if sender == nick:
                        relayed += texts
            elif message.get("t") == "ack":
                acked = message["id"]
        took = time.monotonic() - started
        sock.sendall(frame({"t": "error", "reason": "left the room"}))
    print(json.dumps({"relayed": relayed, "acked": acked, "seconds": took}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
