"""The messages of protocol version 4 and their JSON encoding (see docs/protocol.md).

Each message is a UTF-8 JSON object whose ``"t"`` names its type. Fields are checked
by type on the way in; unknown fields are ignored so later versions can add some.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from gui_chat.protocol.errors import LocalProtocolError, RemoteProtocolError
from gui_chat.protocol.names import MAX_NICK_LENGTH, MAX_TEXT_LENGTH

PROTOCOL_VERSION = 4
MAX_ID_LENGTH = 64
MAX_MEMBERS = 10_000
MAX_REASON_LENGTH = 1_000


@dataclass(frozen=True)
class Message:
    """Base of all messages; ``TYPE`` is the wire name."""

    TYPE: ClassVar[str] = ""


@dataclass(frozen=True)
class Hello(Message):
    """First message of a client: who it is and which protocol it speaks."""

    TYPE: ClassVar[str] = "hello"
    nick: str
    version: int = PROTOCOL_VERSION
    #: Stays the same across reconnects, so the room can recognise a returning client.
    client_id: str = ""
    #: When rejoining: the room it was in and the last ``seq`` it received there.
    room_id: str = ""
    last_seq: int = 0
    #: ``False``: the room need not send back a block that holds only this client's
    #: chats (it has them already; its ``ack`` confirms them).
    echo: bool = True


@dataclass(frozen=True)
class Welcome(Message):
    """The room's answer to Hello: the nickname it gave you and who is there."""

    TYPE: ClassVar[str] = "welcome"
    nick: str
    room: str
    members: tuple[str, ...] = ()
    version: int = PROTOCOL_VERSION
    #: Different each time a room starts, so a rejoining client knows whether ``seq``
    #: numbers carry on.
    room_id: str = ""


@dataclass(frozen=True)
class Chat(Message):
    """A chat line. A client leaves ``sender`` empty; the room stamps it and ``ts``."""

    TYPE: ClassVar[str] = "chat"
    id: str
    text: str
    sender: str = ""
    ts: float = 0.0
    #: The room numbers the chats it relays 1, 2, 3…; 0 when not relayed by a room.
    seq: int = 0


#: Chats of one sender in a row, in a :class:`Chats` block: ``(sender, text, …)``.
ChatGroup = tuple[str, ...]


@dataclass(frozen=True)
class Chats(Message):
    """The chats a room relays in one turn of its loop, in one message.

    ``chats`` holds groups ``(sender, text, text, …)``, a sender's chats in a row. The
    texts are numbered one after the other from ``seq``, across the groups, and all
    stamped ``ts``, the time of the turn: each means what a ``chat`` from that sender
    with that text, number and time means.
    """

    TYPE: ClassVar[str] = "chats"
    ts: float
    seq: int
    chats: tuple[ChatGroup, ...]

    def numbered(self) -> Iterator[tuple[int, str, str]]:
        """``(seq, sender, text)`` of each chat, in order."""
        seq = self.seq
        for sender, *texts in self.chats:
            for text in texts:
                yield seq, sender, text
                seq += 1


@dataclass(frozen=True)
class Ack(Message):
    """Received: a UDP peer got the chat ``id``; a room has every chat its member sent
    on this connection up to and including ``id`` (it acknowledges each turn's)."""

    TYPE: ClassVar[str] = "ack"
    id: str


@dataclass(frozen=True)
class Joined(Message):
    """Someone entered the room."""

    TYPE: ClassVar[str] = "join"
    nick: str


@dataclass(frozen=True)
class Left(Message):
    """Someone left the room; ``reason`` says how, in plain words."""

    TYPE: ClassVar[str] = "leave"
    nick: str
    reason: str = ""


@dataclass(frozen=True)
class Members(Message):
    """Everyone in the room now."""

    TYPE: ClassVar[str] = "members"
    members: tuple[str, ...]


@dataclass(frozen=True)
class Ping(Message):
    """Keepalive: "are you there?"."""

    TYPE: ClassVar[str] = "ping"


@dataclass(frozen=True)
class Pong(Message):
    """Keepalive answer."""

    TYPE: ClassVar[str] = "pong"


@dataclass(frozen=True)
class Error(Message):
    """The sender is about to close the connection, and says why."""

    TYPE: ClassVar[str] = "error"
    reason: str


@dataclass(frozen=True)
class Announce(Message):
    """Discovery (UDP broadcast): a room or a UDP peer says where it can be reached.

    ``kind`` is ``"room"`` or ``"udp"``; ``instance`` tells apart two programs on one
    machine (and lets a program ignore its own announcements).
    """

    TYPE: ClassVar[str] = "announce"
    kind: str
    name: str
    nick: str
    port: int
    members: int = 0
    instance: str = ""
    version: int = PROTOCOL_VERSION


