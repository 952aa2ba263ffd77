"""A headless gui_chat room in a process of its own, for the fan-out and idle benchmarks.

    python -m bench.room_proc [--max-clients N]

Starts :class:`gui_chat.net.room.RoomServer` on 127.0.0.1, port 0, on one thread; prints
``PORT <n>`` when it listens; stops (joining the thread) when stdin is closed or a line
``stop`` arrives, or after ``--lifetime`` seconds at the latest. The room's events are
counted and dropped, as a window that is not looking would.
"""

from __future__ import annotations

import argparse
import logging
import select
import sys
import threading
import time

from bench.common import LOCALHOST, emit_result, proc_status
from gui_chat.net.events import Listening, SessionEnded, SessionEvent
from gui_chat.net.room import RoomConfig, RoomServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-clients", type=int, default=5000)
    parser.add_argument("--lifetime", type=float, default=600.0, help="stop after this (s)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    listening = threading.Event()
    ended = threading.Event()
    port: list[int] = []
    counts = {"events": 0}
    end_reason: list[str] = []

    def sink(events: list[SessionEvent]) -> None:
        counts["events"] += len(events)
        for event in events:
            if isinstance(event, Listening):
                port.append(event.port)
                listening.set()
            elif isinstance(event, SessionEnded):
                end_reason.append(event.reason)
                ended.set()
                listening.set()

    config = RoomConfig(host=LOCALHOST, port=0, nick="bench-host", max_clients=args.max_clients)
    room = RoomServer(config, sink)
    thread = threading.Thread(target=room.run, name="room", daemon=True)
    thread.start()
    if not listening.wait(10.0) or not port:
        room.stop()
        thread.join(5.0)
        print(f"ERROR room did not start: {end_reason}", flush=True)
        return 1
    print(f"PORT {port[0]}", flush=True)

    # The main thread waits on stdin itself: the process has exactly main + the room.
    deadline = time.monotonic() + args.lifetime
    while (left := deadline - time.monotonic()) > 0 and not ended.is_set():
        readable, _, _ = select.select([sys.stdin], [], [], min(left, 1.0))
        if readable:
            line = sys.stdin.readline()
            if not line or line.strip() == "stop":
                break
    room.stop()
    thread.join(5.0)
    emit_result(
        {
            "thread_ended": not thread.is_alive(),
            "events": counts["events"],
            "end_reason": end_reason[0] if end_reason else None,
            "status_at_exit": proc_status(),
        }
    )
    return 0 if not thread.is_alive() else 1


if __name__ == "__main__":
    sys.exit(main())
