"""The chat history of one window as a list model; rows are added in batches."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


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


@dataclass(eq=False)
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


class ChatModel(QAbstractListModel):
    """Chat entries in order; new ones are appended, older history is prepended.

    Each entry knows its position (row + the number of rows ever prepended), so the
    row of an own message is found in constant time however much history came above.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._entries: list[ChatEntry] = []
        self._entry_of_id: dict[str, ChatEntry] = {}
        self._first_position = 0
        self.hex_view = False

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
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

    def entries(self) -> list[ChatEntry]:
        """A copy of every entry, oldest first."""
        return list(self._entries)

    def append(self, entries: list[ChatEntry]) -> None:
        """Add ``entries`` at the end with a single insert notification."""
        if not entries:
            return
        first = len(self._entries)
        self.beginInsertRows(QModelIndex(), first, first + len(entries) - 1)
        position = self._first_position + first
        for offset, entry in enumerate(entries):
            entry.position = position + offset
            self._remember(entry)
        self._entries.extend(entries)
        self.endInsertRows()

    def prepend(self, entries: list[ChatEntry]) -> None:
        """Add older ``entries`` above the first row with a single insert notification."""
        if not entries:
            return
        self.beginInsertRows(QModelIndex(), 0, len(entries) - 1)
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
        index = self.index(entry.position - self._first_position)
        self.dataChanged.emit(index, index, [ENTRY_ROLE])

    def set_delivery(self, message_id: str, delivery: Delivery, detail: str = "") -> bool:
        """Mark our message ``message_id``; ``False`` if there is no such message."""
        entry = self._entry_of_id.get(message_id)
        if entry is None:
            return False
        row = entry.position - self._first_position
        entry.delivery = delivery
        entry.detail = detail
        entry.layout_cache.clear()
        index = self.index(row)
        self.dataChanged.emit(index, index, [ENTRY_ROLE])
        return True

    def set_hex_view(self, on: bool) -> None:
        """Show raw-mode entries as hex dumps instead of text."""
        if on == self.hex_view:
            return
        self.layoutAboutToBeChanged.emit()
        self.hex_view = on
        for entry in self._entries:
            if entry.raw is not None:
                entry.layout_cache.clear()
        self.layoutChanged.emit()

    def clear(self) -> None:
        self.beginResetModel()
        self._entries.clear()
        self._entry_of_id.clear()
        self._first_position = 0
        self.endResetModel()
