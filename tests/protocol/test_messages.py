"""JSON messages: every type round trips; anything malformed is a RemoteProtocolError."""

from __future__ import annotations

import json

import pytest

from gui_chat.protocol import (
    MAX_NICK_LENGTH,
    MAX_TEXT_LENGTH,
    PROTOCOL_VERSION,
    Ack,
    Announce,
    Chat,
    Chats,
    Error,
    Hello,
    Joined,
    Left,
    LocalProtocolError,
    Members,
    Message,
    Ping,
    Pong,
    Query,
    RemoteProtocolError,
    Welcome,
    decode_message,
    encode_chat,
    encode_message,
)
from gui_chat.protocol.messages import MAX_ID_LENGTH, MAX_REASON_LENGTH, MESSAGE_TYPES

TRICKY = [
    "plain",
    "你好，世界",
    "张三说：今天天气很好。",
    "emoji 🎉👨‍👩‍👧‍👦🇫🇷",
    "<b>x</b><img src=x>",
    "<script>alert(1)</script>&amp;&lt;",
    'quotes " and \\ backslash / slash',
    "line1\nline2\r\n\ttab",
    "\x00\x01\x1f nul and controls",
    "\u2028\u2029 separators",
    "",
]

ALL_MESSAGES: list[Message] = [
    Hello(nick="alice"),
    Hello(nick="张三", version=7),
    Welcome(nick="alice (2)", room="大厅 🏠", members=("alice", "bob", "张三")),
    Welcome(nick="a", room="r"),
    Chat(id="m1", text="hello"),
    Chat(id="m-2", text="<b>x</b><img src=x>", sender="bob", ts=1_700_000_000.25),
    Ack(id="m1"),
    Joined(nick="carol"),
    Left(nick="carol", reason="connection lost"),
    Left(nick="dave"),
    Members(members=("alice", "bob")),
    Members(members=()),
    Ping(),
    Pong(),
    Error(reason="protocol version 2 is not supported"),
    Hello(nick="alice", client_id="c1", room_id="r1", last_seq=42),
    Hello(nick="alice", echo=False),
    Welcome(nick="a", room="r", room_id="r1"),
    Chat(id="m3", text="relayed", sender="bob", ts=1.0, seq=7),
    Chats(ts=1_700_000_000.125, seq=8, chats=(("bob", "one", "two"), ("张三", "两"))),
    Announce(kind="room", name="大厅", nick="host", port=50007, members=3, instance="i1"),
    Query(instance="i2"),
]


def _assert_readable(exc: BaseException) -> None:
    text = str(exc)
    assert text.strip(), "error message is empty"
    assert "\n" not in text
    assert " " in text, f"not a sentence: {text!r}"
    assert "Traceback" not in text


def _refused(payload: bytes) -> RemoteProtocolError:
    with pytest.raises(RemoteProtocolError) as info:
        decode_message(payload)
    assert type(info.value) is RemoteProtocolError
    _assert_readable(info.value)
    return info.value


def _body(**fields: object) -> bytes:
    return json.dumps(fields).encode()


def test_every_type_is_covered() -> None:
    assert {type(m) for m in ALL_MESSAGES} == set(MESSAGE_TYPES.values())
    assert len(MESSAGE_TYPES) == 13


@pytest.mark.parametrize("message", ALL_MESSAGES, ids=lambda m: type(m).__name__)
def test_round_trip(message: Message) -> None:
    payload = encode_message(message)
    assert isinstance(payload, bytes)
    decoded = decode_message(payload)
    assert type(decoded) is type(message)
    assert decoded == message
    assert json.loads(payload)["t"] == message.TYPE


@pytest.mark.parametrize("text", TRICKY)
def test_text_survives_unchanged(text: str) -> None:
    chat = Chat(id="x", text=text, sender=text[:MAX_NICK_LENGTH])
    decoded = decode_message(encode_message(chat))
    assert isinstance(decoded, Chat)
    assert decoded.text == text
    assert decoded.sender == text[:MAX_NICK_LENGTH]


@pytest.mark.parametrize("text", TRICKY)
def test_names_survive_unchanged(text: str) -> None:
    name = text[:MAX_NICK_LENGTH]
    for message in (
        Hello(nick=name),
        Joined(nick=name),
        Left(nick=name, reason=text),
        Members(members=(name, name + "!")),
        Welcome(nick=name, room=name, members=(name,)),
        Error(reason=text),
    ):
        assert decode_message(encode_message(message)) == message


