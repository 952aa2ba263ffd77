"""The sans-IO protocol core: bytes in, events out; events in, bytes out.

Nothing here touches a socket, a thread, a clock or Qt, so every rule of the wire
format can be tested with plain bytes.
"""

from gui_chat.protocol.blocks import ChatBlockWriter, item_start, json_content
from gui_chat.protocol.connection import Connection
from gui_chat.protocol.datagram import MAX_DATAGRAM_SIZE, decode_datagram, encode_datagram
from gui_chat.protocol.errors import (
    FrameTooLargeError,
    LocalProtocolError,
    ProtocolError,
    RemoteProtocolError,
)
from gui_chat.protocol.framing import (
    HEADER,
    HEADER_SIZE,
    MAX_FRAME_SIZE,
    FrameDecoder,
    encode_frame,
)
from gui_chat.protocol.messages import (
    PROTOCOL_VERSION,
    Ack,
    Announce,
    Chat,
    Chats,
    Error,
    Hello,
    Joined,
    Left,
    Members,
    Message,
    Ping,
    Pong,
    Query,
    Welcome,
    check_chat_item,
    decode_message,
    encode_message,
    plain_chat,
)
from gui_chat.protocol.names import (
    MAX_NICK_LENGTH,
    MAX_TEXT_LENGTH,
    clean_reason,
    normalize_nick,
    unique_nick,
)

__all__ = [
    "HEADER",
    "HEADER_SIZE",
    "MAX_DATAGRAM_SIZE",
    "MAX_FRAME_SIZE",
    "MAX_NICK_LENGTH",
    "MAX_TEXT_LENGTH",
    "PROTOCOL_VERSION",
    "Ack",
    "Announce",
    "Chat",
    "ChatBlockWriter",
    "Chats",
    "Connection",
    "Error",
    "FrameDecoder",
    "FrameTooLargeError",
    "Hello",
    "Joined",
    "Left",
    "LocalProtocolError",
    "Members",
    "Message",
    "Ping",
    "Pong",
    "ProtocolError",
    "Query",
    "RemoteProtocolError",
    "Welcome",
    "check_chat_item",
    "clean_reason",
    "decode_datagram",
    "decode_message",
    "encode_datagram",
    "encode_frame",
    "encode_message",
    "item_start",
    "json_content",
    "normalize_nick",
    "plain_chat",
    "unique_nick",
]
