"""UDP: the same messages, one per datagram, small enough never to be fragmented.

An Ethernet LAN carries 1500-byte IP packets; after the IPv4/IPv6 and UDP headers and a
margin for tunnels and VPNs, :data:`MAX_DATAGRAM_SIZE` bytes of payload always fit.
A longer message is refused with a clear word rather than split.
"""

from __future__ import annotations

from gui_chat.protocol.errors import LocalProtocolError, RemoteProtocolError
from gui_chat.protocol.messages import Message, decode_message, encode_message

MAX_DATAGRAM_SIZE = 1400


def encode_datagram(message: Message) -> bytes:
    """The datagram for ``message``; :class:`LocalProtocolError` if it would not fit."""
    return fit_datagram(encode_message(message))


def fit_datagram(payload: bytes) -> bytes:
    """``payload`` (an encoded message) as a datagram; :class:`LocalProtocolError` if it
    would not fit."""
    if len(payload) > MAX_DATAGRAM_SIZE:
        raise LocalProtocolError(
            f"message is too long for UDP ({len(payload):,} bytes encoded, at most "
            f"{MAX_DATAGRAM_SIZE:,}); shorten it or use a TCP room"
        )
    return payload


def decode_datagram(payload: bytes) -> Message:
    """Parse one datagram; :class:`RemoteProtocolError` if it is not a valid message."""
    if len(payload) > MAX_DATAGRAM_SIZE:
        raise RemoteProtocolError(f"datagram of {len(payload):,} bytes is over the limit")
    return decode_message(payload)
