"""The chat history of one window as a list model; rows are added in batches."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex
#: The parent of every row (a list has no other): made once, as making one costs 16–26
#: µs after an idle moment, on the way of every message.
_ROOT = QModelIndex()


class EntryKind(enum.Enum):
    OWN = "own"
    PEER = "peer"
    SYSTEM = "system"
    ERROR = "error"


class Delivery(enum.Enum):
    NONE = ""
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(eq=False, slots=True)
class ChatEntry:
    """One line of the chat view. ``text`` is always shown as plain text."""

    kind: EntryKind
    text: str
    ts: float
    sender: str = ""
    address: str = ""
    message_id: str = ""
    delivery: Delivery = Delivery.NONE
    detail: str = ""  # e.g. why a message failed
    raw: bytes | None = None  # the bytes, in raw mode (for the hex view)
    mention: bool = False  # a peer's message that names us
    from_history: bool = False  # loaded from an earlier session
    stored_row: int | None = None  # its row in the history database
    layout_cache: dict[int, Any] = field(default_factory=dict, repr=False)
    position: int = field(default=0, repr=False)  # set by the model


#: Rows the view holds while it follows the newest message (several screens full)…
MAX_ROWS = 40
#: …give or take this many, so rows leave in steps rather than one by one.
TRIM_STEP = 20


class ChatModel(QAbstractListModel):
    """Chat entries in order; new ones are appended, older ones are prepended.

    While the view follows the newest message it holds at most about :data:`MAX_ROWS`
    rows, so that laying them all out again (on a resize, a new language…) stays
    cheap; older entries move to a scrollback list in memory (nothing is dropped) and
    come back, a page at a time, when the user scrolls up (:meth:`restore_older`).

    Each entry knows its position (row + the number of rows ever above the first), so
    the row of an own message is found in constant time.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._entries: list[ChatEntry] = []
        self._scrollback: list[ChatEntry] = []  # above the first row, oldest first
        self._entry_of_id: dict[str, ChatEntry] = {}
        self._first_position = 0
        self.hex_view = False
        #: Set by the view: while it shows the newest rows, old rows may leave it.
        self.following = True

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self._entries[index.row()]
        if role == ENTRY_ROLE:
            return entry
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return entry.text if role == Qt.ItemDataRole.DisplayRole else entry.detail or None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{entry.sender}: {entry.text}" if entry.sender else entry.text
        return None

    def entry(self, row: int) -> ChatEntry:
        return self._entries[row]

    def rows(self, first: int = 0, stop: int | None = None) -> list[ChatEntry]:
        """The entries of rows ``first`` up to (not including) ``stop``."""
        return self._entries[first:stop]

    def entry_count(self) -> int:
        """How many entries there are, shown or in the scrollback."""
        return len(self._scrollback) + len(self._entries)

    def entries(self) -> list[ChatEntry]:
        """Every entry of the conversation in memory, oldest first (rows and scrollback)."""
        return self._scrollback + self._entries

    def restore_older(self, count: int) -> int:
        """Put up to ``count`` entries from the scrollback back above the first row."""
        if not self._scrollback or count <= 0:
            return 0
        entries = self._scrollback[-count:]
        del self._scrollback[-len(entries) :]
        self.beginInsertRows(_ROOT, 0, len(entries) - 1)
        self._first_position -= len(entries)
        self._entries[:0] = entries
        self.endInsertRows()
        return len(entries)

    def _to_scrollback(self, count: int) -> None:
        """Move the first ``count`` rows out of the view into the scrollback."""
        if count <= 0:
            return
        self.beginRemoveRows(_ROOT, 0, count - 1)
        for entry in self._entries[:count]:
            entry.layout_cache.clear()  # laid out again if it is ever shown again
        self._scrollback.extend(self._entries[:count])
        del self._entries[:count]
        self._first_position += count
        self.endRemoveRows()

    def append(self, entries: list[ChatEntry]) -> None:
        """Add ``entries`` at the end with a single insert notification.

        While the view follows the newest message, rows beyond :data:`MAX_ROWS` leave
        it first. A batch that alone fills the view (a flood) replaces the rows: only its
        newest :data:`TRIM_STEP` become rows, everything before goes straight into the
        scrollback, so the view lays out few rows however fast messages come.
        """
        if not entries:
            return
        position = self._first_position + len(self._entries)
        for offset, entry in enumerate(entries):
            entry.position = position + offset
            self._remember(entry)
        if self.following and len(self._entries) + len(entries) > MAX_ROWS + TRIM_STEP:
            keep = TRIM_STEP if len(entries) >= MAX_ROWS else MAX_ROWS
            excess = len(self._entries) + len(entries) - keep
            skipped = max(0, excess - len(self._entries))  # new ones that go unshown
            self._to_scrollback(excess - skipped)
            if skipped:
                self._scrollback.extend(entries[:skipped])
                self._first_position += skipped
                entries = entries[skipped:]
        first = len(self._entries)
        self.beginInsertRows(_ROOT, first, first + len(entries) - 1)
        self._entries.extend(entries)
        self.endInsertRows()

    def prepend(self, entries: list[ChatEntry]) -> None:
        """Add older ``entries`` (from the history) above everything there is."""
        if not entries:
            return
        self.restore_older(len(self._scrollback))  # the history comes above the scrollback
        self.beginInsertRows(_ROOT, 0, len(entries) - 1)
        self._first_position -= len(entries)
        for offset, entry in enumerate(entries):
            entry.position = self._first_position + offset
            self._remember(entry)
        self._entries[:0] = entries
        self.endInsertRows()

    def _remember(self, entry: ChatEntry) -> None:
        if entry.message_id and entry.kind is EntryKind.OWN:
            self._entry_of_id[entry.message_id] = entry

    def refresh(self, entry: ChatEntry) -> None:
        """``entry`` changed (e.g. its text grew): lay it out and paint it again."""
        entry.layout_cache.clear()
        row = entry.position - self._first_position
        if row >= 0:  # in the scrollback there is nothing to paint
            index = self.index(row)
            self.dataChanged.emit(index, index, [ENTRY_ROLE])

    def set_delivery(self, message_id: str, delivery: Delivery, detail: str = "") -> bool:
        """Mark our message ``message_id``; ``False`` if there is no such message."""
        entry = self._entry_of_id.get(message_id)
        if entry is None:
            return False
        entry.delivery = delivery
        entry.detail = detail
        self.refresh(entry)
        return True

    def set_hex_view(self, on: bool) -> None:
        """Show raw-mode entries as hex dumps instead of text."""
        if on == self.hex_view:
            return
        self.layoutAboutToBeChanged.emit()
        self.hex_view = on
        for entry in self.entries():
            if entry.raw is not None:
                entry.layout_cache.clear()
        self.layoutChanged.emit()

    def clear(self) -> None:
        self.beginResetModel()
        self._entries.clear()
        self._scrollback.clear()
        self._entry_of_id.clear()
        self._first_position = 0
        self.endResetModel()