@pytest.mark.parametrize("text", TRICKY)
def test_a_typed_chat_is_written_as_any_chat(text: str) -> None:
    for chat in (Chat(id="x", text=text), Chat(id="x", text=text, sender="bob", ts=1.5e9)):
        payload = encode_chat(chat.id, chat.text, chat.sender, chat.ts)
        assert payload == encode_message(chat)
        assert decode_message(payload) == chat


@pytest.mark.parametrize(
    "fields",
    [
        ("i" * (MAX_ID_LENGTH + 1), "text"),
        ("id", "字" * (MAX_TEXT_LENGTH + 1)),
        ("id", "lone \udcff surrogate"),
        ("id", "text", "s" * (MAX_NICK_LENGTH * 4 + 1)),
        ("id", "text", "bob", 1e12 * 2),
        ("id", "text", "bob", float("nan")),
    ],
)
def test_a_typed_chat_that_is_not_valid_is_refused_in_plain_words(fields: tuple) -> None:
    with pytest.raises(LocalProtocolError) as info:
        encode_chat(*fields)
    _assert_readable(info.value)


def test_encoding_is_compact_utf8_not_escaped() -> None:
    payload = encode_message(Chat(id="1", text="张三 🎉"))
    assert "张三 🎉".encode() in payload
    assert b"\\u" not in payload
    assert b": " not in payload and b", " not in payload


def test_wire_names() -> None:
    assert {cls.TYPE for cls in MESSAGE_TYPES.values()} == {
        "hello",
        "welcome",
        "chat",
        "chats",
        "ack",
        "join",
        "leave",
        "members",
        "ping",
        "pong",
        "error",
        "announce",
        "query",
    }
    for wire, cls in MESSAGE_TYPES.items():
        assert wire == cls.TYPE


def test_a_hello_says_when_its_client_needs_no_echo() -> None:
    assert b"echo" not in encode_message(Hello(nick="a"))  # the default: an echo
    assert encode_message(Hello(nick="a", echo=False)).endswith(b',"echo":false}')
    error = _refused(_body(t="hello", nick="a", echo="no"))
    assert "field 'echo' must be true or false" in str(error)


def test_defaults_fill_missing_optional_fields() -> None:
    assert decode_message(b'{"t":"hello","nick":"a"}') == Hello(nick="a", version=PROTOCOL_VERSION)
    assert decode_message(b'{"t":"chat","id":"1","text":"hi"}') == Chat(
        id="1", text="hi", sender="", ts=0.0
    )
    assert decode_message(b'{"t":"leave","nick":"a"}') == Left(nick="a", reason="")
    assert decode_message(b'{"t":"welcome","nick":"a","room":"r"}') == Welcome(
        nick="a", room="r", members=()
    )


def test_list_becomes_tuple() -> None:
    decoded = decode_message(b'{"t":"members","members":["a","b"]}')
    assert isinstance(decoded, Members)
    assert decoded.members == ("a", "b")
    assert isinstance(decoded.members, tuple)


def test_integer_timestamp_becomes_float() -> None:
    decoded = decode_message(b'{"t":"chat","id":"1","text":"x","ts":12}')
    assert isinstance(decoded, Chat)
    assert decoded.ts == 12.0
    assert isinstance(decoded.ts, float)


def test_unknown_extra_fields_are_ignored() -> None:
    payload = _body(t="chat", id="1", text="hi", future={"x": [1, 2]}, color="red", TYPE="evil")
    assert decode_message(payload) == Chat(id="1", text="hi")
    assert decode_message(_body(t="ping", nick=5)) == Ping()


def test_duplicate_keys_last_wins() -> None:
    assert decode_message(b'{"t":"ack","id":"a","id":"b"}') == Ack(id="b")


def test_whitespace_around_json_is_accepted() -> None:
    assert decode_message(b' \n{ "t" : "ping" }\r\n') == Ping()


# --- not JSON at all ---------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b" ",
        b"garbage",
        b"\x00\x01\x02\x03",
        b"{",
        b'{"t":"ping"',
        b'{"t":"ping"}}',
        b'{"t":"ping"} {"t":"pong"}',
        b"{'t':'ping'}",
        b'{t:"ping"}',
        b'{"t":"ping",}',
        b"\xef\xbb\xbf" + b'{"t":"ping"}',
    ],
)
def test_garbage_is_refused(payload: bytes) -> None:
    _refused(payload)


