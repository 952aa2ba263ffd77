"""Helpers for the net tests: sessions on real threads, and plain-socket peers.

``sessions`` starts rooms, clients and UDP peers on threads of their own; their events
land in a queue that :meth:`Session.wait_for` reads. Teardown stops every session,
joins its thread and checks that it ended with exactly one :class:`SessionEnded`.

``raw`` makes peers written like the classic socket tutorials — blocking sockets,
``sendall`` of length-prefixed JSON frames, ``recv`` loops with a timeout — to play a
hostile client, a fake room or a bare UDP socket. Teardown closes every one of them.
"""

from __future__ import annotations

import json
import queue
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest

from gui_chat.net.client import ClientConfig, RoomClient
from gui_chat.net.events import Connected, Listening, SessionEnded, SessionEvent
from gui_chat.net.loop import EventSink, SessionLoop
from gui_chat.net.room import RoomConfig, RoomServer
from gui_chat.net.udp import UdpConfig, UdpPeer

LOCALHOST = "127.0.0.1"
WAIT = 5.0  # longest wait for anything that should happen at once on loopback

E = TypeVar("E", bound=SessionEvent)


# ----- sessions on threads --------------------------------------------------------------
class Session:
    """One session loop running on its own thread, its events collected in order."""

    def __init__(self, make: Callable[[EventSink], SessionLoop], name: str) -> None:
        self.name = name
        self.events: queue.Queue[list[SessionEvent]] = queue.Queue()
        #: Every event taken from the queue so far, in the order the session sent them.
        self.seen: list[SessionEvent] = []
        self._returned: set[int] = set()
        self.loop = make(self._sink)
        self.thread = threading.Thread(target=self.loop.run, name=f"session-{name}", daemon=True)

    def _sink(self, events: list[SessionEvent]) -> None:
        self.events.put(list(events))  # one batch per loop turn, kept together

    def start(self) -> Session:
        self.thread.start()
        return self

    def wait_for(
        self,
        event_type: type[E],
        predicate: Callable[[E], bool] | None = None,
        timeout: float = WAIT,
    ) -> E:
        """The first matching event not returned before; fails after ``timeout`` s.

        Events already seen (while waiting for something else) are searched first, so the
        order of ``wait_for`` calls need not follow the order of the events.
        """

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
                    f"seen: {self.seen!r}"
                ) from None
            first = len(self.seen)
            self.seen.extend(batch)  # the whole batch, so of_type() sees its other events
            for index, event in enumerate(batch, first):
                if matches(event):
                    self._returned.add(index)
                    return event  # type: ignore[return-value]
            if any(isinstance(event, SessionEnded) for event in batch):
                raise AssertionError(
                    f"{self.name} ended while waiting for {event_type.__name__}; "
                    f"seen: {self.seen!r}"
                )

    def ended(self, timeout: float = WAIT) -> SessionEnded:
        return self.wait_for(SessionEnded, timeout=timeout)

    def collect(self) -> list[SessionEvent]:
        """Move what is in the queue now to :attr:`seen`; returns :attr:`seen`."""
        while True:
            try:
                self.seen.extend(self.events.get_nowait())
            except queue.Empty:
                return self.seen

    def of_type(self, event_type: type[E]) -> list[E]:
        """Every event of ``event_type`` seen so far (call :meth:`collect` first if needed).

        Events come in one batch per loop turn, and :meth:`wait_for` takes whole batches:
        what the session reported in the same turn as the awaited event is here too.
        """
        return [event for event in self.seen if isinstance(event, event_type)]

    def stop(self, timeout: float = 2.0) -> float:
        """Stop and join; the seconds it took. Fails if the thread does not end."""
        started = time.monotonic()
        self.loop.stop()
        self.thread.join(timeout)
        took = time.monotonic() - started
        assert not self.thread.is_alive(), f"{self.name} still running {timeout:g} s after stop()"
        return took


