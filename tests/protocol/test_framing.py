"""Length-prefixed framing: every cut of the byte stream must give back the same frames."""

from __future__ import annotations

import random
import struct

import pytest

from gui_chat.protocol import (
    HEADER_SIZE,
    MAX_FRAME_SIZE,
    FrameDecoder,
    FrameTooLargeError,
    LocalProtocolError,
    ProtocolError,
    RemoteProtocolError,
    encode_frame,
)

PAYLOADS = [b"hello", b"", b"\x00\x01\x02", "你好，世界 🎉".encode(), b"x" * 1000]


def _assert_readable(exc: BaseException) -> None:
    text = str(exc)
    assert text.strip(), "error message is empty"
    assert "\n" not in text
    assert " " in text, f"not a sentence: {text!r}"


def _feed_all(decoder: FrameDecoder, chunks: list[bytes]) -> list[bytes]:
    frames: list[bytes] = []
    for chunk in chunks:
        frames.extend(decoder.feed(chunk))
    return frames


def test_header_is_four_byte_big_endian_length() -> None:
    assert HEADER_SIZE == 4
    assert encode_frame(b"abc") == b"\x00\x00\x00\x03abc"
    assert encode_frame(b"x" * 258)[:4] == b"\x00\x00\x01\x02"


def test_error_hierarchy() -> None:
    assert issubclass(FrameTooLargeError, RemoteProtocolError)
    assert issubclass(RemoteProtocolError, ProtocolError)
    assert issubclass(LocalProtocolError, ProtocolError)
    assert not issubclass(LocalProtocolError, RemoteProtocolError)


def test_single_frame_round_trip() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(encode_frame(b"hello")) == [b"hello"]
    assert decoder.pending == 0
    assert _retained(decoder) == 0  # nothing consumed is kept


def test_empty_payload_round_trip() -> None:
    frame = encode_frame(b"")
    assert frame == b"\x00\x00\x00\x00"
    decoder = FrameDecoder()
    assert decoder.feed(frame) == [b""]
    assert decoder.pending == 0


def test_several_empty_frames_in_one_chunk() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(encode_frame(b"") * 5) == [b""] * 5


def test_feed_empty_chunk_returns_nothing() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(b"") == []
    assert decoder.pending == 0


def test_bytes_fed_one_at_a_time() -> None:
    stream = b"".join(encode_frame(p) for p in PAYLOADS)
    decoder = FrameDecoder()
    frames: list[bytes] = []
    for index in range(len(stream)):
        got = decoder.feed(stream[index : index + 1])
        frames.extend(got)
        if got:  # a frame completes with its last byte, leaving nothing behind
            assert decoder.pending == 0
        else:
            assert decoder.pending > 0
    assert frames == PAYLOADS
    assert decoder.pending == 0


def test_frame_is_not_returned_before_its_last_byte() -> None:
    frame = encode_frame(b"abcdef")
    decoder = FrameDecoder()
    for index in range(len(frame) - 1):
        assert decoder.feed(frame[index : index + 1]) == []
        assert decoder.pending == index + 1
    assert decoder.feed(frame[-1:]) == [b"abcdef"]
    assert decoder.pending == 0


def test_many_frames_in_one_chunk() -> None:
    payloads = [f"message {i}".encode() for i in range(500)]
    decoder = FrameDecoder()
    assert decoder.feed(b"".join(encode_frame(p) for p in payloads)) == payloads
    assert decoder.pending == 0


def test_many_frames_and_a_partial_one_in_one_chunk() -> None:
    payloads = [b"one", b"two", b"three"]
    tail = encode_frame(b"four")
    decoder = FrameDecoder()
    assert decoder.feed(b"".join(encode_frame(p) for p in payloads) + tail[:6]) == payloads
    assert decoder.pending == 6
    assert decoder.feed(tail[6:]) == [b"four"]
    assert decoder.pending == 0


def test_split_at_every_offset() -> None:
    stream = b"".join(encode_frame(p) for p in PAYLOADS)
    for cut in range(len(stream) + 1):
        decoder = FrameDecoder()
        assert _feed_all(decoder, [stream[:cut], stream[cut:]]) == PAYLOADS, cut
        assert decoder.pending == 0


def test_split_at_every_pair_of_offsets() -> None:
    payloads = [b"ab", b"", b"cde", b"\xff" * 5]
    stream = b"".join(encode_frame(p) for p in payloads)
    for first in range(len(stream) + 1):
        for second in range(first, len(stream) + 1):
            decoder = FrameDecoder()
            chunks = [stream[:first], stream[first:second], stream[second:]]
            assert _feed_all(decoder, chunks) == payloads, (first, second)
            assert decoder.pending == 0


def test_huge_length_prefix_refused_after_only_the_header() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(b"\xff\xff\xff") == []
    with pytest.raises(FrameTooLargeError) as info:
        decoder.feed(b"\xff")
    assert isinstance(info.value, RemoteProtocolError)
    assert decoder.pending <= HEADER_SIZE
    _assert_readable(info.value)
    assert f"{MAX_FRAME_SIZE:,}" in str(info.value)


