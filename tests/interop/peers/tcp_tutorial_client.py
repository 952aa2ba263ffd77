"""The classic tutorial client: connect, send one line, print the reply, quit.

Usage: tcp_tutorial_client.py HOST PORT ENCODING TEXT [REPLIES]
Prints its own port on the first line (so the server's view of it is known), sends
TEXT encoded in ENCODING, then prints ``recv HEX`` for each recv(1024) until REPLIES
newlines (default 1) have come or the server closed. Gives up after 20 s.
"""

import socket
import sys

TIMEOUT = 20.0


def main() -> int:
    host, port, encoding, text = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    replies = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(TIMEOUT)
        s.connect((host, port))
        print(s.getsockname()[1], flush=True)
        s.sendall(text.encode(encoding))
        newlines = 0
        try:
            while newlines < replies:
                data = s.recv(1024)
                if not data:
                    print("closed", flush=True)
                    break
                print("recv", data.hex(), flush=True)
                newlines += data.count(b"\n")
        except TimeoutError:
            print("no reply", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
