"""A UDP relay that loses datagrams: python lossy_relay.py LISTEN_HOST LISTEN_PORT TO_HOST TO_PORT

Forwards datagrams from the client side to TO_HOST:TO_PORT and the answers back,
dropping each with probability 0.2 from a fixed seed. Prints "ready" once bound, and
"forwarded N dropped M" when stdin closes (or after 120 s).
"""

from __future__ import annotations

import random
import selectors
import socket
import sys
import time

DROP = 0.2
SEED = 20261122


def main() -> int:
    listen_host, listen_port, to_host, to_port = sys.argv[1:5]
    target = (to_host, int(to_port))
    chance = random.Random(SEED)
    front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    front.bind((listen_host, int(listen_port)))
    back.bind((listen_host, 0))
    selector = selectors.DefaultSelector()
    selector.register(front, selectors.EVENT_READ)
    selector.register(back, selectors.EVENT_READ)
    selector.register(sys.stdin, selectors.EVENT_READ)
    client = None
    forwarded = dropped = 0
    print("ready", flush=True)
    deadline = time.monotonic() + 120
    running = True
    while running and time.monotonic() < deadline:
        for key, _ in selector.select(1.0):
            if key.fileobj is sys.stdin:
                running = bool(sys.stdin.readline())
                continue
            sock = key.fileobj
            data, sender = sock.recvfrom(65536)
            if sock is front:
                client = sender
                destination, out = target, back
            else:
                if client is None:
                    continue
                destination, out = client, front
            if chance.random() < DROP:
                dropped += 1
                continue
            out.sendto(data, destination)
            forwarded += 1
    print(f"forwarded {forwarded} dropped {dropped}", flush=True)
    selector.close()
    front.close()
    back.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
