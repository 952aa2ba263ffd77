"""Sends the GBK greeting '你好，世界' cut inside its characters, one piece per message.

Usage: gbk_split_server.py
Prints its port on the first line. Each time the client sends something (printed as
``recv HEX``), the next piece goes out on its own, Nagle off, and ``sent HEX`` is
printed: c4 | e3 ba | c3 a3 ac ca c0 bd e7 — the first two cuts split 你 and 好.
Serves one client; gives up after 20 s without news.
"""

import socket
import sys

HOST = "127.0.0.1"
TIMEOUT = 20.0
GREETING = "你好，世界".encode("gbk")
PIECES = [GREETING[:1], GREETING[1:3], GREETING[3:]]


def main() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(TIMEOUT)
        s.bind((HOST, 0))
        s.listen(1)
        print(s.getsockname()[1], flush=True)
        try:
            conn, _addr = s.accept()
        except TimeoutError:
            print("no client came", file=sys.stderr)
            return 2
        with conn:
            conn.settimeout(TIMEOUT)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            pieces = list(PIECES)
            try:
                while pieces and (data := conn.recv(1024)):
                    print("recv", data.hex(), flush=True)
                    piece = pieces.pop(0)
                    conn.sendall(piece)
                    print("sent", piece.hex(), flush=True)
                # stay connected until the client leaves, so the end of the stream
                # does not get mixed into what is being checked
                while conn.recv(1024):
                    pass
            except TimeoutError:
                print("client went silent", file=sys.stderr)
                return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
