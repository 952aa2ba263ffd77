"""The ``chats`` block: a turn's relayed chats in one message, in groups by sender."""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any

import pytest

from gui_chat.protocol import (
    HEADER,
    MAX_FRAME_SIZE,
    MAX_NICK_LENGTH,
    MAX_TEXT_LENGTH,
    Chat,
    ChatBlockWriter,
    Chats,
    Connection,
    FrameDecoder,
    LocalProtocolError,
    RemoteProtocolError,
    decode_message,
    encode_frame,
    encode_message,
    group_start,
    json_content,
)

TS = 1_763_790_000.123
BENCH_TEXT = "BENCHMSG c0003 n000017 lorem ipsum dolor sit amet"
TRICKY = [
    "你好，世界 🎉👨‍👩‍👧‍👦🇫🇷",
    "<b>x</b><img src=x>&amp;",
    'quotes " and \\ backslash, ["brackets"] and ],[',
    "ends in a bracket [",
    "line1\nline2\r\n\ttab \x00\x01\x1f \u2028\u2029",
    "",
]


def _write(chats: list[tuple[str, str]], seq: int = 1, ts: float = TS, **kw) -> list[bytes]:
    """The frames of ``(sender, text)`` chats numbered from ``seq``, added one by one."""
    writer = ChatBlockWriter(**kw)
    for number, (sender, text) in enumerate(chats, seq):
        writer.add(group_start(sender), json_content(text), number, ts)
    return writer.take()


def _chats(blocks: list[Chats]) -> list[tuple[str, str]]:
    """The ``(sender, text)`` of every chat in ``blocks``, in order."""
    return [(sender, text) for block in blocks for _, sender, text in block.numbered()]


def _read(frames: list[bytes], max_size: int = MAX_FRAME_SIZE) -> list[Chats]:
    blocks = [decode_message(p) for p in FrameDecoder(max_size).feed(b"".join(frames))]
    assert all(isinstance(block, Chats) for block in blocks)
    return blocks  # type: ignore[return-value]


def _refused(body: dict[str, Any] | bytes) -> str:
    payload = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    with pytest.raises(RemoteProtocolError) as info:
        decode_message(payload)
    text = str(info.value)
    assert text.startswith("bad chats message: "), text
    assert "\n" not in text and "Traceback" not in text
    return text


# ----- the wire form ----------------------------------------------------------------------------
def test_a_block_is_compact_json_with_each_senders_texts_in_a_row_grouped() -> None:
    (frame,) = _write([("bob", "hi"), ("bob", "again"), ("张三", "你好")], seq=41)
    payload = frame[4:]
    assert HEADER.unpack_from(frame)[0] == len(payload)
    assert (
        payload
        == (
            '{"t":"chats","ts":1763790000.123,"seq":41,"chats":[["bob","hi","again"],["张三","你好"]]}'
        ).encode()
    )
    assert decode_message(payload) == Chats(TS, 41, (("bob", "hi", "again"), ("张三", "你好")))


@pytest.mark.parametrize("text", TRICKY)
def test_any_text_survives_a_block_and_is_encoded_as_the_encoder_would(text: str) -> None:
    chats = [(text[:MAX_NICK_LENGTH], text), (text[:MAX_NICK_LENGTH], "x"), ("bob", text)]
    frames = _write(chats)
    (block,) = _read(frames)
    assert _chats([block]) == chats
    assert frames == [encode_frame(encode_message(block))]


def test_each_text_means_a_chat_numbered_on_from_seq_across_groups_with_the_blocks_time() -> None:
    block = Chats(12.5, 7, (("ann", "one", "two"), ("bob", "three"), ("ann", "four")))
    assert list(block.numbered()) == [
        (7, "ann", "one"),
        (8, "ann", "two"),
        (9, "bob", "three"),
        (10, "ann", "four"),
    ]
    assert decode_message(encode_message(block)) == block


