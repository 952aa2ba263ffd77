"""The ``chats`` block: a turn's relayed chats in one message, checked item by item."""

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
    item_start,
    json_content,
)
from gui_chat.protocol.messages import MAX_ID_LENGTH

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


def _write(items: list[tuple[str, str, str]], seq: int = 1, ts: float = TS, **kw) -> list[bytes]:
    writer = ChatBlockWriter(**kw)
    for number, (sender, message_id, text) in enumerate(items):
        writer.add(
            item_start(sender), json_content(message_id), json_content(text), seq + number, ts
        )
    return writer.take()


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
def test_a_block_is_compact_json_with_items_of_sender_id_and_text() -> None:
    (frame,) = _write([("bob", "m1", "hi"), ("张三", "m2", "你好")], seq=41)
    payload = frame[4:]
    assert HEADER.unpack_from(frame)[0] == len(payload)
    assert (
        payload
        == (
            '{"t":"chats","ts":1763790000.123,"seq":41,"chats":[["bob","m1","hi"],["张三","m2","你好"]]}'
        ).encode()
    )
    assert decode_message(payload) == Chats(TS, 41, (("bob", "m1", "hi"), ("张三", "m2", "你好")))


@pytest.mark.parametrize("text", TRICKY)
def test_any_text_survives_a_block_and_is_encoded_as_the_encoder_would(text: str) -> None:
    items = [(text[:MAX_NICK_LENGTH], text[:MAX_ID_LENGTH], text), ("bob", "2", text)]
    frames = _write(items)
    (block,) = _read(frames)
    assert list(block.chats) == items
    assert frames == [encode_frame(encode_message(block))]


def test_each_item_means_a_chat_numbered_on_from_seq_with_the_blocks_time() -> None:
    block = Chats(12.5, 7, (("ann", "a", "one"), ("bob", "b", "two"), ("ann", "c", "three")))
    as_chats = [
        Chat(message_id, text, sender=sender, ts=block.ts, seq=block.seq + offset)
        for offset, (sender, message_id, text) in enumerate(block.chats)
    ]
    assert [(c.seq, c.sender, c.id) for c in as_chats] == [
        (7, "ann", "a"),
        (8, "bob", "b"),
        (9, "ann", "c"),
    ]
    assert decode_message(encode_message(block)) == block


def test_a_relayed_chat_takes_about_half_the_bytes_of_a_chat_frame() -> None:
    """The reason for the block: 200 chats of one sender, as the fan-out benchmark has."""
    count = 200
    items = [("b0003", f"3-0-{n}", BENCH_TEXT) for n in range(count)]
    block_bytes = sum(len(frame) for frame in _write(items, seq=12345))
    chat_frames = sum(
        len(encode_frame(encode_message(Chat(i, t, sender=s, ts=TS, seq=12345 + n))))
        for n, (s, i, t) in enumerate(items)
    )
    per_chat, per_frame = block_bytes / count, chat_frames / count
    assert 70 < per_chat < 76, per_chat  # ["b0003","3-0-17","…"], and a comma
    assert 135 < per_frame < 142, per_frame  # {"t":"chat","sender":…,"ts":…,"seq":…,…}
    assert per_chat < 0.55 * per_frame