@dataclass(frozen=True)
class Query(Message):
    """Discovery: "who is there?"; everyone announcing answers at once."""

    TYPE: ClassVar[str] = "query"
    instance: str = ""


MESSAGE_TYPES: dict[str, type[Message]] = {
    cls.TYPE: cls
    for cls in (
        Hello,
        Welcome,
        Chat,
        Chats,
        Ack,
        Joined,
        Left,
        Members,
        Ping,
        Pong,
        Error,
        Announce,
        Query,
    )
}

# Longest string each field may hold, checked on the way in and on the way out.
_STRING_LIMITS = {
    "nick": MAX_NICK_LENGTH * 4,
    "sender": MAX_NICK_LENGTH * 4,
    "room": MAX_NICK_LENGTH * 4,
    "id": MAX_ID_LENGTH,
    "text": MAX_TEXT_LENGTH,
    "reason": MAX_REASON_LENGTH,
    "client_id": MAX_ID_LENGTH,
    "room_id": MAX_ID_LENGTH,
    "instance": MAX_ID_LENGTH,
    "kind": 16,
    "name": MAX_NICK_LENGTH * 4,
    "members": MAX_NICK_LENGTH * 4,
}
_SURROGATE = re.compile("[\ud800-\udfff]")
_SENDER_LIMIT = _STRING_LIMITS["sender"]
#: Largest time stamp a message may carry, in seconds.
_MAX_TS = 1e12


def encode_message(message: Message, check: bool = True) -> bytes:
    """The JSON bytes of ``message``; raises :class:`LocalProtocolError` if it is invalid.

    ``check=False`` skips the checks, for a message built only from checked parts (a
    room relaying what it decoded).
    """
    values = {field.name: getattr(message, field.name) for field in _fields(type(message))}
    if check:
        try:
            _check_fields(type(message), values)
        except ValueError as exc:
            raise LocalProtocolError(str(exc)) from None
    body: dict[str, Any] = {"t": message.TYPE}
    for field in _fields(type(message)):
        value = values[field.name]
        # Defaults go without saying, except the version: a later version's default
        # would otherwise read as this one's.
        if value != field.default or field.name == "version":
            body[field.name] = value
    return _ENCODER.encode(body).encode("utf-8")


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number this protocol accepts")


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)
_SCAN = _DECODER.scan_once
_FIELDS: dict[type[Message], tuple[dataclasses.Field, ...]] = {}


def _fields(cls: type[Message]) -> tuple[dataclasses.Field, ...]:
    """The dataclass fields of ``cls`` (looked up once per class)."""
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = dataclasses.fields(cls)
    return fields


def decode_message(payload: bytes) -> Message:
    """Parse one message; raises :class:`RemoteProtocolError` in plain words if it is bad."""
    fields = plain_block(payload)
    if fields is not None:
        return Chats(*fields)
    ack = _plain_ack(payload)
    if ack is not None:
        return ack
    return message_from_body(decode_body(payload))


