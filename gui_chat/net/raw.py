"""Raw mode: no framing, no handshake — bytes in, bytes out, for any plain program.

Received bytes are reported as they arrive, with their text decoded incrementally
in the chosen encoding (a character split across two reads stays whole). What the
user sends is already bytes; "delivered" here means handed to the network.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

from gui_chat.net.errors import format_address
from gui_chat.net.events import (
    ChatDelivered,
    ChatFailed,
    Connected,
    MembersChanged,
    PeerJoined,
    PeerLeft,
    RawReceived,
)
from gui_chat.net.loop import EventSink
from gui_chat.net.stream import StreamClient, StreamPeer, StreamServer
from gui_chat.net.udp import UdpConfig, UdpPeer
from gui_chat.protocol.raw import TextDecoder, decode_bytes

#: The largest payload one UDP datagram can carry over IPv4.
MAX_UDP_PAYLOAD = 65507


@dataclass(frozen=True)
class RawServerConfig:
    host: str = "0.0.0.0"
    port: int = 0
    encoding: str = "utf-8"
    max_clients: int = 500


@dataclass(frozen=True)
class RawClientConfig:
    host: str = "127.0.0.1"
    port: int = 0
    encoding: str = "utf-8"
    connect_timeout: float = 5.0


class _RawPeer(StreamPeer):
    def __init__(self, sock: socket.socket, address: str, encoding: str) -> None:
        super().__init__(sock, address)
        self.decoder = TextDecoder(encoding)


def _received(peer: StreamPeer, data: bytes) -> RawReceived:
    assert isinstance(peer, _RawPeer)
    return RawReceived(peer.address, data, peer.decoder.feed(data))


class RawTcpServer(StreamServer):
    """A plain TCP server: shows what each client sends; sends to one client or all."""

    def __init__(self, config: RawServerConfig, sink: EventSink) -> None:
        super().__init__(config.host, config.port, config.max_clients, sink)
        self.config = config

    def send_raw(self, message_id: str, data: bytes, target: str = "") -> bool:
        """Send ``data`` to the client at address ``target``, or to all if empty."""
        return self.send_soon(message_id, self._send_raw, data, target)

    def new_peer(self, sock: socket.socket, address: str) -> StreamPeer:
        return _RawPeer(sock, address, self.config.encoding)

    def on_accepted(self, peer: StreamPeer) -> None:
        self.emit(PeerJoined(peer.address))
        self.emit(MembersChanged(self._addresses()))

    def on_data(self, peer: StreamPeer, data: bytes) -> None:
        self.emit(_received(peer, data))

    def on_dropped(self, peer: StreamPeer, reason: str) -> None:
        assert isinstance(peer, _RawPeer)
        leftover = peer.decoder.flush()
        if leftover:
            self.emit(RawReceived(peer.address, b"", leftover))
        self.emit(PeerLeft(peer.address, reason))
        self.emit(MembersChanged(self._addresses()))

    def _addresses(self) -> tuple[str, ...]:
        return tuple(peer.address for peer in self.peers())

    def _send_raw(self, message_id: str, data: bytes, target: str) -> None:
        peers = [p for p in self.peers() if not target or p.address == target]
        if not peers:
            reason = f"{target} is no longer connected" if target else "nobody is connected"
            self.emit(ChatFailed(message_id, reason))
            return
        for peer in peers:
            self.write(peer, data)
        self.emit(ChatDelivered(message_id))


class RawTcpClient(StreamClient):
    """A plain TCP client: bytes typed go out as they are; bytes received are shown."""

    def __init__(self, config: RawClientConfig, sink: EventSink) -> None:
        super().__init__(config.host, config.port, config.connect_timeout, sink)
        self.config = config
        self._waiting: list[str] = []  # ids typed before the connection was up

    def send_raw(self, message_id: str, data: bytes, target: str = "") -> bool:
        return self.send_soon(message_id, self._send_raw, data)

    def new_peer(self, sock: socket.socket, address: str) -> StreamPeer:
        return _RawPeer(sock, address, self.config.encoding)

    def on_connected(self, peer: StreamPeer) -> None:
        self.emit(Connected(self.host, self.port, "", ""))
        for message_id in self._waiting:
            self.emit(ChatDelivered(message_id))
        self._waiting.clear()

    def on_data(self, peer: StreamPeer, data: bytes) -> None:
        self.emit(_received(peer, data))

    def lost(self, peer: StreamPeer, reason: str) -> None:
        self._flush_decoder()
        super().lost(peer, reason)

    def _flush_decoder(self) -> None:
        """Show the bytes of a character the stream ended in the middle of."""
        if isinstance(self.peer, _RawPeer):
            leftover = self.peer.decoder.flush()
            if leftover:
                self.emit(RawReceived(self.peer.address, b"", leftover))

    def shutdown(self, stopped_by_user: bool) -> None:
        self._flush_decoder()
        super().shutdown(stopped_by_user)
        for message_id in self._waiting:
            self.emit(ChatFailed(message_id, "not sent: the connection was never made"))
        self._waiting.clear()

    def _send_raw(self, message_id: str, data: bytes) -> None:
        self.send(data)
        if self.connected:
            self.emit(ChatDelivered(message_id))
        else:
            self._waiting.append(message_id)


class RawUdpPeer(UdpPeer):
    """Plain datagrams: each one sent as typed, each one received shown as it is."""

    def __init__(self, config: UdpConfig, sink: EventSink, encoding: str = "utf-8") -> None:
        super().__init__(config, sink)
        self.encoding = encoding

    def send_raw(self, message_id: str, data: bytes, target: str = "") -> bool:
        return self.send_soon(message_id, self._send_raw, data)

    def _send_raw(self, message_id: str, data: bytes) -> None:
        if self._target is None:
            self.emit(ChatFailed(message_id, "no peer to send to: enter its host and port"))
            return
        if len(data) > MAX_UDP_PAYLOAD:
            self.emit(
                ChatFailed(
                    message_id,
                    f"{len(data):,} bytes do not fit in one UDP "
                    f"datagram (at most {MAX_UDP_PAYLOAD:,})",
                )
            )
            return
        error = self._sendto(data, self._target)
        self.emit(ChatFailed(message_id, error) if error else ChatDelivered(message_id))

    def _handle(self, datagram: bytes, sender: tuple) -> None:
        address = format_address(sender[0], sender[1])
        self.emit(RawReceived(address, datagram, decode_bytes(datagram, self.encoding)))