def test_a_relayed_chat_takes_little_more_than_its_text() -> None:
    """The reason for the block: 200 chats of one sender, as the fan-out benchmark has."""
    count = 200
    chats = [("b0003", BENCH_TEXT) for _ in range(count)]
    block_bytes = sum(len(frame) for frame in _write(chats, seq=12345))
    chat_frames = sum(
        len(encode_frame(encode_message(Chat(f"3-0-{n}", t, sender=s, ts=TS, seq=12345 + n))))
        for n, (s, t) in enumerate(chats)
    )
    per_chat, per_frame = block_bytes / count, chat_frames / count
    assert len(BENCH_TEXT) + 3 <= per_chat < len(BENCH_TEXT) + 4, per_chat  # "…", and a comma
    assert 135 < per_frame < 142, per_frame  # {"t":"chat","sender":…,"ts":…,"seq":…,…}
    assert per_chat < 0.4 * per_frame


# ----- refused, as a whole, in plain words ------------------------------------------------------
GOOD = ["bob", "hi"]
NOT_A_GROUP = "is not a list of a sender and texts"
BAD_BLOCKS = {
    "no chats": ({"t": "chats", "ts": 1.5, "seq": 1}, "field 'chats' is missing"),
    "chats a string": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": "hi"},
        "field 'chats' must be a list of chats",
    ),
    "chats an object": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": {"0": GOOD}},
        "field 'chats' must be a list of chats",
    ),
    "chats null": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": None},
        "field 'chats' must be a list of chats",
    ),
    "empty": ({"t": "chats", "ts": 1.5, "seq": 1, "chats": []}, "field 'chats' holds no chat"),
    "group a string": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [GOOD, "bob hi"]},
        f"group 2 of 2 {NOT_A_GROUP}",
    ),
    "group an object": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [{"sender": "b", "text": "x"}]},
        f"group 1 of 1 {NOT_A_GROUP}",
    ),
    "group null": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [None]},
        f"group 1 of 1 {NOT_A_GROUP}",
    ),
    "a sender without a text": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [GOOD, ["bob"], GOOD]},
        f"group 2 of 3 {NOT_A_GROUP}",
    ),
    "empty group": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [GOOD, GOOD, []]},
        f"group 3 of 3 {NOT_A_GROUP}",
    ),
    "sender a number": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [[7, "hi"]]},
        "group 1 of 1: field 'sender' must be text",
    ),
    "text null": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [GOOD, ["bob", "ok", None, "hi"]]},
        "group 2 of 2: field 'text' must be text",
    ),
    "text a list": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [["bob", ["hi"]]]},
        "group 1 of 1: field 'text' must be text",
    ),
    "text a number": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [["bob", "1", 3.5]]},
        "group 1 of 1: field 'text' must be text",
    ),
    "text true": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [["bob", True]]},
        "group 1 of 1: field 'text' must be text",
    ),
    "sender too long": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [["s" * (MAX_NICK_LENGTH * 4 + 1), ""]]},
        "group 1 of 1: field 'sender' is too long",
    ),
    "text too long": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [["bob", "", "字" * (MAX_TEXT_LENGTH + 1)]]},
        "group 1 of 1: field 'text' is too long",
    ),
    "seq missing": ({"t": "chats", "ts": 1.5, "chats": [GOOD]}, "field 'seq' is missing"),
    "seq zero": (
        {"t": "chats", "ts": 1.5, "seq": 0, "chats": [GOOD]},
        "field 'seq' is out of range",
    ),
    "seq negative": (
        {"t": "chats", "ts": 1.5, "seq": -1, "chats": [GOOD]},
        "field 'seq' must be a small whole number",
    ),
    "seq true": (
        {"t": "chats", "ts": 1.5, "seq": True, "chats": [GOOD]},
        "field 'seq' must be a small whole number",
    ),
    "seq a string": (
        {"t": "chats", "ts": 1.5, "seq": "1", "chats": [GOOD]},
        "field 'seq' must be a small whole number",
    ),
    "numbers past the limit": (
        {"t": "chats", "ts": 1.5, "seq": 2**31 - 2, "chats": [GOOD, ["ann", "a", "b"]]},
        "field 'seq' is out of range",
    ),
    "ts missing": ({"t": "chats", "seq": 1, "chats": [GOOD]}, "field 'ts' is missing"),
    "ts a string": (
        {"t": "chats", "ts": "now", "seq": 1, "chats": [GOOD]},
        "field 'ts' must be a number",
    ),
    "ts too far": (
        {"t": "chats", "ts": 1e13, "seq": 1, "chats": [GOOD]},
        "field 'ts' is out of range",
    ),
}


