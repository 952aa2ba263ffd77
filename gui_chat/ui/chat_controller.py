"""Turns the user's actions into session commands and session events into chat rows."""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from gui_chat.net.errors import format_address
from gui_chat.net.events import (
    CHAT_EVENTS,
    ChatDelivered,
    ChatFailed,
    ChatReceived,
    Connected,
    Connecting,
    Listening,
    MembersChanged,
    Notice,
    PeerJoined,
    PeerLeft,
    RawReceived,
    Reconnecting,
    SessionEnded,
    SessionEvent,
)
from gui_chat.net.udp import UdpPeer
from gui_chat.protocol import MAX_TEXT_LENGTH, LocalProtocolError, normalize_nick
from gui_chat.protocol.raw import encode_text, parse_hex
from gui_chat.store.history import History, StoredMessage
from gui_chat.ui.chat_model import ChatEntry, ChatModel, Delivery, EntryKind
from gui_chat.ui.net_text import translate_net_text
from gui_chat.ui.session_settings import Mode, SessionSettings
from gui_chat.workers import SessionWorker

log = logging.getLogger("gui_chat.ui")

#: Longest the window waits (s) for the session to send a message just typed, before it
#: draws the message's row: the session thread then runs at once instead of waiting
#: for the interpreter while the row is drawn.
HAND_OVER_WAIT = 0.005
#: Raw bytes from one peer that keep coming are shown as one row, up to this size…
MAX_MERGED_RAW = 1024 * 1024
#: …as long as no more than this many seconds pass between two pieces.
RAW_BURST_GAP = 0.3


def _stored_fields(entry: ChatEntry) -> tuple:
    # ``_value_`` is what ``.value`` returns, without the descriptor's cost per row
    return (
        entry.ts,
        entry.kind._value_,
        entry.sender,
        entry.address,
        entry.text,
        entry.message_id,
        entry.delivery._value_,
    )


def _entry_from_stored(message: StoredMessage) -> ChatEntry:
    delivery, detail = Delivery(message.delivery), ""
    if delivery is Delivery.SENDING:  # the app ended before the answer came
        delivery = Delivery.FAILED
        detail = QCoreApplication.translate(
            "ChatController", "not confirmed before gui_chat closed"
        )
    return ChatEntry(
        EntryKind(message.kind),
        message.text,
        message.ts,
        sender=message.sender,
        address=message.address,
        message_id=message.message_id,
        delivery=delivery,
        detail=detail,
        from_history=True,
    )


