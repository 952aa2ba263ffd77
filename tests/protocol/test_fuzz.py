"""Property tests: hostile input only ever gives messages or RemoteProtocolError."""

from __future__ import annotations

import itertools
import json
import struct
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gui_chat.protocol import (
    HEADER,
    MAX_DATAGRAM_SIZE,
    MAX_FRAME_SIZE,
    Ack,
    Chat,
    ChatBlockWriter,
    Chats,
    Connection,
    FrameDecoder,
    FrameTooLargeError,
    LocalProtocolError,
    Members,
    Message,
    Ping,
    Pong,
    RemoteProtocolError,
    ack_frame,
    decode_datagram,
    decode_message,
    encode_chat,
    encode_datagram,
    encode_frame,
    encode_message,
    group_start,
    json_content,
    plain_chat,
)
from gui_chat.protocol.messages import (
    MAX_ID_LENGTH,
    MESSAGE_TYPES,
    decode_body,
    message_from_body,
)
from gui_chat.protocol.names import MAX_NICK_LENGTH, MAX_TEXT_LENGTH
from tests.support.frames import cut, room_reads

FUZZ = settings(max_examples=300, deadline=None, database=None)

# Bounded so a value never overflows a float: that case is a known bug with its
# own test in test_messages.py.
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**200), max_value=2**200)
    | st.floats()
    | st.text(max_size=40)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=10,
)
field_names = sorted(
    {"t", "nick", "room", "members", "version", "id", "text", "sender", "ts", "seq", "chats"}
)
field_values = (
    json_scalars
    | st.lists(json_scalars, max_size=3)
    | st.lists(st.lists(st.text(max_size=6) | json_scalars, max_size=4), max_size=3)
    | st.text(max_size=60)
    | st.lists(st.text(max_size=10), max_size=5)
    | st.integers(min_value=-5, max_value=2**32)
    | st.floats(min_value=-2e12, max_value=2e12)
)
message_like = st.builds(
    lambda kind, fields: {**fields, "t": kind},
    st.sampled_from(sorted(MESSAGE_TYPES)) | st.text(max_size=8),
    st.dictionaries(st.sampled_from(field_names), field_values, max_size=6),
)

chats = st.builds(
    Chat,
    id=st.text(max_size=MAX_ID_LENGTH),
    text=st.text(max_size=300),
    sender=st.text(max_size=40),
    ts=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
)


def _outcome(chunks: list[bytes]) -> tuple[list[Message], type[Exception] | None]:
    """Feed ``chunks`` reading after each; the messages and the error class, if any."""
    connection = Connection()
    messages: list[Message] = []
    for chunk in chunks:
        connection.receive_data(chunk)
        try:
            while (message := connection.next_event()) is not None:
                assert isinstance(message, Message)
                messages.append(message)
        except RemoteProtocolError as exc:
            assert str(exc).strip()
            assert connection.broken is exc
            try:
                connection.next_event()
            except RemoteProtocolError as again:
                assert again is exc
            else:
                raise AssertionError("a broken connection returned an event") from None
            return messages, type(exc)
    return messages, None


def _check_decoded(message: Message) -> None:
    """Whatever was accepted can be sent on again and means the same."""
    assert isinstance(message, Message)
    assert type(message) in MESSAGE_TYPES.values()
    assert decode_message(encode_message(message)) == message


@FUZZ
@given(st.binary(max_size=3000), st.lists(st.integers(min_value=0), max_size=30))
def test_arbitrary_bytes_into_connection(data: bytes, points: list[int]) -> None:
    messages, _ = _outcome(cut(data, points))
    for message in messages:
        _check_decoded(message)


small_chats = st.builds(
    Chat,
    id=st.text(max_size=8),
    text=st.text(max_size=30),
    sender=st.text(max_size=8),
    ts=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
)
GOOD_PAYLOADS = [
    encode_message(message)
    for message in (
        Ping(),
        Pong(),
        Ack(id="1"),
        Chat(id="2", text="你好 🎉 <b>x</b>", sender="bob", ts=3.5),
        Chats(ts=3.5, seq=7, chats=(("bob", "你好", "x"), ("张三", "<b>x</b>"))),
        Members(members=("a", "张三")),
    )
]
BAD_PAYLOADS = [
    b"",
    b"x",
    b"[]",
    b"null",
    b'{"t":"xyz"}',
    b'{"t":"chat","id":1,"text":"x"}',
    b'{"t":"chat","id":"1","text":"x","ts":NaN}',
    b'{"t":"chats","ts":1,"seq":1,"chats":[["a"]]}',
    b'{"t":"chats","ts":1,"seq":0,"chats":[["a","x"]]}',
    b"\xff\xfe",
    b"[" * 5000,
]
# Cheap to draw: the stream's structure matters here, not the JSON inside the frames.
frame_parts = st.one_of(
    st.sampled_from(GOOD_PAYLOADS).map(encode_frame),
    st.sampled_from(BAD_PAYLOADS).map(encode_frame),
    small_chats.map(lambda chat: encode_frame(encode_message(chat))),
    st.binary(max_size=12),
    st.sampled_from([0, 1, 5, MAX_FRAME_SIZE, MAX_FRAME_SIZE + 1, 2**32 - 1]).map(
        lambda n: struct.pack("!I", n)
    ),
    st.integers(min_value=0, max_value=2**32 - 1).map(lambda n: struct.pack("!I", n)),
)


