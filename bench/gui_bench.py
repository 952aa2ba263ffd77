"""The benchmarks that need real windows: message latency and a flood into a room window.

    python -m bench.gui_bench latency [--messages N]
    python -m bench.gui_bench flood [--messages N]
    python -m bench.gui_bench window --mode host|join|udp --nick NICK  (latency's helper)

Each runs in a process of its own (the runner starts it), offscreen, with real
``MainWindow``s driven through their connection panels, and prints one result line.

Latency: a message sent with ``ChatController.send`` in one window is time-stamped
(``time.perf_counter``) when it is inserted into the other window's ``ChatModel``
(``rowsInserted``). The next message is sent only after it arrived. Measured twice:
with every window in a process of its own, as people's apps are (``window`` processes
driven over their stdin and stdout; ``perf_counter`` is CLOCK_MONOTONIC, the same
clock in every process), and with all windows in this one process and GUI thread.
Baseline, in the same process: a plain blocking socket round trip (TCP_NODELAY; and a
UDP one) / 2.

Flood: a plain socket sends a hello and then N pre-encoded chat frames as fast as the
room takes them into a shown room window; measured: the time until all N are in the
model, the longest gap of a 5 ms QTimer meanwhile, and the process's memory after the
view has laid them out. Baselines, in the same process: the same bytes received and
decoded by a plain Python loop, and by gui_chat's sans-IO ``Connection`` alone.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication

from bench.common import (
    LOCALHOST,
    PACE_S,
    emit_result,
    guard_singleton_refcounts,
    mib,
    proc_status,
    singleton_refcount_drift,
    summary_ms,
)
from bench.flood_peer import flood_bytes, flood_ids

SETUP_TIMEOUT = 10.0
MESSAGE_TIMEOUT_MS = 2000

#: Each window keeps its settings and history under here (None: windows keep nothing).
STATE_ROOT: Path | None = None


# ----- Qt helpers ---------------------------------------------------------------------------
def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Run the event loop until ``condition()``; raise after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    loop = QEventLoop()
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}")
        QTimer.singleShot(5, loop.quit)
        loop.exec()


def make_application() -> QApplication:
    """The QApplication as the app makes it (name, icon, process settings), if it can."""
    try:
        from gui_chat.app import create_application
    except ImportError:
        return QApplication.instance() or QApplication([sys.argv[0]])
    return create_application([sys.argv[0]])


def spin(seconds: float) -> None:
    """Run the event loop for ``seconds``."""
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def window_options(nick: str):
    """Options as the app uses them: no LAN discovery; a history of its own if kept."""
    from gui_chat.ui.options import AppOptions

    names = {field.name for field in dataclasses.fields(AppOptions)}
    values: dict[str, Any] = {}
    if "discovery" in names:
        values["discovery"] = False
    if "state_dir" in names and STATE_ROOT is not None:
        values["state_dir"] = Path(tempfile.mkdtemp(prefix=f"{nick}-", dir=STATE_ROOT))
    return AppOptions(**values)


def open_window(mode_name: str, nick: str, local_port: int = 0, remote_port: int = 0):
    """A shown MainWindow with its panel filled in for 127.0.0.1 (not started)."""
    from gui_chat.ui.main_window import MainWindow
    from gui_chat.ui.session_settings import Mode

    window = MainWindow(window_options(nick))
    panel = window.panel
    panel.set_mode(Mode(mode_name))
    panel.nick_edit.setText(nick)
    panel.local_host_box.setEditText(LOCALHOST)
    panel.local_port_box.setValue(local_port)
    panel.remote_host_edit.setText(LOCALHOST)
    panel.remote_port_box.setValue(remote_port)
    window.show()
    return window


def start_and_wait_bound(window) -> int:
    """Press Start; the port the room or UDP socket bound."""
    bound: list[int] = []
    window.controller.bound.connect(lambda _host, port: bound.append(port))
    window.panel.start_button.click()
    wait_until(lambda: bool(bound), SETUP_TIMEOUT, "the socket to bind")
    return bound[0]


def start_and_wait_joined(window) -> str:
    joined: list[str] = []
    window.controller.joined.connect(joined.append)
    window.panel.start_button.click()
    wait_until(lambda: bool(joined), SETUP_TIMEOUT, "the client to join")
    return joined[0]


def close_windows(windows: list) -> dict[str, Any]:
    """Close every window (which stops and joins its session thread)."""
    for window in windows:
        window.close()
    spin(0.05)
    alive = sum(1 for window in windows if window.controller.thread_alive())
    return {"windows": len(windows), "session_threads_alive": alive}


class Arrivals:
    """Time-stamps the moment a given text is inserted into a model as a peer's row."""

    def __init__(self, model) -> None:
        from gui_chat.ui.chat_model import EntryKind

        self._peer = EntryKind.PEER
        self.model = model
        self.expect: str | None = None
        self.arrived: float | None = None
        self.loop = QEventLoop()
        model.rowsInserted.connect(self._on_rows)

    def _on_rows(self, _parent, first: int, last: int) -> None:
        if self.expect is None:
            return
        for row in range(first, last + 1):
            entry = self.model.entry(row)
            if entry.kind is self._peer and entry.text == self.expect:
                self.arrived = time.perf_counter()
                self.expect = None
                self.loop.quit()
                return


