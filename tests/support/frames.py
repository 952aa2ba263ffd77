"""The wire format written and read by hand: a 4-byte big-endian length, then JSON."""

from __future__ import annotations

import json
import struct
from itertools import pairwise
from typing import Any

from gui_chat.protocol import ChatRun, Connection, RemoteProtocolError, plain_chat


def frame(message: dict[str, Any] | bytes) -> bytes:
    """A 4-byte big-endian length, then the payload (a dict is sent as UTF-8 JSON)."""
    payload = message if isinstance(message, bytes) else json.dumps(message).encode("utf-8")
    return struct.pack("!I", len(payload)) + payload


def unpack_chats(message: dict[str, Any]) -> list[dict[str, Any]]:
    """A ``chats`` block as the ``chat`` messages it stands for (with no ``id``: a block
    holds none), each marked ``"via": "chats"``; any other message as itself."""
    if message.get("t") != "chats":
        return [message]
    ts, seq = message["ts"], message["seq"]
    chats = [(sender, text) for sender, *texts in message["chats"] for text in texts]
    return [
        {"t": "chat", "sender": sender, "text": text, "ts": ts, "seq": seq + n, "via": "chats"}
        for n, (sender, text) in enumerate(chats)
    ]


def error_frames(data: bytes) -> list[dict[str, Any]]:
    """The whole frames at the start of ``data``, decoded (blocks of chats unpacked)."""
    messages = []
    while len(data) >= 4:
        (size,) = struct.unpack("!I", data[:4])
        if len(data) < 4 + size:
            break
        messages += unpack_chats(json.loads(data[4 : 4 + size].decode("utf-8")))
        data = data[4 + size :]
    return messages


def cut(data: bytes, points: list[int]) -> list[bytes]:
    """``data`` cut at ``points`` (each taken modulo ``len(data) + 1``), in order."""
    bounds = [0, *sorted({p % (len(data) + 1) for p in points}), len(data)]
    return [data[a:b] for a, b in pairwise(bounds)]


def room_reads(data: bytes, points: list[int], max_size: int, runs: bool) -> list[tuple]:
    """What a room reads from ``data`` cut at ``points`` (see :func:`cut`), with or without
    runs: each chat as ``plain_chat`` reads it, any other payload as it is, and the
    error that ends the stream, if one does."""
    connection, read = Connection(max_size), []
    try:
        for chunk in cut(data, points):
            for part in connection.payloads(chunk, runs=runs):
                if isinstance(part, ChatRun):
                    read += [("chat", *chat) for chat in zip(part.ids, part.texts, strict=True)]
                else:
                    plain = plain_chat(part)
                    read.append(("payload", part) if plain is None else ("chat", *plain))
    except RemoteProtocolError as exc:
        read.append(("error", str(exc)))
    return read
