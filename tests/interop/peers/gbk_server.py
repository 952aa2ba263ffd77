"""A server from a Chinese tutorial: answers every message with a GBK greeting.

Usage: gbk_server.py
Prints the port it got on the first line, then ``recv HEX`` for every chunk received
(so a test sees the exact bytes it was sent). After each chunk it sends back
'你好，世界' encoded in GBK; after a chunk that is ``bye`` (plus line end) it closes.
Serves one client; gives up after 20 s without news.
"""

import socket
import sys

from tutorial import serve_one

GREETING = "你好，世界".encode("gbk")


def greet(conn: socket.socket, _addr: tuple[str, int]) -> None:
    while data := conn.recv(1024):
        print("recv", data.hex(), flush=True)
        conn.sendall(GREETING)
        if data.strip() == b"bye":
            break


def main() -> int:
    return serve_one(greet)


if __name__ == "__main__":
    sys.exit(main())
