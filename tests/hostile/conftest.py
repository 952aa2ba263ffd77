"""Helpers for the hostile-peer tests: rooms in real windows (tuned in code), helper
threads, a GUI heartbeat, and steps the tests share.

Sessions on threads (``sessions``), plain sockets (``raw``) and the window driver come
from tests/support/. Teardown closes every window, stops and joins every session thread
and closes every socket, also when a test fails.
"""

from __future__ import annotations

import contextlib
import gc
import os
import queue
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtWidgets import QMessageBox

from gui_chat.net.events import ChatDelivered, ChatReceived
from gui_chat.net.loop import EventSink, SessionLoop
from gui_chat.net.room import RoomConfig, RoomServer
from gui_chat.ui.session_settings import Mode, SessionSettings
from tests.support import LOCALHOST, WAIT, WAIT_MS
from tests.support.sessions import Session, Sessions
from tests.support.windows import Driver, Windows


@pytest.fixture
def sessions() -> Iterator[Sessions]:
    """The shared fixture, but a flooded room gets 5 s (not 2) to stop at teardown."""
    with Sessions(join_timeout=5.0) as started:
        yield started


class Threads:
    """Helper threads whose exceptions are re-raised and which are always joined."""

    def __init__(self) -> None:
        self._threads: list[tuple[threading.Thread, list[BaseException]]] = []

    def start(self, target: Callable[[], Any], name: str) -> threading.Thread:
        errors: list[BaseException] = []

        def run() -> None:
            try:
                target()
            except BaseException as exc:  # handed to the test on join
                errors.append(exc)

        thread = threading.Thread(target=run, name=f"hostile-{name}", daemon=True)
        self._threads.append((thread, errors))
        thread.start()
        return thread

    def join_all(self, timeout: float = 10.0) -> None:
        problems = []
        for thread, errors in self._threads:
            thread.join(timeout)
            if thread.is_alive():
                problems.append(f"{thread.name} still running")
            problems.extend(f"{thread.name}: {exc!r}" for exc in errors)
        self._threads.clear()
        assert not problems, "; ".join(problems)


@pytest.fixture
def threads() -> Iterator[Threads]:
    helpers = Threads()
    try:
        yield helpers
    finally:
        helpers.join_all()


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


# ----- real windows ---------------------------------------------------------------------------
@dataclass(frozen=True)
class TunedSettings(SessionSettings):
    """The panel's settings with a room configured in code (limits, keepalive)."""

    room: RoomConfig | None = None

    def make_session(self, sink: EventSink) -> SessionLoop:
        if self.room is not None:
            return RoomServer(self.room, sink)
        return super().make_session(sink)


class HostileDriver(Driver):
    """A window whose room can be tuned in code, and whose session thread can be reached."""

    def __init__(self, qtbot, window) -> None:
        super().__init__(qtbot, window)
        self.ports: list[int] = []  # where this window's sessions listened

    def host(self, nick: str = "host", port: int = 0, *, raw: bool = False, **room: Any) -> int:
        """Host a room (or a raw TCP server) on 127.0.0.1; the port it got.

        ``room`` fields (``max_clients``, ``keepalive``…) make a :class:`RoomConfig`.
        """
        self.setup(Mode.HOST, nick, local_port=port, raw=raw)
        settings = self.window.panel.settings()
        if room:
            config = RoomConfig(host=LOCALHOST, port=0, nick=nick, **room)
            settings = TunedSettings(**{**settings.__dict__, "room": config})
        controller = self.window.controller
        with self.qtbot.waitSignal(controller.bound, timeout=WAIT_MS) as bound:
            self.window.panel.start_requested.emit(settings)
        self.ports.append(bound.args[1])
        return bound.args[1]

    @property
    def session(self) -> SessionLoop:
        worker = self.window.controller._worker
        assert worker is not None
        return worker.session

    def in_loop(self, function: Callable[[], Any]) -> Any:
        """Run ``function`` on the session's own thread and return its result."""
        answer: queue.Queue[Any] = queue.Queue()
        assert self.session.call_soon(lambda: answer.put(function()))
        return answer.get(timeout=WAIT)