def test_huge_length_prefix_in_one_chunk_is_refused() -> None:
    decoder = FrameDecoder()
    with pytest.raises(FrameTooLargeError):
        decoder.feed(struct.pack("!I", 0xFFFFFFFF))
    assert decoder.pending <= HEADER_SIZE


def test_huge_length_prefix_with_some_payload_is_refused_without_waiting() -> None:
    decoder = FrameDecoder()
    with pytest.raises(FrameTooLargeError):
        decoder.feed(struct.pack("!I", 0xFFFFFFFF) + b"a" * 100)
    assert decoder.pending <= HEADER_SIZE + 100


def test_huge_length_prefix_after_good_frames_is_refused() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(encode_frame(b"ok")) == [b"ok"]
    with pytest.raises(FrameTooLargeError):
        decoder.feed(b"\x80\x00\x00\x00")


def test_one_over_the_limit_is_refused() -> None:
    decoder = FrameDecoder()
    with pytest.raises(FrameTooLargeError):
        decoder.feed(struct.pack("!I", MAX_FRAME_SIZE + 1))


def test_exactly_at_the_limit_is_accepted() -> None:
    payload = bytes(range(256)) * (MAX_FRAME_SIZE // 256)
    assert len(payload) == MAX_FRAME_SIZE
    frame = encode_frame(payload)
    decoder = FrameDecoder()
    assert decoder.feed(frame[:HEADER_SIZE]) == []
    assert decoder.feed(frame[HEADER_SIZE:-1]) == []
    assert decoder.pending == len(frame) - 1
    assert decoder.feed(frame[-1:]) == [payload]
    assert decoder.pending == 0


def test_custom_limit() -> None:
    decoder = FrameDecoder(max_size=10)
    assert decoder.max_size == 10
    assert decoder.feed(encode_frame(b"0123456789")) == [b"0123456789"]
    with pytest.raises(FrameTooLargeError):
        decoder.feed(struct.pack("!I", 11))


def test_encode_frame_over_the_limit_raises_local_error() -> None:
    with pytest.raises(LocalProtocolError) as info:
        encode_frame(b"x" * (MAX_FRAME_SIZE + 1))
    assert not isinstance(info.value, RemoteProtocolError)
    _assert_readable(info.value)


def test_encode_frame_exactly_at_the_limit() -> None:
    frame = encode_frame(b"x" * MAX_FRAME_SIZE)
    assert len(frame) == HEADER_SIZE + MAX_FRAME_SIZE
    assert struct.unpack("!I", frame[:4]) == (MAX_FRAME_SIZE,)


def test_encode_frame_custom_limit() -> None:
    assert encode_frame(b"abc", max_size=3) == b"\x00\x00\x00\x03abc"
    with pytest.raises(LocalProtocolError):
        encode_frame(b"abcd", max_size=3)


def _retained(decoder: FrameDecoder) -> int:
    # White box: the bytes the decoder keeps alive, consumed ones included.
    return len(decoder._buffer)


def test_many_small_frames_in_random_chunks() -> None:
    rng = random.Random(20240601)
    payloads = [rng.randbytes(rng.randrange(0, 12)) for _ in range(100_000)]
    stream = b"".join(encode_frame(p) for p in payloads)
    decoder = FrameDecoder()
    frames: list[bytes] = []
    position = 0
    while position < len(stream):
        size = rng.choice((1, 2, 3, 7, 50, 999, 4096, 70_000, 150_000))
        size = rng.randrange(1, size + 1)
        frames.extend(decoder.feed(stream[position : position + size]))
        position += size
        # Consumed bytes are dropped: what stays is the partial frame plus bounded slack.
        assert _retained(decoder) <= decoder.pending + max(65536, decoder.pending)
    assert len(frames) == len(payloads)
    assert frames == payloads
    assert decoder.pending == 0
    assert _retained(decoder) == 0


def test_compaction_keeps_a_partial_frame_intact() -> None:
    # More than 64 KiB of whole frames followed by half a frame: the consumed
    # prefix is dropped and the partial frame must survive the move.
    whole = [bytes([i % 256]) * 1000 for i in range(80)]
    partial = b"P" * 5000
    stream = b"".join(encode_frame(p) for p in whole) + encode_frame(partial)
    cut = len(stream) - 2000
    decoder = FrameDecoder()
    assert decoder.feed(stream[:cut]) == whole
    assert decoder.pending == HEADER_SIZE + len(partial) - 2000
    assert _retained(decoder) == decoder.pending
    assert decoder.feed(stream[cut:]) == [partial]
    assert decoder.pending == 0


def test_compaction_with_partial_header() -> None:
    whole = [b"z" * 40_000, b"y" * 40_000]
    nxt = encode_frame(b"next")
    stream = b"".join(encode_frame(p) for p in whole) + nxt[:2]
    decoder = FrameDecoder()
    assert decoder.feed(stream) == whole
    assert decoder.pending == 2
    assert decoder.feed(nxt[2:]) == [b"next"]
    assert decoder.pending == 0
