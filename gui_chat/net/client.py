"""The TCP client: joins a room, connecting inside the loop so Stop is never stuck."""

from __future__ import annotations

import errno
import logging
import os
import selectors
import socket
import time
from dataclasses import dataclass

from gui_chat.net.addresses import resolve
from gui_chat.net.errors import ConnectTimeoutError, format_address, translate
from gui_chat.net.events import (
    ChatDelivered,
    ChatFailed,
    ChatReceived,
    Connected,
    Connecting,
    MembersChanged,
    PeerJoined,
    PeerLeft,
)
from gui_chat.net.loop import EventSink, SessionLoop, SessionOver
from gui_chat.net.room import Keepalive
from gui_chat.net.stream import (
    SendBufferFull,
    StreamPeer,
    configure_stream_socket,
    describe_disconnect,
)
from gui_chat.protocol import (
    Ack,
    Chat,
    Error,
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
    normalize_nick,
)

log = logging.getLogger("gui_chat.net.client")

_IN_PROGRESS = {0, errno.EINPROGRESS, errno.EWOULDBLOCK, getattr(errno, "WSAEWOULDBLOCK", -1)}


@dataclass(frozen=True)
class ClientConfig:
    host: str = "127.0.0.1"
    port: int = 0
    nick: str = "guest"
    connect_timeout: float = 5.0
    keepalive: Keepalive = Keepalive()


