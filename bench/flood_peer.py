"""The flood benchmark's peer, in a process of its own, as a real peer would be.

    python -m bench.flood_peer --port P --messages N

Encodes a hello and ``N`` chat frames, connects to the room on 127.0.0.1:P, sends the
hello, prints ``ready`` and waits for a line ``go`` on stdin; then sends every frame as
fast as the room takes them while a second thread counts the chats the room confirms.
It ends when the room closes the connection or stdin closes, printing one JSON line
(see :func:`bench.common.emit_result`): chats confirmed and seconds spent sending.

Kept out of the window's process so that its sending and counting do not compete with
the window for the interpreter.
"""

from __future__ import annotations

import argparse
import random
import re
import socket
import sys
import threading
import time

from bench.common import LOCALHOST, emit_result, frame

CHUNK = 256 * 1024
#: The nickname the peer asks for (the window's room has no other member then).
NICK = "flooder"
#: The room's acknowledgement of the peer's chats up to the one with this id (a quote
#: inside a chat's text is escaped, so no text holds these bytes).
ACK = re.compile(rb'\{"t":"ack","id":"([0-9a-f]{32})"\}')
ACK_START = b'{"t":"ack","id":"'
ACK_SIZE = len(ACK_START) + 32 + 2
#: Longest wait (s) for the last acknowledgement once the window has every message.
ACK_WAIT = 5.0


def flood_ids(count: int) -> list[str]:
    """The ids of the flood's ``count`` chats: 32 random hex digits each, as a gui_chat
    client's ``uuid4().hex``, the same every time."""
    bits = random.Random(count)
    return [f"{bits.getrandbits(128):032x}" for _ in range(count)]


def flood_bytes(ids: list[str]) -> tuple[bytes, bytes]:
    """The hello frame and the frames of chats with these ids (from :func:`flood_ids`)."""
    try:
        from gui_chat.protocol.messages import PROTOCOL_VERSION
    except ImportError:
        PROTOCOL_VERSION = 1  # noqa: N806 - an older checkout (bench.run --code)
    hello = frame({"t": "hello", "nick": NICK, "version": PROTOCOL_VERSION})
    chats = b"".join(
        frame({"t": "chat", "id": message_id, "text": f"flood {i:06d} lorem ipsum dolor sit amet"})
        for i, message_id in enumerate(ids)
    )
    return hello, chats


class AckCounter(threading.Thread):
    """Counts the peer's chats the room confirms, until the connection ends: an ``ack``
    confirms the chat it names and every one sent before it."""

    def __init__(self, sock: socket.socket, ids: list[str]) -> None:
        super().__init__(name="acks")
        self.sock = sock
        self.expected = len(ids)
        self.position = {message_id.encode(): n for n, message_id in enumerate(ids, 1)}
        self.count = 0
        self.all_back = threading.Event()

    def run(self) -> None:
        tail = b""
        try:
            while data := self.sock.recv(CHUNK):
                window = tail + data
                # the last whole ack in what came says it all
                start = window.rfind(ACK_START)
                if start >= 0 and len(window) - start < ACK_SIZE:  # not all here yet
                    tail = window[start:]
                    start = window.rfind(ACK_START, 0, start)
                else:  # what may be the beginning of one
                    tail = window[1 - len(ACK_START) :]
                if start >= 0 and (ack := ACK.match(window, start)) is not None:
                    self.count = max(self.count, self.position.get(ack[1], 0))
                if self.count >= self.expected:
                    self.all_back.set()
        except OSError:
            pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--messages", type=int, default=100_000)
    args = parser.parse_args(argv)

    ids = flood_ids(args.messages)
    hello, chats = flood_bytes(ids)
    result: dict = {"messages": args.messages, "bytes": len(hello) + len(chats)}
    sock = socket.create_connection((LOCALHOST, args.port), timeout=10.0)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.settimeout(None)
    counter = AckCounter(sock, ids)
    try:
        sock.sendall(hello)
        counter.start()
        print("ready", flush=True)
        if sys.stdin.readline().strip() == "go":
            started = time.perf_counter()
            view = memoryview(chats)
            for offset in range(0, len(chats), CHUNK):
                sock.sendall(view[offset : offset + CHUNK])
            result["send_s"] = round(time.perf_counter() - started, 4)
            sys.stdin.readline()  # the window says when it has everything (or gives up)
            counter.all_back.wait(ACK_WAIT)
    except OSError as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        if counter.is_alive():
            counter.join(ACK_WAIT)
        sock.close()
    result["acks"] = counter.count
    emit_result(result)
    return 0 if "error" not in result else 1


if __name__ == "__main__":
    sys.exit(main())
