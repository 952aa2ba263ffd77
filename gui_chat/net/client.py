"""The TCP client of a gui_chat room: joins, chats, and rejoins after a lost link.

Every chat message stays "unconfirmed" until the room acknowledges it: at the end of
each turn of its loop the room sends an ``ack`` of the last chat it took from us, which
confirms every one sent before it on the same connection too. When the
connection is lost, the client reconnects with backoff, introduces itself with the
same client id and the last message number it saw, sends the unconfirmed messages
again (the room drops any it already had) and receives the ones it missed.
"""

from __future__ import annotations

import logging
import uuid
from collections import OrderedDict
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
from gui_chat.net.stream import Backoff, StreamClient, StreamPeer
from gui_chat.protocol import (
    Ack,
    Chat,
    Chats,
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
    clean_reason,
    decode_message,
    normalize_nick,
    plain_block,
)

log = logging.getLogger("gui_chat.net.client")


@dataclass(frozen=True)
class ClientConfig:
    host: str = "127.0.0.1"
    port: int = 0
    nick: str = "guest"
    connect_timeout: float = 5.0
    keepalive: Keepalive = Keepalive()
    #: How to wait between attempts to rejoin after a lost connection; None: don't.
    reconnect: Backoff | None = Backoff()


class RoomClient(StreamClient):
    """One membership in a room, across as many connections as it takes."""

    def __init__(self, config: ClientConfig, sink: EventSink) -> None:
        super().__init__(
            config.host, config.port, config.connect_timeout, sink, backoff=config.reconnect
        )
        self.config = config
        self.tick_interval = min(self.tick_interval, config.keepalive.ping_after / 4)
        self.client_id = uuid.uuid4().hex
        self.protocol = Connection()
        self._welcomed = False
        self._ever_welcomed = False
        self._nick = ""  # the name the room gave us: our chats it relays carry it
        self._room_id = ""
        self._last_seq = 0
        self._unconfirmed: OrderedDict[str, str] = OrderedDict()  # id -> text, as typed

    # ----- commands (any thread) ----------------------------------------------------------
    def send_chat(self, message_id: str, text: str) -> bool:
        return self.send_soon(message_id, self._send_chat, text)

    # ----- hooks --------------------------------------------------------------------------
    def on_tick(self, now: float) -> None:
        super().on_tick(now)
        peer, keepalive = self.peer, self.config.keepalive
        if not self.connected or peer is None:
            return
        if now - peer.last_received > keepalive.dead_after:
            self.end_connection(
                f"the room stopped responding (nothing for {keepalive.dead_after:g} s)"
            )
        elif not self._welcomed and now - peer.connected_at > keepalive.hello_within:
            raise SessionOver(f"{self.address} did not answer like a gui_chat room", error=True)
        elif now - peer.last_sent > keepalive.ping_after:
            self._queue(Ping())

    def on_connected(self, peer: StreamPeer) -> None:
        log.info("connected to %s", self.address)
        hello = Hello(
            normalize_nick(self.config.nick),
            client_id=self.client_id,
            room_id=self._room_id,
            last_seq=self._last_seq,
            echo=False,  # our chats are shown as typed; the ack confirms them
        )
        peer.queue_bytes(self.protocol.send(hello))
        for message_id, text in self._unconfirmed.items():  # typed meanwhile, or unanswered
            peer.queue_bytes(self.protocol.send_chat(message_id, text))

    def on_disconnected(self) -> None:
        self.protocol = Connection()
        self._welcomed = False

    def may_reconnect(self) -> bool:
        return self._ever_welcomed

    def on_closing(self, peer: StreamPeer) -> None:
        peer.send_now(self.protocol.send(Error("left the room")))

    def shutdown(self, stopped_by_user: bool) -> None:
        super().shutdown(stopped_by_user)
        for message_id in self._unconfirmed:
            self.emit(ChatFailed(message_id, "not confirmed by the room before the session ended"))
        self._unconfirmed.clear()

    def describe_loss(self, reason: str) -> str:
        if reason == "left":
            return "the room closed the connection"
        return f"the connection to the room was lost: {reason}"

    def on_data(self, peer: StreamPeer, data: bytes) -> None:
        protocol = self.protocol
        try:
            for payload in protocol.payloads(data):
                if peer.closed:
                    break
                block = plain_block(payload) if self._welcomed else None
                if block is None:
                    self._handle(decode_message(payload))
                else:  # the usual: a room's block of one chat, read without the decoder
                    ts, seq, ((sender, text),) = block
                    self._receive("", sender, text, ts, seq)
        except RemoteProtocolError as exc:
            peer.send_now(protocol.send(Error(f"invalid data: {exc}")))
            raise SessionOver(f"the room sent invalid data ({exc})", error=True) from None

    # ----- messages -----------------------------------------------------------------------
    def _handle(self, message: Message) -> None:
        if type(message) is Chats and self._welcomed:  # the usual message: looked for first
            ts = message.ts
            for seq, sender, text in message.numbered():
                self._receive("", sender, text, ts, seq)
        elif isinstance(message, Ping):
            self._queue(Pong())
        elif isinstance(message, Pong):
            pass
        elif isinstance(message, Error):
            reason = clean_reason(message.reason)
            if not self._welcomed:
                raise SessionOver(f"the room refused the connection: {reason}", error=True)
            self.end_connection(f"the room closed the connection: {reason}")
        elif not self._welcomed:
            if not isinstance(message, Welcome):
                raise RemoteProtocolError(f"expected a welcome, got {message.TYPE!r}")
            self._welcome(message)
        elif isinstance(message, Chat):
            self._receive(message.id, message.sender, message.text, message.ts, message.seq)
        elif isinstance(message, Ack):
            self._confirm_through(message.id)
        elif isinstance(message, Joined):
            self.emit(PeerJoined(normalize_nick(message.nick)))
        elif isinstance(message, Left):
            self.emit(PeerLeft(normalize_nick(message.nick), clean_reason(message.reason)))
        elif isinstance(message, Members):
            self.emit(MembersChanged(tuple(normalize_nick(nick) for nick in message.members)))
        else:
            raise RemoteProtocolError(f"a room may not send {message.TYPE!r}")

    def _welcome(self, welcome: Welcome) -> None:
        self._welcomed = self._ever_welcomed = True
        self._nick = welcome.nick
        self.confirm_connection()
        if welcome.room_id != self._room_id:  # a new room (or the host restarted it)
            self._room_id = welcome.room_id
            self._last_seq = 0
        nick, room = normalize_nick(welcome.nick), clean_reason(welcome.room)
        self.emit(Connected(self.host, self.port, nick, room))
        self.emit(MembersChanged(tuple(normalize_nick(member) for member in welcome.members)))

    def _receive(self, message_id: str, sender: str, text: str, ts: float, seq: int) -> None:
        """One chat relayed by the room (alone, or in a block of a turn's chats)."""
        if seq:
            if seq <= self._last_seq:
                return  # already shown before the connection was lost
            self._last_seq = seq
        if sender == self._nick:  # our own: shown when it was typed, confirmed by an ack
            return
        self.emit(ChatReceived(message_id, normalize_nick(sender), text, ts))

    def _confirm_through(self, message_id: str) -> None:
        """The room has our chats up to ``message_id``: each sent before it is delivered."""
        unconfirmed = self._unconfirmed
        if message_id not in unconfirmed:
            return  # confirmed already
        while True:
            confirmed, _ = unconfirmed.popitem(last=False)
            self.emit(ChatDelivered(confirmed))
            if confirmed == message_id:
                return

    def _send_chat(self, message_id: str, text: str) -> None:
        try:
            frame = self.protocol.send_chat(message_id, text)
        except LocalProtocolError as exc:
            self.emit(ChatFailed(message_id, str(exc)))
            return
        self._unconfirmed[message_id] = text
        if self.connected:  # otherwise it goes out with the next hello
            self.send(frame)

    def _queue(self, message: Message) -> None:
        if self.connected:
            self.send(self.protocol.send(message))
