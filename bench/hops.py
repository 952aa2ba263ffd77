"""Where a message's time goes on its way from one window to another.

    python -m bench.hops [--messages N] [--warmup N] [--json PATH]

Runs the latency benchmark's three paths, one process per window, with time stamps
taken inside the window processes at each hand-over of a message:

- ``send``: the sender's window is told to send (``ChatController.send`` follows);
- ``out``: a session starts writing to its socket (``StreamPeer.flush``, and
  ``UdpPeer._sendto``);
- ``in``: a session has read the bytes (``StreamPeer.receive`` returned them, or
  ``UdpPeer._handle`` is given the datagram);
- ``posted``: the session loop hands the events to the window's thread
  (``SessionWorker._collect``);
- ``handed``: the receiving window's GUI thread starts on the events
  (``ChatController._on_events``);
- ``shown``: the message is in the receiving window's model (``rowsInserted``), where
  the latency benchmark stops its clock.

``perf_counter`` is CLOCK_MONOTONIC, one clock for every process. Each message is
followed from stamp to stamp, the first of each kind after the one before it, and the
table gives the median and 90th percentile of every step: what a message waits for,
not what it costs. Each stamp adds a wrapper's call on the way (a few microseconds
after an idle moment), so the whole way is a little longer than in ``bench.run``.
"""

from __future__ import annotations

import argparse
import bisect
import functools
import itertools
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, ClassVar

from bench import gui_bench

#: Each path of the latency benchmark: its window processes and stamps, in order.
PATHS: dict[str, list[tuple[str, str]]] = {
    "tcp_host_to_client": [
        ("host", "send"),
        ("host", "out"),
        ("alice", "in"),
        ("alice", "posted"),
        ("alice", "handed"),
        ("alice", "shown"),
    ],
    "tcp_client_to_client": [
        ("alice", "send"),
        ("alice", "out"),
        ("host", "in"),
        ("host", "out"),
        ("bob", "in"),
        ("bob", "posted"),
        ("bob", "handed"),
        ("bob", "shown"),
    ],
    "udp": [
        ("udp-b", "send"),
        ("udp-b", "out"),
        ("udp-a", "in"),
        ("udp-a", "posted"),
        ("udp-a", "handed"),
        ("udp-a", "shown"),
    ],
}

#: What happens between two stamps, in words.
STEPS = {
    ("send", "out"): "{0}: from send() to the socket write",
    ("out", "in"): "to {1}'s session loop (loopback, thread wake-up)",
    ("in", "out"): "{0}'s room relays it",
    ("in", "posted"): "{0}'s session loop decodes it and posts it on",
    ("posted", "handed"): "{0}'s window thread wakes up and takes it",
    ("handed", "shown"): "{0}: into the window's model",
}

Stamps = list[tuple[str, float]]


def instrument() -> Stamps:
    """Take the stamps in this window process; the list they are added to."""
    from gui_chat.net.stream import StreamPeer
    from gui_chat.net.udp import UdpPeer
    from gui_chat.ui.chat_controller import ChatController
    from gui_chat.workers.session_worker import SessionWorker

    stamps: Stamps = []
    clock = time.perf_counter

    def before(cls: type, name: str, point: str) -> None:
        original = getattr(cls, name)

        @functools.wraps(original)
        def stamped(*args: Any, **kwargs: Any) -> Any:
            stamps.append((point, clock()))
            return original(*args, **kwargs)

        setattr(cls, name, stamped)

    receive = StreamPeer.receive

    @functools.wraps(receive)
    def received(self: StreamPeer) -> bytes:
        data = receive(self)
        if data:
            stamps.append(("in", clock()))
        return data

    StreamPeer.receive = received  # type: ignore[method-assign]
    before(StreamPeer, "flush", "out")
    before(UdpPeer, "_sendto", "out")
    before(UdpPeer, "_handle", "in")
    before(SessionWorker, "_collect", "posted")
    before(ChatController, "_on_events", "handed")
    before(gui_bench.WindowAgent, "_on_rows", "shown")

    command = gui_bench.WindowAgent._command

    @functools.wraps(command)
    def commanded(self: gui_bench.WindowAgent, line: str) -> None:
        if line.startswith("send "):
            stamps.append(("send", clock()))
        command(self, line)

    gui_bench.WindowAgent._command = commanded  # type: ignore[method-assign]
    return stamps


