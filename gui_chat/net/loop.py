"""The event loop every session runs on: one thread, one selector, woken at once.

The owner runs :meth:`SessionLoop.run` on a thread of its own. Other threads talk to
the loop only through :meth:`call_soon`, :meth:`send_soon` and :meth:`stop`, which queue
the call and write a byte to a socket pair the selector watches — so the loop sleeps
while idle and still reacts at once to an outgoing message or a stop.

A message sent while the loop sleeps with nothing queued does not wait for the loop
thread to wake: :meth:`send_soon` runs its turn on the calling thread, holding the
lock the loop thread holds whenever it is not asleep, and the message leaves at once.
"""

from __future__ import annotations

import logging
import selectors
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from gui_chat.net.errors import NetError
from gui_chat.net.events import ChatFailed, SessionEnded, SessionEvent
from gui_chat.net.scheduling import prefer_short_slices

log = logging.getLogger("gui_chat.net")

EventSink = Callable[[list[SessionEvent]], None]
Handler = Callable[[int], None]


class SessionOver(Exception):
    """Raised inside the loop to end the session with a reason."""

    def __init__(self, reason: str = "", error: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.error = error


class SessionLoop:
    """Base of rooms, clients and UDP peers; subclasses fill in the hooks."""

    #: Longest sleep between two calls of :meth:`on_tick`.
    tick_interval = 1.0

    def __init__(self, sink: EventSink) -> None:
        self._sink = sink
        self._selector = selectors.DefaultSelector()
        self._wake_recv, self._wake_send = socket.socketpair()
        self._wake_recv.setblocking(False)
        self._wake_send.setblocking(False)
        self._selector.register(self._wake_recv, selectors.EVENT_READ, self._drain_wake)
        # (function, arguments, id of the chat message it sends or "")
        self._calls: deque[tuple[Callable[..., Any], tuple[Any, ...], str]] = deque()
        self._events: list[SessionEvent] = []
        self._turn_waiters: list[threading.Event] = []  # set when the turn is over
        self._lock = threading.Lock()
        # Held by the loop thread except while it sleeps in select(); a thread sending
        # while the loop sleeps runs that turn itself under it (see send_soon).
        self._turn_lock = threading.Lock()
        self._asleep = False  # in select(), with the turn lock released
        self._failure: Exception | None = None  # raised in a turn run elsewhere
        self._closed = False
        self._stop_requested = False
        self._ran = False

    # ----- called from any thread -------------------------------------------------------
    def call_soon(self, function: Callable[..., Any], *args: Any) -> bool:
        """Run ``function(*args)`` on the loop thread; ``False`` if the loop is over."""
        with self._lock:
            if self._closed:
                return False
            self._calls.append((function, args, ""))
            self._wake_locked()
        return True

    def send_soon(self, message_id: str, function: Callable[..., Any], *args: Any) -> bool:
        """Run ``function(message_id, *args)``, which sends a chat message, on the loop.

        If the loop is asleep with nothing queued, the call and the end of its turn run
        at once on this thread, so the message leaves before this returns. If the session
        ends before it runs, the message is reported as ChatFailed.
        """
        if self._run_turn_here(function, (message_id, *args)):
            return True
        with self._lock:
            if self._closed:
                return False
            self._calls.append((function, (message_id, *args), message_id))
            self._wake_locked()
        return True

    @property
    def asleep(self) -> bool:
        """Whether the loop thread waits in select() with nothing queued."""
        with self._lock:
            return self._asleep and not self._calls

    def wait_for_turn(self, timeout: float) -> bool:
        """Block until the loop has run what was queued so far and sent what that wrote
        (the end of its turn), or ``timeout`` seconds; ``True`` if it did.

        A thread that just queued a message waits here instead of going on with Python
        work: the loop thread gets the interpreter at once and the message leaves now,
        not after the waiting thread's next GIL hand-over.
        """
        if self.asleep:
            return True  # nothing waits for the loop thread: what was sent has left
        done = threading.Event()
        return self.call_soon(self._turn_waiters.append, done) and done.wait(timeout)

    def stop(self) -> None:
        """Ask the loop to end; returns at once. Safe to call more than once."""
        with self._lock:
            self._stop_requested = True
            if not self._closed:
                self._wake_locked()

    def close(self) -> None:
        """Release the loop's own sockets if :meth:`run` never ran."""
        with self._lock:
            if self._ran or self._closed:
                return
            self._closed = True
        self._release()

    def _run_turn_here(self, function: Callable[..., Any], args: tuple[Any, ...]) -> bool:
        """Run one turn (``function(*args)``, then the end of the turn) on this thread
        if the loop thread sleeps with nothing queued; ``False`` if it could not.

        A failure is handed to the loop thread, which ends the session with it as if it
        had happened there.
        """
        if not self._turn_lock.acquire(blocking=False):
            return False  # the loop thread is at work (or this is the loop thread)
        try:
            with self._lock:
                if not self._asleep or self._calls or self._closed or self._stop_requested:
                    return False
            try:
                function(*args)
                self.end_of_turn()
            except Exception as exc:  # SessionOver, NetError or a bug: the loop's to say
                self._failure = exc
                with self._lock:
                    self._wake_locked()
            self._deliver_events()
            return True
        finally:
            self._turn_lock.release()

    # ----- hooks for subclasses -----------------------------------------------------------
    def open(self) -> None:
        """Create and register sockets; raise NetError or SessionOver to fail."""

    def on_tick(self, now: float) -> None:
        """Housekeeping (keepalive, timeouts); raise SessionOver to end."""

    def end_of_turn(self) -> None:
        """After the handlers of one loop turn: e.g. send what they queued, at once."""

    def shutdown(self, stopped_by_user: bool) -> None:
        """Close every socket of the session; must not raise."""

    # ----- for subclasses -----------------------------------------------------------------
    def emit(self, event: SessionEvent) -> None:
        """Report ``event``; events are delivered in one list per loop turn."""
        self._events.append(event)

    def watch(self, sock: socket.socket, mask: int, handler: Handler) -> None:
        self._selector.register(sock, mask, handler)

    def rewatch(self, sock: socket.socket, mask: int, handler: Handler) -> None:
        self._selector.modify(sock, mask, handler)

    def unwatch(self, sock: socket.socket) -> None:
        try:
            self._selector.unregister(sock)
        except (KeyError, ValueError):
            pass

    # ----- the loop -----------------------------------------------------------------------
    def run(self) -> None:
        """Run until stopped or failed; the last event is always :class:`SessionEnded`."""
        with self._lock:
            if self._closed:
                self._sink([SessionEnded()])
                return
            self._ran = True
        prefer_short_slices()  # this thread wakes for every message and works briefly
        end = SessionEnded()
        self._turn_lock.acquire()
        try:
            self.open()
            self._deliver_events()
            next_tick = time.monotonic() + self.tick_interval
            while not self._stop_requested:
                timeout = max(0.0, next_tick - time.monotonic())
                for key, mask in self._sleep(timeout):
                    key.data(mask)
                self._run_calls()
                now = time.monotonic()
                if now >= next_tick:
                    self.on_tick(now)
                    next_tick = now + self.tick_interval
                self.end_of_turn()
                self._release_turn_waiters()
                self._deliver_events()
        except SessionOver as exc:
            end = SessionEnded(exc.reason, exc.error)
        except NetError as exc:
            end = SessionEnded(str(exc), error=True)
        except Exception as exc:  # a bug must not leave the window waiting forever
            log.exception("session loop failed")
            end = SessionEnded(f"internal error: {exc!r}", error=True)
        finally:
            stopped_by_user = self._stop_requested
            with self._lock:
                self._closed = True
                leftover = list(self._calls)
                self._calls.clear()
            try:
                self.shutdown(stopped_by_user)
            except Exception:
                log.exception("session shutdown failed")
            for _function, _args, message_id in leftover:
                if message_id:
                    self.emit(ChatFailed(message_id, "not sent: the session had ended"))
            self._release_turn_waiters()
            self._release()
            self.emit(end)
            self._deliver_events()
            self._turn_lock.release()

    def _sleep(self, timeout: float) -> list[tuple[selectors.SelectorKey, int]]:
        """Wait in select() with the turn lock released; raise what a turn run on
        another thread meanwhile failed with."""
        with self._lock:
            self._asleep = True
        self._turn_lock.release()
        try:
            ready = self._selector.select(timeout)
        finally:
            self._turn_lock.acquire()
            with self._lock:
                self._asleep = False
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure
        return ready

    def _run_calls(self) -> None:
        while True:
            try:
                function, args, _message_id = self._calls.popleft()
            except IndexError:
                return
            function(*args)

    def _release_turn_waiters(self) -> None:
        if self._turn_waiters:
            waiters, self._turn_waiters = self._turn_waiters, []
            for done in waiters:
                done.set()

    def _deliver_events(self) -> None:
        if self._events:
            events, self._events = self._events, []
            self._sink(events)

    def _wake_locked(self) -> None:
        try:
            self._wake_send.send(b"\0")
        except (BlockingIOError, InterruptedError):
            pass  # the pair is full: the loop is awake already

    def _drain_wake(self, _mask: int) -> None:
        try:
            while self._wake_recv.recv(4096):
                pass
        except (BlockingIOError, InterruptedError):
            pass

    def _release(self) -> None:
        self._selector.close()
        self._wake_recv.close()
        self._wake_send.close()
