"""Connection: bytes in any cut give the same messages, and a violation breaks it for good."""

from __future__ import annotations

import struct

import pytest

from gui_chat.protocol import (
    MAX_FRAME_SIZE,
    Ack,
    Chat,
    Connection,
    Error,
    FrameTooLargeError,
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
    encode_frame,
)

CONVERSATION: list[Message] = [
    Hello(nick="张三"),
    Welcome(nick="张三", room="lobby", members=("张三", "bob")),
    Joined(nick="carol"),
    Chat(id="1", text="你好 🎉 <b>x</b><img src=x>"),
    Chat(id="2", text="reply", sender="bob", ts=1_700_000_000.5),
    Ack(id="1"),
    Members(members=("张三", "bob", "carol")),
    Ping(),
    Pong(),
    Left(nick="carol", reason="quit"),
    Error(reason="bye"),
]


def _drain(connection: Connection) -> list[Message]:
    messages: list[Message] = []
    while (message := connection.next_event()) is not None:
        messages.append(message)
    return messages


def _assert_readable(exc: BaseException) -> None:
    text = str(exc)
    assert text.strip(), "error message is empty"
    assert "\n" not in text
    assert " " in text, f"not a sentence: {text!r}"


def test_next_event_without_data_is_none() -> None:
    connection = Connection()
    assert connection.next_event() is None
    assert connection.next_event() is None
    assert connection.pending_bytes == 0
    assert connection.broken is None


def test_send_produces_a_frame() -> None:
    data = Connection().send(Ping())
    assert data == encode_frame(b'{"t":"ping"}')


def test_round_trip_one_byte_at_a_time() -> None:
    sender, receiver = Connection(), Connection()
    stream = b"".join(sender.send(m) for m in CONVERSATION)
    received: list[Message] = []
    for index in range(len(stream)):
        receiver.receive_data(stream[index : index + 1])
        message = receiver.next_event()
        if message is not None:
            received.append(message)
            assert receiver.pending_bytes == 0
        else:
            assert receiver.pending_bytes > 0
        assert receiver.next_event() is None
    assert received == CONVERSATION
    assert receiver.pending_bytes == 0


def test_receive_data_only_buffers() -> None:
    connection = Connection()
    data = connection.send(Ping())
    connection.receive_data(data[:3])
    assert connection.pending_bytes == 3
    connection.receive_data(data[3:])
    assert connection.pending_bytes == len(data)
    assert connection.next_event() == Ping()
    assert connection.pending_bytes == 0


def test_several_messages_in_one_chunk_in_order() -> None:
    connection = Connection()
    connection.receive_data(b"".join(connection.send(m) for m in CONVERSATION))
    assert _drain(connection) == CONVERSATION
    assert connection.next_event() is None
    assert connection.broken is None


def test_several_chunks_before_reading() -> None:
    connection = Connection()
    stream = b"".join(connection.send(m) for m in CONVERSATION)
    for index in range(0, len(stream), 7):
        connection.receive_data(stream[index : index + 7])
    assert _drain(connection) == CONVERSATION


def test_split_at_every_offset() -> None:
    sender = Connection()
    messages = CONVERSATION[:5]
    stream = b"".join(sender.send(m) for m in messages)
    for cut in range(len(stream) + 1):
        receiver = Connection()
        receiver.receive_data(stream[:cut])
        first = _drain(receiver)
        receiver.receive_data(stream[cut:])
        assert first + _drain(receiver) == messages, cut


def test_reading_interleaved_with_receiving() -> None:
    connection = Connection()
    one, two, three = (connection.send(Chat(id=str(i), text=f"m{i}")) for i in range(3))
    connection.receive_data(one + two[:5])
    assert connection.next_event() == Chat(id="0", text="m0")
    assert connection.next_event() is None
    connection.receive_data(two[5:] + three)
    assert connection.next_event() == Chat(id="1", text="m1")
    assert connection.next_event() == Chat(id="2", text="m2")
    assert connection.next_event() is None


