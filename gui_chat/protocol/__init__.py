"""The sans-IO protocol core: bytes in, events out; events in, bytes out.

Nothing here touches a socket, a thread, a clock or Qt, so every rule of the wire
format can be tested with plain bytes.

The names below load with their module on first use: the window's start-up needs only
``names`` and ``raw``, not the messages and their JSON.
"""

from __future__ import annotations

import importlib
from typing import Any

_NAMES_BY_MODULE = {
    "blocks": ("ChatBlockWriter", "ack_frame", "group_start", "json_content"),
    "chat_runs": ("ChatRun", "read_chat_run"),
    "connection": ("Connection",),
    "datagram": ("MAX_DATAGRAM_SIZE", "decode_datagram", "encode_datagram", "fit_datagram"),
    "errors": ("FrameTooLargeError", "LocalProtocolError", "ProtocolError", "RemoteProtocolError"),
    "framing": ("HEADER", "HEADER_SIZE", "MAX_FRAME_SIZE", "FrameDecoder", "encode_frame"),
    "messages": (
        "PROTOCOL_VERSION",
        "Ack",
        "Announce",
        "Chat",
        "Chats",
        "Error",
        "Hello",
        "Joined",
        "Left",
        "Members",
        "Message",
        "Ping",
        "Pong",
        "Query",
        "Welcome",
        "check_chat_item",
        "decode_message",
        "encode_chat",
        "encode_message",
        "plain_block",
        "plain_chat",
    ),
    "names": (
        "MAX_NICK_LENGTH",
        "MAX_TEXT_LENGTH",
        "clean_reason",
        "normalize_nick",
        "unique_nick",
    ),
}
_MODULE_OF = {name: module for module, names in _NAMES_BY_MODULE.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    """The protocol name ``name``, its module imported the first time."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
