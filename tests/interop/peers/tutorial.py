"""What the tutorial-style peers share: serving one TCP client, and printing replies.

Every peer prints its port on the first line, then ``recv HEX`` for each chunk it
receives (so a test sees the exact bytes), and gives up after 20 s without news: a line
on stderr and exit status 2. The peers import this module from their own folder (a
script's folder comes first on ``sys.path``).
"""

import socket
import sys
from collections.abc import Callable

HOST = "127.0.0.1"
TIMEOUT = 20.0


def serve_one(handle: Callable[[socket.socket, tuple[str, int]], None]) -> int:
    """Listen on 127.0.0.1 (any port), print the port, and serve the first client with
    ``handle(conn, address)``; the exit status."""
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
            try:
                handle(conn, addr)
            except TimeoutError:
                print("client went silent", file=sys.stderr)
                return 2
    return 0


def connect(host: str, port: int) -> socket.socket:
    """A TCP connection to ``host:port``; prints its own port (how the server knows it)."""
    s = socket.create_connection((host, port), timeout=TIMEOUT)
    print(s.getsockname()[1], flush=True)
    return s


def print_replies(s: socket.socket, enough: Callable[[bytes], bool]) -> int:
    """Print ``recv HEX`` for each recv(1024) until ``enough(everything received)`` or
    the server closes (``closed``); the exit status."""
    received = b""
    try:
        while not enough(received):
            data = s.recv(1024)
            if not data:
                print("closed", flush=True)
                break
            print("recv", data.hex(), flush=True)
            received += data
    except TimeoutError:
        print("no reply", file=sys.stderr)
        return 2
    return 0