class Sessions:
    """Starts sessions; :meth:`close_all` stops and joins every one of them."""

    def __init__(self) -> None:
        self._all: list[Session] = []

    def start(
        self, make: Callable[[EventSink], SessionLoop], name: str, start: bool = True
    ) -> Session:
        """A session; with ``start=False`` the caller starts it (commands can queue first)."""
        session = Session(make, name)
        self._all.append(session)
        return session.start() if start else session

    def room(self, **config: Any) -> Session:
        config.setdefault("host", LOCALHOST)
        room_config = RoomConfig(**config)
        return self.start(lambda sink: RoomServer(room_config, sink), f"room-{room_config.nick}")

    def client(self, port: int, nick: str = "guest", start: bool = True, **config: Any) -> Session:
        config.setdefault("host", LOCALHOST)
        client_config = ClientConfig(port=port, nick=nick, **config)
        return self.start(lambda sink: RoomClient(client_config, sink), f"client-{nick}", start)

    def joined(self, port: int, nick: str, **config: Any) -> Session:
        """A client that is in the room (its :class:`Connected` already taken)."""
        client = self.client(port, nick, **config)
        client.wait_for(Connected)
        return client

    def udp(self, nick: str = "guest", **config: Any) -> Session:
        config.setdefault("local_host", LOCALHOST)
        udp_config = UdpConfig(nick=nick, **config)
        return self.start(lambda sink: UdpPeer(udp_config, sink), f"udp-{nick}")

    def close_all(self) -> None:
        for session in self._all:
            if session.thread.ident is None:
                session.loop.close()
            else:
                session.loop.stop()
        problems = []
        for session in self._all:
            if session.thread.ident is None:
                continue
            session.thread.join(2.0)
            if session.thread.is_alive():
                problems.append(f"{session.name}: thread still running after stop() + join(2)")
                continue
            events = session.collect()
            ends = [i for i, event in enumerate(events) if isinstance(event, SessionEnded)]
            if ends != [len(events) - 1]:
                problems.append(f"{session.name}: SessionEnded not once and last: {events!r}")
        assert not problems, "; ".join(problems)


@pytest.fixture
def sessions() -> Iterator[Sessions]:
    started = Sessions()
    try:
        yield started
    finally:
        started.close_all()


def port_of(session: Session) -> int:
    """The real port a room or UDP peer bound (waits for its :class:`Listening`)."""
    return session.wait_for(Listening).port


# ----- plain-socket peers ---------------------------------------------------------------
def frame(message: dict[str, Any] | bytes) -> bytes:
    """A 4-byte big-endian length, then the payload (a dict is sent as UTF-8 JSON)."""
    payload = message if isinstance(message, bytes) else json.dumps(message).encode("utf-8")
    return struct.pack("!I", len(payload)) + payload


class RawPeer:
    """A blocking TCP socket that speaks the wire format by hand."""

    def __init__(self, sock: socket.socket, timeout: float = WAIT) -> None:
        self.sock = sock
        self.sock.settimeout(timeout)
        #: Every message received, pings included, in order.
        self.received: list[dict[str, Any]] = []

    # sending
    def send(self, **message: Any) -> None:
        self.sock.sendall(frame(message))

    def send_bytes(self, data: bytes) -> None:
        self.sock.sendall(data)

    def hello(self, nick: str) -> dict[str, Any]:
        """Say hello and return the room's welcome."""
        self.send(t="hello", nick=nick, version=1)
        return self.recv_until("welcome")

    # receiving
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
        """Every message until the other side closes; fails on timeout."""
        messages = []
        while (message := self.recv_message()) is not None:
            messages.append(message)
        return messages

    # closing
    def reset(self) -> None:
        """Close with a TCP RST instead of a FIN (SO_LINGER on, zero seconds)."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def close(self) -> None:
        self.sock.close()


class RawServer:
    """A plain listening socket on 127.0.0.1 that plays a room by hand."""

    def __init__(self, backlog: int = 5) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((LOCALHOST, 0))
        self.sock.listen(backlog)
        self.sock.settimeout(WAIT)
        self.port: int = self.sock.getsockname()[1]

    def close(self) -> None:
        self.sock.close()


class Raw:
    """Makes plain sockets and closes every one of them at teardown."""

    def __init__(self) -> None:
        self._closers: list[Callable[[], None]] = []

    def connect(self, port: int) -> RawPeer:
        peer = RawPeer(socket.create_connection((LOCALHOST, port), timeout=WAIT))
        self._closers.append(peer.close)
        return peer

    def server(self, backlog: int = 5) -> RawServer:
        server = RawServer(backlog)
        self._closers.append(server.close)
        return server

    def accept(self, server: RawServer) -> RawPeer:
        sock, _ = server.sock.accept()
        peer = RawPeer(sock)
        self._closers.append(peer.close)
        return peer

    def udp(self) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._closers.append(sock.close)
        sock.bind((LOCALHOST, 0))
        sock.settimeout(WAIT)
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
