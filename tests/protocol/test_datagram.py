"""UDP datagrams: one message each, never over MAX_DATAGRAM_SIZE bytes."""

from __future__ import annotations

import json

import pytest

from gui_chat.protocol import (
    MAX_DATAGRAM_SIZE,
    Ack,
    Chat,
    Error,
    Hello,
    Joined,
    Left,
    LocalProtocolError,
    Members,
    Message,
    Ping,
    Pong,
    RemoteProtocolError,
    Welcome,
    decode_datagram,
    encode_datagram,
    encode_message,
)

MESSAGES: list[Message] = [
    Hello(nick="张三"),
    Welcome(nick="a", room="r", members=("a", "b")),
    Chat(id="1", text="你好 🎉 <b>x</b><img src=x>", sender="bob", ts=12.5),
    Ack(id="1"),
    Joined(nick="c"),
    Left(nick="c", reason="gone"),
    Members(members=("a",)),
    Ping(),
    Pong(),
    Error(reason="bye"),
]


def _assert_readable(exc: BaseException) -> None:
    text = str(exc)
    assert text.strip(), "error message is empty"
    assert "\n" not in text
    assert " " in text, f"not a sentence: {text!r}"


def test_limit_is_1400() -> None:
    assert MAX_DATAGRAM_SIZE == 1400


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: type(m).__name__)
def test_round_trip(message: Message) -> None:
    payload = encode_datagram(message)
    assert payload == encode_message(message)  # no framing on UDP
    assert decode_datagram(payload) == message


def _overhead() -> int:
    return len(encode_datagram(Chat(id="1", text="")))


def test_chat_exactly_at_the_limit_is_sent() -> None:
    chat = Chat(id="1", text="a" * (MAX_DATAGRAM_SIZE - _overhead()))
    payload = encode_datagram(chat)
    assert len(payload) == MAX_DATAGRAM_SIZE
    assert decode_datagram(payload) == chat


def test_chat_one_byte_over_is_refused_mentioning_udp() -> None:
    chat = Chat(id="1", text="a" * (MAX_DATAGRAM_SIZE - _overhead() + 1))
    with pytest.raises(LocalProtocolError) as info:
        encode_datagram(chat)
    assert "UDP" in str(info.value)
    _assert_readable(info.value)


def test_long_chat_refused_mentioning_udp() -> None:
    with pytest.raises(LocalProtocolError) as info:
        encode_datagram(Chat(id="1", text="x" * 5000))
    assert not isinstance(info.value, RemoteProtocolError)
    assert "UDP" in str(info.value)
    assert "5,0" in str(info.value)  # says how big it was


def test_cjk_that_fits_in_characters_but_not_in_bytes() -> None:
    text = "字" * 500  # 500 characters, 1,500 bytes of UTF-8
    assert len(text) < MAX_DATAGRAM_SIZE < len(text.encode())
    with pytest.raises(LocalProtocolError) as info:
        encode_datagram(Chat(id="1", text=text))
    assert "UDP" in str(info.value)


def test_cjk_that_fits_in_bytes_is_sent() -> None:
    chat = Chat(id="1", text="字" * 400)  # 1,200 bytes
    assert decode_datagram(encode_datagram(chat)) == chat


def test_emoji_counted_in_bytes() -> None:
    overhead = _overhead()
    fits = (MAX_DATAGRAM_SIZE - overhead) // 4
    chat = Chat(id="1", text="🎉" * fits)
    assert decode_datagram(encode_datagram(chat)) == chat
    with pytest.raises(LocalProtocolError):
        encode_datagram(Chat(id="1", text="🎉" * (fits + 1)))


def test_invalid_message_refused_before_size() -> None:
    with pytest.raises(LocalProtocolError):
        encode_datagram(Hello(nick="a", version=-1))


def test_received_datagram_over_the_limit_is_refused() -> None:
    body = {"t": "chat", "id": "1", "text": "a" * 2000}
    payload = json.dumps(body).encode()
    with pytest.raises(RemoteProtocolError) as info:
        decode_datagram(payload)
    _assert_readable(info.value)
    assert f"{len(payload):,}" in str(info.value)


def test_received_datagram_one_over_the_limit_is_refused() -> None:
    padding = MAX_DATAGRAM_SIZE - len(b'{"t":"ping","p":""}')
    exact = b'{"t":"ping","p":"' + b"x" * padding + b'"}'
    assert len(exact) == MAX_DATAGRAM_SIZE
    assert decode_datagram(exact) == Ping()
    over = b'{"t":"ping","p":"' + b"x" * (padding + 1) + b'"}'
    with pytest.raises(RemoteProtocolError):
        decode_datagram(over)


def test_huge_datagram_refused() -> None:
    with pytest.raises(RemoteProtocolError):
        decode_datagram(b"[" * 65_507)


@pytest.mark.parametrize(
    "payload",
    [b"", b"garbage", b"\xff\xfe", b"[]", b'{"t":"xyz"}', b'{"t":"chat"}', b"\x00\x00\x00\x0b"],
)
def test_bad_datagram_refused(payload: bytes) -> None:
    with pytest.raises(RemoteProtocolError) as info:
        decode_datagram(payload)
    _assert_readable(info.value)


def test_framed_message_is_not_a_datagram() -> None:
    from gui_chat.protocol import encode_frame

    with pytest.raises(RemoteProtocolError):
        decode_datagram(encode_frame(encode_message(Ping())))