# ----- latency ------------------------------------------------------------------------------
def tcp_round_trips(count: int, warmup: int) -> list[float]:
    """One-way times (round trip / 2) of plain blocking TCP sockets with TCP_NODELAY."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind((LOCALHOST, 0))
    server.listen(1)
    server.settimeout(5.0)

    def echo() -> None:
        try:
            conn, _ = server.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(5.0)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                while data := conn.recv(4096):
                    conn.sendall(data)
            except OSError:
                pass

    thread = threading.Thread(target=echo, name="tcp-echo")
    thread.start()
    payload = json.dumps({"t": "chat", "id": "x" * 32, "text": "latency probe"}).encode()
    times: list[float] = []
    try:
        with socket.create_connection(server.getsockname(), timeout=5.0) as client:
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for i in range(warmup + count):
                started = time.perf_counter()
                client.sendall(payload)
                received = 0
                while received < len(payload):
                    chunk = client.recv(4096)
                    if not chunk:
                        raise ConnectionError("echo closed")
                    received += len(chunk)
                if i >= warmup:
                    times.append((time.perf_counter() - started) / 2)
    finally:
        thread.join(5.0)
        server.close()
    return times


def udp_round_trips(count: int, warmup: int) -> list[float]:
    """One-way times (round trip / 2) of plain blocking UDP sockets."""
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind((LOCALHOST, 0))
    server.settimeout(5.0)

    def echo() -> None:
        try:
            while True:
                data, address = server.recvfrom(2048)
                if data == b"STOP":
                    return
                server.sendto(data, address)
        except OSError:
            return

    thread = threading.Thread(target=echo, name="udp-echo")
    thread.start()
    payload = json.dumps({"t": "chat", "id": "x" * 32, "text": "latency probe"}).encode()
    times: list[float] = []
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client.settimeout(2.0)
    try:
        for i in range(warmup + count):
            started = time.perf_counter()
            client.sendto(payload, server.getsockname())
            client.recvfrom(2048)
            if i >= warmup:
                times.append((time.perf_counter() - started) / 2)
    finally:
        client.sendto(b"STOP", server.getsockname())
        thread.join(5.0)
        client.close()
        server.close()
    return times


def paced_latencies(
    send_one: Callable[[str], tuple[float, float | None]],
    pause: Callable[[float], None],
    label: str,
    count: int,
    warmup: int,
    budget: float,
) -> dict[str, Any]:
    """Send ``warmup + count`` messages, one every :data:`PACE_S`; the latencies of the
    last ``count``. ``send_one(text)`` gives (sent, arrived or ``None``) in perf_counter
    seconds; ``pause(seconds)`` waits in the way the caller's windows need."""
    times: list[float] = []
    lost: list[int] = []
    deadline = time.monotonic() + budget
    for i in range(warmup + count):
        if time.monotonic() > deadline:
            break
        sent, arrived = send_one(f"{label} {i:06d} the quick brown fox")
        if arrived is None:
            lost.append(i)
        elif i >= warmup:
            times.append(arrived - sent)
        pause(max(0.0, sent + PACE_S - time.perf_counter()))
    result = summary_ms(times)
    result["timed_out"] = len(lost)
    result["timed_out_messages"] = lost  # their numbers, the warm-up's first
    result["complete"] = len(times) == count and not lost
    result["pace_s"] = PACE_S
    return result