@pytest.fixture
def open_window(qtbot) -> Iterator[Callable[[], HostileDriver]]:
    """Open real windows; at teardown close them, close the sockets a crashed session
    left open, and check every session thread ended."""
    windows = Windows(qtbot, HostileDriver)
    yield windows.open
    windows.close()
    crashed = [
        driver
        for driver in windows.drivers
        if any("internal error" in text for text in driver.system_texts())
    ]
    leaked = _close_leaked_sockets({port for driver in crashed for port in driver.ports})
    windows.check_ended()
    assert not leaked, f"a session that failed left {len(leaked)} socket(s) open: {leaked[:3]}"


def _close_leaked_sockets(ports: set[int]) -> list[str]:
    """Close sockets still open on ``ports`` (a session loop that died mid-way leaves
    the one it was dropping open); what they were. Closed here, so the
    ResourceWarning does not land on a later test."""
    if not ports:
        return []
    leaked = []
    for obj in gc.get_objects():
        if isinstance(obj, socket.socket) and obj.fileno() != -1:
            with contextlib.suppress(OSError):
                if obj.getsockname()[1] in ports:
                    leaked.append(repr(obj))
                    obj.close()
    return leaked


@pytest.fixture
def host(open_window) -> HostileDriver:
    """A real window hosting a room on 127.0.0.1 (started by the test)."""
    return open_window()


class Heartbeat:
    """A 10 ms QTimer on the GUI thread; :attr:`worst_ms` is the longest gap seen."""

    def __init__(self, interval_ms: int = 10) -> None:
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.clock = QElapsedTimer()
        self.worst_ms = 0
        self.beats = 0
        self.timer.timeout.connect(self._beat)

    def _beat(self) -> None:
        self.beats += 1
        self.worst_ms = max(self.worst_ms, self.clock.restart())

    def start(self) -> None:
        self.worst_ms = 0
        self.beats = 0
        self.clock.start()
        self.timer.start()

    def stop(self) -> int:
        """Stop; the worst gap, counting the time since the last beat too."""
        self.worst_ms = max(self.worst_ms, self.clock.elapsed())
        self.timer.stop()
        return self.worst_ms


@pytest.fixture
def heartbeat(qapp) -> Iterator[Heartbeat]:
    beat = Heartbeat()
    try:
        yield beat
    finally:
        beat.timer.stop()
        beat.timer.deleteLater()


# ----- shared steps ------------------------------------------------------------------------
def friends(sessions: Sessions, port: int) -> tuple[Session, Session]:
    """Two well-behaved clients in the room."""
    return sessions.joined(port, "alice"), sessions.joined(port, "bob")


def still_chatting(host: Driver, alice: Session, bob: Session, tag: str) -> None:
    """alice → bob and the host window, and the host (typing) → bob, all still work."""
    text = f"still here after {tag}"
    alice.send_chat(f"a-{tag}", text)
    got = bob.wait_for(ChatReceived, lambda e: e.text == text)
    assert got.sender == "alice"
    alice.wait_for(ChatDelivered, lambda e: e.id == f"a-{tag}")
    host.wait_received(text)
    host.window.input.setPlainText(f"host says {tag}")
    host.window.send_button.click()
    got = bob.wait_for(ChatReceived, lambda e: e.text == f"host says {tag}")
    assert got.sender == "host"


def open_whole_message(driver: Driver, row: int) -> QMessageBox:
    """Double-click ``row`` like a user; the dialog that opens."""
    view, qtbot = driver.window.chat_view, driver.qtbot
    index = driver.window.model.index(row)
    view.scrollTo(index)
    qtbot.waitUntil(lambda: view.visualRect(index).isValid(), timeout=WAIT_MS)
    centre = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    found: list[QMessageBox] = []

    def opened() -> bool:
        found[:] = [d for d in view.findChildren(QMessageBox) if d.isVisible()]
        return bool(found)

    qtbot.waitUntil(opened, timeout=WAIT_MS)
    assert len(found) == 1
    return found[0]
