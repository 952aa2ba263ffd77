"""The classic tutorial UDP server: each datagram goes back upper case to its sender.

Usage: udp_upper_server.py
Prints the port it got on the first line, then ``recv HEX FROM`` for every datagram.
Exits after 50 datagrams or after 20 s without one.
"""

import socket
import sys

from tutorial import HOST, TIMEOUT

MAX_DATAGRAMS = 50


def main() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(TIMEOUT)
        s.bind((HOST, 0))
        print(s.getsockname()[1], flush=True)
        for _ in range(MAX_DATAGRAMS):
            try:
                data, addr = s.recvfrom(1024)
            except TimeoutError:
                return 0
            print("recv", data.hex(), f"{addr[0]}:{addr[1]}", flush=True)
            s.sendto(data.upper(), addr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
