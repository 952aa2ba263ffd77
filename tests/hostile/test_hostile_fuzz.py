"""Property tests of the sans-IO decoder with *valid-looking* messages.

tests/protocol/test_fuzz.py throws arbitrary bytes and flat dicts at the decoder. Here
every message is built field by field from its own dataclass, mostly with values of
the right type near the documented limits, sometimes with a wrong one, plus unknown
fields holding arbitrary JSON (st.recursive) — so many are accepted, and the
properties can say something about what is accepted:

- only messages or RemoteProtocolError ever come out of a Connection, however the
  stream is cut, and the same ones as decoding each frame alone;
- an accepted message keeps the documented limits and can be sent on (the room
  relays what it accepts; encode_message must not fail on it);
- a refusal reads as one plain line the room can send back as an ``error`` reason;
- unknown fields with ordinary values, key order and JSON formatting never change
  the outcome ("unknown members are ignored", docs/protocol.md).
"""

from __future__ import annotations

import dataclasses
import json
import math
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from gui_chat.protocol import (
    MAX_FRAME_SIZE,
    Connection,
    Error,
    Message,
    RemoteProtocolError,
    decode_message,
    encode_frame,
    encode_message,
)
from gui_chat.protocol.messages import MESSAGE_TYPES
from tests.support.frames import cut

# too_slow: the machine these run on is shared; a slow draw is not a finding.
FUZZ = settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

#: docs/protocol.md, "Limits" (characters).
DOC_LIMITS = {"text": 32_000, "nick": 128, "sender": 128, "room": 128, "id": 64, "reason": 1000}
MAX_MEMBERS = 10_000
ALL_FIELDS = sorted({f.name for cls in MESSAGE_TYPES.values() for f in dataclasses.fields(cls)})
UNKNOWN_FIELDS = ["extra", "x", "", "T", "tt", "__proto__", "nick ", "Text", "t2", "💬"]


# ----- values -------------------------------------------------------------------------------
class Long(str):
    """A long run of one character that prints short (falsifying examples stay readable)."""

    def __repr__(self) -> str:
        return f"{self[:1]!r} * {len(self)}" if self else "''"


_LENGTHS = [0, 1, 31, 32, 33, 63, 64, 65, 127, 128, 129, 999, 1000, 1001, 31_999, 32_000, 32_001]
boundary_strings = st.builds(
    lambda n, ch: Long(ch * n),
    st.sampled_from(_LENGTHS),
    st.sampled_from(["a", "é", "中", "😀", " "]),
)
odd_strings = st.sampled_from(
    ["\ud800", "a\udfffb", "\x1b[31m", "<b>x</b>", "\x00", "\n", "\u202e", "\ufeff", "NaN"]
)
numbers = st.one_of(
    st.integers(min_value=-(2**40), max_value=2**40),
    st.sampled_from([0, 1, -1, 2**31 - 1, 2**31, 2**63, 10**400]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e12, -1e12, 1e12 + 1, 1e308, 5e-324, -0.0, 0.5]),
)
short_boundary_strings = boundary_strings.filter(lambda s: len(s) <= 129)
scalars = st.one_of(
    st.none(), st.booleans(), numbers, st.text(max_size=20), short_boundary_strings, odd_strings
)
json_ish = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=8,
)
#: Unknown-field values that must never change anything: finite, shallow, ordinary.
tame = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=5,
)


def _valid_value(annotation: str, name: str) -> st.SearchStrategy[Any]:
    """Values of the field's own type, mostly inside the limits."""
    if annotation == "str":
        limit = DOC_LIMITS.get(name, 64)
        return st.text(max_size=min(limit, 40)) | boundary_strings.filter(lambda s: len(s) <= limit)
    if annotation == "int":
        return st.integers(min_value=0, max_value=2**31 - 1) | st.sampled_from([0, 1, 2**31 - 1])
    if annotation == "float":
        return st.floats(min_value=-1e12, max_value=1e12) | st.integers(-(10**12), 10**12)
    if annotation == "tuple[ChatGroup, ...]":  # a block's [sender, text, …] groups
        field = st.text(max_size=12) | short_boundary_strings | odd_strings
        group = st.lists(field, min_size=2, max_size=4) | st.lists(field, max_size=4)
        return st.lists(group, min_size=1, max_size=4)
    return st.lists(st.text(max_size=12) | short_boundary_strings, max_size=5)


@st.composite
def message_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """A message of a real type, field by field: right type (mostly), wrong type or
    missing; and maybe unknown fields holding any JSON."""
    cls = draw(st.sampled_from(list(MESSAGE_TYPES.values())))
    kind = draw(st.sampled_from([cls.TYPE] * 30 + ["", "Chat", "chat ", None, 1, ["chat"]]))
    body: dict[str, Any] = {"t": kind}
    for field in dataclasses.fields(cls):
        choice = draw(st.integers(min_value=0, max_value=24))
        if choice == 0:
            continue  # missing
        if choice <= 2:
            body[field.name] = draw(json_ish | st.lists(st.text(max_size=5), max_size=3))
        else:
            body[field.name] = draw(_valid_value(str(field.type), field.name))
    names = st.sampled_from(UNKNOWN_FIELDS + ALL_FIELDS)
    extra = draw(st.dictionaries(names, tame | tame | json_ish, max_size=3))
    for key, value in extra.items():
        body.setdefault(key, value)
    return body


