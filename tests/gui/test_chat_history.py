"""Rows shown in a batch are stored in the history with one statement per 1,000 rows."""

import time

from gui_chat.store.history import History


def test_a_batch_is_stored_in_order_with_its_row_numbers(tmp_path):
    history = History(tmp_path / "history.db")
    try:
        history.add("room a", [(time.time(), "system", "", "", "before", "", "")])
        rows = [(time.time(), "peer", "alice", "", f"line {n}", "", "") for n in range(2500)]
        stored = history.add("room a", rows)
        assert len(stored) == 2500
        recent = history.recent("room a", 3000)
        assert [message.text for message in recent] == ["before"] + [
            f"line {n}" for n in range(2500)
        ]
        assert [message.row for message in recent[1:]] == list(stored)
        assert history.add("room a", []) == range(0)
    finally:
        history.close()