@FUZZ
@given(st.lists(frame_parts, max_size=10), st.lists(st.integers(min_value=0), max_size=20))
def test_chunking_never_changes_what_is_read(parts: list[bytes], points: list[int]) -> None:
    stream = b"".join(parts)
    # One byte per feed is the reference: no frame can complete in the same feed
    # as the header that breaks the stream.
    reference, reference_error = _outcome([stream[i : i + 1] for i in range(len(stream))])
    messages, error = _outcome(cut(stream, points))
    for message in reference:
        _check_decoded(message)
    if error is FrameTooLargeError and reference_error is not None:
        # Known bug (see test_connection.py): frames completed in the same feed as
        # an oversize header are dropped, with any error they would have raised,
        # so only a prefix of the messages is guaranteed here.
        assert messages == reference[: len(messages)]
    else:
        assert error is reference_error
        assert messages == reference


@FUZZ
@given(json_values)
def test_arbitrary_json_into_decode_message(value: Any) -> None:
    payload = json.dumps(value).encode()
    try:
        message = decode_message(payload)
    except RemoteProtocolError as exc:
        assert str(exc).strip()
    else:
        _check_decoded(message)


@FUZZ
@given(message_like)
def test_message_shaped_json_into_decode_message(body: dict[str, Any]) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode()
    try:
        message = decode_message(payload)
    except RemoteProtocolError as exc:
        assert str(exc).strip()
    else:
        _check_decoded(message)
        assert body["t"] == message.TYPE


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_into_decode_message(payload: bytes) -> None:
    try:
        message = decode_message(payload)
    except RemoteProtocolError as exc:
        assert str(exc).strip()
    else:
        _check_decoded(message)


# Big payloads are built by padding: drawing 1,400 random bytes each time is slow.
datagrams = st.one_of(
    st.binary(max_size=200),
    st.builds(lambda head, n: head + b" " * n, st.binary(max_size=40), st.integers(1300, 1500)),
    message_like.map(lambda body: json.dumps(body).encode()),
    st.builds(
        lambda body, n: json.dumps(body).encode()[:-1] + b',"pad":"' + b"x" * n + b'"}',
        message_like,
        st.integers(1200, 1450),
    ),
)


@FUZZ
@given(datagrams)
def test_arbitrary_bytes_into_decode_datagram(payload: bytes) -> None:
    try:
        message = decode_datagram(payload)
    except RemoteProtocolError as exc:
        assert str(exc).strip()
    else:
        assert len(payload) <= MAX_DATAGRAM_SIZE
        _check_decoded(message)


@FUZZ
@given(st.lists(chats, max_size=20), st.lists(st.integers(min_value=0), max_size=20))
def test_chat_round_trip_through_any_split(messages: list[Chat], points: list[int]) -> None:
    sender = Connection()
    stream = b"".join(sender.send(m) for m in messages)
    received, error = _outcome(cut(stream, points))
    assert error is None
    assert received == messages


@FUZZ
@given(
    st.lists(st.binary(max_size=300), max_size=20), st.lists(st.integers(min_value=0), max_size=20)
)
def test_frame_round_trip_through_any_split(payloads: list[bytes], points: list[int]) -> None:
    stream = b"".join(encode_frame(p) for p in payloads)
    decoder = FrameDecoder()
    frames: list[bytes] = []
    for chunk in cut(stream, points):
        frames.extend(decoder.feed(chunk))
    assert frames == payloads
    assert decoder.pending == 0


@FUZZ
@given(chats)
def test_datagram_round_trip_or_refused(chat: Chat) -> None:
    size = len(encode_message(chat))
    try:
        payload = encode_datagram(chat)
    except LocalProtocolError as exc:
        assert size > MAX_DATAGRAM_SIZE
        assert "UDP" in str(exc)
    else:
        assert size <= MAX_DATAGRAM_SIZE
        assert decode_datagram(payload) == chat