@pytest.mark.parametrize(
    "payload",
    [
        b"\xff\xfe",
        b'{"t":"chat","id":"1","text":"\xe4\xb8"}',  # truncated 3-byte sequence
        "你".encode()[:2],
        b'{"t":"chat","id":"1","text":"\xc0\xaf"}',  # overlong encoding of '/'
        b'{"t":"chat","id":"1","text":"\xed\xa0\x80"}',  # encoded surrogate
        b'{"t":"chat","id":"1","text":"\xf4\x90\x80\x80"}',  # above U+10FFFF
        b"\x80",
    ],
)
def test_invalid_utf8_is_refused(payload: bytes) -> None:
    error = _refused(payload)
    assert "UTF-8" in str(error)


# --- JSON of the wrong shape -------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        b"[]",
        b'["t","ping"]',
        b'"ping"',
        b"42",
        b"4.5",
        b"null",
        b"true",
        b"{}",
        b'{"type":"ping"}',
        b'{"t":null}',
        b'{"t":1}',
        b'{"t":true}',
        b'{"t":["ping"]}',
        b'{"t":{"ping":1}}',
        b'{"t":"xyz"}',
        b'{"t":""}',
        b'{"t":"PING"}',
        b'{"t":" ping"}',
        b'{"t":"Message"}',
    ],
)
def test_wrong_shape_is_refused(payload: bytes) -> None:
    _refused(payload)


def test_unknown_type_is_named_but_cut_short() -> None:
    error = _refused(_body(t="xyz"))
    assert "xyz" in str(error)
    error = _refused(_body(t="q" * 10_000))
    assert len(str(error)) < 200


# --- fields --------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"t": "hello"},
        {"t": "welcome", "nick": "a"},
        {"t": "welcome", "room": "r"},
        {"t": "chat", "text": "hi"},
        {"t": "chat", "id": "1"},
        {"t": "ack"},
        {"t": "join"},
        {"t": "leave"},
        {"t": "members"},
        {"t": "error"},
    ],
)
def test_missing_required_field_is_refused(fields: dict[str, object]) -> None:
    error = _refused(json.dumps(fields).encode())
    assert "missing" in str(error)


@pytest.mark.parametrize(
    "fields",
    [
        {"t": "hello", "nick": "a", "version": True},
        {"t": "hello", "nick": "a", "version": False},
        {"t": "hello", "nick": "a", "version": "1"},
        {"t": "hello", "nick": "a", "version": 1.0},
        {"t": "hello", "nick": "a", "version": 1.5},
        {"t": "hello", "nick": "a", "version": -1},
        {"t": "hello", "nick": "a", "version": 2**31},
        {"t": "hello", "nick": "a", "version": None},
        {"t": "hello", "nick": 5},
        {"t": "hello", "nick": None},
        {"t": "hello", "nick": ["a"]},
        {"t": "hello", "nick": {"a": 1}},
        {"t": "hello", "nick": True},
        {"t": "hello", "nick": "a", "echo": 0},
        {"t": "hello", "nick": "a", "echo": "false"},
        {"t": "hello", "nick": "a", "echo": None},
        {"t": "chat", "id": 1, "text": "x"},
        {"t": "chat", "id": "1", "text": 5},
        {"t": "chat", "id": "1", "text": None},
        {"t": "chat", "id": "1", "text": ["x"]},
        {"t": "chat", "id": "1", "text": "x", "ts": "12"},
        {"t": "chat", "id": "1", "text": "x", "ts": True},
        {"t": "chat", "id": "1", "text": "x", "ts": None},
        {"t": "chat", "id": "1", "text": "x", "ts": [1]},
        {"t": "chat", "id": "1", "text": "x", "ts": 1e13},
        {"t": "chat", "id": "1", "text": "x", "ts": -1e13},
        {"t": "chat", "id": "1", "text": "x", "sender": 3},
        {"t": "ack", "id": 1.5},
        {"t": "join", "nick": 0},
        {"t": "leave", "nick": "a", "reason": 1},
        {"t": "error", "reason": False},
        {"t": "members", "members": "alice"},
        {"t": "members", "members": {"alice": 1}},
        {"t": "members", "members": None},
        {"t": "members", "members": [1, 2]},
        {"t": "members", "members": ["a", None]},
        {"t": "members", "members": ["a", ["b"]]},
        {"t": "members", "members": ["a", True]},
        {"t": "welcome", "nick": "a", "room": "r", "members": ["a", 1]},
        {"t": "welcome", "nick": "a", "room": 1},
    ],
)
def test_wrong_field_type_is_refused(fields: dict[str, object]) -> None:
    error = _refused(json.dumps(fields).encode())
    assert f"bad {fields['t']} message" in str(error)


