"""The classic tutorial echo server: whatever a client sends comes back upper case.

Usage: tcp_upper_server.py
Prints the port it got on the first line, then ``recv HEX`` for every chunk received.
Serves one client and exits when it leaves, or after 20 s without news.
"""

import socket
import sys

HOST = "127.0.0.1"
TIMEOUT = 20.0


def main() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(TIMEOUT)
        s.bind((HOST, 0))
        s.listen(1)
        print(s.getsockname()[1], flush=True)
        try:
            conn, addr = s.accept()
        except TimeoutError:
            print("no client came", file=sys.stderr)
            return 2
        with conn:
            conn.settimeout(TIMEOUT)
            print(f"client {addr[0]}:{addr[1]}", flush=True)
            try:
                while data := conn.recv(1024):
                    print("recv", data.hex(), flush=True)
                    conn.send(data.upper())
            except TimeoutError:
                print("client went silent", file=sys.stderr)
                return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
