"""Helpers for the hostile-peer tests: rooms in real windows, headless sessions on
threads, and plain sockets that play a broken or malicious peer.

Copied (and trimmed) from tests/net/conftest.py and tests/gui/conftest.py rather than
imported, so this folder stands on its own. Teardown closes every window, stops and
joins every session thread and closes every socket, also when a test fails.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import queue
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtWidgets import QMessageBox

from gui_chat.net.client import ClientConfig, RoomClient
from gui_chat.net.events import (
    ChatDelivered,
    ChatReceived,
    Connected,
    SessionEnded,
    SessionEvent,
)
from gui_chat.net.loop import EventSink, SessionLoop
from gui_chat.net.room import RoomConfig, RoomServer
from gui_chat.ui.chat_model import ChatEntry, EntryKind
from gui_chat.ui.main_window import MainWindow
from gui_chat.ui.session_settings import Mode, SessionSettings

LOCALHOST = "127.0.0.1"
WAIT = 5.0  # seconds: the longest wait for anything that should happen at once
WAIT_MS = 5000

E = TypeVar("E", bound=SessionEvent)


# ----- headless sessions on threads ---------------------------------------------------------
class Session:
    """One session loop on its own thread; its events are collected in order."""

    def __init__(self, make: Callable[[EventSink], SessionLoop], name: str) -> None:
        self.name = name
        self.events: queue.Queue[list[SessionEvent]] = queue.Queue()
        self.seen: list[SessionEvent] = []
        self._returned: set[int] = set()
        self.loop = make(self._sink)
        self.thread = threading.Thread(target=self.loop.run, name=f"hostile-{name}", daemon=True)

    def _sink(self, events: list[SessionEvent]) -> None:
        self.events.put(list(events))

    def start(self) -> Session:
        self.thread.start()
        return self

    def wait_for(
        self,
        event_type: type[E],
        predicate: Callable[[E], bool] | None = None,
        timeout: float = WAIT,
    ) -> E:
        """The first matching event not returned before; fails after ``timeout`` s."""

        def matches(event: SessionEvent) -> bool:
            return isinstance(event, event_type) and (predicate is None or predicate(event))

        for index, event in enumerate(self.seen):
            if index not in self._returned and matches(event):
                self._returned.add(index)
                return event  # type: ignore[return-value]
        deadline = time.monotonic() + timeout
        while True:
            try:
                batch = self.events.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(
                    f"{self.name}: no {event_type.__name__} (matching) within {timeout:g} s; "
                    f"last seen: {self.seen[-20:]!r}"
                ) from None
            first = len(self.seen)
            self.seen.extend(batch)
            for index, event in enumerate(batch, first):
                if matches(event):
                    self._returned.add(index)
                    return event  # type: ignore[return-value]
            if any(isinstance(event, SessionEnded) for event in batch):
                raise AssertionError(
                    f"{self.name} ended while waiting for {event_type.__name__}; "
                    f"last seen: {self.seen[-20:]!r}"
                )

    def collect(self) -> list[SessionEvent]:
        """Move what is queued now to :attr:`seen`; returns :attr:`seen`."""
        while True:
            try:
                self.seen.extend(self.events.get_nowait())
            except queue.Empty:
                return self.seen

    def of_type(self, event_type: type[E]) -> list[E]:
        return [event for event in self.seen if isinstance(event, event_type)]

    def send_chat(self, message_id: str, text: str) -> None:
        assert self.loop.send_chat(message_id, text)  # type: ignore[attr-defined]


class Sessions:
    """Starts sessions; :meth:`close_all` stops and joins every one of them."""

    def __init__(self) -> None:
        self._all: list[Session] = []

    def start(self, make: Callable[[EventSink], SessionLoop], name: str) -> Session:
        session = Session(make, name)
        self._all.append(session)
        return session.start()

    def room(self, **config: Any) -> Session:
        config.setdefault("host", LOCALHOST)
        room_config = RoomConfig(**config)
        return self.start(lambda sink: RoomServer(room_config, sink), f"room-{room_config.nick}")

    def client(self, port: int, nick: str = "guest", **config: Any) -> Session:
        config.setdefault("host", LOCALHOST)
        client_config = ClientConfig(port=port, nick=nick, **config)
        return self.start(lambda sink: RoomClient(client_config, sink), f"client-{nick}")

    def joined(self, port: int, nick: str, **config: Any) -> tuple[Session, Connected]:
        """A client that is in the room, and its :class:`Connected` event."""
        client = self.client(port, nick, **config)
        return client, client.wait_for(Connected)

    def close_all(self) -> None:
        for session in self._all:
            session.loop.stop()
        problems = []
        for session in self._all:
            session.thread.join(5.0)
            if session.thread.is_alive():
                problems.append(f"{session.name}: thread still running after stop() + join(5)")
                continue
            events = session.collect()
            ends = [i for i, event in enumerate(events) if isinstance(event, SessionEnded)]
            if ends != [len(events) - 1]:
                problems.append(f"{session.name}: SessionEnded not once and last: {events[-5:]!r}")
        assert not problems, "; ".join(problems)


@pytest.fixture
def sessions() -> Iterator[Sessions]:
    started = Sessions()
    try:
        yield started
    finally:
        started.close_all()


# ----- plain-socket peers ---------------------------------------------------------------
def frame(message: dict[str, Any] | bytes) -> bytes:
    """A 4-byte big-endian length, then the payload (a dict is sent as UTF-8 JSON)."""
    payload = message if isinstance(message, bytes) else json.dumps(message).encode("utf-8")
    return struct.pack("!I", len(payload)) + payload


class RawPeer:
    """A blocking TCP socket that speaks (or breaks) the wire format by hand."""

    def __init__(self, sock: socket.socket, timeout: float = WAIT) -> None:
        self.sock = sock
        self.sock.settimeout(timeout)
        self.received: list[dict[str, Any]] = []

    @property
    def address(self) -> str:
        """Our own ``host:port``, as the room names us."""
        host, port = self.sock.getsockname()[:2]
        return f"{host}:{port}"

    def send(self, **message: Any) -> None:
        self.sock.sendall(frame(message))

    def send_bytes(self, data: bytes) -> None:
        self.sock.sendall(data)

    def hello(self, nick: str) -> dict[str, Any]:
        """Say hello and return the room's welcome."""
        self.send(t="hello", nick=nick, version=1)
        return self.recv_until("welcome")

    def _recv_exactly(self, size: int) -> bytes | None:
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                if data:
                    raise AssertionError(f"connection closed in the middle of a frame: {data!r}")
                return None
            data += chunk
        return data

    def recv_message(self) -> dict[str, Any] | None:
        """The next message, or ``None`` when the other side closed the connection."""
        header = self._recv_exactly(4)
        if header is None:
            return None
        (size,) = struct.unpack("!I", header)
        payload = self._recv_exactly(size)
        assert payload is not None, "connection closed after a frame header"
        message = json.loads(payload.decode("utf-8"))
        self.received.append(message)
        return message

    def recv_until(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Skip messages until one of type ``kind`` (with these field values) comes."""
        while True:
            message = self.recv_message()
            if message is None:
                raise AssertionError(
                    f"closed before a {kind!r} {fields or ''} arrived; got {self.received!r}"
                )
            if message.get("t") == kind and all(message.get(k) == v for k, v in fields.items()):
                return message

    def read_to_end(self) -> list[dict[str, Any]]:
        """Every message until the other side closes; fails on time-out."""
        messages = []
        while (message := self.recv_message()) is not None:
            messages.append(message)
        return messages

    def read_until_closed(self) -> tuple[bytes, bool]:
        """Raw bytes until the other side closes, and whether it ended with a reset.

        A room that closes a socket with unread bytes in it makes the kernel send a
        reset, so a peer that sent more than the room read may see one.
        """
        data = b""
        try:
            while chunk := self.sock.recv(65536):
                data += chunk
        except ConnectionResetError:
            return data, True
        return data, False

    def reset(self) -> None:
        """Close with a TCP RST instead of a FIN (SO_LINGER on, zero seconds)."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def close(self) -> None:
        self.sock.close()


def error_frames(data: bytes) -> list[dict[str, Any]]:
    """The whole frames at the start of ``data``, decoded."""
    messages = []
    while len(data) >= 4:
        (size,) = struct.unpack("!I", data[:4])
        if len(data) < 4 + size:
            break
        messages.append(json.loads(data[4 : 4 + size].decode("utf-8")))
        data = data[4 + size :]
    return messages


class Raw:
    """Makes plain sockets and closes every one of them at teardown."""

    def __init__(self) -> None:
        self._closers: list[Callable[[], None]] = []

    def connect(self, port: int) -> RawPeer:
        peer = RawPeer(socket.create_connection((LOCALHOST, port), timeout=WAIT))
        self._closers.append(peer.close)
        return peer

    def track(self, sock: socket.socket) -> socket.socket:
        self._closers.append(sock.close)
        return sock

    def close_all(self) -> None:
        for close in reversed(self._closers):
            close()  # closing twice is harmless


@pytest.fixture
def raw() -> Iterator[Raw]:
    sockets = Raw()
    try:
        yield sockets
    finally:
        sockets.close_all()


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


class Driver:
    """Drives one MainWindow through its widgets and reads what it shows."""

    def __init__(self, qtbot, window: MainWindow) -> None:
        self.qtbot = qtbot
        self.window = window
        self.ports: list[int] = []  # where this window's sessions listened

    def setup(self, mode: Mode, nick: str, raw: bool = False) -> None:
        panel = self.window.panel
        panel.set_mode(mode)
        panel.set_raw(raw)
        panel.nick_edit.setText(nick)
        panel.local_host_box.setEditText(LOCALHOST)
        panel.local_port_box.setValue(0)

    def host(self, nick: str = "host", raw: bool = False, **room: Any) -> int:
        """Host a room (or a raw TCP server) on 127.0.0.1; the port it got.

        ``room`` fields (``max_clients``, ``keepalive``…) make a :class:`RoomConfig`.
        """
        self.setup(Mode.HOST, nick, raw)
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

    def entries(self, *kinds: EntryKind) -> list[ChatEntry]:
        return [e for e in self.window.model.entries() if not kinds or e.kind in kinds]

    def texts(self, *kinds: EntryKind) -> list[str]:
        return [e.text for e in self.entries(*kinds)]

    def received(self) -> list[tuple[str, str]]:
        return [(e.sender, e.text) for e in self.entries(EntryKind.PEER)]

    def wait_received(self, text: str, timeout: int = WAIT_MS) -> None:
        self.qtbot.waitUntil(lambda: text in self.texts(EntryKind.PEER), timeout=timeout)

    def system_texts(self) -> list[str]:
        return self.texts(EntryKind.SYSTEM, EntryKind.ERROR)

    def wait_system(self, *fragments: str, timeout: int = WAIT_MS) -> str:
        """The first system/error line holding every fragment (waits for it)."""
        found: list[str] = []

        def shown() -> bool:
            found[:] = [t for t in self.system_texts() if all(f in t for f in fragments)]
            return bool(found)

        try:
            self.qtbot.waitUntil(shown, timeout=timeout)
        except Exception:
            raise AssertionError(
                f"no system line with {fragments!r}; lines: {self.system_texts()[-10:]!r}"
            ) from None
        return found[0]

    def people(self) -> list[str]:
        return [self.window.people.item(i).text() for i in range(self.window.people.count())]

    def wait_people(self, expected: list[str]) -> None:
        try:
            self.qtbot.waitUntil(lambda: sorted(self.people()) == sorted(expected), timeout=WAIT_MS)
        except Exception:
            raise AssertionError(f"people {self.people()!r}, expected {expected!r}") from None


@pytest.fixture
def open_window(qtbot) -> Iterator[Callable[[], Driver]]:
    """Open real windows; at teardown close them and check every session thread ended."""
    drivers: list[Driver] = []

    def make() -> Driver:
        window = MainWindow()
        window.show()
        qtbot.addWidget(window)
        driver = Driver(qtbot, window)
        drivers.append(driver)
        return driver

    yield make
    for driver in drivers:
        driver.window.close()
    crashed = [
        driver
        for driver in drivers
        if any("internal error" in text for text in driver.system_texts())
    ]
    leaked = _close_leaked_sockets({port for driver in crashed for port in driver.ports})
    for driver in drivers:
        assert not driver.window.controller.thread_alive(), "a session thread outlived its window"
        assert not driver.window.controller.running
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
def host(open_window) -> Driver:
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
    alice, _ = sessions.joined(port, "alice")
    bob, _ = sessions.joined(port, "bob")
    return alice, bob


def still_chatting(host: Driver, alice: Session, bob: Session, tag: str) -> None:
    """alice → bob and the host window, and the host (typing) → bob, all still work."""
    text = f"still here after {tag}"
    alice.send_chat(f"a-{tag}", text)
    got = bob.wait_for(ChatReceived, lambda e: e.id == f"a-{tag}")
    assert (got.sender, got.text) == ("alice", text)
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