@pytest.mark.parametrize("value", [0, 1, 2**31 - 1])
def test_version_range_accepted(value: int) -> None:
    assert decode_message(_body(t="hello", nick="a", version=value)) == Hello(
        nick="a", version=value
    )


@pytest.mark.parametrize("ts", [0, -1.5, 1e12, -1e12, 1_700_000_000.123456])
def test_timestamp_range_accepted(ts: float) -> None:
    decoded = decode_message(_body(t="chat", id="1", text="x", ts=ts))
    assert isinstance(decoded, Chat)
    assert decoded.ts == ts


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
@pytest.mark.parametrize(
    "template",
    [
        b'{"t":"chat","id":"1","text":"x","ts":%s}',
        b'{"t":"ping","extra":%s}',
        b"%s",
        b"[%s]",
    ],
)
def test_nan_and_infinity_constants_refused(template: bytes, constant: bytes) -> None:
    _refused(template % constant)


def test_float_overflowing_to_infinity_refused() -> None:
    _refused(b'{"t":"chat","id":"1","text":"x","ts":1e400}')
    _refused(b'{"t":"chat","id":"1","text":"x","ts":-1e400}')


@pytest.mark.parametrize(
    "template",
    [
        b"%s",
        b'{"t":"ping","extra":%s}',
        b'{"t":"hello","nick":"a","version":%s}',
        b'{"t":"chat","id":"1","text":"x","ts":%s}',
        b'{"t":%s}',
    ],
)
def test_huge_integers_refused(template: bytes) -> None:
    with pytest.raises(RemoteProtocolError) as info:
        decode_message(template % (b"9" * 5000))
    _assert_readable(info.value)


def test_large_integer_timestamp_refused() -> None:
    # 400 digits parse as an int (under the 4300-digit limit) but do not fit a float.
    with pytest.raises(RemoteProtocolError):
        decode_message(b'{"t":"chat","id":"1","text":"x","ts":' + b"9" * 400 + b"}")


def test_encode_large_integer_timestamp_raises_local_error() -> None:
    with pytest.raises(LocalProtocolError):
        encode_message(Chat(id="1", text="x", ts=10**400))


def test_moderately_large_integer_timestamp_refused() -> None:
    _refused(b'{"t":"chat","id":"1","text":"x","ts":' + b"9" * 300 + b"}")


@pytest.mark.parametrize(
    "payload",
    [
        b"[" * 100_000,
        b"{" * 100_000,
        b'{"a":' * 100_000,
        b"[" * 100_000 + b"]" * 100_000,
        b'{"t":"chat","id":"1","text":' + b"[" * 100_000,
        b'{"t":"ping","x":' + b"[" * 50_000 + b"]" * 50_000 + b"}",
    ],
)
def test_deep_nesting_refused(payload: bytes) -> None:
    _refused(payload)


def test_nesting_near_the_recursion_limit() -> None:
    # Wherever the parser gives up, the rest of decode_message must cope with
    # whatever depth the parser did accept (no RecursionError may escape).
    # Under pytest the parser gives up somewhere between 800 and 1000 levels.
    for depth in [*range(0, 800, 25), *range(800, 1300)]:
        nested_list = b"[" * depth + b"0" + b"]" * depth
        nested_dict = b'{"a":' * depth + b"0" + b"}" * depth
        for payload in (
            b'{"t":' + nested_list + b"}",
            b'{"t":' + nested_dict + b"}",
            b'{"t":"members","members":' + nested_list + b"}",
            b'{"t":"chat","id":"1","text":' + nested_dict + b"}",
        ):
            _refused(payload)
        try:
            assert decode_message(b'{"t":"ping","x":' + nested_list + b"}") == Ping()
        except RemoteProtocolError as exc:
            assert "deep" in str(exc)
            assert depth > 100