def measure_path(sender, receiver: Arrivals, label: str, count: int, warmup: int, budget: float):
    """The latencies from window ``sender`` to ``receiver``, both in this process."""
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(receiver.loop.quit)

    def send_one(text: str) -> tuple[float, float | None]:
        receiver.expect = text
        receiver.arrived = None
        started = time.perf_counter()
        sender.controller.send(text)
        if receiver.arrived is None:
            timer.start(MESSAGE_TIMEOUT_MS)
            receiver.loop.exec()
            timer.stop()
        if receiver.arrived is None:
            receiver.expect = None
        return started, receiver.arrived

    return paced_latencies(send_one, spin, label, count, warmup, budget)


def run_latency(count: int, warmup: int, budget: float) -> dict[str, Any]:
    result: dict[str, Any] = {"messages": count, "warmup": warmup}
    # Baselines first, while no other thread of ours is running.
    result["baseline_tcp"] = summary_ms(tcp_round_trips(max(count, 1000), 50))
    result["baseline_udp"] = summary_ms(udp_round_trips(max(count, 1000), 50))
    started = time.perf_counter()
    result.update(run_latency_processes(count, warmup, budget))
    result["windows"] = "one process each"
    result["processes_s"] = round(time.perf_counter() - started, 3)
    result["one_process"] = run_latency_one_process(count, warmup, budget)
    return result


def run_latency_one_process(count: int, warmup: int, budget: float) -> dict[str, Any]:
    """The three paths with every window in this process (one GUI thread for all)."""
    result: dict[str, Any] = {}
    app = make_application()
    windows: list = []
    phases: dict[str, float] = {}
    result["phase_s"] = phases
    mark = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        phases[name] = round(now - mark, 3)
        mark = now

    try:
        host = open_window("host", "host")
        windows.append(host)
        port = start_and_wait_bound(host)
        alice = open_window("join", "alice", remote_port=port)
        windows.append(alice)
        start_and_wait_joined(alice)
        bob = open_window("join", "bob", remote_port=port)
        windows.append(bob)
        start_and_wait_joined(bob)
        wait_until(lambda: alice.people.count() == 3, SETUP_TIMEOUT, "alice to see 3 people")
        spin(0.1)
        phase("room_setup")
        result["tcp_host_to_client"] = measure_path(
            host, Arrivals(alice.model), "h2c", count, warmup, budget
        )
        phase("host_to_client")
        result["tcp_client_to_client"] = measure_path(
            alice, Arrivals(bob.model), "c2c", count, warmup, budget
        )
        phase("client_to_client")

        udp_a = open_window("udp", "udp-a")
        windows.append(udp_a)
        port_a = start_and_wait_bound(udp_a)
        udp_b = open_window("udp", "udp-b", remote_port=port_a)
        windows.append(udp_b)
        start_and_wait_bound(udp_b)
        spin(0.1)
        phase("udp_setup")
        result["udp"] = measure_path(udp_b, Arrivals(udp_a.model), "udp", count, warmup, budget)
        phase("udp")
    finally:
        result["teardown"] = close_windows(windows)
        phase("teardown")
    del app
    return result


