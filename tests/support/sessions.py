"""gui_chat.net sessions (rooms, clients, UDP peers) on threads of their own.

Their events land in a queue that :meth:`Session.wait_for` reads. :meth:`Sessions.close_all`
(run by the ``sessions`` fixture at teardown) stops every session, joins its thread and
checks that it ended with exactly one :class:`SessionEnded`.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from gui_chat.net.client import ClientConfig, RoomClient
from gui_chat.net.events import ChatsReceived, Connected, Listening, SessionEnded, SessionEvent
from gui_chat.net.loop import EventSink, SessionLoop
from gui_chat.net.room import RoomConfig, RoomServer
from gui_chat.net.udp import UdpConfig, UdpPeer

from . import LOCALHOST, WAIT

E = TypeVar("E", bound=SessionEvent)


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
        # one batch per loop turn, kept together; a room's chats relayed together as
        # the chat each of them stands for
        self.events.put(
            [
                chat
                for event in events
                for chat in (event.each() if isinstance(event, ChatsReceived) else (event,))
            ]
        )

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
                    f"last seen: {self.seen[-20:]!r}"
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
                    f"last seen: {self.seen[-20:]!r}"
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

    def send_chat(self, message_id: str, text: str) -> None:
        """Send a chat message (a room or a client); fails if the session refuses it."""
        assert self.loop.send_chat(message_id, text)  # type: ignore[attr-defined]

    def stop(self, timeout: float = 2.0) -> float:
        """Stop and join; the seconds it took. Fails if the thread does not end."""
        started = time.monotonic()
        self.loop.stop()
        self.thread.join(timeout)
        took = time.monotonic() - started
        assert not self.thread.is_alive(), f"{self.name} still running {timeout:g} s after stop()"
        return took


class Sessions:
    """Starts sessions; :meth:`close_all` stops and joins every one of them.

    Each thread gets ``join_timeout`` seconds to end after ``stop()``. Used as a context
    manager, it calls :meth:`close_all` on the way out.
    """

    def __init__(self, join_timeout: float = 2.0) -> None:
        self.join_timeout = join_timeout
        self._all: list[Session] = []

    def __enter__(self) -> Sessions:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close_all()

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
            session.thread.join(self.join_timeout)
            if session.thread.is_alive():
                problems.append(
                    f"{session.name}: thread still running after stop() + "
                    f"join({self.join_timeout:g})"
                )
                continue
            events = session.collect()
            ends = [i for i, event in enumerate(events) if isinstance(event, SessionEnded)]
            if ends != [len(events) - 1]:
                problems.append(f"{session.name}: SessionEnded not once and last: {events[-5:]!r}")
        assert not problems, "; ".join(problems)


def port_of(session: Session) -> int:
    """The real port a room or UDP peer bound (waits for its :class:`Listening`)."""
    return session.wait_for(Listening).port
