"""The TCP room: one thread serves every client, relays every message to everyone."""

from __future__ import annotations

import functools
import logging
import selectors
import socket
import time
from dataclasses import dataclass

from gui_chat.net.addresses import bound_socket, sockname
from gui_chat.net.errors import format_address
from gui_chat.net.events import (
    ChatDelivered,
    ChatFailed,
    ChatReceived,
    Listening,
    MembersChanged,
    Notice,
    PeerJoined,
    PeerLeft,
)
from gui_chat.net.loop import EventSink, SessionLoop
from gui_chat.net.stream import (
    SendBufferFull,
    StreamPeer,
    configure_stream_socket,
    describe_disconnect,
)
from gui_chat.protocol import (
    PROTOCOL_VERSION,
    Ack,
    Chat,
    Error,
    Hello,
    Joined,
    Left,
    Members,
    Message,
    Ping,
    Pong,
    ProtocolError,
    RemoteProtocolError,
    Welcome,
    normalize_nick,
    unique_nick,
)

log = logging.getLogger("gui_chat.net.room")


@dataclass(frozen=True)
class Keepalive:
    """When to ping an idle peer and when to give up on a silent one (seconds)."""

    ping_after: float = 10.0
    dead_after: float = 35.0
    hello_within: float = 10.0


@dataclass(frozen=True)
class RoomConfig:
    host: str = "0.0.0.0"
    port: int = 0
    nick: str = "host"
    room_name: str = "gui_chat room"
    max_clients: int = 500
    keepalive: Keepalive = Keepalive()


class _Member(StreamPeer):
    """A client of the room; ``nick`` is ``None`` until its Hello."""

    def __init__(self, sock: socket.socket, address: str) -> None:
        super().__init__(sock, address)
        self.nick: str | None = None
        self.connected_at = time.monotonic()
        self.writing = False
        self.handler: functools.partial[None] | None = None