# ----- the room's shortcuts: the same answers as the full decoder -------------------------
def _reference_body(payload: bytes) -> tuple[str, Any]:
    """("ok", value) or ("error", message) as the plain, whole-payload decoder answers."""
    try:
        return "ok", decode_message_body_reference(payload)
    except RemoteProtocolError as exc:
        return "error", str(exc)


def decode_message_body_reference(payload: bytes) -> Any:
    from gui_chat.protocol.messages import _DECODER

    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RemoteProtocolError(f"message is not valid UTF-8 (byte {exc.start})") from None
    try:
        return _DECODER.decode(text)
    except RecursionError:
        raise RemoteProtocolError("message is nested too deeply") from None
    except ValueError as exc:
        raise RemoteProtocolError(f"message is not valid JSON ({exc})") from None


json_payloads = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda value: json.dumps(value).encode()),
    message_like.map(lambda body: json.dumps(body, ensure_ascii=False).encode()),
    st.builds(
        lambda body, before, after: before + json.dumps(body).encode() + after,
        message_like,
        st.sampled_from([b"", b" ", b"\n", b"\xef\xbb\xbf"]),
        st.sampled_from([b"", b" ", b"\t\n", b"x", b"{}", b"]", b",1"]),
    ),
)


@FUZZ
@given(json_payloads)
def test_decode_body_answers_as_the_whole_payload_decoder(payload: bytes) -> None:
    try:
        got = ("ok", decode_body(payload))
    except RemoteProtocolError as exc:
        got = ("error", str(exc))
    assert got == _reference_body(payload)


EXTRA_FIELDS = ["sender", "ts", "seq", "x", "t"]
chat_bodies = st.one_of(
    message_like,
    st.builds(
        lambda message_id, text, extra: {"t": "chat", "id": message_id, "text": text, **extra},
        st.text(max_size=MAX_ID_LENGTH + 2) | st.integers() | st.none(),
        st.text(max_size=50) | st.integers() | st.lists(st.text(max_size=3), max_size=2),
        st.dictionaries(st.sampled_from(EXTRA_FIELDS), field_values, max_size=1),
    ),
)


def _compact(body: dict[str, Any]) -> bytes:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate: bytes that are not UTF-8


# Chats spelled the usual way with any bytes or characters inside the quotes, and
# chat-like bodies spelled the way a client would.
chat_payloads = st.one_of(
    chat_bodies.map(_compact),
    st.builds(
        lambda raw_id, raw_text: b'{"t":"chat","id":"%s","text":"%s"}' % (raw_id, raw_text),
        st.binary(max_size=70),
        st.binary(max_size=70),
    ),
    st.builds(
        lambda message_id, text: f'{{"t":"chat","id":"{message_id}","text":"{text}"}}'.encode(
            "utf-8", "surrogatepass"
        ),
        st.text(max_size=MAX_ID_LENGTH + 2),
        st.text(max_size=50),
    ),
)


@FUZZ
@given(chat_payloads)
def test_plain_chat_accepts_only_what_the_decoder_reads_as_a_plain_chat(payload: bytes) -> None:
    plain = plain_chat(payload)
    if plain is None:
        return  # the room decodes it in full, which judges it
    message_id, text = plain
    assert decode_message(payload) == Chat(message_id, text)
    assert set(json.loads(payload)) == {"t", "id", "text"}
    # relayed as they are: JSON spells them the same way again
    assert (message_id, text) == (json_content(message_id), json_content(text))


# A room's block of one chat (or of two, which the JSON decoder reads), spelled the usual
# way with numbers and strings near and beyond what the protocol allows, and any bytes or
# characters inside the quotes.
block_numbers = st.one_of(
    st.sampled_from(["0.0", "1.5", "01.5", "-1.5", "1e3", "1.", ".5", "1000000000000.0"]),
    st.sampled_from(["1000000000000.5", "9999999999999.9", "1763830000.123456", "١.٥"]),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.integers(min_value=-1, max_value=2**32).map(str),
)
block_strings = st.one_of(
    st.text(max_size=MAX_ID_LENGTH + 2).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.binary(max_size=70),
    st.sampled_from([b"a" * (MAX_NICK_LENGTH * 4 + 1), b"x" * (MAX_TEXT_LENGTH + 1)]),
)
block_payloads = st.builds(
    lambda ts, seq, strings: (
        b'{"t":"chats","ts":%s,"seq":%s,'
        b'"chats":[["%s"]]}' % (ts.encode(), seq.encode(), b'","'.join(strings))
    ),
    block_numbers,
    block_numbers,
    st.lists(block_strings, min_size=1, max_size=3),
)