@pytest.mark.parametrize(
    "bad_payload",
    [b"not json", b"[]", b'{"t":"xyz"}', b'{"t":"chat","id":1,"text":"x"}', b"\xff\xfe", b""],
)
def test_bad_frame_after_two_good_ones(bad_payload: bytes) -> None:
    connection = Connection()
    good = [Chat(id="1", text="first"), Chat(id="2", text="second")]
    connection.receive_data(
        b"".join(connection.send(m) for m in good)
        + encode_frame(bad_payload)
        + connection.send(Ping())
    )
    assert connection.next_event() == good[0]
    assert connection.next_event() == good[1]
    assert connection.broken is None
    with pytest.raises(RemoteProtocolError) as info:
        connection.next_event()
    _assert_readable(info.value)
    assert connection.broken is info.value
    # The stream can no longer be trusted: the good Ping after it is never returned.
    for _ in range(3):
        with pytest.raises(RemoteProtocolError) as again:
            connection.next_event()
        assert again.value is info.value
    connection.receive_data(connection.send(Pong()))
    with pytest.raises(RemoteProtocolError):
        connection.next_event()


def test_oversize_prefix_is_refused_after_four_bytes() -> None:
    connection = Connection()
    connection.receive_data(b"\xff\xff\xff")
    assert connection.next_event() is None
    connection.receive_data(b"\xff")
    with pytest.raises(FrameTooLargeError) as info:
        connection.next_event()
    assert isinstance(info.value, RemoteProtocolError)
    assert connection.broken is info.value
    assert connection.pending_bytes <= 4
    _assert_readable(info.value)
    with pytest.raises(FrameTooLargeError):
        connection.next_event()


def test_oversize_prefix_after_good_messages_already_read() -> None:
    connection = Connection()
    connection.receive_data(connection.send(Ping()) + connection.send(Pong()))
    assert connection.next_event() == Ping()
    connection.receive_data(struct.pack("!I", MAX_FRAME_SIZE + 1))
    assert connection.next_event() == Pong()  # already decoded before the bad header came
    with pytest.raises(FrameTooLargeError):
        connection.next_event()
    assert connection.broken is not None


def test_oversize_prefix_after_two_good_ones_in_one_chunk() -> None:
    connection = Connection()
    connection.receive_data(connection.send(Ping()) + connection.send(Pong()) + b"\xff\xff\xff\xff")
    assert connection.next_event() == Ping()
    assert connection.next_event() == Pong()
    with pytest.raises(FrameTooLargeError):
        connection.next_event()


def test_frame_exactly_at_the_limit() -> None:
    payload = b'{"t":"ping","pad":"' + b"x" * 100 + b'"}'
    connection = Connection(max_frame_size=len(payload))
    assert connection.max_frame_size == len(payload)
    connection.receive_data(encode_frame(payload, len(payload)))
    assert connection.next_event() == Ping()
    connection.receive_data(struct.pack("!I", len(payload) + 1))
    with pytest.raises(FrameTooLargeError):
        connection.next_event()


def test_default_limit() -> None:
    assert Connection().max_frame_size == MAX_FRAME_SIZE


def test_send_over_the_frame_limit_raises_local_error() -> None:
    connection = Connection(max_frame_size=64)
    connection.send(Chat(id="1", text="short"))
    with pytest.raises(LocalProtocolError) as info:
        connection.send(Chat(id="1", text="x" * 100))
    _assert_readable(info.value)
    assert connection.broken is None


def test_send_invalid_message_raises_local_error() -> None:
    connection = Connection()
    with pytest.raises(LocalProtocolError):
        connection.send(Chat(id="1", text="x" * 40_000))
    with pytest.raises(LocalProtocolError):
        connection.send(Hello(nick="a", version=-5))
    assert connection.broken is None
    assert connection.send(Ping())  # still usable


def test_large_chat_round_trip() -> None:
    connection = Connection()
    chat = Chat(id="big", text="字🎉" * 16_000)
    data = connection.send(chat)
    assert len(data) > 100_000
    for index in range(0, len(data), 4096):
        connection.receive_data(data[index : index + 4096])
    assert connection.next_event() == chat
    assert connection.next_event() is None


def test_many_messages_random_chunks() -> None:
    import random

    rng = random.Random(7)
    messages = [Chat(id=str(i), text="x" * rng.randrange(0, 200)) for i in range(3000)]
    connection = Connection()
    stream = b"".join(connection.send(m) for m in messages)
    received: list[Message] = []
    position = 0
    while position < len(stream):
        size = rng.randrange(1, 5000)
        connection.receive_data(stream[position : position + size])
        position += size
        received.extend(_drain(connection))
    assert received == messages
    assert connection.pending_bytes == 0