# ----- refused, as a whole, in plain words ------------------------------------------------------
GOOD_ITEM = ["bob", "1", "hi"]
BAD_BLOCKS = {
    "no chats": ({"t": "chats", "ts": 1.5, "seq": 1}, "field 'chats' is missing"),
    "chats a string": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": "hi"},
        "field 'chats' must be a list of chats",
    ),
    "chats an object": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": {"0": GOOD_ITEM}},
        "field 'chats' must be a list of chats",
    ),
    "chats null": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": None},
        "field 'chats' must be a list of chats",
    ),
    "empty": ({"t": "chats", "ts": 1.5, "seq": 1, "chats": []}, "field 'chats' holds no chat"),
    "item a string": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [GOOD_ITEM, "bob 2 hi"]},
        "chat 2 of 2 is not a list of sender, id and text",
    ),
    "item an object": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [{"sender": "b", "id": "1", "text": "x"}]},
        "chat 1 of 1 is not a list of sender, id and text",
    ),
    "item null": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [None]},
        "chat 1 of 1 is not a list of sender, id and text",
    ),
    "item of two": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [["bob", "hi"]]},
        "chat 1 of 1 is not a list of sender, id and text",
    ),
    "item of four": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [[*GOOD_ITEM, 3.5], GOOD_ITEM]},
        "chat 1 of 2 is not a list of sender, id and text",
    ),
    "empty item": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [GOOD_ITEM, GOOD_ITEM, []]},
        "chat 3 of 3 is not a list of sender, id and text",
    ),
    "sender a number": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [[7, "1", "hi"]]},
        "chat 1 of 1: field 'sender' must be text",
    ),
    "id null": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [GOOD_ITEM, ["bob", None, "hi"]]},
        "chat 2 of 2: field 'id' must be text",
    ),
    "text a list": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [["bob", "1", ["hi"]]]},
        "chat 1 of 1: field 'text' must be text",
    ),
    "text true": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [["bob", "1", True]]},
        "chat 1 of 1: field 'text' must be text",
    ),
    "sender too long": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [["s" * (MAX_NICK_LENGTH * 4 + 1), "1", ""]]},
        "chat 1 of 1: field 'sender' is too long",
    ),
    "id too long": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [["bob", "i" * (MAX_ID_LENGTH + 1), ""]]},
        "chat 1 of 1: field 'id' is too long",
    ),
    "text too long": (
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [["bob", "1", "字" * (MAX_TEXT_LENGTH + 1)]]},
        "chat 1 of 1: field 'text' is too long",
    ),
    "seq missing": ({"t": "chats", "ts": 1.5, "chats": [GOOD_ITEM]}, "field 'seq' is missing"),
    "seq zero": (
        {"t": "chats", "ts": 1.5, "seq": 0, "chats": [GOOD_ITEM]},
        "field 'seq' is out of range",
    ),
    "seq negative": (
        {"t": "chats", "ts": 1.5, "seq": -1, "chats": [GOOD_ITEM]},
        "field 'seq' must be a small whole number",
    ),
    "seq true": (
        {"t": "chats", "ts": 1.5, "seq": True, "chats": [GOOD_ITEM]},
        "field 'seq' must be a small whole number",
    ),
    "seq a string": (
        {"t": "chats", "ts": 1.5, "seq": "1", "chats": [GOOD_ITEM]},
        "field 'seq' must be a small whole number",
    ),
    "numbers past the limit": (
        {"t": "chats", "ts": 1.5, "seq": 2**31 - 1, "chats": [GOOD_ITEM, GOOD_ITEM]},
        "field 'seq' is out of range",
    ),
    "ts missing": ({"t": "chats", "seq": 1, "chats": [GOOD_ITEM]}, "field 'ts' is missing"),
    "ts a string": (
        {"t": "chats", "ts": "now", "seq": 1, "chats": [GOOD_ITEM]},
        "field 'ts' must be a number",
    ),
    "ts too far": (
        {"t": "chats", "ts": 1e13, "seq": 1, "chats": [GOOD_ITEM]},
        "field 'ts' is out of range",
    ),
}


@pytest.mark.parametrize("body, why", list(BAD_BLOCKS.values()), ids=list(BAD_BLOCKS))
def test_a_bad_block_is_refused_in_plain_words(body: dict[str, Any], why: str) -> None:
    assert _refused(body) == f"bad chats message: {why}"


@pytest.mark.parametrize("field", [0, 1, 2], ids=["sender", "id", "text"])
def test_a_lone_surrogate_in_any_item_field_refuses_the_block(field: int) -> None:
    item = ['"bob"', '"1"', '"hi"']
    item[field] = '"a\\udc80b"'
    payload = b'{"t":"chats","ts":1.5,"seq":1,"chats":[["ann","0","ok"],[%s]]}' % (
        ",".join(item).encode()
    )
    name = ("sender", "id", "text")[field]
    assert _refused(payload) == (
        f"bad chats message: chat 2 of 2: field '{name}' holds a lone surrogate, "
        "which is not a character"
    )


def test_one_bad_item_refuses_the_whole_block_on_a_connection() -> None:
    good = encode_frame(encode_message(Chats(1.5, 1, (("bob", "1", "one"),))))
    bad = encode_frame(b'{"t":"chats","ts":1.5,"seq":2,"chats":[["bob","2","two"],["bob",3,"x"]]}')
    connection = Connection()
    connection.receive_data(good + bad)
    assert connection.next_event() == Chats(1.5, 1, (("bob", "1", "one"),))
    with pytest.raises(RemoteProtocolError, match="chat 2 of 2: field 'id' must be text"):
        connection.next_event()  # nothing of the bad block comes out, not even its first chat


def test_items_at_the_limits_are_accepted() -> None:
    item = ("s" * (MAX_NICK_LENGTH * 4), "i" * MAX_ID_LENGTH, "🎉" * MAX_TEXT_LENGTH)
    assert _read(_write([item, ("", "", "")]))[0].chats == (item, ("", "", ""))