# --- sizes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "limit", "make"),
    [
        ("text", MAX_TEXT_LENGTH, lambda v: {"t": "chat", "id": "1", "text": v}),
        ("id", MAX_ID_LENGTH, lambda v: {"t": "chat", "id": v, "text": "x"}),
        ("id", MAX_ID_LENGTH, lambda v: {"t": "ack", "id": v}),
        ("nick", MAX_NICK_LENGTH * 4, lambda v: {"t": "hello", "nick": v}),
        ("nick", MAX_NICK_LENGTH * 4, lambda v: {"t": "join", "nick": v}),
        (
            "sender",
            MAX_NICK_LENGTH * 4,
            lambda v: {"t": "chat", "id": "1", "text": "", "sender": v},
        ),
        ("room", MAX_NICK_LENGTH * 4, lambda v: {"t": "welcome", "nick": "a", "room": v}),
        ("reason", MAX_REASON_LENGTH, lambda v: {"t": "error", "reason": v}),
        ("reason", MAX_REASON_LENGTH, lambda v: {"t": "leave", "nick": "a", "reason": v}),
    ],
)
@pytest.mark.parametrize("char", ["a", "字", "🎉"])
def test_string_limits(field: str, limit: int, make, char: str) -> None:
    at_limit = make(char * limit)
    decoded = decode_message(json.dumps(at_limit, ensure_ascii=False).encode())
    assert getattr(decoded, field) == char * limit
    error = _refused(json.dumps(make(char * (limit + 1)), ensure_ascii=False).encode())
    assert field in str(error)
    assert "too long" in str(error)


def test_members_list_length_limit() -> None:
    from gui_chat.protocol.messages import MAX_MEMBERS

    names = [str(i) for i in range(MAX_MEMBERS)]
    decoded = decode_message(_body(t="members", members=names))
    assert isinstance(decoded, Members)
    assert len(decoded.members) == MAX_MEMBERS
    _refused(_body(t="members", members=[*names, "one more"]))


# --- encoding invalid messages ----------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        Chat(id="1", text="x" * (MAX_TEXT_LENGTH + 1)),
        Chat(id="x" * (MAX_ID_LENGTH + 1), text="hi"),
        Chat(id="1", text="x", ts=float("nan")),
        Chat(id="1", text="x", ts=float("inf")),
        Chat(id="1", text="x", ts=1e13),
        Chat(id=1, text="x"),  # type: ignore[arg-type]
        Chat(id="1", text=None),  # type: ignore[arg-type]
        Hello(nick="a", version=True),
        Hello(nick="a", version=-1),
        Hello(nick="a", echo=1),  # type: ignore[arg-type]
        Hello(nick="n" * (MAX_NICK_LENGTH * 4 + 1)),
        Members(members=("a", 2)),  # type: ignore[arg-type]
        Members(members="abc"),  # type: ignore[arg-type]
        Error(reason="r" * (MAX_REASON_LENGTH + 1)),
        Welcome(nick="a", room="r" * (MAX_NICK_LENGTH * 4 + 1)),
    ],
)
def test_encode_invalid_message_raises_local_error(message: Message) -> None:
    with pytest.raises(LocalProtocolError) as info:
        encode_message(message)
    assert not isinstance(info.value, RemoteProtocolError)
    _assert_readable(info.value)


def test_encode_at_limits_is_accepted() -> None:
    message = Chat(id="i" * MAX_ID_LENGTH, text="字" * MAX_TEXT_LENGTH, sender="s" * 128, ts=1e12)
    assert decode_message(encode_message(message)) == message


def test_encode_list_members_accepted() -> None:
    payload = encode_message(Members(members=["a", "b"]))  # type: ignore[arg-type]
    assert decode_message(payload) == Members(members=("a", "b"))


def test_messages_are_frozen() -> None:
    chat = Chat(id="1", text="x")
    with pytest.raises(AttributeError):
        chat.text = "y"  # type: ignore[misc]


# --- lone surrogates --------------------------------------------------------------


def test_decoded_lone_surrogate_can_be_relayed() -> None:
    # A room relays what it receives; a message it accepted must be re-encodable.
    try:
        message = decode_message(b'{"t":"chat","id":"1","text":"a\\ud800b"}')
    except RemoteProtocolError:
        return  # refusing it on the way in is a fine fix too
    assert decode_message(encode_message(message)) == message


def test_encode_lone_surrogate_raises_local_error() -> None:
    with pytest.raises(LocalProtocolError):
        encode_message(Chat(id="1", text="\udcff"))


def test_escaped_surrogate_pair_is_decoded() -> None:
    decoded = decode_message(b'{"t":"chat","id":"1","text":"\\ud83c\\udf89"}')
    assert decoded == Chat(id="1", text="🎉")