class RoomClient(SessionLoop):
    """One connection to a room; messages typed before the welcome wait in order."""

    def __init__(self, config: ClientConfig, sink: EventSink) -> None:
        super().__init__(sink)
        self.config = config
        self.tick_interval = min(1.0, config.connect_timeout / 10, config.keepalive.ping_after / 4)
        self._peer: StreamPeer | None = None
        self._connect_deadline = 0.0
        self._connected = False
        self._welcomed = False
        self._writing = False
        self._unconfirmed: dict[str, None] = {}  # ids sent, not yet acknowledged, in order

    @property
    def _address(self) -> str:
        return format_address(self.config.host, self.config.port)

    # ----- commands (any thread) ----------------------------------------------------------
    def send_chat(self, message_id: str, text: str) -> bool:
        return self.call_soon(self._send_chat, message_id, text)

    # ----- loop hooks ---------------------------------------------------------------------
    def open(self) -> None:
        host, port = self.config.host, self.config.port
        self.emit(Connecting(host, port))
        family, kind, proto, _, sockaddr = resolve(host, port, socket.SOCK_STREAM)
        sock = socket.socket(family, kind, proto)
        configure_stream_socket(sock)
        code = sock.connect_ex(sockaddr)
        if code not in _IN_PROGRESS:
            sock.close()
            raise translate(OSError(code, os.strerror(code)), host, port)
        self._peer = StreamPeer(sock, self._address)
        self._connect_deadline = time.monotonic() + self.config.connect_timeout
        self.watch(sock, selectors.EVENT_WRITE, self._on_connect)

    def on_tick(self, now: float) -> None:
        peer = self._peer
        assert peer is not None
        keepalive = self.config.keepalive
        if not self._connected:
            if now > self._connect_deadline:
                raise ConnectTimeoutError(
                    f"connecting to {self._address} timed out after "
                    f"{self.config.connect_timeout:g} s — is the address right and the room open?"
                )
        elif now - peer.last_received > keepalive.dead_after:
            raise SessionOver(
                f"the room stopped responding (no data for {keepalive.dead_after:g} s)", error=True
            )
        elif not self._welcomed and now - peer.last_received > keepalive.hello_within:
            raise SessionOver(f"{self._address} did not answer like a gui_chat room", error=True)
        elif now - peer.last_sent > keepalive.ping_after:
            self._queue(Ping())

    def shutdown(self, stopped_by_user: bool) -> None:
        if self._peer is not None:
            if self._connected and stopped_by_user:
                try:
                    self._peer.queue(Error("left the room"))
                    self._peer.flush()
                except (OSError, SendBufferFull):
                    pass
            self._peer.close()
        for message_id in self._unconfirmed:
            self.emit(
                ChatFailed(message_id, "not confirmed by the room before the connection ended")
            )
        self._unconfirmed.clear()

    def on_calls_failed(self, calls: list) -> None:
        for function, args in calls:
            if function == self._send_chat:
                self.emit(ChatFailed(args[0], "not sent: the connection had ended"))

    # ----- socket events ------------------------------------------------------------------
    def _on_connect(self, _mask: int) -> None:
        peer = self._peer
        assert peer is not None
        code = peer.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if code:
            raise translate(OSError(code, os.strerror(code)), self.config.host, self.config.port)
        self._connected = True
        peer.last_received = time.monotonic()
        log.info("connected to %s", self._address)
        self.rewatch(peer.sock, selectors.EVENT_READ, self._on_ready)
        outgoing, peer.outgoing = bytes(peer.outgoing), bytearray()
        self._queue(Hello(normalize_nick(self.config.nick)))
        peer.outgoing += outgoing  # messages typed while connecting follow the hello
        self._flush()

    def _on_ready(self, mask: int) -> None:
        if mask & selectors.EVENT_WRITE:
            self._flush()
        if mask & selectors.EVENT_READ:
            self._read()

    def _read(self) -> None:
        peer = self._peer
        assert peer is not None
        try:
            data = peer.receive()
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            raise SessionOver(
                f"the connection to the room was lost: {describe_disconnect(exc)}", error=True
            ) from None
        try:
            while (message := peer.protocol.next_event()) is not None:
                self._handle(message)
        except RemoteProtocolError as exc:
            self._queue(Error(f"invalid data: {exc}"))
            raise SessionOver(f"the room sent invalid data ({exc})", error=True) from None
        if not data:
            raise SessionOver("the room closed the connection", error=True)

    def _handle(self, message: Message) -> None:
        if isinstance(message, Ping):
            self._queue(Pong())
        elif isinstance(message, Pong):
            pass
        elif isinstance(message, Error):
            what = "refused the connection" if not self._welcomed else "closed the connection"
            raise SessionOver(f"the room {what}: {message.reason}", error=True)
        elif not self._welcomed:
            if not isinstance(message, Welcome):
                raise RemoteProtocolError(f"expected a welcome, got {message.TYPE!r}")
            self._welcomed = True
            self.emit(Connected(self.config.host, self.config.port, message.nick, message.room))
            self.emit(MembersChanged(message.members))
        elif isinstance(message, Chat):
            self.emit(ChatReceived(message.id, message.sender, message.text, message.ts))
        elif isinstance(message, Ack):
            if message.id in self._unconfirmed:
                del self._unconfirmed[message.id]
                self.emit(ChatDelivered(message.id))
        elif isinstance(message, Joined):
            self.emit(PeerJoined(message.nick))
        elif isinstance(message, Left):
            self.emit(PeerLeft(message.nick, message.reason))
        elif isinstance(message, Members):
            self.emit(MembersChanged(message.members))
        else:
            raise RemoteProtocolError(f"a room may not send {message.TYPE!r}")

    # ----- sending ------------------------------------------------------------------------
    def _send_chat(self, message_id: str, text: str) -> None:
        try:
            self._queue(Chat(message_id, text))
        except LocalProtocolError as exc:
            self.emit(ChatFailed(message_id, str(exc)))
            return
        self._unconfirmed[message_id] = None

    def _queue(self, message: Message) -> None:
        peer = self._peer
        assert peer is not None
        try:
            peer.queue(message)
        except SendBufferFull:
            raise SessionOver("the room is not reading our messages", error=True) from None
        if self._connected and not self._writing:
            self._flush()

    def _flush(self) -> None:
        peer = self._peer
        assert peer is not None
        try:
            done = peer.flush()
        except OSError as exc:
            raise SessionOver(
                f"the connection to the room was lost: {describe_disconnect(exc)}", error=True
            ) from None
        if self._writing == (not done):
            return
        self._writing = not done
        mask = selectors.EVENT_READ | (selectors.EVENT_WRITE if self._writing else 0)
        self.rewatch(peer.sock, mask, self._on_ready)
