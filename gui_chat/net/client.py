"""The TCP client of a gui_chat room."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from gui_chat.net.events import (
    ChatDelivered,
    ChatFailed,
    ChatReceived,
    Connected,
    MembersChanged,
    PeerJoined,
    PeerLeft,
)
from gui_chat.net.loop import EventSink, SessionOver
from gui_chat.net.room import Keepalive
from gui_chat.net.stream import StreamClient, StreamPeer
from gui_chat.protocol import (
    Ack,
    Chat,
    Connection,
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


@dataclass(frozen=True)
class ClientConfig:
    host: str = "127.0.0.1"
    port: int = 0
    nick: str = "guest"
    connect_timeout: float = 5.0
    keepalive: Keepalive = Keepalive()


class RoomClient(StreamClient):
    """One connection to a room; messages typed before the welcome wait, in order."""

    def __init__(self, config: ClientConfig, sink: EventSink) -> None:
        super().__init__(config.host, config.port, config.connect_timeout, sink)
        self.config = config
        self.tick_interval = min(self.tick_interval, config.keepalive.ping_after / 4)
        self.protocol = Connection()
        self._welcomed = False
        self._unconfirmed: dict[str, None] = {}  # ids sent and not yet acknowledged

    # ----- commands (any thread) ----------------------------------------------------------
    def send_chat(self, message_id: str, text: str) -> bool:
        return self.call_soon(self._send_chat, message_id, text)

    # ----- hooks --------------------------------------------------------------------------
    def on_tick(self, now: float) -> None:
        super().on_tick(now)
        peer, keepalive = self.peer, self.config.keepalive
        if not self.connected or peer is None:
            return
        if now - peer.last_received > keepalive.dead_after:
            raise SessionOver(
                f"the room stopped responding (nothing for {keepalive.dead_after:g} s)", error=True
            )
        if not self._welcomed and now - peer.connected_at > keepalive.hello_within:
            raise SessionOver(f"{self.address} did not answer like a gui_chat room", error=True)
        if now - peer.last_sent > keepalive.ping_after:
            self._queue(Ping())

    def on_connected(self, peer: StreamPeer) -> None:
        log.info("connected to %s", self.address)
        typed_meanwhile = bytes(peer.outgoing)
        peer.outgoing.clear()
        peer.queue_bytes(self.protocol.send(Hello(normalize_nick(self.config.nick))))
        peer.queue_bytes(typed_meanwhile)  # messages typed while connecting follow the hello

    def on_closing(self, peer: StreamPeer) -> None:
        peer.send_now(self.protocol.send(Error("left the room")))

    def shutdown(self, stopped_by_user: bool) -> None:
        super().shutdown(stopped_by_user)
        for message_id in self._unconfirmed:
            self.emit(
                ChatFailed(message_id, "not confirmed by the room before the connection ended")
            )
        self._unconfirmed.clear()

    def on_calls_failed(self, calls: list) -> None:
        for function, args in calls:
            if function == self._send_chat:
                self.emit(ChatFailed(args[0], "not sent: the connection had ended"))

    def describe_loss(self, reason: str) -> str:
        if reason == "left":
            return "the room closed the connection"
        return f"the connection to the room was lost: {reason}"

    def on_data(self, peer: StreamPeer, data: bytes) -> None:
        self.protocol.receive_data(data)
        try:
            while (message := self.protocol.next_event()) is not None:
                self._handle(message)
        except RemoteProtocolError as exc:
            peer.send_now(self.protocol.send(Error(f"invalid data: {exc}")))
            raise SessionOver(f"the room sent invalid data ({exc})", error=True) from None

    # ----- messages -----------------------------------------------------------------------
    def _handle(self, message: Message) -> None:
        if isinstance(message, Ping):
            self._queue(Pong())
        elif isinstance(message, Pong):
            pass
        elif isinstance(message, Error):
            what = "closed the connection" if self._welcomed else "refused the connection"
            raise SessionOver(f"the room {what}: {message.reason}", error=True)
        elif not self._welcomed:
            if not isinstance(message, Welcome):
                raise RemoteProtocolError(f"expected a welcome, got {message.TYPE!r}")
            self._welcomed = True
            self.emit(Connected(self.host, self.port, message.nick, message.room))
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

    def _send_chat(self, message_id: str, text: str) -> None:
        try:
            self._queue(Chat(message_id, text))
        except LocalProtocolError as exc:
            self.emit(ChatFailed(message_id, str(exc)))
            return
        self._unconfirmed[message_id] = None

    def _queue(self, message: Message) -> None:
        self.send(self.protocol.send(message))
