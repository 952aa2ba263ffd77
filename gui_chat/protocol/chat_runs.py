"""A run of a client's usual chats, read at once: what a room does with a flood.

A client in a hurry sends its chats frame after frame. Read one by one (the length,
then :func:`plain_chat`), they cost a room microseconds of Python each;
:func:`read_chat_run` reads a whole run in a few passes in C (a regular expression
finds it, another cuts it up, then joins and a comparison) and reads each frame as the
one-by-one reading would: a plain chat the same way, any other frame as a payload for
the decoder. Where the run most likely goes on to the end of what came (a reader's
first look at a buffer), the cutting alone finds it, in one pass.

Each byte is looked at a few times at most, whatever a peer sends: a run ends at the
first frame that does not look like such a chat, or whose length is not that chat's,
and the decoder reads that frame next; the frames before it are all read, plain chats
or not.
"""

from __future__ import annotations

import re
import struct
from operator import add
from typing import NamedTuple

from gui_chat.protocol.messages import MAX_ID_LENGTH
from gui_chat.protocol.names import MAX_TEXT_LENGTH

#: The usual chat's payload (see ``plain_chat``) around its id and text.
_BEFORE_ID = b'{"t":"chat","id":"'
_BETWEEN = b'","text":"'
_AFTER_TEXT = b'"}'
#: A payload's length beyond its id's and its text's.
_FIXED = len(_BEFORE_ID) + len(_BETWEEN) + len(_AFTER_TEXT)
_PLUS_FIXED = _FIXED.__add__


def _frame_pattern(group: bytes) -> bytes:
    """Frames (length, then payload) that may be such chats, with ``group`` opening the
    groups of the length, the id and the text. A quote ends an id or a text here (so
    that this is fast); backslashes and control characters are looked for after."""
    return (
        group
        + rb"[\x00-\xff]{4})"
        + re.escape(_BEFORE_ID)
        + group
        + rb'[^"]{0,%d})' % MAX_ID_LENGTH
        + re.escape(_BETWEEN)
        + group
        + rb'[^"]*)'
        + re.escape(_AFTER_TEXT)
    )


_RUN = re.compile(b"(?:" + _frame_pattern(b"(?:") + b")+").match
#: A run's frames cut into ``b""``, length, id, text, ``b""``, length… (no tuple per
#: frame, which the garbage collector would walk, as ``findall`` makes).
_CUT = re.compile(_frame_pattern(b"(")).split
#: Bytes that no plain chat's id or text holds: JSON escapes them, with a backslash.
_ESCAPED = bytes(range(0x20)) + b"\\"
#: Put between ids and texts to check and decode them at once: one of those bytes.
_SEPARATOR = b"\n"


class ChatRun(NamedTuple):
    """Plain chats read at once, in order: what :func:`plain_chat` reads from each."""

    ids: list[str]
    texts: list[str]


def read_chat_run(
    buffer: bytes | bytearray, start: int, max_size: int, first: bool = False
) -> tuple[int, list[ChatRun | bytes]] | None:
    """Read the frames from ``start`` in ``buffer`` while they look like plain chats.

    Returns where they end and what they hold, in order: a :class:`ChatRun` for the
    plain chats, and the payload of any other (an escape in its text, say), for the
    decoder to judge. ``None`` if the frame at ``start`` is not one of them or is
    alone (it is read as quickly on its own, with less code in the way). Stops
    before a frame whose length is not its payload's or is over ``max_size``: there
    the frames are not what they look like. ``first``: the reader's first look at
    this buffer, where the frames are cut up to its end in one pass (and looked at
    the usual way if they are not all such chats).
    """
    if first:
        pieces = _CUT(memoryview(buffer)[start:])
        gaps = pieces[::4]  # between the frames, then after the last
        if len(gaps) > 2 and not any(gaps[:-1]):  # frames one after the other, from start
            return _read(buffer, start, len(buffer) - len(gaps[-1]), pieces, max_size)
    match = _RUN(buffer, start)
    if match is None:
        return None
    end = match.end()
    if end - start == 4 + int.from_bytes(buffer[start : start + 4], "big"):
        return None  # a frame alone: read on its own, on the path a chat's latency takes
    return _read(buffer, start, end, _CUT(buffer[start:end]), max_size)


def _read(
    buffer: bytes | bytearray, start: int, end: int, pieces: list[bytes], max_size: int
) -> tuple[int, list[ChatRun | bytes]] | None:
    """:func:`read_chat_run` for the frames from ``start`` to ``end``, cut into
    ``pieces`` (``b""``, length, id, text, ``b""``, length…)."""
    heads, ids, texts = pieces[1::4], pieces[2::4], pieces[3::4]
    count = len(ids)
    lengths = list(map(add, map(len, ids), map(_PLUS_FIXED, map(len, texts))))
    longest = max(lengths)
    # every id and text, a newline between them: none holds one (or any other byte
    # JSON escapes) if the translation removes only those, and all are UTF-8 if this is
    strings = _SEPARATOR.join(ids + texts)
    if (
        b"".join(heads) == struct.pack(f"!{count}I", *lengths)
        and longest <= max_size
        and len(strings.translate(None, _ESCAPED)) == len(strings) - 2 * count + 1
    ):
        try:
            decoded = strings.decode().split(_SEPARATOR.decode())
        except UnicodeDecodeError:
            pass
        else:
            run = ChatRun(decoded[:count], decoded[count:])
            # bytes are at least as many as characters: most runs need no count of these
            if longest - _FIXED <= MAX_TEXT_LENGTH or max(map(len, run.texts)) <= MAX_TEXT_LENGTH:
                return end, [run]
    return _one_by_one(buffer, start, heads, ids, texts, max_size)


def _one_by_one(
    buffer: bytes | bytearray,
    start: int,
    heads: list[bytes],
    ids: list[bytes],
    texts: list[bytes],
    max_size: int,
) -> tuple[int, list[ChatRun | bytes]] | None:
    """:func:`read_chat_run` for frames of which one or more are not plain chats."""
    parts: list[ChatRun | bytes] = []
    run = ChatRun([], [])
    end = start
    for head, message_id, text in zip(heads, ids, texts, strict=True):
        length = _FIXED + len(message_id) + len(text)
        if head != length.to_bytes(4, "big") or length > max_size:
            break
        chat = _plain(message_id, text)
        if chat is None:
            if run.ids:
                parts.append(run)
                run = ChatRun([], [])
            parts.append(bytes(buffer[end + 4 : end + 4 + length]))
        else:
            run.ids.append(chat[0])
            run.texts.append(chat[1])
        end += 4 + length
    if run.ids:
        parts.append(run)
    return (end, parts) if parts else None


def _plain(message_id: bytes, text: bytes) -> tuple[str, str] | None:
    """The id and text of a plain chat, or ``None`` if they need escapes or are bad."""
    if len((message_id + text).translate(None, _ESCAPED)) != len(message_id) + len(text):
        return None
    try:
        chat = message_id.decode(), text.decode()
    except UnicodeDecodeError:
        return None
    return chat if len(chat[1]) <= MAX_TEXT_LENGTH else None
