"""What the machine itself costs: the floors under two figures of ``bench.run``.

    python -m bench.floors latency [--messages N] [--gap MS]
    python -m bench.floors forwarder [--clients N] [--messages M] [--rounds R]

``latency``: the client → client path's hand-overs with no gui_chat code on the way.
Three processes, as in the latency section: a sender whose main thread writes a time
stamp every ``--gap`` ms (a thread of its own reads the echoes, as a session would), a
room whose loop thread relays each read to both, and a receiver whose loop thread
reads the stamp and hands it to its Qt main thread by a queued signal, where the time
is taken (and once more with the time taken in the loop thread, no hand-over).

``forwarder``: the fan-out's sustained workload (``bench.load``) against ``ncat --chat``,
a relay in Python that reads nothing (each read goes to everyone else as it is, as
ncat's does) and the gui_chat room: what a relay in Python costs before it looks at a
chat, and what the room's reading, checking and numbering add.

Both print a table and end with one JSON line (:func:`bench.common.emit_result`).
"""

from __future__ import annotations

import argparse
import os
import selectors
import signal
import socket
import statistics
import struct
import subprocess
import sys
import threading
import time
from collections import deque
from typing import Any

from bench.common import LOCALHOST, PACE_S, emit_result

STAMP = struct.Struct("!d")
ANNOUNCE = b"<announce> someone is connected\n<announce> already connected: nobody\n"


# ----- latency ------------------------------------------------------------------------------
def relay_room(port_out: Any) -> None:
    """Accept the sender and the receiver (each says which it is), tell the sender to
    begin, and relay each of its reads to both."""
    server = socket.create_server((LOCALHOST, 0))
    port_out.write(f"{server.getsockname()[1]}\n")
    port_out.flush()
    peers = {}
    for _ in range(2):
        peer, _address = server.accept()
        peer.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        peers[peer.recv(1)] = peer
    server.close()
    sender, receiver = peers[b"S"], peers[b"R"]
    sender.sendall(b"G")

    def loop() -> None:
        selector = selectors.DefaultSelector()
        selector.register(sender, selectors.EVENT_READ)
        while True:
            selector.select()
            data = sender.recv(65536)
            if not data:
                break
            receiver.sendall(data)
            sender.sendall(data)
        receiver.close()
        sender.close()

    thread = threading.Thread(target=loop, name="room")
    thread.start()
    thread.join()


