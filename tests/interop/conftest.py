"""Raw mode against real programs: tutorial-style peers in subprocesses, and netcat.

Windows are driven like a user would (the shared driver in tests/support/windows.py,
in raw mode); peers are real processes on 127.0.0.1 whose stdout is read by a thread per
pipe and waited for with ``qtbot.waitUntil``, so the Qt event loop keeps running.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.exceptions import TimeoutError as QtTimeoutError

from gui_chat.ui.chat_model import ChatEntry, Delivery, EntryKind
from gui_chat.ui.session_settings import Mode
from tests.support import WAIT_MS
from tests.support.windows import Driver, Windows

PEERS = Path(__file__).parent / "peers"


# ----- peer processes ---------------------------------------------------------------------
class Peer:
    """A running program whose stdout and stderr are collected as they come."""

    def __init__(self, qtbot, args: list[str], name: str) -> None:
        self.qtbot = qtbot
        self.name = name
        self.args = args
        self._lock = threading.Lock()
        self._out = bytearray()
        self._err = bytearray()
        self.proc = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        self._threads = [
            threading.Thread(target=self._pump, args=(self.proc.stdout, self._out), daemon=True),
            threading.Thread(target=self._pump, args=(self.proc.stderr, self._err), daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _pump(self, pipe, buffer: bytearray) -> None:
        fd = pipe.fileno()
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                buffer += chunk

    # ----- what it printed ----------------------------------------------------------------
    @property
    def stdout(self) -> bytes:
        with self._lock:
            return bytes(self._out)

    @property
    def stderr(self) -> bytes:
        with self._lock:
            return bytes(self._err)

    def lines(self, stream: str = "stdout") -> list[str]:
        """The complete lines printed so far."""
        data = self.stdout if stream == "stdout" else self.stderr
        text = data.decode("utf-8", "backslashreplace")
        return text.split("\n")[:-1]

    def received(self) -> list[bytes]:
        """Each chunk the peer reported with a ``recv HEX`` line, in order."""
        return [bytes.fromhex(line.split()[1]) for line in self.lines() if line.startswith("recv ")]

    def received_bytes(self) -> bytes:
        return b"".join(self.received())

    def describe(self) -> str:
        code = self.proc.poll()
        state = "running" if code is None else f"exited with {code}"
        return f"{self.name} ({state})\n  stdout: {self.stdout!r}\n  stderr: {self.stderr!r}"

    # ----- waiting --------------------------------------------------------------------------
    def wait_until(self, predicate: Callable[[], bool], what: str, timeout: int = WAIT_MS) -> None:
        try:
            self.qtbot.waitUntil(predicate, timeout=timeout)
        except QtTimeoutError:
            raise AssertionError(f"timed out waiting for {what}\n{self.describe()}") from None

    def port(self) -> int:
        """The port announced on the first stdout line."""
        self.wait_until(lambda: len(self.lines()) >= 1, "the port line")
        return int(self.lines()[0])

    def wait_received(self, count: int) -> list[bytes]:
        """Wait until ``count`` ``recv`` lines were printed; all of them."""
        self.wait_until(lambda: len(self.received()) >= count, f"{count} received chunk(s)")
        return self.received()

    def wait_received_bytes(self, expected: bytes) -> None:
        """Wait until what the peer received adds up to at least ``len(expected)``."""
        self.wait_until(
            lambda: len(self.received_bytes()) >= len(expected),
            f"the peer to receive {expected!r}",
        )
        assert self.received_bytes() == expected, self.describe()

    def wait_stdout(self, expected: bytes) -> None:
        """Wait until stdout holds ``len(expected)`` bytes, then compare exactly."""
        self.wait_until(lambda: len(self.stdout) >= len(expected), f"stdout {expected!r}")
        assert self.stdout == expected, self.describe()

    def wait_stderr_line(self, prefix: str) -> str:
        def found() -> bool:
            return any(line.startswith(prefix) for line in self.lines("stderr"))

        self.wait_until(found, f"a stderr line starting {prefix!r}")
        return next(line for line in self.lines("stderr") if line.startswith(prefix))

    def wait_exit_ok(self, timeout: int = WAIT_MS) -> None:
        """Wait until the program ends on its own, and check it ended well."""

        def ended() -> bool:  # and all it printed has been read
            return self.proc.poll() is not None and not any(t.is_alive() for t in self._threads)

        self.wait_until(ended, "the process to exit", timeout)
        assert self.proc.returncode == 0, self.describe()

    # ----- talking to it ------------------------------------------------------------------
    def write(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def close_stdin(self) -> None:
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except BrokenPipeError:
                pass

    def finish(self) -> None:
        """Kill it if it still runs, reap it, and close every pipe."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        for thread in self._threads:
            thread.join(timeout=10)
        self.close_stdin()
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()