def test_encoding_an_invalid_block_is_a_local_error() -> None:
    for block in (
        Chats(1.5, 1, ()),
        Chats(1.5, 0, (("a", "1", "x"),)),
        Chats(1.5, 1, (("a", "1", "x" * (MAX_TEXT_LENGTH + 1)),)),
        Chats(1.5, 1, (("a", "1"),)),  # type: ignore[arg-type]
    ):
        with pytest.raises(LocalProtocolError):
            encode_message(block)


# ----- split at the frame limit -----------------------------------------------------------------
def _item_size(sender: str, message_id: str, text: str) -> int:
    return len(f"[{encode_basestring(sender)},{encode_basestring(message_id)},".encode()) + len(
        f"{encode_basestring(text)}]".encode()
    )  # ["sender","id","text"], each as the JSON encoder spells it


def test_a_block_of_exactly_the_limit_is_one_frame_and_one_byte_more_is_two() -> None:
    head = len(b'{"t":"chats","ts":1.5,"seq":1,"chats":[')
    big = ("bob", "1", "\x01" * MAX_TEXT_LENGTH)  # each character escaped as \u0001: 6 bytes
    # Fill the rest of the frame with 4-byte characters and ASCII, to the byte.
    rest = MAX_FRAME_SIZE - head - len(b"]}") - _item_size(*big) - len(b",")
    filler_room = rest - _item_size("bob", "2", "")
    text = "🎉" * (filler_room // 4) + "x" * (filler_room % 4)
    exactly = [big, ("bob", "2", text)]

    (frame,) = _write(exactly, seq=1, ts=1.5)
    assert HEADER.unpack_from(frame)[0] == MAX_FRAME_SIZE
    assert list(_read([frame])[0].chats) == exactly

    one_more = [big, ("bob", "2", text + "x")]
    frames = _write(one_more, seq=1, ts=1.5)
    blocks = _read(frames)
    assert [(b.seq, b.ts, len(b.chats)) for b in blocks] == [(1, 1.5, 1), (2, 1.5, 1)]
    assert [item for b in blocks for item in b.chats] == one_more


def test_many_chats_are_split_into_frames_under_the_limit_in_order() -> None:
    items = [(f"user{n % 7}", f"id{n}", "字" * 2000 + str(n)) for n in range(300)]  # ~1.8 MB
    frames = _write(items, seq=1000)
    assert len(frames) > 1
    assert all(HEADER.unpack_from(frame)[0] <= MAX_FRAME_SIZE for frame in frames)
    blocks = _read(frames)
    assert [item for block in blocks for item in block.chats] == items
    seqs = [block.seq for block in blocks]
    assert seqs[0] == 1000
    assert all(b.seq + len(b.chats) == after for b, after in zip(blocks, seqs[1:], strict=False))


def test_the_largest_chat_fits_in_a_frame_of_its_own() -> None:
    worst = ("\x01" * MAX_NICK_LENGTH * 4, "\x01" * MAX_ID_LENGTH, "\x01" * MAX_TEXT_LENGTH)
    (frame,) = _write([worst])
    assert HEADER.unpack_from(frame)[0] < MAX_FRAME_SIZE
    assert _read([frame])[0].chats == (worst,)


def test_a_chat_larger_than_a_frame_is_refused_not_sent() -> None:
    writer = ChatBlockWriter(max_frame_size=100)
    with pytest.raises(LocalProtocolError, match="does not fit in a frame"):
        writer.add(item_start("bob"), "1", "x" * 100, 1, 1.5)


# ----- what starts another block ----------------------------------------------------------------
def test_a_gap_in_the_numbers_or_another_time_starts_another_block() -> None:
    writer = ChatBlockWriter()
    start = item_start("bob")
    writer.add(start, "a", "one", 5, 1.5)
    writer.add(start, "b", "two", 6, 1.5)
    writer.add(start, "c", "three", 8, 1.5)  # 7 went elsewhere
    writer.add(start, "d", "four", 9, 2.5)  # a later turn
    assert writer.size > 0
    blocks = _read(writer.take())
    assert [(b.seq, b.ts, [i[1] for i in b.chats]) for b in blocks] == [
        (5, 1.5, ["a", "b"]),
        (8, 1.5, ["c"]),
        (9, 2.5, ["d"]),
    ]
    assert writer.size == 0 and writer.take() == []
    writer.add(start, "e", "five", 10, 2.5)  # after a take, a new block even if it follows on
    assert [b.seq for b in _read(writer.take())] == [10]
