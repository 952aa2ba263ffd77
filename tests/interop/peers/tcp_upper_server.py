"""The classic tutorial echo server: whatever a client sends comes back upper case.

Usage: tcp_upper_server.py
Prints the port it got on the first line, then ``recv HEX`` for every chunk received.
Serves one client and exits when it leaves, or after 20 s without news.
"""

import socket
import sys

from tutorial import serve_one


def echo_upper(conn: socket.socket, addr: tuple[str, int]) -> None:
    print(f"client {addr[0]}:{addr[1]}", flush=True)
    while data := conn.recv(1024):
        print("recv", data.hex(), flush=True)
        conn.send(data.upper())


def main() -> int:
    return serve_one(echo_upper)


if __name__ == "__main__":
    sys.exit(main())
