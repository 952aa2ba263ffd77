"""Sends one big blob to a server, then waits for one reply line.

Usage: blob_client.py HOST PORT SIZE [CHUNK]
Prints its own port on the first line, sends SIZE bytes of ``bytes(range(256))``
repeated (in one sendall, or CHUNK bytes per send with Nagle off), prints
``sent SIZE``, then ``recv HEX`` for each recv(1024) until a newline came or the
server closed. Gives up after 20 s.
"""

import socket
import sys

from tutorial import connect, print_replies


def blob(size: int) -> bytes:
    return (bytes(range(256)) * (size // 256 + 1))[:size]


def main() -> int:
    host, port, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    chunk = int(sys.argv[4]) if len(sys.argv) > 4 else size
    with connect(host, port) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        data = blob(size)
        for start in range(0, size, chunk):
            s.sendall(data[start : start + chunk])
        print("sent", size, flush=True)
        return print_replies(s, lambda received: b"\n" in received)


if __name__ == "__main__":
    sys.exit(main())