# ----- latency, one process per window -----------------------------------------------------
class WindowAgent:
    """One window in a process of its own (``window`` below), driven by line commands:
    ``send TEXT`` (answers ``sent T``), ``expect PREFIX`` (then ``arrived T TEXT`` for
    each peer row whose text starts with PREFIX), ``people`` and ``quit``."""

    def __init__(self, window) -> None:
        from gui_chat.ui.chat_model import EntryKind

        self.window = window
        self._peer = EntryKind.PEER
        self.prefix: str | None = None
        self.done = QEventLoop()
        self._buffer = b""
        window.model.rowsInserted.connect(self._on_rows)
        os.set_blocking(sys.stdin.fileno(), False)
        self._notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
        self._notifier.activated.connect(self._on_input)

    @staticmethod
    def say(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def _on_rows(self, _parent, first: int, last: int) -> None:
        if self.prefix is None:
            return
        stamp = time.perf_counter()
        for row in range(first, last + 1):
            entry = self.window.model.entry(row)
            if entry.kind is self._peer and entry.text.startswith(self.prefix):
                self.say(f"arrived {stamp!r} {entry.text}")

    def _on_input(self) -> None:
        try:
            data = os.read(sys.stdin.fileno(), 65536)
        except BlockingIOError:
            return
        if not data:
            self._notifier.setEnabled(False)
            self.done.quit()
            return
        self._buffer += data
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            self._command(line.decode("utf-8"))

    def _command(self, line: str) -> None:
        word, _, rest = line.partition(" ")
        if word == "send":
            stamp = time.perf_counter()
            self.window.controller.send(rest)
            self.say(f"sent {stamp!r}")
        elif word == "expect":
            self.prefix = rest
            self.say("expecting")
        elif word == "people":
            self.say(f"people {self.window.people.count()}")
        elif word == "quit":
            self._notifier.setEnabled(False)
            self.done.quit()


def run_window(mode: str, nick: str, remote_port: int) -> dict[str, Any]:
    """The ``window`` section: one shown window, started, then driven over stdin."""
    app = make_application()
    window = open_window(mode, nick, remote_port=remote_port)
    try:
        if mode == "join":
            WindowAgent.say(f"joined {start_and_wait_joined(window)}")
        else:
            WindowAgent.say(f"bound {start_and_wait_bound(window)}")
        agent = WindowAgent(window)
        agent.done.exec()
    finally:
        teardown = close_windows([window])
    del app
    return {"teardown": teardown, "cpu_s": round(time.process_time(), 3)}


class AgentProcess:
    """A ``window`` process seen from the coordinator: commands in, lines out."""

    #: The module run as ``python -m MODULE window …`` (see :mod:`bench.hops`).
    MODULE = "bench.gui_bench"

    def __init__(self, mode: str, nick: str, remote_port: int = 0) -> None:
        command = [sys.executable, "-m", self.MODULE, "window", "--mode", mode]
        command += ["--nick", nick, "--remote-port", str(remote_port)]
        if STATE_ROOT is None:
            command.append("--no-history")
        else:
            command += ["--state-root", str(STATE_ROOT)]
        self.nick = nick
        self.proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self._selector = selectors.DefaultSelector()
        self._selector.register(self.proc.stdout, selectors.EVENT_READ)
        self._buffer = b""
        self.result: dict[str, Any] | None = None

    def command(self, line: str) -> None:
        self.proc.stdin.write(line.encode("utf-8") + b"\n")
        self.proc.stdin.flush()

    def line(self, timeout: float) -> str | None:
        """The next line it printed, or ``None`` after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not self._selector.select(left):
                return None
            data = os.read(self.proc.stdout.fileno(), 65536)
            if not data:
                raise ConnectionError(f"the {self.nick} window process ended")
            self._buffer += data
        line, _, self._buffer = self._buffer.partition(b"\n")
        text = line.decode("utf-8")
        if text.startswith("BENCH-RESULT "):
            self.result = json.loads(text[len("BENCH-RESULT ") :])
        return text

    def wait_for(self, word: str, timeout: float) -> str:
        """The rest of the next line starting with ``word``; raise after ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            line = self.line(max(0.0, deadline - time.monotonic()))
            if line is None:
                raise TimeoutError(f"timed out waiting for {word!r} from {self.nick}")
            head, _, rest = line.partition(" ")
            if head == word:
                return rest

    def close(self) -> dict[str, Any]:
        """Quit, and end the process (killed if it does not end by itself)."""
        if self.proc.poll() is None:
            try:
                self.command("quit")
                while self.result is None and self.line(5.0) is not None:
                    pass
            except (OSError, ConnectionError):
                pass
        try:
            self.proc.wait(5.0)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._selector.close()
        result = self.result or {}
        teardown = result.get("teardown", {})
        return {"exit_code": self.proc.returncode, "cpu_s": result.get("cpu_s"), **teardown}


def measure_path_between(
    sender: AgentProcess, receiver: AgentProcess, label: str, count: int, warmup: int, budget: float
) -> dict[str, Any]:
    """Like :func:`measure_path`, with sender and receiver in processes of their own."""
    receiver.command(f"expect {label} ")
    receiver.wait_for("expecting", SETUP_TIMEOUT)  # before the first message can arrive

    def send_one(text: str) -> tuple[float, float | None]:
        sender.command(f"send {text}")
        sent = float(sender.wait_for("sent", MESSAGE_TIMEOUT_MS / 1000))
        wait_until = time.monotonic() + MESSAGE_TIMEOUT_MS / 1000
        while (line := receiver.line(max(0.0, wait_until - time.monotonic()))) is not None:
            head, _, rest = line.partition(" ")
            stamp, _, arrived_text = rest.partition(" ")
            if head == "arrived" and arrived_text == text:
                return sent, float(stamp)
        return sent, None

    return paced_latencies(send_one, time.sleep, label, count, warmup, budget)


def run_latency_processes(
    count: int, warmup: int, budget: float, agent_class: type[AgentProcess] = AgentProcess
) -> dict[str, Any]:
    """The three paths with every window in a process (an ``agent_class``) of its own."""
    result: dict[str, Any] = {}
    agents: list[AgentProcess] = []

    def started(mode: str, nick: str, remote_port: int = 0) -> tuple[AgentProcess, str]:
        """A window process, once it has bound or joined; what it said then."""
        agent = agent_class(mode, nick, remote_port)
        agents.append(agent)  # closed at the end even if it never starts
        return agent, agent.wait_for("joined" if mode == "join" else "bound", SETUP_TIMEOUT)

    try:
        host, port = started("host", "host")
        alice, _ = started("join", "alice", int(port))
        bob, _ = started("join", "bob", int(port))
        deadline = time.monotonic() + SETUP_TIMEOUT
        while True:
            alice.command("people")
            if alice.wait_for("people", SETUP_TIMEOUT) == "3":
                break
            if time.monotonic() > deadline:
                raise TimeoutError("timed out waiting for alice to see 3 people")
            time.sleep(0.02)
        result["tcp_host_to_client"] = measure_path_between(
            host, alice, "h2c", count, warmup, budget
        )
        result["tcp_client_to_client"] = measure_path_between(
            alice, bob, "c2c", count, warmup, budget
        )
        udp_a, port_a = started("udp", "udp-a")
        udp_b, _ = started("udp", "udp-b", int(port_a))
        result["udp"] = measure_path_between(udp_b, udp_a, "udp", count, warmup, budget)
    finally:
        result["teardown"] = [agent.close() for agent in agents]
    return result


# ----- flood --------------------------------------------------------------------------------
def baseline_plain_decode(hello: bytes, chats: bytes, count: int) -> dict[str, Any]:
    """The same bytes over loopback TCP into a plain Python frame splitter + json.loads."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind((LOCALHOST, 0))
    server.listen(1)
    server.settimeout(5.0)

    def send() -> None:
        with socket.create_connection(server.getsockname(), timeout=10.0) as sock:
            sock.sendall(hello + chats)

    thread = threading.Thread(target=send, name="plain-sender")
    started = time.perf_counter()
    thread.start()
    decoded = 0
    try:
        conn, _ = server.accept()
        with conn:
            conn.settimeout(10.0)
            buf = bytearray()
            while decoded < count + 1:
                data = conn.recv(256 * 1024)
                if not data:
                    break
                buf += data
                off, end = 0, len(buf)
                while end - off >= 4:
                    size = int.from_bytes(buf[off : off + 4], "big")
                    if end - off - 4 < size:
                        break
                    json.loads(bytes(buf[off + 4 : off + 4 + size]))
                    decoded += 1
                    off += 4 + size
                del buf[:off]
    finally:
        thread.join(10.0)
        server.close()
    elapsed = time.perf_counter() - started
    return {
        "messages": decoded - 1,
        "elapsed_s": round(elapsed, 4),
        "msgs_per_s": round((decoded - 1) / elapsed, 1),
    }


def baseline_protocol_decode(hello: bytes, chats: bytes, count: int) -> dict[str, Any]:
    """The same bytes through gui_chat's sans-IO Connection alone (no sockets, no threads)."""
    from gui_chat.protocol import Connection

    data = hello + chats
    connection = Connection()
    started = time.perf_counter()
    decoded = 0
    for offset in range(0, len(data), 256 * 1024):
        connection.receive_data(data[offset : offset + 256 * 1024])
        while connection.next_event() is not None:
            decoded += 1
    elapsed = time.perf_counter() - started
    return {
        "messages": decoded - 1,
        "elapsed_s": round(elapsed, 4),
        "msgs_per_s": round((decoded - 1) / elapsed, 1),
    }


class StallMeter:
    """A 5 ms QTimer; the longest gap between two of its ticks while armed."""

    def __init__(self, interval_ms: int = 5) -> None:
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.worst = 0.0
        self.ticks = 0

    def start(self) -> None:
        self.worst, self.ticks = 0.0, 0
        self.last = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now
        self.ticks += 1

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        return self.worst


def end_flood_peer(peer: subprocess.Popen) -> dict[str, Any]:
    """Tell the flood peer it is over; its result (killed if it does not end)."""
    try:
        output, _ = peer.communicate("done\n", timeout=SETUP_TIMEOUT)
    except (OSError, ValueError, subprocess.TimeoutExpired):
        peer.kill()
        output, _ = peer.communicate()
    for line in output.splitlines():
        if line.startswith("BENCH-RESULT "):
            return json.loads(line[len("BENCH-RESULT ") :])
    return {"error": f"the flood peer ended with {peer.returncode} and no result"}


def run_flood(count: int, budget: float) -> dict[str, Any]:
    from gui_chat.ui.chat_model import EntryKind

    hello, chats = flood_bytes(flood_ids(count))  # the ids are not kept
    result: dict[str, Any] = {"messages": count, "bytes": len(hello) + len(chats)}
    result["baseline_plain_python"] = baseline_plain_decode(hello, chats, count)
    result["baseline_protocol_only"] = baseline_protocol_decode(hello, chats, count)

    app = make_application()
    windows: list = []
    peer: subprocess.Popen | None = None
    try:
        window = open_window("host", "host")
        windows.append(window)
        port = start_and_wait_bound(window)
        spin(0.2)
        result["before"] = proc_status()

        model = window.model
        peer_kind = EntryKind.PEER
        received = [0]
        done_loop = QEventLoop()
        done_at: list[float] = []

        def on_rows(_parent, _first: int, last: int) -> None:
            # A large batch puts only its newest rows into the view (the rest go straight
            # to the scrollback), and the frames arrive in order: the newest flood row's
            # number tells how many arrived. They are all counted once at the end.
            entry = model.entry(last)
            if entry.kind is peer_kind and entry.text.startswith("flood "):
                received[0] = max(received[0], int(entry.text.split()[1]) + 1)
            if received[0] >= count and not done_at:
                done_at.append(time.perf_counter())
                done_loop.quit()

        model.rowsInserted.connect(on_rows)

        command = [sys.executable, "-m", "bench.flood_peer", "--port", str(port)]
        peer = subprocess.Popen(
            [*command, "--messages", str(count)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if peer.stdout.readline().strip() != "ready":  # it joined and said hello
            raise RuntimeError("the flood peer did not start")
        wait_until(lambda: window.people.count() == 2, SETUP_TIMEOUT, "the flood peer")

        stall = StallMeter()
        stall.start()
        started = time.perf_counter()
        cpu_started = time.process_time()
        peer.stdin.write("go\n")
        peer.stdin.flush()
        timeout = QTimer()
        timeout.setSingleShot(True)
        timeout.timeout.connect(done_loop.quit)
        timeout.start(int(budget * 1000))
        if not done_at:
            done_loop.exec()
        timeout.stop()
        flood_stall = stall.stop()
        cpu = time.process_time() - cpu_started  # every thread of this process
        finished = done_at[0] if done_at else time.perf_counter()
        elapsed = finished - started
        received[0] = sum(entry.kind is peer_kind for entry in model.entries())
        result.update(
            {
                "received": received[0],
                "complete": received[0] >= count,
                "elapsed_s": round(elapsed, 4),
                "msgs_per_s": round(received[0] / elapsed, 1),
                "cpu_s": round(cpu, 3),
                "cpu_us_per_msg": round(cpu / max(1, received[0]) * 1e6, 2),
                "worst_stall_ms": round(flood_stall * 1000, 2),
                "stall_ticks": stall.ticks,
            }
        )

        # Let the view lay out and scroll to the newest row, then read the memory.
        view = window.chat_view
        bar = view.verticalScrollBar()
        stall.start()
        settle_started = time.perf_counter()
        last_max, stable_since = -1, time.perf_counter()
        while time.perf_counter() - settle_started < budget / 2:
            spin(0.05)
            if bar.maximum() != last_max:
                last_max, stable_since = bar.maximum(), time.perf_counter()
            elif time.perf_counter() - stable_since > 0.3 and bar.value() == bar.maximum():
                break
        settle_stall = stall.stop()
        result["layout_settle_s"] = round(stable_since - settle_started, 3)
        result["layout_worst_stall_ms"] = round(settle_stall * 1000, 2)
        result["model_rows"] = model.rowCount()
        result["model_entries"] = model.entry_count()  # rows plus the scrollback
        result["view_at_bottom"] = bar.value() == bar.maximum() and bar.maximum() > 0
        result["after"] = proc_status()
        result["rss_mib"] = mib(result["after"].get("VmRSS"))
        result["hwm_mib"] = mib(result["after"].get("VmHWM"))
        result["rss_before_mib"] = mib(result["before"].get("VmRSS"))
    finally:
        try:
            if peer is not None:
                result["peer"] = end_flood_peer(peer)
                result["acks"] = result["peer"].get("acks")
                result["send_s"] = result["peer"].get("send_s")
        finally:
            result["teardown"] = close_windows(windows)
    del app
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("section", choices=["latency", "flood", "window"])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per measurement")
    parser.add_argument(
        "--switch-interval",
        type=float,
        help="sys.setswitchinterval() for this process (a diagnostic: GIL hand-over time)",
    )
    parser.add_argument(
        "--no-history", action="store_true", help="windows keep no history (state_dir=None)"
    )
    parser.add_argument("--mode", choices=["host", "join", "udp"], help="window: its mode")
    parser.add_argument("--nick", default="window", help="window: its nickname")
    parser.add_argument("--remote-port", type=int, default=0, help="window: port to join")
    parser.add_argument("--state-root", type=Path, help="window: where it keeps its state")
    parser.add_argument(
        "--no-guard",
        action="store_true",
        help="do not protect None/True/False (see bench.common.guard_singleton_refcounts)",
    )
    args = parser.parse_args(argv)
    from gui_chat.logs import setup_logging

    setup_logging("WARNING")
    drift = singleton_refcount_drift()
    broken = drift["none"] < 0 or drift["true"] < 0
    guarded = guard_singleton_refcounts() if broken and not args.no_guard else False
    global STATE_ROOT
    if args.section == "window":
        STATE_ROOT = None if args.no_history else args.state_root
        emit_result(run_window(args.mode, args.nick, args.remote_port))
        return 0
    if not args.no_history:
        STATE_ROOT = Path(tempfile.mkdtemp(prefix="gui_chat_bench_state_"))
    if args.switch_interval:
        make_application()  # first, so that the override below is not undone by it
        sys.setswitchinterval(args.switch_interval)
    try:
        if args.section == "latency":
            result = run_latency(args.messages, args.warmup, args.budget)
        else:
            result = run_flood(args.messages, args.budget)
    except Exception as exc:
        result = {"error": f"{type(exc).__name__}: {exc}"}
    finally:
        if STATE_ROOT is not None:
            shutil.rmtree(STATE_ROOT, ignore_errors=True)
    result["history"] = STATE_ROOT is not None
    result["switch_interval_s"] = sys.getswitchinterval()
    result["singleton_refcount_drift"] = drift
    result["singleton_guard_applied"] = guarded
    result["process"] = proc_status()
    emit_result(result)
    return 0 if "error" not in result else 1


if __name__ == "__main__":
    sys.exit(main())
