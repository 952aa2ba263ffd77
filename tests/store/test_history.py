"""The SQLite history on its own: schema, migration, search, export."""

from __future__ import annotations

import sqlite3

import pytest

from gui_chat.store.history import (
    _MIGRATIONS,
    CHECKPOINT_ROWS,
    SCHEMA_VERSION,
    History,
    HistoryError,
    export_lines,
)


def _message(n: int, text: str = "", sender: str = "ann") -> tuple:
    return (1_700_000_000.0 + n, "peer", sender, "10.0.0.2:50007", text or f"line {n}", "", "")


def test_a_new_file_gets_the_current_schema_in_wal_mode(tmp_path):
    history = History(tmp_path / "h.sqlite3")
    assert history.schema_version == SCHEMA_VERSION
    mode = sqlite3.connect(tmp_path / "h.sqlite3").execute("PRAGMA journal_mode").fetchone()[0]
    history.close()
    assert mode == "wal"


def test_a_file_from_a_newer_version_is_left_untouched(tmp_path):
    path = tmp_path / "h.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(HistoryError, match="newer version"):
        History(path)


def _indexes(path) -> set[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'index'").fetchall()
    db.close()
    return {name for (name,) in rows}


def test_a_version_1_file_keeps_its_messages_and_indexes_only_own_ids(tmp_path):
    path = tmp_path / "h.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(_MIGRATIONS[1])
        db.execute(
            "INSERT INTO messages (conversation, ts, kind, sender, text, message_id, delivery) "
            "VALUES ('room a', 1.0, 'own', 'me', 'hi', 'm1', 'sending')"
        )
        db.execute("PRAGMA user_version = 1")
    db.close()
    history = History(path)
    assert history.schema_version == SCHEMA_VERSION == 2
    history.set_delivery("m1", "delivered")
    assert [(m.text, m.delivery) for m in history.recent("room a")] == [("hi", "delivered")]
    history.close()
    indexes = _indexes(path)
    assert "own_messages_by_message_id" in indexes
    assert "messages_by_message_id" not in indexes


def test_the_log_is_checkpointed_by_its_own_thread(qtbot, tmp_path):
    history = History(tmp_path / "h.sqlite3")
    assert history._db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    history.add("room a", [_message(n) for n in range(CHECKPOINT_ROWS)])
    qtbot.waitUntil(lambda: history._checkpointer.checkpoints == 1)
    history.close()
    with sqlite3.connect(tmp_path / "h.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == CHECKPOINT_ROWS
    db.close()


def test_recent_and_older_pages(tmp_path):
    history = History(tmp_path / "h.sqlite3")
    history.add("room a", [_message(n) for n in range(250)])
    history.add("room b", [_message(999)])
    last = history.recent("room a", 100)
    assert [m.text for m in last] == [f"line {n}" for n in range(150, 250)]
    older = history.recent("room a", 100, before=last[0].row)
    assert [m.text for m in older] == [f"line {n}" for n in range(50, 150)]
    assert history.conversations() == ["room b", "room a"]
    history.close()


def test_search_is_case_blind_and_takes_wildcards_literally(tmp_path):
    history = History(tmp_path / "h.sqlite3")
    history.add("room a", [_message(1, "100% sure"), _message(2, "a_b"), _message(3, "Needle")])
    assert [m.text for m in history.search("needle")] == ["Needle"]
    assert [m.text for m in history.search("%")] == ["100% sure"]
    assert [m.text for m in history.search("_")] == ["a_b"]
    assert [m.text for m in history.search("ANN")] == ["Needle", "a_b", "100% sure"]
    history.close()


def test_delivery_updates_and_clearing(tmp_path):
    history = History(tmp_path / "h.sqlite3")
    history.add("room a", [(1.0, "own", "me", "", "hi", "m1", "sending")])
    history.add("room a", [(2.0, "peer", "ann", "", "same id", "m1", "")])
    history.set_delivery("m1", "delivered")
    assert [m.delivery for m in history.recent("room a")] == ["delivered", ""]
    history.add("room b", [_message(1)])
    history.clear("room a")
    assert history.recent("room a") == [] and len(history.recent("room b")) == 1
    history.clear()
    assert history.recent("room b") == []
    history.close()


def test_export_is_plain_text_with_times(tmp_path):
    history = History(tmp_path / "h.sqlite3")
    history.add(
        "room a", [_message(1, "你好 <b>x</b>"), (2.0, "system", "", "", "ann joined", "", "")]
    )
    text = export_lines(history.recent("room a"))
    history.close()
    lines = text.splitlines()
    assert lines[0].endswith("] ann: 你好 <b>x</b>")
    assert lines[1].endswith("] *: ann joined")


def test_an_unwritable_place_is_a_plain_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(HistoryError, match="cannot be opened"):
        History(blocker / "h.sqlite3")