def run_traced_window(argv: list[str]) -> int:
    """The ``window`` role of :mod:`bench.gui_bench`, with stamps in its result."""
    stamps = instrument()
    run_window = gui_bench.run_window

    def run_window_with_stamps(*args: Any) -> dict[str, Any]:
        return {**run_window(*args), "stamps": stamps}

    gui_bench.run_window = run_window_with_stamps
    return gui_bench.main(argv)


class TracedAgent(gui_bench.AgentProcess):
    """A window process that takes the stamps; they are in ``result`` once it closed."""

    MODULE = "bench.hops"
    #: Every agent started since :func:`measure` began.
    started: ClassVar[list[TracedAgent]] = []

    def __init__(self, mode: str, nick: str, remote_port: int = 0) -> None:
        super().__init__(mode, nick, remote_port)
        TracedAgent.started.append(self)


def follow(
    path: list[tuple[str, str]], stamps: dict[str, Stamps], warmup: int
) -> list[list[float]]:
    """The times (s) of each step of ``path`` for every message that passed every stamp."""
    when = {(who, point): sorted(t for p, t in stamps[who] if p == point) for who, point in path}
    sends = when[path[0]][warmup:]
    messages = []
    for start, end in zip(sends, [*sends[1:], float("inf")], strict=True):
        times = [start]
        for key in path[1:]:
            stamped = when[key]
            i = bisect.bisect_left(stamped, times[-1])  # the first at or after the last one
            if i == len(stamped) or stamped[i] >= end:
                break
            times.append(stamped[i])
        else:
            messages.append([b - a for a, b in itertools.pairwise(times)] + [times[-1] - start])
    return messages


def measure(count: int, warmup: int, budget: float) -> dict[str, Any]:
    """Run the three paths with stamps; each step's p50 and p90 per path."""
    state = Path(tempfile.mkdtemp(prefix="gui_chat_bench_state_"))
    gui_bench.STATE_ROOT = state  # the windows keep a history, as the app does
    TracedAgent.started = []
    try:
        latency = gui_bench.run_latency_processes(count, warmup, budget, TracedAgent)
    finally:
        shutil.rmtree(state, ignore_errors=True)
    stamps = {agent.nick: (agent.result or {}).get("stamps", []) for agent in TracedAgent.started}
    result: dict[str, Any] = {"messages": count, "warmup": warmup}
    for name, path in PATHS.items():
        messages = follow(path, stamps, warmup)
        names = [STEPS[(a[1], b[1])].format(a[0], b[0]) for a, b in itertools.pairwise(path)] + [
            "in all (send to shown)"
        ]
        steps = []
        for i, step in enumerate(names):
            column = sorted(m[i] * 1000 for m in messages)
            steps.append({"step": step, **quantiles(column)})
        result[name] = {
            "followed": len(messages),
            "latency_p50_ms": latency.get(name, {}).get("p50_ms"),
            "steps": steps,
        }
    return result


def quantiles(values: list[float]) -> dict[str, float | None]:
    """Median and 90th percentile (ms) of sorted ``values``."""
    if not values:
        return {"p50_ms": None, "p90_ms": None}
    return {
        "p50_ms": round(statistics.median(values), 3),
        "p90_ms": round(values[min(len(values) - 1, int(len(values) * 0.9))], 3),
    }


def print_table(result: dict[str, Any]) -> None:
    """One block of steps per path, with how many messages were followed."""
    print(f"{'path (messages followed)':28} {'step':52} {'p50 ms':>7} {'p90 ms':>7}")
    for name in PATHS:
        path = result[name]
        label = f"{name} ({path['followed']})"
        for step in path["steps"]:
            cells = [
                f"{value:7.3f}" if value is not None else f"{'-':>7}"
                for value in (step["p50_ms"], step["p90_ms"])
            ]
            print(f"{label:28} {step['step']:52} {' '.join(cells)}")
            label = ""
        same_run = "(the latency benchmark's p50 for the same messages)"
        benchmark = path["latency_p50_ms"]
        shown = f"{'-':>7}" if benchmark is None else f"{benchmark:7.3f}"
        print(f"{'':28} {same_run:52} {shown}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["window"]:
        return run_traced_window(argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per path")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args(argv)
    result = measure(args.messages, args.warmup, args.budget)
    print_table(result)
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
