"""Sends the GBK greeting '你好，世界' cut inside its characters, one piece per message.

Usage: gbk_split_server.py
Prints its port on the first line. Each time the client sends something (printed as
``recv HEX``), the next piece goes out on its own, Nagle off, and ``sent HEX`` is
printed: c4 | e3 ba | c3 a3 ac ca c0 bd e7 — the first two cuts split 你 and 好.
Serves one client; gives up after 20 s without news.
"""

import socket
import sys

from tutorial import serve_one

GREETING = "你好，世界".encode("gbk")
PIECES = [GREETING[:1], GREETING[1:3], GREETING[3:]]


def send_pieces(conn: socket.socket, _addr: tuple[str, int]) -> None:
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    pieces = list(PIECES)
    while pieces and (data := conn.recv(1024)):
        print("recv", data.hex(), flush=True)
        piece = pieces.pop(0)
        conn.sendall(piece)
        print("sent", piece.hex(), flush=True)
    # stay connected until the client leaves, so the end of the stream
    # does not get mixed into what is being checked
    while conn.recv(1024):
        pass


def main() -> int:
    return serve_one(send_pieces)


if __name__ == "__main__":
    sys.exit(main())
