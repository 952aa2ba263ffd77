"""A server from a Chinese tutorial: answers every message with a GBK greeting.

Usage: gbk_server.py
Prints the port it got on the first line, then ``recv HEX`` for every chunk received
(so a test sees the exact bytes it was sent). After each chunk it sends back
'你好，世界' encoded in GBK; after a chunk that is ``bye`` (plus line end) it closes.
Serves one client; gives up after 20 s without news.
"""

import socket
import sys

HOST = "127.0.0.1"
TIMEOUT = 20.0
GREETING = "你好，世界".encode("gbk")


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
            try:
                while data := conn.recv(1024):
                    print("recv", data.hex(), flush=True)
                    conn.sendall(GREETING)
                    if data.strip() == b"bye":
                        break
            except TimeoutError:
                print("client went silent", file=sys.stderr)
                return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