def _capitalized(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def new_message_id() -> str:
    """128 random bits as 32 hex digits, as ``uuid.uuid4().hex`` gives, without making a
    UUID on the way: it is the first thing a message waits for, and a third as long."""
    return os.urandom(16).hex()


class ChatController(QObject):
    """One session at a time for one window."""

    #: A sentence for the status line, and whether it reports an error.
    status_changed = Signal(str, bool)
    running_changed = Signal(bool)
    #: The room's members (a list of nicknames; ``object``: handed over as it is).
    members_changed = Signal(object)
    #: (host, port) the room or UDP socket is bound to.
    bound = Signal(str, int)
    #: The nickname the room gave us.
    joined = Signal(str)
    #: Reason (empty after a plain stop) and whether it was an error.
    ended = Signal(str, bool)
    #: The connection was lost and attempt N to make it again is scheduled.
    reconnecting = Signal(int)
    #: Messages from others arrived (a list of ChatEntry, handed over as it is).
    incoming = Signal(object)

    def __init__(
        self, model: ChatModel, history: History | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.history = history
        self.conversation = ""
        self._oldest_stored: int | None = None
        self._raw_tail: ChatEntry | None = None  # the last raw row, while it may grow
        #: Our nickname, the pattern that finds it as a word, and the nickname in lower
        #: case if it is plain ASCII.
        self._mention: tuple[str, re.Pattern[str], str | None] | None = None
        self._raw_tail_time = 0.0
        self._worker: SessionWorker | None = None
        self._settings: SessionSettings | None = None
        self._running = False
        self.nick = ""
        # Raw mode sending options, changeable while a session runs.
        self.line_ending = b"\n"
        self.hex_input = False
        self.send_target = ""  # a raw server's client address; empty = everyone

    @property
    def running(self) -> bool:
        return self._running

    def thread_alive(self) -> bool:
        """Whether a session thread is still running (it never should be after stop)."""
        return self._worker is not None and self._worker.is_running()

    @property
    def settings(self) -> SessionSettings | None:
        return self._settings

    # ----- user actions -------------------------------------------------------------------
    def start(self, settings: SessionSettings) -> None:
        """Stop any session, then start the one ``settings`` describe."""
        problem = settings.problem()
        if problem:
            self.status_changed.emit(translate_net_text(problem), True)
            return
        self.stop()
        self._worker = None  # the previous worker's thread has been joined by stop()
        self._settings = settings
        self.open_conversation(settings.conversation)
        self.nick = normalize_nick(settings.nick)
        worker = SessionWorker(settings.make_session, self._on_events, settings.mode.value)
        self._worker = worker
        self._set_running(True)
        self.status_changed.emit(self.tr("Starting…"), False)
        worker.start()

    def stop(self) -> None:
        """End the session and join its thread (its last events arrive before return)."""
        if self._worker is not None and self._running:
            self._worker.stop()

    def send(self, text: str) -> bool:
        """Send ``text``; ``False`` (and a status line saying why) if it cannot go."""
        if not text.strip():
            return False
        if not self._running or self._worker is None:
            self.status_changed.emit(self.tr("Not connected — press Start first."), True)
            return False
        if self._settings is not None and self._settings.raw:
            return self._send_raw(text)
        if len(text) > MAX_TEXT_LENGTH:
            self.status_changed.emit(
                self.tr("The message is too long ({0:,} characters; at most {1:,}).").format(
                    len(text), MAX_TEXT_LENGTH
                ),
                True,
            )
            return False
        message_id = new_message_id()
        sent = self._worker.session.send_chat(message_id, text)  # type: ignore[attr-defined]
        self._let_it_leave(sent)
        entry = ChatEntry(
            EntryKind.OWN,
            text,
            time.time(),
            sender=self.nick,
            message_id=message_id,
            delivery=Delivery.SENDING,
        )
        self._show([entry])
        if not sent:
            self._mark(message_id, Delivery.FAILED, self.tr("the session had ended"))
        return True

    def _let_it_leave(self, queued: bool) -> None:
        """Let the session send a message just queued, before its row is drawn."""
        if queued and self._worker is not None:
            self._worker.session.wait_for_turn(HAND_OVER_WAIT)

    def _send_raw(self, text: str) -> bool:
        assert self._worker is not None and self._settings is not None
        try:
            if self.hex_input:
                data = parse_hex(text)
            else:
                if self.line_ending:  # every line ends the same way, not just the last
                    text = text.replace("\n", self.line_ending.decode("ascii"))
                data = encode_text(text, self._settings.encoding, self.line_ending)
        except LocalProtocolError as exc:
            self.status_changed.emit(
                self.tr("Not sent: {0}").format(translate_net_text(str(exc))), True
            )
            return False
        message_id = new_message_id()
        shown = text if not self.hex_input else data.decode(self._settings.encoding, "replace")
        to = f" → {self.send_target}" if self.send_target else ""
        entry = ChatEntry(
            EntryKind.OWN,
            shown,
            time.time(),
            sender=self.tr("me") + to,
            message_id=message_id,
            delivery=Delivery.SENDING,
            raw=data,
        )
        session = self._worker.session
        sent = session.send_raw(message_id, data, self.send_target)  # type: ignore[attr-defined]
        self._let_it_leave(sent)
        self._show([entry])
        if not sent:
            self._mark(message_id, Delivery.FAILED, self.tr("the session had ended"))
        return True

    def set_udp_target(self, host: str, port: int) -> None:
        """Send the next UDP messages to ``host:port``."""
        session = self._worker.session if self._worker is not None and self._running else None
        if isinstance(session, UdpPeer):
            session.set_target(host, port)

    # ----- session events -----------------------------------------------------------------
    @Slot(object)
    def _on_events(self, events: list[SessionEvent]) -> None:
        rows: list[ChatEntry] = []
        grown: list[ChatEntry] = []  # raw rows already shown that this batch extended
        now = time.time()
        mentions = self._mention_search(events)
        peer = EntryKind.PEER

        def system(text: str, error: bool = False) -> None:
            rows.append(ChatEntry(EntryKind.ERROR if error else EntryKind.SYSTEM, text, now))

        for event in events:
            if type(event) in CHAT_EVENTS:  # the most frequent: checked first
                ts, sender, address = event.ts or now, event.sender, event.address
                for text in event.texts:
                    # kind, text, ts, sender, address: by position, half the cost of keywords
                    entry = ChatEntry(peer, text, ts, sender, address)
                    if mentions is not None and mentions(text) is not None:
                        entry.mention = True
                    rows.append(entry)
            elif isinstance(event, RawReceived):
                self._receive_raw(event, rows, grown)
            elif isinstance(event, ChatDelivered):
                self._mark(event.id, Delivery.DELIVERED)
            elif isinstance(event, ChatFailed):
                reason = translate_net_text(event.reason)
                self._mark(event.id, Delivery.FAILED, reason)
                self.status_changed.emit(self.tr("Not delivered: {0}").format(reason), True)
            elif isinstance(event, PeerJoined):
                where = f" ({event.address})" if event.address else ""
                system(self.tr("{0} joined{1}").format(event.nick, where))
            elif isinstance(event, PeerLeft):
                has_reason = event.reason and event.reason != "left"
                reason = f" ({translate_net_text(event.reason)})" if has_reason else ""
                system(self.tr("{0} left{1}").format(event.nick, reason))
            elif isinstance(event, MembersChanged):
                self.members_changed.emit(list(event.members))
            elif isinstance(event, Notice):
                system(translate_net_text(event.text), event.warning)
            elif isinstance(event, Listening):
                self._on_listening(event, system)
            elif isinstance(event, Connecting):
                self.status_changed.emit(
                    self.tr("Connecting to {0}…").format(format_address(event.host, event.port)),
                    False,
                )
            elif isinstance(event, Connected):
                self.nick = event.nick
                address = format_address(event.host, event.port)
                if event.nick:
                    text = self.tr("Connected to “{0}” at {1} as {2}").format(
                        event.room, address, event.nick
                    )
                else:
                    text = self.tr("Connected to {0} (raw bytes)").format(address)
                self.status_changed.emit(text, False)
                self.joined.emit(event.nick)
                system(text)
            elif isinstance(event, Reconnecting):
                why = _capitalized(translate_net_text(event.reason))
                text = self.tr("{0} — reconnecting in {1:g} s (attempt {2})…").format(
                    why, event.delay, event.attempt
                )
                self.status_changed.emit(text, True)
                self.members_changed.emit([])
                if event.attempt == 1:
                    system(self.tr("{0} — reconnecting…").format(why), True)
                self.reconnecting.emit(event.attempt)
            elif isinstance(event, SessionEnded):
                self._on_ended(event, system)
        self._show(rows, grown)

    # ----- rows and history ---------------------------------------------------------------
    def open_conversation(self, key: str) -> None:
        """Show conversation ``key``: its recent history, or an empty view."""
        if key == self.conversation:
            return
        self.conversation = key
        self.model.clear()
        self._oldest_stored = None
        self.load_older()

    def load_older(self, count: int = 100) -> int:
        """Put up to ``count`` older messages above the first row; how many came.

        They come from memory (rows the view let go of) first, then from the history.
        """
        restored = self.model.restore_older(count)
        if restored:
            return restored
        if self.history is None or not self.conversation:
            return 0
        if self._oldest_stored is not None and self._oldest_stored <= 1:
            return 0
        try:
            stored = self.history.recent(self.conversation, count, before=self._oldest_stored)
        except sqlite3.Error as exc:
            self._history_failed(exc)
            return 0
        if stored:
            self._oldest_stored = stored[0].row
            self.model.prepend([_entry_from_stored(message) for message in stored])
        else:
            self._oldest_stored = 1
        return len(stored)

    def _receive_raw(
        self, event: RawReceived, rows: list[ChatEntry], grown: list[ChatEntry]
    ) -> None:
        """Show raw bytes; a burst from one peer (a long message) stays one row."""
        now = time.monotonic()
        in_batch = bool(rows)
        tail = rows[-1] if in_batch else self._raw_tail
        if (
            tail is not None
            and tail.kind is EntryKind.PEER
            and tail.raw is not None
            and tail.sender == event.source
            and len(tail.raw) + len(event.data) <= MAX_MERGED_RAW
            and (in_batch or now - self._raw_tail_time < RAW_BURST_GAP)
        ):
            tail.raw += event.data
            tail.text += event.text
            if not in_batch and tail not in grown:
                grown.append(tail)
        else:
            tail = ChatEntry(
                EntryKind.PEER, event.text, time.time(), sender=event.source, raw=event.data
            )
            rows.append(tail)
        self._raw_tail, self._raw_tail_time = tail, now

    def _show(self, rows: list[ChatEntry], grown: list[ChatEntry] = ()) -> None:
        """Add rows to the view and the history, and tell the window about new ones.

        ``grown`` are rows already shown whose text became longer.
        """
        for entry in grown:
            self.model.refresh(entry)
            if self.history is not None and entry.stored_row is not None:
                try:
                    self.history.update_text(entry.stored_row, entry.text)
                except sqlite3.Error as exc:
                    self._history_failed(exc)
        if not rows:
            return
        if rows[-1] is not self._raw_tail:
            self._raw_tail = None  # something else came after the raw bytes
        self.model.append(rows)
        if self.history is not None and self.conversation:
            try:
                fields = [_stored_fields(row) for row in rows]
                stored = self.history.add(self.conversation, fields)
            except sqlite3.Error as exc:
                self._history_failed(exc)
            else:
                for row, stored_row in zip(rows, stored, strict=True):
                    row.stored_row = stored_row
        incoming = [row for row in rows if row.kind is EntryKind.PEER]
        if incoming:
            self.incoming.emit(incoming)

    def _mark(self, message_id: str, delivery: Delivery, detail: str = "") -> None:
        self.model.set_delivery(message_id, delivery, detail)
        if self.history is not None:
            try:
                self.history.set_delivery(message_id, delivery.value)
            except sqlite3.Error as exc:
                self._history_failed(exc)

    def _history_failed(self, exc: Exception) -> None:
        log.error("history failed: %s", exc)
        self.history = None
        self.status_changed.emit(
            self.tr("History is off: it could not be written ({0}).").format(exc), True
        )

    def _mention_search(self, events: list[SessionEvent]) -> Callable[[str], object] | None:
        """How to ask whether a message names us; ``None`` if none of ``events`` does.

        One search through the batch's messages, one per line, tells at half the cost
        of asking each (a line break is no word character: each message's ends look the
        same to the pattern); the usual answer is no. In plain ASCII, where ignoring case
        is lower-casing, a substring test says no twenty times faster than the pattern,
        which tries its look-behind at every character.
        """
        mention = self._mention_now()
        if mention is None:
            return None
        _nick, pattern, lowered = mention
        if len(events) == 1 and type(events[0]) is ChatReceived:  # the usual batch
            batch = events[0].text
        else:
            batch = "\n".join(
                text for event in events if type(event) in CHAT_EVENTS for text in event.texts
            )
            if not batch:
                return None
        if lowered is not None and batch.isascii() and lowered not in batch.lower():
            return None
        return pattern.search if pattern.search(batch) else None

    def _mention_now(self) -> tuple[str, re.Pattern[str], str | None] | None:
        """Our nickname, the pattern that finds it as a word (any case), and the nickname
        in lower case if it is ASCII; ``None`` without a nickname."""
        nick = self.nick.strip()
        if not nick:
            return None
        if self._mention is None or self._mention[0] != nick:
            pattern = re.compile(rf"(?<!\w){re.escape(nick)}(?!\w)", re.IGNORECASE)
            self._mention = (nick, pattern, nick.lower() if nick.isascii() else None)
        return self._mention

    def _on_listening(self, event: Listening, system) -> None:
        address = format_address(event.host, event.port)
        if self._settings is not None and self._settings.mode is Mode.HOST:
            if self._settings.raw:
                text = self.tr("Raw TCP server listening on {0}").format(address)
            else:
                text = self.tr("Room open on {0} — others join at port {1}").format(
                    address, event.port
                )
        else:
            text = self.tr("UDP listening on {0}").format(address)
        self.status_changed.emit(text, False)
        self.bound.emit(event.host, event.port)
        system(text)

    def _on_ended(self, event: SessionEnded, system) -> None:
        self._set_running(False)
        self.members_changed.emit([])
        if event.error:
            text = self.tr("Disconnected: {0}").format(translate_net_text(event.reason))
            system(text, error=True)
        else:
            text = self.tr("Stopped")
            system(text)
        self.status_changed.emit(text, event.error)
        self.ended.emit(event.reason, event.error)

    def _set_running(self, running: bool) -> None:
        if running != self._running:
            self._running = running
            self.running_changed.emit(running)
