"""Run one :class:`~gui_chat.net.loop.SessionLoop` on a QThread.

The loop reports events from its thread; they are gathered under a lock and handed to
the GUI thread by one queued signal. While the GUI thread is busy, further events join
the waiting batch instead of queueing more signals, so a flood arrives as a few large
lists rather than a hundred thousand tiny ones.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from gui_chat.net.events import ChatsReceived, SessionEvent
from gui_chat.net.loop import EventSink, SessionLoop

log = logging.getLogger("gui_chat.workers")

STOP_TIMEOUT_MS = 3000
#: Most events handed to the GUI in one go (a run of chats counts as its chats). Each
#: batch costs the window a fixed part (the newest rows laid out and painted, one
#: history transaction): during a flood, batches of 1,000 took it from 40,000–46,000 to
#: 50,000–61,000 messages/s, with the longest pause of the window at 36–45 ms instead
#: of 25–35.
MAX_BATCH = 1000
#: Python's collector looks at every object it tracks after 10 collections of the
#: younger generations (and the heap grew by a quarter). A session keeps every message
#: in memory, and with 100,000 of them a full collection froze the window for 25–70 ms
#: several times during a flood. Full collections wait for this many instead.
FULL_COLLECTION_AFTER = 1000


def take_batch(pending: list[SessionEvent], limit: int) -> list[SessionEvent]:
    """Take from the front of ``pending`` the events that hold ``limit`` chats or other
    events at most, a run of chats split where it must be."""
    if len(pending) == 1 and type(pending[0]) is not ChatsReceived:  # the usual: one chat
        batch = pending[:]
        pending.clear()
        return batch
    taken = 0
    for index, event in enumerate(pending):
        weight = len(event.ids) if type(event) is ChatsReceived else 1
        if taken + weight > limit:
            if type(event) is ChatsReceived and taken < limit:
                first, pending[index] = event.split(limit - taken)
                batch = [*pending[:index], first]
                del pending[:index]
                return batch
            break
        taken += weight
    else:
        index = len(pending)
    batch = pending[:index]
    del pending[:index]
    return batch


def spread_full_collections() -> None:
    """Make full garbage collections rarer (they stall the GUI thread); once is enough."""
    young, middle, full = gc.get_threshold()
    if full < FULL_COLLECTION_AFTER:
        gc.set_threshold(young, middle, FULL_COLLECTION_AFTER)


class _Runner(QObject):
    """Lives on the session thread and runs the loop there."""

    events_ready = Signal()

    def __init__(self, session: SessionLoop) -> None:
        super().__init__()
        self.session = session

    @Slot()
    def run(self) -> None:
        try:
            self.session.run()
        finally:
            self.thread().quit()


class SessionWorker(QObject):
    """Owns a session, its thread, and the batching of its events.

    ``on_events`` is called in the GUI thread with each batch, a ``list[SessionEvent]``;
    the last batch of a session ends with :class:`~gui_chat.net.events.SessionEnded`.
    It is called, not signalled: a signal to a Python slot costs 4 µs more, and 40 µs
    more when the window has been idle, on the way of every message.
    """

    def __init__(
        self,
        make_session: Callable[[EventSink], SessionLoop],
        on_events: EventSink,
        name: str = "session",
    ) -> None:
        super().__init__()
        self._on_events = on_events
        self._lock = threading.Lock()
        self._pending: list[SessionEvent] = []
        self._signal_queued = False
        self.session = make_session(self._collect)
        self._thread = QThread()
        self._thread.setObjectName(f"gui_chat-{name}")
        self._runner = _Runner(self.session)
        self._runner.moveToThread(self._thread)
        self._thread.started.connect(self._runner.run)
        # Queued even when emitted on the GUI thread (a message sent while the loop
        # sleeps is sent from there): events never arrive in the middle of a send.
        self._runner.events_ready.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._started = False
        self._next_batch = QTimer(self)  # hands over the events left after a batch
        self._next_batch.setSingleShot(True)
        self._next_batch.setInterval(0)
        self._next_batch.timeout.connect(self._deliver)

    def start(self) -> None:
        """Start the session thread (once)."""
        if not self._started:
            self._started = True
            spread_full_collections()
            self._thread.start()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def stop(self) -> bool:
        """End the session and join its thread; ``True`` when the thread has ended.

        The session's last events (``SessionEnded`` among them) are delivered before
        this returns.
        """
        self.session.stop()
        if not self._started:
            self.session.close()
            return True
        self._thread.quit()
        joined = self._thread.wait(STOP_TIMEOUT_MS)
        if not joined:
            log.error("session thread did not end within %d ms", STOP_TIMEOUT_MS)
        self._deliver(everything=True)
        return joined

    # ----- between the threads -----------------------------------------------------------
    def _collect(self, events: list[SessionEvent]) -> None:
        """The session's event sink; runs on the session thread."""
        with self._lock:
            self._pending.extend(events)
            if self._signal_queued:
                return
            self._signal_queued = True
        self._runner.events_ready.emit()

    @Slot()
    def _deliver(self, everything: bool = False) -> None:
        """Hand the waiting events to the GUI, at most :data:`MAX_BATCH` at a time.

        The rest are handed over by a zero timer, not a queued call: queued calls go
        before timers, so the view's layout, its painting and other timers get their turn
        between two batches however long a flood goes on.
        """
        with self._lock:
            if everything:
                events, self._pending = self._pending, []
            else:
                events = take_batch(self._pending, MAX_BATCH)
            self._signal_queued = True  # no new signal while the GUI works on these
        try:
            if events:
                self._on_events(events)
        finally:  # even if the window failed on these, the next ones are handed over
            with self._lock:
                self._signal_queued = bool(self._pending)
            if self._signal_queued:
                self._next_batch.start()