class RoomServer(SessionLoop):
    """Accepts any number of clients; the host chats through :meth:`send_chat`."""

    def __init__(self, config: RoomConfig, sink: EventSink) -> None:
        super().__init__(sink)
        self.config = config
        self.tick_interval = min(1.0, config.keepalive.ping_after / 4)
        self.nick = normalize_nick(config.nick)
        self._listener: socket.socket | None = None
        self._members: dict[socket.socket, _Member] = {}

    # ----- commands (any thread) ----------------------------------------------------------
    def send_chat(self, message_id: str, text: str) -> bool:
        """Send the host's message ``text`` to everyone."""
        return self.call_soon(self._host_chat, message_id, text)

    # ----- loop hooks ---------------------------------------------------------------------
    def open(self) -> None:
        listener = bound_socket(self.config.host, self.config.port, socket.SOCK_STREAM)
        listener.listen(min(socket.SOMAXCONN, 1024))
        self._listener = listener
        self.watch(listener, selectors.EVENT_READ, self._accept)
        host, port = sockname(listener)
        log.info("room listening on %s", format_address(host, port))
        self.emit(Listening(host, port))
        self.emit(MembersChanged(self._member_names()))

    def on_tick(self, now: float) -> None:
        keepalive = self.config.keepalive
        for member in list(self._members.values()):
            if member.nick is None and now - member.connected_at > keepalive.hello_within:
                self._drop(member, "did not introduce itself in time", notify=True)
            elif now - member.last_received > keepalive.dead_after:
                self._drop(member, "stopped responding", notify=True)
            elif member.nick is not None and now - member.last_sent > keepalive.ping_after:
                self._send(member, Ping())

    def shutdown(self, stopped_by_user: bool) -> None:
        for member in list(self._members.values()):
            try:
                member.queue(Error("the host closed the room"))
                member.flush()
            except (OSError, SendBufferFull):
                pass
            self._close(member)
        if self._listener is not None:
            self._listener.close()

    def on_calls_failed(self, calls: list) -> None:
        for function, args in calls:
            if function == self._host_chat:
                self.emit(ChatFailed(args[0], "the room was already closed"))

    # ----- sockets ------------------------------------------------------------------------
    def _accept(self, _mask: int) -> None:
        assert self._listener is not None
        for _ in range(256):  # bounded, so a flood of connections cannot starve the others
            try:
                sock, peer = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # e.g. out of file descriptors: keep serving the others
                self.emit(Notice(f"could not accept a connection: {exc.strerror}", warning=True))
                return
            configure_stream_socket(sock)
            member = _Member(sock, format_address(peer[0], peer[1]))
            if len(self._members) >= self.config.max_clients:
                try:
                    member.queue(Error(f"the room is full ({self.config.max_clients} people)"))
                    member.flush()
                except (OSError, SendBufferFull):
                    pass
                member.close()
                self.emit(Notice(f"refused {member.address}: the room is full"))
                continue
            self._members[sock] = member
            member.handler = functools.partial(self._serve, member)
            self.watch(sock, selectors.EVENT_READ, member.handler)

    def _serve(self, member: _Member, mask: int) -> None:
        if mask & selectors.EVENT_WRITE:
            self._flush(member)
        if mask & selectors.EVENT_READ and member.sock.fileno() != -1:
            self._read(member)

    def _read(self, member: _Member) -> None:
        try:
            data = member.receive()
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            self._drop(member, describe_disconnect(exc))
            return
        if not data:
            self._drop(member, describe_disconnect(None))
            return
        try:
            while member.sock.fileno() != -1 and (message := member.protocol.next_event()):
                self._handle(member, message)
        except RemoteProtocolError as exc:
            self._drop(member, f"sent invalid data ({exc})", notify=True)

    def _handle(self, member: _Member, message: Message) -> None:
        if isinstance(message, Ping):
            self._send(member, Pong())
        elif isinstance(message, Pong):
            pass
        elif member.nick is None:
            if not isinstance(message, Hello):
                raise RemoteProtocolError(f"expected a hello, got {message.TYPE!r}")
            self._admit(member, message)
        elif isinstance(message, Chat):
            self._relay(member, message)
        elif isinstance(message, Error):
            self._drop(member, message.reason or "left")
        else:
            raise RemoteProtocolError(f"a client may not send {message.TYPE!r}")

    def _admit(self, member: _Member, hello: Hello) -> None:
        if hello.version != PROTOCOL_VERSION:
            self._send(member, Error(f"this room speaks protocol version {PROTOCOL_VERSION}"))
            self._drop(member, f"speaks protocol version {hello.version}", notify=True)
            return
        nick = unique_nick(normalize_nick(hello.nick), set(self._member_names()))
        member.nick = nick
        members = self._member_names()
        self._send(member, Welcome(nick, self.config.room_name, members))
        self._broadcast(Joined(nick), skip=member)
        self._broadcast(Members(members), skip=member)
        self.emit(PeerJoined(nick, member.address))
        self.emit(MembersChanged(members))

    def _relay(self, member: _Member, chat: Chat) -> None:
        stamped = Chat(chat.id, chat.text, sender=member.nick or "", ts=time.time())
        self._broadcast(stamped, skip=member)
        self._send(member, Ack(chat.id))
        self.emit(
            ChatReceived(stamped.id, stamped.sender, stamped.text, stamped.ts, member.address)
        )

    def _host_chat(self, message_id: str, text: str) -> None:
        try:
            chat = Chat(message_id, text, sender=self.nick, ts=time.time())
            self._broadcast(chat)
        except ProtocolError as exc:
            self.emit(ChatFailed(message_id, str(exc)))
            return
        self.emit(ChatDelivered(message_id))

    # ----- helpers ------------------------------------------------------------------------
    def _member_names(self) -> tuple[str, ...]:
        others = [m.nick for m in self._members.values() if m.nick is not None]
        return (self.nick, *others)

    def _broadcast(self, message: Message, skip: _Member | None = None) -> None:
        frame = None
        for member in list(self._members.values()):
            if member is skip or member.nick is None:
                continue
            if frame is None:
                frame = member.protocol.send(message)  # encode once, send to all
            self._send_bytes(member, frame)

    def _send(self, member: _Member, message: Message) -> None:
        self._send_bytes(member, member.protocol.send(message))

    def _send_bytes(self, member: _Member, frame: bytes) -> None:
        if member.sock.fileno() == -1:
            return
        try:
            member.queue_bytes(frame)
        except SendBufferFull:
            self._drop(member, "was too slow to read its messages")
            return
        if not member.writing:
            self._flush(member)

    def _flush(self, member: _Member) -> None:
        try:
            done = member.flush()
        except OSError as exc:
            self._drop(member, describe_disconnect(exc))
            return
        if member.writing == (not done):
            return
        member.writing = not done
        mask = selectors.EVENT_READ | (selectors.EVENT_WRITE if member.writing else 0)
        assert member.handler is not None
        self.rewatch(member.sock, mask, member.handler)

    def _drop(self, member: _Member, reason: str, notify: bool = False) -> None:
        if self._members.pop(member.sock, None) is None:
            return
        if notify:
            try:
                member.queue(Error(reason.capitalize()))
                member.flush()
            except (OSError, SendBufferFull):
                pass
        self._close(member)
        if member.nick is None:
            if notify:
                self.emit(Notice(f"dropped {member.address}: {reason}", warning=True))
            return
        log.info("%s (%s) %s", member.nick, member.address, reason)
        members = self._member_names()
        self._broadcast(Left(member.nick, reason))
        self._broadcast(Members(members))
        self.emit(PeerLeft(member.nick, reason))
        self.emit(MembersChanged(members))

    def _close(self, member: _Member) -> None:
        self.unwatch(member.sock)
        member.close()