def _block(ts: str = "1.5", seq: str = "1", sender: str = "bob", text: str = "hi") -> bytes:
    """A block of one chat, spelled as a room spells it."""
    return f'{{"t":"chats","ts":{ts},"seq":{seq},"chats":[["{sender}","{text}"]]}}'.encode(
        "utf-8", "surrogatepass"
    )


NEAR_LIMITS = [
    *(_block(ts=ts) for ts in ["0.0", "1000000000000.0", "1000000000000.5", "01.5", "-1.5"]),
    *(_block(seq=seq) for seq in ["0", "01", "2147483647", "2147483648", "99999999999"]),
    *(
        _block(sender=sender)
        for sender in ["s" * MAX_NICK_LENGTH * 4, "s" * MAX_NICK_LENGTH * 4 + "s"]
    ),
    *(_block(text=text) for text in ["字" * MAX_TEXT_LENGTH, "字" * (MAX_TEXT_LENGTH + 1)]),
    *(_block(text=text) for text in ['a\\"b', "a\\\\b", "a\tb", "\ud800", "\x7f\u2028"]),
    _block().replace(b'"hi"', b'"hi","there"'),
    _block().replace(b'"hi"', b""),
    _block().replace(b"hi", b"\xff"),
]


def _assert_read_as_the_json_decoder_reads(payload: bytes) -> None:
    try:
        got: Message | str = decode_message(payload)
    except RemoteProtocolError as exc:
        got = str(exc)
    try:
        expected: Message | str = message_from_body(decode_body(payload))
    except RemoteProtocolError as exc:
        expected = str(exc)
    assert got == expected


@pytest.mark.parametrize("payload", NEAR_LIMITS)
def test_blocks_near_the_limits_are_read_as_the_json_decoder_reads_them(payload: bytes) -> None:
    _assert_read_as_the_json_decoder_reads(payload)


# An ack, spelled as rooms and UDP peers spell it, with any bytes or characters for its id.
ack_payloads = block_strings.map(lambda id_: b'{"t":"ack","id":"%s"}' % id_)


def _ack(message_id: str) -> bytes:
    return f'{{"t":"ack","id":"{message_id}"}}'.encode("utf-8", "surrogatepass")


ACKS_NEAR_LIMITS = [
    *(_ack(message_id) for message_id in ["", "a" * MAX_ID_LENGTH, "a" * (MAX_ID_LENGTH + 1)]),
    *(_ack(message_id) for message_id in ['a\\"b', "a\\\\b", "a\tb", "\ud800", "字" * 65]),
    _ack("a").replace(b"}", b',"id":"b"}'),  # the decoder takes the last of two
    _ack("a") + b" ",
    _ack("a").replace(b'"a"', b"1"),
    _ack("a").replace(b'"a"', b'"\xff"'),
]


@pytest.mark.parametrize("payload", ACKS_NEAR_LIMITS)
def test_acks_near_the_limits_are_read_as_the_json_decoder_reads_them(payload: bytes) -> None:
    _assert_read_as_the_json_decoder_reads(payload)


@FUZZ
@given(block_payloads | ack_payloads | json_payloads)
def test_blocks_read_without_the_json_decoder_are_read_as_it_reads_them(payload: bytes) -> None:
    _assert_read_as_the_json_decoder_reads(payload)


# Frames of such payloads and of others, some of them lying about their length by a byte.
lying_frames = st.lists(
    st.tuples(
        chat_payloads | st.sampled_from([b'{"t":"ping"}', b'{"t":"chat","id":"a","text":"b"} ']),
        st.sampled_from([0, 0, 0, 0, 1, -1]),
    ),
    max_size=12,
)


@FUZZ
@given(lying_frames, st.lists(st.integers(min_value=0), max_size=6), st.sampled_from([60, 4096]))
def test_runs_of_chats_are_read_as_their_frames_are_one_by_one(
    frames: list[tuple[bytes, int]], points: list[int], max_size: int
) -> None:
    data = b"".join(HEADER.pack(max(0, len(payload) + lie)) + payload for payload, lie in frames)
    assert room_reads(data, points, max_size, runs=True) == room_reads(
        data, points, max_size, runs=False
    )


@FUZZ
@given(st.text(max_size=MAX_ID_LENGTH), st.text(max_size=300))
def test_plain_chat_reads_what_a_client_sends_unless_it_needs_escapes(
    message_id: str, text: str
) -> None:
    try:
        payload = encode_message(Chat(message_id, text))
    except LocalProtocolError:
        return  # e.g. a lone surrogate: never sent
    needs_escape = any(char in '"\\' or char < " " for char in message_id + text)
    assert plain_chat(payload) == (None if needs_escape else (message_id, text))