@pytest.mark.parametrize("body, why", list(BAD_BLOCKS.values()), ids=list(BAD_BLOCKS))
def test_a_bad_block_is_refused_in_plain_words(body: dict[str, Any], why: str) -> None:
    assert _refused(body) == f"bad chats message: {why}"


def test_the_last_number_may_be_the_largest() -> None:
    body = {"t": "chats", "ts": 1.5, "seq": 2**31 - 3, "chats": [GOOD, ["ann", "a", "b"]]}
    block = decode_message(json.dumps(body).encode())
    assert isinstance(block, Chats) and list(block.numbered())[-1][0] == 2**31 - 1


@pytest.mark.parametrize(
    "group, name",
    [
        ('"a\\udc80b","hi"', "sender"),
        ('"bob","a\\udc80b"', "text"),
        ('"bob","ok","a\\udc80"', "text"),
    ],
    ids=["sender", "text", "a later text"],
)
def test_a_lone_surrogate_anywhere_in_a_group_refuses_the_block(group: str, name: str) -> None:
    payload = b'{"t":"chats","ts":1.5,"seq":1,"chats":[["ann","ok"],[%s]]}' % group.encode()
    assert _refused(payload) == (
        f"bad chats message: group 2 of 2: field '{name}' holds a lone surrogate, "
        "which is not a character"
    )


def test_one_bad_group_refuses_the_whole_block_on_a_connection() -> None:
    good = encode_frame(encode_message(Chats(1.5, 1, (("bob", "one"),))))
    bad = encode_frame(b'{"t":"chats","ts":1.5,"seq":2,"chats":[["bob","two"],["eve",3]]}')
    connection = Connection()
    connection.receive_data(good + bad)
    assert connection.next_event() == Chats(1.5, 1, (("bob", "one"),))
    with pytest.raises(RemoteProtocolError, match="group 2 of 2: field 'text' must be text"):
        connection.next_event()  # nothing of the bad block comes out, not even its first chat


def test_groups_at_the_limits_are_accepted() -> None:
    sender, text = "s" * (MAX_NICK_LENGTH * 4), "🎉" * MAX_TEXT_LENGTH
    assert _read(_write([(sender, text), ("", "")]))[0].chats == ((sender, text), ("", ""))


def test_encoding_an_invalid_block_is_a_local_error() -> None:
    for block in (
        Chats(1.5, 1, ()),
        Chats(1.5, 0, (("a", "x"),)),
        Chats(1.5, 1, (("a", "x" * (MAX_TEXT_LENGTH + 1)),)),
        Chats(1.5, 1, (("a",),)),
    ):
        with pytest.raises(LocalProtocolError):
            encode_message(block)


# ----- split at the frame limit -----------------------------------------------------------------
def _json_size(text: str) -> int:
    """Bytes of ``text`` as a JSON string, quotes included, as the encoder spells it."""
    return len(encode_basestring(text).encode())