def connect(port: int, role: bytes) -> socket.socket:
    sock = socket.create_connection((LOCALHOST, port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.sendall(role)
    return sock


def stamp_sender(port: int, count: int, gap: float) -> None:
    """Once the room says so, send ``count`` time stamps, ``gap`` s apart."""
    sock = connect(port, b"S")
    assert sock.recv(1) == b"G"

    def echoes() -> None:
        while sock.recv(65536):
            pass

    reader = threading.Thread(target=echoes, name="echoes")
    reader.start()
    for _ in range(count):
        time.sleep(gap)
        sock.send(STAMP.pack(time.perf_counter()))
    sock.shutdown(socket.SHUT_WR)
    reader.join()
    sock.close()


def stamp_receiver(port: int, hand_over: bool) -> list[float]:
    """Seconds from each stamp to its arrival in the Qt main thread (or the loop)."""
    from PySide6.QtCore import QCoreApplication, QObject, Signal

    app = QCoreApplication.instance() or QCoreApplication([])
    sock = connect(port, b"R")
    waits: list[float] = []

    class Bridge(QObject):
        stamped = Signal(object)
        ended = Signal()

    bridge = Bridge()
    bridge.stamped.connect(lambda stamp: waits.append(time.perf_counter() - stamp))
    bridge.ended.connect(app.quit)

    def loop() -> None:
        selector = selectors.DefaultSelector()
        selector.register(sock, selectors.EVENT_READ)
        pending = b""
        while True:
            selector.select()
            data = sock.recv(65536)
            if not data:
                break
            pending += data
            while len(pending) >= STAMP.size:
                (stamp,) = STAMP.unpack_from(pending)
                pending = pending[STAMP.size :]
                if hand_over:
                    bridge.stamped.emit(stamp)
                else:
                    waits.append(time.perf_counter() - stamp)
        bridge.ended.emit()

    thread = threading.Thread(target=loop, name="session")
    thread.start()
    if hand_over:
        app.exec()
    thread.join()
    sock.close()
    return waits


def latency_floor(count: int, gap: float, hand_over: bool) -> dict[str, Any]:
    """The three processes once; percentiles in ms."""
    me = [sys.executable, "-m", "bench.floors"]
    room = subprocess.Popen([*me, "_room"], stdout=subprocess.PIPE, text=True)
    try:
        assert room.stdout is not None
        port = room.stdout.readline().strip()
        sender = subprocess.Popen([*me, "_sender", port, str(count), str(gap)])
        receiver = subprocess.run(
            [*me, "_receiver", port, "1" if hand_over else "0"],
            capture_output=True,
            text=True,
            timeout=count * gap + 60,
            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        )
        sender.wait(30)
    finally:
        room.wait(30)
    waits = [float(line) * 1e3 for line in receiver.stdout.split()]
    cuts = statistics.quantiles(waits, n=100)
    return {
        "messages": len(waits),
        "p50_ms": round(statistics.median(waits), 3),
        "p90_ms": round(cuts[89], 3),
        "p99_ms": round(cuts[98], 3),
    }


# ----- forwarder ----------------------------------------------------------------------------
def forward_everything(port: int) -> None:
    """``ncat --chat`` without the prefixes, in Python: each read to everyone else."""
    selector = selectors.DefaultSelector()
    outgoing: dict[socket.socket, deque[bytes | memoryview]] = {}
    server = socket.create_server((LOCALHOST, port), backlog=1024)
    server.setblocking(False)
    selector.register(server, selectors.EVENT_READ)

    def flush(sock: socket.socket) -> None:
        queue = outgoing[sock]
        while queue:
            try:
                sent = sock.sendmsg(list(queue)[:1024])
            except BlockingIOError:
                break
            while sent:
                if sent < len(queue[0]):
                    queue[0] = memoryview(queue[0])[sent:]
                    break
                sent -= len(queue.popleft())
        wanted = selectors.EVENT_READ | (selectors.EVENT_WRITE if queue else 0)
        if selector.get_key(sock).events != wanted:
            selector.modify(sock, wanted)

    while True:
        for key, mask in selector.select():
            sock = key.fileobj
            assert isinstance(sock, socket.socket)
            if sock is server:
                client, _ = server.accept()
                client.setblocking(False)
                client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                outgoing[client] = deque()
                selector.register(client, selectors.EVENT_READ)
                for other, queue in outgoing.items():  # as ncat announces a newcomer
                    queue.append(ANNOUNCE)
                    flush(other)
                continue
            if mask & selectors.EVENT_WRITE:
                flush(sock)
            if mask & selectors.EVENT_READ:
                try:
                    data = sock.recv(256 * 1024)
                except ConnectionError:
                    data = b""
                if not data:
                    selector.unregister(sock)
                    del outgoing[sock]
                    sock.close()
                    continue
                for other, queue in outgoing.items():
                    if other is not sock:
                        queue.append(data)
                        flush(other)


def forwarder_floor(clients: int, messages: int, rounds: int) -> dict[str, Any]:
    """ncat --chat, the Python forwarder and the gui_chat room: the same load, in turn."""
    from bench import run

    size = dict(run.SIZES["full"], fanout_rounds=rounds)
    results: dict[str, Any] = {}
    for name in ("ncat --chat", "Python forwarder", "gui_chat room"):
        try:
            server, proto = start_relay(name), "gui" if name == "gui_chat room" else "lines"
        except (OSError, RuntimeError) as exc:  # ncat not installed, say
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        try:
            args = run.load_args(server.port, server.pid, proto, clients, size)
            outcome = run.run_child(args + run.fanout_args(messages, size), 300, cpu=1)
        finally:
            server.stop()
        delivered = sum(r["delivered"] for r in outcome.get("rounds", []))
        cpu = sum(r["server_cpu_s"] for r in outcome.get("rounds", []))
        results[name] = {
            "deliveries_per_s": outcome.get("deliveries_per_s"),
            "complete": outcome.get("complete"),
            "cpu_ms_per_million": round(cpu / delivered * 1e9, 1) if delivered else None,
        }
    return results


class Forwarder:
    """:func:`forward_everything` in a process of its own, on the first CPU."""

    def __init__(self) -> None:
        from bench import run

        self.port = run.free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.floors", "_forwarder", str(self.port)],
            preexec_fn=run.pin_to(0),
        )
        self.pid = self.proc.pid
        deadline = time.monotonic() + 10.0
        while not run.port_taken(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the forwarder did not start listening")
            time.sleep(0.02)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(10)


def start_relay(name: str) -> Any:
    """The relay ``name``, listening on 127.0.0.1, pinned as in ``bench.run``'s fan-out."""
    from bench import run

    if name == "ncat --chat":
        return run.NcatChat(cpu=0)
    if name == "Python forwarder":
        return Forwarder()
    return run.RoomProcess(lifetime=600, cpu=0)


# ----- command line -------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0].startswith("_"):  # one of the processes above
        return run_role(argv[0], argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("floor", choices=["latency", "forwarder"])
    parser.add_argument("--messages", type=int, default=None)
    parser.add_argument(
        "--gap", type=float, default=PACE_S * 1e3, help="latency: ms between stamps"
    )
    parser.add_argument("--clients", type=int, default=50, help="forwarder")
    parser.add_argument("--rounds", type=int, default=5, help="forwarder: median of these")
    args = parser.parse_args(argv)
    if args.floor == "latency":
        count = args.messages or 500
        result = {
            "handed to a Qt main thread": latency_floor(count, args.gap / 1e3, hand_over=True),
            "in the thread that read it": latency_floor(count, args.gap / 1e3, hand_over=False),
        }
        for where, figures in result.items():
            print(
                f"client → client floor, {where}: p50 {figures['p50_ms']} ms, "
                f"p90 {figures['p90_ms']}, p99 {figures['p99_ms']} ({figures['messages']})"
            )
    else:
        result = forwarder_floor(args.clients, args.messages or 2000, args.rounds)
        for name, figures in result.items():
            print(f"{name}: {figures}")
    emit_result({"floor": args.floor, "result": result})
    return 0


def run_role(role: str, args: list[str]) -> int:
    if role == "_room":
        relay_room(sys.stdout)
    elif role == "_sender":
        stamp_sender(int(args[0]), int(args[1]), float(args[2]))
    elif role == "_receiver":
        for wait in stamp_receiver(int(args[0]), args[1] == "1"):
            print(wait)
    elif role == "_forwarder":
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        forward_everything(int(args[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
