"""A room reads a flood of chats as runs: the same chats, in the same order, faster."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from gui_chat.protocol import (
    HEADER,
    MAX_FRAME_SIZE,
    Chat,
    ChatBlockWriter,
    ChatRun,
    Chats,
    Connection,
    chat_runs,
    decode_message,
    encode_frame,
    encode_message,
    group_start,
)
from gui_chat.protocol.messages import MAX_ID_LENGTH
from gui_chat.protocol.names import MAX_TEXT_LENGTH
from tests.support.frames import room_reads


def client_frame(message_id: str, text: str) -> bytes:
    """A chat as a client sends it."""
    return encode_frame(encode_message(Chat(message_id, text)))


def spelled(payload: bytes, length: int | None = None) -> bytes:
    return HEADER.pack(len(payload) if length is None else length) + payload


def test_a_flood_of_usual_chats_is_read_as_one_run() -> None:
    texts = [f"line {n} 你好 ✓" for n in range(500)]
    data = b"".join(client_frame(f"id{n}", text) for n, text in enumerate(texts))
    parts = list(Connection().payloads(data, runs=True))
    assert parts == [ChatRun([f"id{n}" for n in range(500)], texts)]


# Frames that look like usual chats to the run's expressions and are not, or are and
# are read on their own; each between two usual chats.
TRICKY = {
    **{
        f"control character {code:#04x}": spelled(b'{"t":"chat","id":"c","text":"a%cb"}' % code)
        for code in range(0x20)
    },
    "escaped newline": client_frame("e", "two\nlines"),
    "escaped quote": client_frame("q", 'say "hi"'),
    "backslash": client_frame("b", "C:\\temp"),
    "invalid utf-8": spelled(b'{"t":"chat","id":"u","text":"\xff\xfe"}'),
    "lone surrogate": spelled(b'{"t":"chat","id":"s","text":"\xed\xa0\x80"}'),
    "id too long": spelled(b'{"t":"chat","id":"%s","text":"x"}' % (b"i" * (MAX_ID_LENGTH + 1))),
    "id of 64 characters, more bytes": client_frame("ü" * MAX_ID_LENGTH, "x"),
    "text of the longest length": client_frame("l", "t" * MAX_TEXT_LENGTH),
    "text one too long": spelled(encode_message(Chat("l", "t" * MAX_TEXT_LENGTH))[:-2] + b't"}'),
    "longest text, more bytes": client_frame("m", "字" * MAX_TEXT_LENGTH),
    "text one too long, more bytes": spelled(
        encode_message(Chat("m", "字" * MAX_TEXT_LENGTH))[:-2] + '字"}'.encode()
    ),
    "trailing whitespace, counted in the length": spelled(b'{"t":"chat","id":"w","text":"x"} '),
    "length a byte short": spelled(b'{"t":"chat","id":"s","text":"x"}', 33),
    "a ping": spelled(b'{"t":"ping"}'),
    "spaced json": spelled(b'{"t": "chat", "id": "j", "text": "x"}'),
}


@pytest.mark.parametrize("tricky", list(TRICKY.values()), ids=list(TRICKY))
@pytest.mark.parametrize("points", [[], [5], [1, 2, 3, 40, 41]], ids=["whole", "cut", "cut up"])
def test_a_frame_that_is_no_usual_chat_is_read_as_on_its_own(
    tricky: bytes, points: list[int]
) -> None:
    data = client_frame("before", "x") + tricky + client_frame("after", "y")
    assert room_reads(data, points, MAX_FRAME_SIZE, runs=True) == room_reads(
        data, points, MAX_FRAME_SIZE, runs=False
    )


PING = encode_frame(b'{"t":"ping"}')


@pytest.mark.parametrize(
    "other",
    [lambda n: client_frame(f"{n}", "two\nlines"), lambda n: PING],
    ids=["chats that need escapes", "pings"],
)
def test_frames_are_scanned_at_most_twice_whatever_they_hold(
    monkeypatch: pytest.MonkeyPatch, other: Callable[[int], bytes]
) -> None:
    """A run is not read again from each of its frames that need the decoder, and the
    first look at a buffer, which cuts it up to its end, is the only one that does."""
    scanned = []
    run, cut = chat_runs._RUN, chat_runs._CUT

    def counted_run(buffer: bytes, start: int) -> re.Match[bytes] | None:
        match = run(buffer, start)
        scanned.append(match.end() - start if match else 0)
        return match

    def counted_cut(frames: bytes | memoryview) -> list[bytes]:
        scanned.append(len(frames))
        return cut(frames)

    monkeypatch.setattr(chat_runs, "_RUN", counted_run)
    monkeypatch.setattr(chat_runs, "_CUT", counted_cut)
    frames = [other(n) if n % 2 else client_frame(f"{n}", "one line") for n in range(2000)]
    data = b"".join(frames)
    parts = list(Connection().payloads(data, runs=True))
    assert len(parts) == 2000  # runs of one, each followed by a payload to decode
    assert sum(scanned) <= 2 * len(data)


@pytest.mark.parametrize("max_frame_size", [MAX_FRAME_SIZE, 400])
def test_a_run_goes_into_blocks_as_its_chats_do_one_by_one(max_frame_size: int) -> None:
    start = group_start("ann")
    texts = [f"chat {n} ✓" for n in range(40)]
    by_run, one_by_one = ChatBlockWriter(max_frame_size), ChatBlockWriter(max_frame_size)
    by_run.add(start, "alone", 6, 1.5)
    by_run.add_run(start, texts[:20], 7, 1.5)
    by_run.add_run(start, texts[20:], 27, 1.5)
    for number, text in enumerate(["alone", *texts], 6):
        one_by_one.add(start, text, number, 1.5)
    frames = by_run.take()
    assert all(len(frame) <= max_frame_size + HEADER.size for frame in frames)
    if max_frame_size == MAX_FRAME_SIZE:
        assert frames == one_by_one.take()
    else:  # the same chats, in as many blocks or one more (a run starts a block)
        assert _chats(frames) == _chats(one_by_one.take())


def _chats(frames: list[bytes]) -> list[tuple[int, str, str]]:
    """The chats in ``frames`` of blocks: number, sender and text."""
    chats = []
    for payload in Connection().payloads(b"".join(frames)):
        block = decode_message(payload)
        assert isinstance(block, Chats)
        chats += block.numbered()
    return chats
