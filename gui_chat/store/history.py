"""Chat history in SQLite (WAL): every message shown, kept per conversation.

A conversation is named by a key such as ``room 192.168.1.5:50007`` or
``udp 192.168.1.7:50008``. Each batch of messages is committed as it is shown, so
a crash loses nothing that was on screen; the log is copied into the file by a thread
of its own (:mod:`gui_chat.store.checkpoint`). The schema carries a version
(``PRAGMA user_version``) and is migrated step by step on open.
"""

from __future__ import annotations

import itertools
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gui_chat.store.checkpoint import Checkpointer

SCHEMA_VERSION = 2
#: Rows written between two checkpoints (about 100 bytes each: a few hundred pages).
CHECKPOINT_ROWS = 2000

# Migration N takes a database from version N-1 to N.
_MIGRATIONS: dict[int, str] = {
    1: """
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            conversation TEXT NOT NULL,
            ts REAL NOT NULL,
            kind TEXT NOT NULL,
            sender TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            message_id TEXT NOT NULL DEFAULT '',
            delivery TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX messages_by_conversation ON messages (conversation, id);
        CREATE INDEX messages_by_message_id ON messages (message_id) WHERE message_id != '';
    """,
    # Only the user's own messages are looked up by id (to mark them delivered); an
    # index over every peer's random ids made each stored row five times dearer.
    2: """
        DROP INDEX messages_by_message_id;
        CREATE INDEX own_messages_by_message_id ON messages (message_id) WHERE kind = 'own';
    """,
}


class HistoryError(Exception):
    """The history file cannot be used; ``str(err)`` says why in plain words."""


@dataclass(frozen=True)
class StoredMessage:
    row: int  # position in the database, for loading what came before
    conversation: str
    ts: float
    kind: str  # "own", "peer", "system", "error"
    sender: str
    address: str
    text: str
    message_id: str
    delivery: str


class History:
    """One history database file; use from one thread (the GUI thread)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA wal_autocheckpoint=0")  # the checkpointer does it
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise HistoryError(f"the history in {path} cannot be opened: {exc}") from None
        self._checkpointer = Checkpointer(path)
        self._rows_since_checkpoint = 0

    @property
    def schema_version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"the history was written by a newer version (schema {version}); "
                "it is left untouched"
            )
        for step in range(version + 1, SCHEMA_VERSION + 1):
            self._db.execute("BEGIN")
            for statement in filter(str.strip, _MIGRATIONS[step].split(";")):
                self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {step}")
            self._db.execute("COMMIT")

    def close(self) -> None:
        self._checkpointer.stop()
        self._db.close()

    def _written(self, rows: int) -> None:
        self._rows_since_checkpoint += rows
        if self._rows_since_checkpoint >= CHECKPOINT_ROWS:
            self._rows_since_checkpoint = 0
            self._checkpointer.request()

    # ----- writing ------------------------------------------------------------------------
    def add(self, conversation: str, messages: Sequence[tuple]) -> range:
        """Store ``(ts, kind, sender, address, text, message_id, delivery)`` tuples.

        All in one transaction, a few multi-row statements; the rows of one transaction
        are numbered consecutively: returns their range.
        """
        if not messages:
            return range(0)
        with self._db:
            self._db.execute("BEGIN")
            for start in range(0, len(messages), 1000):  # 7,001 parameters at most
                chunk = messages[start : start + 1000]
                # ?1 is the conversation, in every row; each plain ? takes the next number
                self._db.execute(
                    "INSERT INTO messages (conversation, ts, kind, sender, address, text, "
                    "message_id, delivery) VALUES " + ",".join(["(?1,?,?,?,?,?,?,?)"] * len(chunk)),
                    [conversation, *itertools.chain.from_iterable(chunk)],
                )
            last = self._db.execute("SELECT last_insert_rowid()").fetchone()[0]
        self._written(len(messages))
        return range(last - len(messages) + 1, last + 1)

    def update_text(self, row: int, text: str) -> None:
        """Replace the text of stored row ``row`` (a raw message that kept arriving)."""
        self._db.execute("UPDATE messages SET text = ? WHERE id = ?", (text, row))
        self._written(1)

    def set_delivery(self, message_id: str, delivery: str) -> None:
        """Mark the user's own message ``message_id`` (sending, delivered, failed)."""
        self._db.execute(
            "UPDATE messages SET delivery = ? WHERE kind = 'own' AND message_id = ?",
            (delivery, message_id),
        )
        self._written(1)

    def clear(self, conversation: str | None = None) -> None:
        """Forget one conversation, or everything."""
        if conversation is None:
            self._db.execute("DELETE FROM messages")
        else:
            self._db.execute("DELETE FROM messages WHERE conversation = ?", (conversation,))

    # ----- reading ------------------------------------------------------------------------
    def recent(
        self, conversation: str, limit: int = 100, before: int | None = None
    ) -> list[StoredMessage]:
        """The last ``limit`` messages (before row ``before``), oldest first."""
        cursor = self._db.execute(
            "SELECT id, conversation, ts, kind, sender, address, text, message_id, delivery "
            "FROM messages WHERE conversation = ? AND id < ? ORDER BY id DESC LIMIT ?",
            (conversation, before if before is not None else 2**62, limit),
        )
        return [StoredMessage(*row) for row in reversed(cursor.fetchall())]

    def search(self, text: str, limit: int = 200) -> list[StoredMessage]:
        """Messages containing ``text`` (any case) in every conversation, newest first."""
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        cursor = self._db.execute(
            "SELECT id, conversation, ts, kind, sender, address, text, message_id, delivery "
            "FROM messages WHERE text LIKE ? ESCAPE '\\' OR sender LIKE ? ESCAPE '\\' "
            "ORDER BY id DESC LIMIT ?",
            (pattern, pattern, limit),
        )
        return [StoredMessage(*row) for row in cursor.fetchall()]

    def conversations(self) -> list[str]:
        cursor = self._db.execute(
            "SELECT conversation FROM messages GROUP BY conversation ORDER BY MAX(id) DESC"
        )
        return [row[0] for row in cursor.fetchall()]


def export_lines(messages: Iterable[StoredMessage]) -> str:
    """A conversation as plain text, one message per line block."""
    out = []
    for message in messages:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(message.ts))
        who = message.sender or ("*" if message.kind in ("system", "error") else "")
        out.append(f"[{stamp}] {who}: {message.text}" if who else f"[{stamp}] {message.text}")
    return "\n".join(out) + ("\n" if out else "")
