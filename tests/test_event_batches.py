"""The window gets a flood in batches of a bounded number of chats, however they came."""

from __future__ import annotations

from gui_chat.net.events import ChatReceived, ChatsReceived, Notice, SessionEvent
from gui_chat.workers.session_worker import take_batch


def chats_in(batch: list[SessionEvent]) -> list[str]:
    """The ids of the chats in ``batch``, in order, runs read as their chats."""
    ids: list[str] = []
    for event in batch:
        if isinstance(event, ChatsReceived):
            ids += event.ids
        elif isinstance(event, ChatReceived):
            ids.append(event.id)
    return ids


def all_batches(pending: list[SessionEvent], limit: int) -> list[list[SessionEvent]]:
    batches = []
    while pending:
        batches.append(take_batch(pending, limit))
    return batches


def test_a_run_longer_than_a_batch_is_split_across_batches() -> None:
    run_ids = [f"r{n}" for n in range(2500)]
    run = ChatsReceived("ann", run_ids, [f"text {n}" for n in range(2500)], 1.5, "a:1")
    pending: list[SessionEvent] = [ChatReceived("c0", "bob", "hi", 1.0), run, Notice("later")]
    batches = all_batches(pending, 1000)
    assert [len(chats_in(batch)) for batch in batches] == [1000, 1000, 501]
    assert [chat for batch in batches for chat in chats_in(batch)] == ["c0", *run_ids]
    assert batches[-1][-1] == Notice("later")
    pieces = [event for batch in batches for event in batch if isinstance(event, ChatsReceived)]
    assert [piece.texts[0] for piece in pieces] == ["text 0", "text 999", "text 1999"]
    assert {(piece.sender, piece.ts, piece.address) for piece in pieces} == {("ann", 1.5, "a:1")}


def test_other_events_count_one_each() -> None:
    pending: list[SessionEvent] = [Notice(f"n{n}") for n in range(1500)]
    assert [len(batch) for batch in all_batches(pending, 1000)] == [1000, 500]


def test_a_run_that_fits_is_not_split() -> None:
    run = ChatsReceived("ann", ["a", "b"], ["x", "y"], 1.0)
    pending: list[SessionEvent] = [Notice("first"), run]
    assert take_batch(pending, 3) == [Notice("first"), run]
    assert pending == []


def test_a_full_batch_leaves_the_next_run_whole() -> None:
    run = ChatsReceived("ann", ["a", "b"], ["x", "y"], 1.0)
    pending: list[SessionEvent] = [Notice("one"), Notice("two"), run]
    assert take_batch(pending, 2) == [Notice("one"), Notice("two")]
    assert pending == [run]


def test_a_lone_event_is_taken_whole_and_a_lone_long_run_still_split() -> None:
    chat = ChatReceived("c0", "bob", "hi", 1.0)
    pending: list[SessionEvent] = [chat]
    assert take_batch(pending, 1000) == [chat]
    assert pending == []
    run = ChatsReceived("ann", ["a", "b", "c"], ["x", "y", "z"], 1.0)
    pending = [run]
    assert chats_in(take_batch(pending, 2)) == ["a", "b"]
    assert chats_in(pending) == ["c"]