def test_a_block_of_exactly_the_limit_is_one_frame_and_one_byte_more_is_two() -> None:
    head = len(b'{"t":"chats","ts":1.5,"seq":1,"chats":[["bob",')
    big = "\x01" * MAX_TEXT_LENGTH  # each character escaped as \u0001: 6 bytes
    # Fill the rest of the frame with 4-byte characters and ASCII, to the byte.
    filler_room = MAX_FRAME_SIZE - head - _json_size(big) - len(b',""') - len(b"]]}")
    text = "🎉" * (filler_room // 4) + "x" * (filler_room % 4)
    exactly = [("bob", big), ("bob", text)]

    (frame,) = _write(exactly, seq=1, ts=1.5)
    assert HEADER.unpack_from(frame)[0] == MAX_FRAME_SIZE
    assert _chats(_read([frame])) == exactly

    one_more = [("bob", big), ("bob", text + "x")]
    blocks = _read(_write(one_more, seq=1, ts=1.5))
    assert [(b.seq, b.ts, b.chats) for b in blocks] == [
        (1, 1.5, (("bob", big),)),
        (2, 1.5, (("bob", text + "x"),)),
    ]


def test_many_chats_are_split_into_frames_under_the_limit_in_order() -> None:
    chats = [(f"user{n // 3 % 7}", "字" * 2000 + str(n)) for n in range(300)]  # ~1.8 MB
    frames = _write(chats, seq=1000)
    assert len(frames) > 1
    assert all(HEADER.unpack_from(frame)[0] <= MAX_FRAME_SIZE for frame in frames)
    blocks = _read(frames)
    assert _chats(blocks) == chats
    seqs = [block.seq for block in blocks]
    assert seqs[0] == 1000
    counts = [len(list(block.numbered())) for block in blocks]
    assert all(s + n == after for s, n, after in zip(seqs, counts, seqs[1:], strict=False))


def test_the_largest_chat_fits_in_a_frame_of_its_own() -> None:
    worst = ("\x01" * MAX_NICK_LENGTH * 4, "\x01" * MAX_TEXT_LENGTH)
    (frame,) = _write([worst])
    assert HEADER.unpack_from(frame)[0] < MAX_FRAME_SIZE
    assert _read([frame])[0].chats == (worst,)


def test_a_chat_larger_than_a_frame_is_refused_not_sent() -> None:
    writer = ChatBlockWriter(max_frame_size=100)
    with pytest.raises(LocalProtocolError, match="does not fit in a frame"):
        writer.add(group_start("bob"), "x" * 100, 1, 1.5)


# ----- what starts another block or group -------------------------------------------------------
def test_a_gap_in_the_numbers_or_another_time_starts_another_block() -> None:
    writer = ChatBlockWriter()
    start = group_start("bob")
    writer.add(start, "one", 5, 1.5)
    writer.add(start, "two", 6, 1.5)
    writer.add(start, "three", 8, 1.5)  # 7 went elsewhere
    writer.add(start, "four", 9, 2.5)  # a later turn
    assert writer.size > 0
    blocks = _read(writer.take())
    assert [(b.seq, b.ts, b.chats) for b in blocks] == [
        (5, 1.5, (("bob", "one", "two"),)),
        (8, 1.5, (("bob", "three"),)),
        (9, 2.5, (("bob", "four"),)),
    ]
    assert writer.size == 0 and writer.take() == []
    writer.add(start, "five", 10, 2.5)  # after a take, a new block even if it follows on
    assert [b.seq for b in _read(writer.take())] == [10]


def test_another_sender_starts_another_group_and_a_sender_may_come_back() -> None:
    (block,) = _read(
        _write([("bob", "a"), ("bob", "b"), ("ann", "c"), ("bob", "d"), ("bob", "e")], seq=3)
    )
    assert block.chats == (("bob", "a", "b"), ("ann", "c"), ("bob", "d", "e"))
    assert block.seq == 3


def test_the_size_counts_the_bytes_of_the_chats_added() -> None:
    writer = ChatBlockWriter()
    writer.add(group_start("bob"), "hi", 1, 1.5)
    writer.add(group_start("bob"), "字", 2, 1.5)
    writer.add(group_start("ann"), "ok", 3, 1.5)
    assert writer.size == len('["bob","hi"') + len(',"字"'.encode()) + len('],["ann","ok"')
