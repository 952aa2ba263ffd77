"""The flood benchmark's peer, in a process of its own, as a real peer would be.

    python -m bench.flood_peer --port P --messages N

Encodes a hello and ``N`` chat frames, connects to the room on 127.0.0.1:P, sends the
hello, prints ``ready`` and waits for a line ``go`` on stdin; then sends every frame as
fast as the room takes them while a second thread counts the room's echoes. It ends
when the room closes the connection or stdin closes, printing one JSON line (see
:func:`bench.common.emit_result`): echoes counted and seconds spent sending.

Kept out of the window's process so that its sending and counting do not compete with
the window for the interpreter.
"""

from __future__ import annotations

import argparse
import random
import socket
import sys
import threading
import time

from bench.common import LOCALHOST, emit_result, frame

CHUNK = 256 * 1024
#: The nickname the peer asks for (the window's room has no other member then).
NICK = "flooder"
#: How the room's echo of each of the peer's chats begins: an item of a ``chats`` block,
#: an array whose first element is the string ``flooder`` exactly and whose second is a
#: string. Nothing else the room sends holds these bytes: a quote followed by a letter
#: opens a string (a closing quote is followed by ``,``, ``:``, ``]`` or ``}``, and a
#: quote inside a string is escaped), and a member list begins with the host's name.
CHAT_MARK = b'["' + NICK.encode() + b'","'
#: Longest wait (s) for the last echoes once the window has every message.
ECHO_WAIT = 5.0


def flood_bytes(count: int) -> tuple[bytes, bytes]:
    """The hello frame and ``count`` chat frames."""
    try:
        from gui_chat.protocol.messages import PROTOCOL_VERSION
    except ImportError:
        PROTOCOL_VERSION = 1  # noqa: N806 - an older checkout (bench.run --code)
    hello = frame({"t": "hello", "nick": NICK, "version": PROTOCOL_VERSION})
    ids = random.Random(count)  # 32 random hex digits, as a gui_chat client's uuid4().hex
    chats = b"".join(
        frame(
            {
                "t": "chat",
                "id": f"{ids.getrandbits(128):032x}",
                "text": f"flood {i:06d} lorem ipsum dolor sit amet",
            }
        )
        for i in range(count)
    )
    return hello, chats


class EchoCounter(threading.Thread):
    """Counts the peer's chats the room sends back, until the connection ends."""

    def __init__(self, sock: socket.socket, expected: int) -> None:
        super().__init__(name="echoes")
        self.sock = sock
        self.expected = expected
        self.count = 0
        self.all_back = threading.Event()

    def run(self) -> None:
        tail = b""
        edge = len(CHAT_MARK) - 1
        try:
            while data := self.sock.recv(CHUNK):
                self.count += (tail + data[:edge]).count(CHAT_MARK) + data.count(CHAT_MARK)
                tail = data[-edge:]
                if self.count >= self.expected:
                    self.all_back.set()
        except OSError:
            pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--messages", type=int, default=100_000)
    args = parser.parse_args(argv)

    hello, chats = flood_bytes(args.messages)
    result: dict = {"messages": args.messages, "bytes": len(hello) + len(chats)}
    sock = socket.create_connection((LOCALHOST, args.port), timeout=10.0)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.settimeout(None)
    counter = EchoCounter(sock, args.messages)
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
            counter.all_back.wait(ECHO_WAIT)
    except OSError as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        if counter.is_alive():
            counter.join(ECHO_WAIT)
        sock.close()
    result["echoes"] = counter.count
    emit_result(result)
    return 0 if "error" not in result else 1


if __name__ == "__main__":
    sys.exit(main())