#: Time stamps around the limits of a chat's ``ts``, as floats and not.
stamps = (
    st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([0.0, -0.0, 1e12, 1e12 + 1, 1.5, 1_763_830_000.123456])
    | st.integers(min_value=-1, max_value=2)
    | st.booleans()
)


@FUZZ
@given(
    st.text(max_size=MAX_ID_LENGTH + 1),
    st.text(max_size=300),
    st.text(max_size=MAX_NICK_LENGTH * 4 + 1),
    stamps,
)
def test_a_typed_chat_is_written_as_the_general_encoder_writes_it(
    message_id: str, text: str, sender: str, ts: Any
) -> None:
    try:
        expected: bytes | str = encode_message(Chat(message_id, text, sender, ts))
    except LocalProtocolError as exc:
        expected = str(exc)
    try:
        written: bytes | str = encode_chat(message_id, text, sender, ts)
    except LocalProtocolError as exc:
        written = str(exc)
    assert written == expected


chat_items = st.tuples(
    st.sampled_from(["ann", "bob", "张三", ""]) | st.text(max_size=8), st.text(max_size=40)
)
#: Small frames, so that blocks are split often; the largest item drawn fits in one.
SMALL_FRAME = 1024


@FUZZ
@given(
    st.lists(chat_items, min_size=1, max_size=40),
    st.floats(0, 1e12),
    st.integers(1, 2**31 - 100),
)
def test_written_blocks_read_as_the_chats_written(
    items: list[tuple[str, str]], ts: float, seq: int
) -> None:
    items = [item for item in items if not any(_has_lone_surrogate(part) for part in item)]
    writer = ChatBlockWriter(max_frame_size=SMALL_FRAME)
    for number, (sender, text) in enumerate(items, seq):
        writer.add(group_start(sender), json_content(text), number, ts)
    decoder = FrameDecoder(max_size=SMALL_FRAME)
    frames = writer.take()
    assert writer.size == 0 and writer.take() == []
    read = [decode_message(payload) for payload in decoder.feed(b"".join(frames))]
    blocks = [block for block in read if isinstance(block, Chats)]
    assert decoder.pending == 0 and len(blocks) == len(read) == len(frames)
    numbered = [chat for block in blocks for chat in block.numbered()]
    assert numbered == [(number, *item) for number, item in enumerate(items, seq)]
    for block, frame in zip(blocks, frames, strict=True):
        assert block.ts == ts
        assert frame == encode_frame(encode_message(block))  # as compact as the encoder
        assert HEADER.unpack_from(frame)[0] <= SMALL_FRAME
        assert all(a[0] != b[0] for a, b in itertools.pairwise(block.chats))  # one group each
    for block, after in itertools.pairwise(blocks):  # split only where the next did not fit
        sender, text = after.chats[0][:2]
        *earlier, last = block.chats
        joined = (*earlier, (*last, text)) if last[0] == sender else (*block.chats, (sender, text))
        assert len(encode_message(Chats(ts, block.seq, joined))) > SMALL_FRAME


@FUZZ
@given(st.text(max_size=MAX_ID_LENGTH))
def test_a_rooms_ack_is_written_as_the_general_encoder_writes_it(message_id: str) -> None:
    if _has_lone_surrogate(message_id):
        return  # never read as an id
    assert ack_frame(json_content(message_id)) == encode_frame(encode_message(Ack(message_id)))


def _has_lone_surrogate(text: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in text)


@FUZZ
@given(st.lists(frame_parts, max_size=10), st.lists(st.integers(min_value=0), max_size=20))
def test_payloads_are_the_frames_next_event_reads(parts: list[bytes], points: list[int]) -> None:
    stream = b"".join(parts)
    reference = FrameDecoder()
    expected: list[bytes] = []
    expected_error = None
    for index in range(len(stream)):  # one byte per feed, as in the test above
        try:
            expected.extend(reference.feed(stream[index : index + 1]))
        except FrameTooLargeError:
            expected_error = FrameTooLargeError
            break
    connection = Connection()
    got: list[bytes] = []
    error = None
    try:
        for chunk in cut(stream, points):
            got.extend(connection.payloads(chunk))
    except FrameTooLargeError:
        error = FrameTooLargeError
    assert all(type(payload) is bytes for payload in got)
    assert (got, error) == (expected, expected_error)  # the frames before a bad header too