def _payload(body: dict[str, Any], ascii_only: bool = True, indent: int | None = None) -> bytes:
    # allow_nan: NaN and Infinity go on the wire as the tokens a hostile peer would send
    return json.dumps(body, ensure_ascii=ascii_only, indent=indent).encode("utf-8", "surrogatepass")


# ----- what every outcome must satisfy ------------------------------------------------------
def _check_accepted(message: Message) -> None:
    assert type(message) in MESSAGE_TYPES.values()
    for field in dataclasses.fields(message):
        value = getattr(message, field.name)
        if isinstance(value, str):
            assert len(value) <= DOC_LIMITS.get(field.name, 10**9), (field.name, len(value))
            assert not any(0xD800 <= ord(c) <= 0xDFFF for c in value), field.name
        elif isinstance(value, float):
            assert math.isfinite(value), field.name
        elif field.name == "chats":  # groups of a sender and texts, each within its limit
            assert value and all(len(group) >= 2 for group in value)
            for sender, *texts in value:
                for name, part in [("sender", sender), *(("text", text) for text in texts)]:
                    assert isinstance(part, str) and len(part) <= DOC_LIMITS[name], name
                    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in part), name
        elif isinstance(value, tuple):
            assert len(value) <= MAX_MEMBERS
            assert all(isinstance(name, str) and len(name) <= 128 for name in value)
    again = encode_message(message)  # what the room relays; must not raise
    assert decode_message(again) == message


def _check_refused(exc: RemoteProtocolError) -> None:
    reason = str(exc)
    assert reason.strip() and "\n" not in reason, repr(reason)
    # The room answers with exactly this and tells everyone (room.py, _expel/on_dropped).
    encode_message(Error(f"sent invalid data ({exc})"))


def _decode_alone(payloads: list[bytes]) -> tuple[list[Message], bool]:
    messages = []
    for payload in payloads:
        try:
            messages.append(decode_message(payload))
        except RemoteProtocolError as exc:
            _check_refused(exc)
            return messages, True
    return messages, False


def _decode_stream(chunks: list[bytes]) -> tuple[list[Message], bool]:
    connection = Connection()
    messages: list[Message] = []
    for chunk in chunks:
        connection.receive_data(chunk)
        try:
            while (message := connection.next_event()) is not None:
                messages.append(message)
        except RemoteProtocolError as exc:
            _check_refused(exc)
            with pytest.raises(RemoteProtocolError):
                connection.next_event()  # a broken stream stays broken
            return messages, True
    return messages, False


# ----- the properties -----------------------------------------------------------------------
@FUZZ
@given(
    st.lists(message_dicts(), min_size=1, max_size=6),
    st.lists(st.integers(min_value=0), max_size=12),
    st.booleans(),
)
def test_valid_looking_frames_give_messages_or_remote_errors_only(
    bodies: list[dict[str, Any]], points: list[int], ascii_only: bool
) -> None:
    payloads = [_payload(body, ascii_only) for body in bodies]
    # 32,000 emoji escaped as \ud83d\ude00 take 384 KB: a frame over the limit is
    # refused before it is read (test_connection), not decoded.
    assume(all(len(p) <= MAX_FRAME_SIZE for p in payloads))
    stream = b"".join(encode_frame(p) for p in payloads)
    expected, expected_error = _decode_alone(payloads)
    got, error = _decode_stream(cut(stream, points))
    event(f"{len(got)} of {len(payloads)} accepted")
    assert got == expected
    assert error == expected_error
    for message in got:
        _check_accepted(message)
    for body, message in zip(bodies, got, strict=False):
        assert body["t"] == message.TYPE
        for field in dataclasses.fields(message):
            if field.name in body and isinstance(body[field.name], str):
                assert getattr(message, field.name) == body[field.name]


def _outcome(payload: bytes) -> Message | None:
    try:
        return decode_message(payload)
    except RemoteProtocolError as exc:
        _check_refused(exc)
        return None


@FUZZ
@given(
    message_dicts(),
    st.dictionaries(st.sampled_from(UNKNOWN_FIELDS), tame, max_size=4),
    st.randoms(use_true_random=False),
)
def test_unknown_fields_key_order_and_formatting_change_nothing(
    body: dict[str, Any], extra: dict[str, Any], rnd: random.Random
) -> None:
    base = _outcome(_payload(body))
    widened = {**{k: v for k, v in extra.items() if k not in body}, **body}
    items = list(widened.items())
    rnd.shuffle(items)
    assert _outcome(_payload(dict(items))) == base
    assert _outcome(_payload(body, indent=2)) == base
    if base is not None:
        _check_accepted(base)


@pytest.mark.parametrize("depth", [1, 50, 200])
def test_moderate_nesting_in_an_unknown_field_is_accepted(depth: int) -> None:
    payload = b'{"t":"ping","extra":' + b"[" * depth + b"]" * depth + b"}"
    assert type(decode_message(payload)).__name__ == "Ping"


@pytest.mark.parametrize("depth", [2_000, 100_000])
def test_deep_nesting_anywhere_is_refused_in_words(depth: int) -> None:
    for payload in (
        b"[" * depth,
        b'{"t":"ping","extra":' + b"[" * depth + b"]" * depth + b"}",
        b'{"t":"ping","extra":' + b'{"a":' * depth + b"1" + b"}" * depth + b"}",
    ):
        with pytest.raises(RemoteProtocolError) as info:
            decode_message(payload)
        _check_refused(info.value)
