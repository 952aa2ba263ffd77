"""The classic tutorial client: connect, send one line, print the reply, quit.

Usage: tcp_tutorial_client.py HOST PORT ENCODING TEXT [REPLIES]
Prints its own port on the first line (so the server's view of it is known), sends
TEXT encoded in ENCODING, then prints ``recv HEX`` for each recv(1024) until REPLIES
newlines (default 1) have come or the server closed. Gives up after 20 s.
"""

import sys

from tutorial import connect, print_replies


def main() -> int:
    host, port, encoding, text = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    replies = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    with connect(host, port) as s:
        s.sendall(text.encode(encoding))
        return print_replies(s, lambda received: received.count(b"\n") >= replies)


if __name__ == "__main__":
    sys.exit(main())