@pytest.fixture
def spawn(qtbot) -> Iterator[Callable[..., Peer]]:
    """Start peers: ``spawn("tcp_upper_server.py", *args)`` runs a script in peers/,
    ``spawn("/usr/bin/nc", *args)`` any program. All are killed and reaped at teardown."""
    started: list[Peer] = []

    def start(program: str, *args: str) -> Peer:
        if program.endswith(".py"):
            argv = [sys.executable, "-u", str(PEERS / program), *args]
        else:
            argv = [program, *args]
        peer = Peer(qtbot, argv, " ".join([Path(program).name, *args]))
        started.append(peer)
        return peer

    yield start
    problems = []
    for peer in started:
        try:
            peer.finish()
        except Exception as exc:  # still finish the others
            problems.append(f"{peer.name}: {exc!r}")
    assert not problems, problems


# ----- windows ----------------------------------------------------------------------------
class RawDriver(Driver):
    """Drives one MainWindow in raw mode (plain bytes, no nickname) through its widgets."""

    # ----- starting -----------------------------------------------------------------------
    def join(self, port: int, encoding: str = "utf-8") -> None:
        """Connect as a raw TCP client to 127.0.0.1:``port``."""
        self.setup(Mode.JOIN, remote_port=port, raw=True, encoding=encoding)
        self.click_start()
        controller = self.window.controller
        self.wait_until(
            lambda: "Connected to" in self.status() or not controller.running,
            "the raw client to connect",
        )
        assert "Connected to" in self.status(), self.status()

    def host(self, encoding: str = "utf-8") -> int:
        """Start a raw TCP server on 127.0.0.1, any port; the port it got."""
        self.setup(Mode.HOST, raw=True, encoding=encoding)
        return self.start_bound()

    def udp(self, target_port: int, encoding: str = "utf-8") -> int:
        """Start raw UDP on 127.0.0.1, any port, sending to ``target_port``; the port."""
        self.setup(Mode.UDP, remote_port=target_port, raw=True, encoding=encoding)
        return self.start_bound()

    def stop(self) -> None:
        """Press Stop/Disconnect (the session must be running); returns once it ended."""
        assert self.window.controller.running
        super().stop()

    # ----- raw options --------------------------------------------------------------------
    def set_line_ending(self, ending: bytes) -> None:
        box = self.window.raw_options.line_end_box
        # compared in Python: QComboBox.findData matches bytes by object, not by value
        offered = [box.itemData(i) for i in range(box.count())]
        assert ending in offered, f"no line ending {ending!r} offered: {offered}"
        box.setCurrentIndex(offered.index(ending))

    def set_target(self, address: str) -> None:
        """Choose whom a raw server sends to ("" for everyone)."""
        box = self.window.raw_options.target_box
        index = box.findData(address)
        assert index >= 0, f"{address!r} is not offered: {self.targets()}"
        box.setCurrentIndex(index)

    def targets(self) -> list[str]:
        box = self.window.raw_options.target_box
        return [box.itemData(i) for i in range(box.count())]

    # ----- what came in -------------------------------------------------------------------
    def peer_entries(self, sender: str | None = None) -> list[ChatEntry]:
        return [e for e in self.entries(EntryKind.PEER) if sender is None or e.sender == sender]

    def peer_text(self, sender: str | None = None) -> str:
        return "".join(e.text for e in self.peer_entries(sender))

    def peer_bytes(self, sender: str | None = None) -> bytes:
        return b"".join(e.raw or b"" for e in self.peer_entries(sender))

    def wait_peer_text(self, expected: str, sender: str | None = None) -> None:
        """Wait until the text received (from ``sender``) is at least as long as
        ``expected``, then compare exactly."""
        self.wait_until(
            lambda: len(self.peer_text(sender)) >= len(expected), f"received text {expected!r}"
        )
        assert self.peer_text(sender) == expected

    def wait_delivered(self, entry: ChatEntry) -> None:
        self.wait_until(lambda: entry.delivery is Delivery.DELIVERED, f"{entry.text!r} delivered")


@pytest.fixture
def open_window(qtbot, spawn) -> Iterator[Callable[[], RawDriver]]:
    """Open real windows; at teardown (before the peers are killed) close them and
    check every session thread ended."""
    windows = Windows(qtbot, RawDriver)
    yield windows.open
    windows.close_all()