def decode_body(payload: bytes) -> Any:
    """The JSON value of ``payload``; :class:`RemoteProtocolError` if it is not one."""
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RemoteProtocolError(f"message is not valid UTF-8 (byte {exc.start})") from None
    if text[:1] == "{":  # the usual case: scanned without the decoder's whitespace passes
        try:
            body, end = _SCAN(text, 0)
        except (StopIteration, ValueError, RecursionError):
            end = -1  # the full decoder below says what is wrong
        if end == len(text):
            return body
    try:
        return _DECODER.decode(text)
    except RecursionError:
        raise RemoteProtocolError("message is nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError and huge integers
        raise RemoteProtocolError(f"message is not valid JSON ({exc})") from None


def message_from_body(body: Any) -> Message:
    """The message a decoded JSON value stands for; :class:`RemoteProtocolError` if none."""
    if not isinstance(body, dict):
        raise RemoteProtocolError("message is not a JSON object")
    kind = body.get("t")
    cls = MESSAGE_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise RemoteProtocolError(f"unknown message type {str(kind)[:40]!r}")
    try:
        return cls(**_check_fields(cls, body))
    except (TypeError, ValueError) as exc:
        raise RemoteProtocolError(f"bad {cls.TYPE} message: {exc}") from None


#: A string JSON spells as it is, between its quotes: no quote, backslash or control
#: character (and no lone surrogate, which UTF-8 cannot carry).
_PLAIN_STRING = r'[^"\\\x00-\x1f\ud800-\udfff]*'
_PLAIN = re.compile(_PLAIN_STRING).fullmatch
#: The usual chat of a client, as :func:`encode_message` writes it when neither its id
#: nor its text holds a quote, a backslash or a control character: then what is between
#: the quotes is the text itself, and JSON spells it the same way again.
_PLAIN_CHAT = re.compile(
    rf'\{{"t":"chat","id":"({_PLAIN_STRING})","text":"({_PLAIN_STRING})"\}}'
).fullmatch


def _plain_match(
    payload: bytes, start: bytes, fullmatch: Callable[[str], re.Match[str] | None]
) -> re.Match[str] | None:
    """``fullmatch`` of ``payload`` as text, if it begins with ``start`` and is UTF-8
    (which then holds no lone surrogate); ``None`` otherwise."""
    if not payload.startswith(start):
        return None
    try:
        return fullmatch(payload.decode())
    except UnicodeDecodeError:
        return None


def plain_chat(payload: bytes) -> tuple[str, str] | None:
    """``(id, text)`` of the usual chat of a client, read without a JSON decoder; both
    need no escape in JSON.

    ``None`` for any other payload, which :func:`decode_message` then judges: this
    accepts nothing it would refuse, and reads what it accepts as it would.
    """
    match = _plain_match(payload, b'{"t":"chat",', _PLAIN_CHAT)
    if match is None:
        return None
    message_id, text = match.groups()
    if len(message_id) > MAX_ID_LENGTH or len(text) > MAX_TEXT_LENGTH:
        return None
    return message_id, text


#: A room's block of one chat when no string in it needs an escape (see
#: ``ChatBlockWriter``): how a chat someone typed reaches the others in the room.
_PLAIN_BLOCK = re.compile(
    r'\{"t":"chats","ts":((?:0|[1-9][0-9]{0,12})\.[0-9]{1,20}),"seq":([1-9][0-9]{0,9}),'
    rf'"chats":\[\["({_PLAIN_STRING})","({_PLAIN_STRING})"\]\]\}}'
).fullmatch


def plain_block(payload: bytes) -> tuple[float, int, tuple[ChatGroup]] | None:
    """``(ts, seq, ((sender, text),))`` of a room's usual block of one chat, read
    without the JSON decoder: what :func:`decode_message` makes a :class:`Chats` of.
    ``None`` for any other payload, which the decoder then judges. Like
    :func:`plain_chat`, this accepts nothing the decoder would refuse."""
    match = _plain_match(payload, b'{"t":"chats",', _PLAIN_BLOCK)
    if match is None:
        return None
    ts_text, seq_text, sender, text = match.groups()
    ts, seq = float(ts_text), int(seq_text)
    if ts > _MAX_TS or seq >= 2**31 or len(sender) > _SENDER_LIMIT or len(text) > MAX_TEXT_LENGTH:
        return None
    return ts, seq, ((sender, text),)


#: An ``ack`` of an id that needs no escape in JSON, as rooms and UDP peers write one.
_PLAIN_ACK = re.compile(rf'\{{"t":"ack","id":"({_PLAIN_STRING})"\}}').fullmatch


def _plain_ack(payload: bytes) -> Ack | None:
    """The usual ``ack`` (a room's of each turn's chats, a UDP peer's of each chat), read
    without the JSON decoder; ``None`` for any other payload, which the decoder then
    judges. Like :func:`plain_chat`, this accepts nothing the decoder would refuse."""
    match = _plain_match(payload, b'{"t":"ack",', _PLAIN_ACK)
    if match is None or len(match[1]) > MAX_ID_LENGTH:
        return None
    return Ack(match[1])


def encode_chat(message_id: str, text: str, sender: str = "", ts: float = 0.0) -> bytes:
    """``encode_message(Chat(message_id, text, sender, ts))``, the chat a user typed.

    When no string needs an escape in JSON (the usual case), the bytes are written
    straight from the strings, with no dictionary, encoder or general checks on the way:
    a message just typed leaves sooner.
    """
    if (
        _is_plain(message_id, MAX_ID_LENGTH)
        and _is_plain(text, MAX_TEXT_LENGTH)
        and _is_plain(sender, _SENDER_LIMIT)
        and type(ts) is float
        and 0.0 <= ts <= _MAX_TS
    ):
        head = f'{{"t":"chat","id":"{message_id}","text":"{text}"'
        if sender:
            head += f',"sender":"{sender}"'
        if ts:
            head += f',"ts":{ts!r}'
        return f"{head}}}".encode()
    return encode_message(Chat(message_id, text, sender, ts))


def _is_plain(value: Any, limit: int) -> bool:
    """Whether ``value`` is text of at most ``limit`` characters that JSON spells as it
    is (see :data:`_PLAIN_STRING`)."""
    return type(value) is str and len(value) <= limit and _PLAIN(value) is not None


def _fits(value: Any, limit: int) -> bool:
    """Whether ``value`` is text of at most ``limit`` characters, with no lone surrogate
    (the check of a string field, without the words for what is wrong)."""
    return (
        type(value) is str
        and len(value) <= limit
        and (value.isascii() or not _SURROGATE.search(value))
    )


_CHAT_FIELDS = ("sender", "id", "text")


def check_chat_item(sender: Any, message_id: Any, text: Any) -> tuple[str, str, str]:
    """``(sender, id, text)`` of a chat a room relays, checked as strictly as those
    fields of a ``chat``; :class:`ValueError` in plain words if one is wrong."""
    if not (
        _fits(sender, _SENDER_LIMIT)
        and _fits(message_id, MAX_ID_LENGTH)
        and _fits(text, MAX_TEXT_LENGTH)
    ):
        for name, value in zip(_CHAT_FIELDS, (sender, message_id, text), strict=True):
            _check_value(name, "str", value)  # raises, saying which field and why
    return sender, message_id, text


def _text_fits(value: Any) -> bool:
    """Whether ``value`` is a text a chat may hold (see :func:`_fits`)."""
    return _fits(value, MAX_TEXT_LENGTH)


def _check_groups(value: Any) -> tuple[ChatGroup, ...]:
    """The groups of a ``chats`` block, each checked; one bad group refuses the block."""
    if not isinstance(value, (list, tuple)):
        raise ValueError("field 'chats' must be a list of chats")
    if not value:
        raise ValueError("field 'chats' holds no chat")
    count, groups = len(value), []
    for number, group in enumerate(value, 1):
        if not isinstance(group, (list, tuple)) or len(group) < 2:
            raise ValueError(f"group {number} of {count} is not a list of a sender and texts")
        if not (_fits(group[0], _SENDER_LIMIT) and all(map(_text_fits, group[1:]))):
            try:
                _check_value("sender", "str", group[0])
                for text in group[1:]:
                    _check_value("text", "str", text)  # raises, saying what is wrong
            except ValueError as exc:
                raise ValueError(f"group {number} of {count}: {exc}") from None
        groups.append(tuple(group))
    return tuple(groups)


def _chat_count(groups: tuple[ChatGroup, ...]) -> int:
    """How many chats the groups of a ``chats`` block hold."""
    return sum(map(len, groups)) - len(groups)


def _check_fields(cls: type[Message], values: dict[str, Any]) -> dict[str, Any]:
    """Check each field's type and size; return the values with lists made tuples."""
    checked: dict[str, Any] = {}
    for field in _fields(cls):
        if field.name not in values:
            if field.default is dataclasses.MISSING:
                raise ValueError(f"field {field.name!r} is missing")
            continue
        checked[field.name] = _check_value(field.name, field.type, values[field.name])
    if cls is Chats and not 1 <= checked["seq"] <= 2**31 - _chat_count(checked["chats"]):
        raise ValueError("field 'seq' is out of range")  # numbers from 1, all of them small
    return checked


def _check_value(name: str, annotation: Any, value: Any) -> Any:
    if annotation in ("str", str):
        if not isinstance(value, str):
            raise ValueError(f"field {name!r} must be text")
        if len(value) > _STRING_LIMITS.get(name, MAX_TEXT_LENGTH):
            raise ValueError(f"field {name!r} is too long")
        if _SURROGATE.search(value):
            raise ValueError(f"field {name!r} holds a lone surrogate, which is not a character")
        return value
    if annotation in ("bool", bool):
        if not isinstance(value, bool):
            raise ValueError(f"field {name!r} must be true or false")
        return value
    if annotation in ("int", int):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**31:
            raise ValueError(f"field {name!r} must be a small whole number")
        return value
    if annotation in ("float", float):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ValueError(f"field {name!r} must be a number")
        try:
            value = float(value)
        except OverflowError:
            raise ValueError(f"field {name!r} is out of range") from None
        if not math.isfinite(value) or abs(value) > _MAX_TS:
            raise ValueError(f"field {name!r} is out of range")
        return value
    if annotation == "tuple[ChatGroup, ...]":
        return _check_groups(value)
    # tuple[str, ...]
    if not isinstance(value, (list, tuple)) or len(value) > MAX_MEMBERS:
        raise ValueError(f"field {name!r} must be a list of names")
    return tuple(_check_value(name, "str", item) for item in value)
