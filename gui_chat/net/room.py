"""The TCP room: one thread serves every client and relays every message to everyone.

Every chat goes to every member, its sender too, which takes the echo as the room's
acknowledgement. The chats of one loop turn go out as one block of bytes per member,
written before anything else is (a join, a ping...), so everyone sees the same order.
"""

from __future__ import annotations

import logging
import socket
import time
import uuid
from collections import OrderedDict, deque
from dataclasses import dataclass

from gui_chat.net.events import (
    ChatDelivered,
    ChatFailed,
    ChatReceived,
    MembersChanged,
    Notice,
    PeerJoined,
    PeerLeft,
)
from gui_chat.net.loop import EventSink
from gui_chat.net.stream import StreamPeer, StreamServer
from gui_chat.protocol import (
    CHAT_START,
    HEADER,
    MAX_FRAME_SIZE,
    PROTOCOL_VERSION,
    Ack,
    Chat,
    Connection,
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
    clean_reason,
    decode_body,
    decode_message,
    encode_frame,
    encode_message,
    message_from_body,
    normalize_nick,
    plain_chat,
    stamped_chat_start,
    unique_nick,
)

log = logging.getLogger("gui_chat.net.room")
_HEADER = HEADER.pack
_CHAT_START_SIZE = len(CHAT_START)
#: Longer plain chats are encoded anew, so the room's stamp cannot push them over the limit.
_LARGEST_PLAIN = MAX_FRAME_SIZE - 1024
#: A chat to relay: its id, its text, and the member's payload when it was plain.
_Relayed = tuple[str, str, bytes | None]

#: Chats a room keeps to send to a rejoining client that missed them.
HISTORY_SIZE = 500
#: Message ids remembered per client, to drop the ones it sends again after rejoining.
REMEMBERED_IDS = 1000
#: Relayed chats piling up to this many bytes in a turn go out at once, before the next
#: client's are read: everyone starts receiving while the room still works.
SEND_EARLY = 128 * 1024


@dataclass(frozen=True)
class Keepalive:
    """Time limits, in seconds.

    ``ping_after``: ping a peer we sent nothing to for this long; ``dead_after``: give
    up on a peer we heard nothing from for this long; ``hello_within``: a new client
    must introduce itself this soon; ``frame_within``: a message that started to arrive
    must be complete this soon (a peer that stalls mid-message is dropped).
    """

    ping_after: float = 10.0
    dead_after: float = 35.0
    hello_within: float = 10.0
    frame_within: float = 30.0

    @classmethod
    def from_seconds(cls, seconds: float | None) -> Keepalive:
        """Timing from one number: ping after ``seconds``, give up after 3.5 × that."""
        if not seconds:
            return cls()
        return cls(
            ping_after=seconds,
            dead_after=seconds * 3.5,
            hello_within=max(seconds, 2.0),
            frame_within=max(seconds * 3, 5.0),
        )


@dataclass(frozen=True)
class RoomConfig:
    host: str = "0.0.0.0"
    port: int = 0
    nick: str = "host"
    room_name: str = "gui_chat room"
    max_clients: int = 500
    keepalive: Keepalive = Keepalive()


class _Member(StreamPeer):
    """A client of the room; ``nick`` is ``None`` until its hello."""

    def __init__(self, sock: socket.socket, address: str) -> None:
        super().__init__(sock, address)
        self.protocol = Connection()
        self.nick: str | None = None
        self.members_version = 0  # of the last member list it was sent
        self.client_id = ""
        self.partial_since: float | None = None
        # the start of its chats' payloads as relayed, up to "seq", and the time in it
        self.chat_start = b""
        self.chat_start_ts = 0.0


class RoomServer(StreamServer):
    """Accepts any number of clients; the host chats through :meth:`send_chat`."""

    def __init__(self, config: RoomConfig, sink: EventSink) -> None:
        super().__init__(config.host, config.port, config.max_clients, sink)
        self.config = config
        self.tick_interval = min(1.0, config.keepalive.ping_after / 4)
        self.nick = normalize_nick(config.nick)
        self.room_id = uuid.uuid4().hex
        self._seq = 0
        self._members_version = 0  # counts joins and leaves
        self._members_told = 0  # the version the last member list went out with
        # (seq, sender's client id, frame) of the latest chats, for rejoining clients
        self._history: deque[tuple[int, str, bytes]] = deque(maxlen=HISTORY_SIZE)
        # client id -> ids of its messages already relayed
        self._relayed: dict[str, OrderedDict[str, None]] = {}
        self._pending: list[bytes] = []  # frames of the chats not yet written to anyone
        self._pending_size = 0
        self._turn_ts = 0.0  # the time stamp of this turn's chats; 0 until the first

    # ----- commands (any thread) ----------------------------------------------------------
    def send_chat(self, message_id: str, text: str) -> bool:
        """Send the host's message ``text`` to everyone."""
        return self.send_soon(message_id, self._host_chat, text)

    # ----- hooks --------------------------------------------------------------------------
    def open(self) -> None:
        super().open()
        self.emit(MembersChanged(self._member_names()))

    def new_peer(self, sock: socket.socket, address: str) -> _Member:
        return _Member(sock, address)

    def on_refused(self, peer: StreamPeer) -> None:
        peer.send_now(self._frame(Error(f"the room is full ({self.max_clients} people)")))

    def on_closing(self, peer: StreamPeer) -> None:
        self._write_chats()
        peer.send_now(self._frame(Error("the host closed the room")))

    def on_tick(self, now: float) -> None:
        keepalive = self.config.keepalive
        for member in self._members():
            if member.nick is None and now - member.connected_at > keepalive.hello_within:
                self._expel(member, "did not introduce itself in time")
            elif member.partial_since and now - member.partial_since > keepalive.frame_within:
                self._expel(member, "stalled in the middle of a message")
            elif now - member.last_received > keepalive.dead_after:
                self._expel(member, "stopped responding")
            elif member.nick is not None and now - member.last_sent > keepalive.ping_after:
                self._send(member, Ping())

    def end_of_turn(self) -> None:
        self._write_chats()
        self._turn_ts = 0.0
        # One member list per turn, however many joined or left in it. A list per join
        # costs N lists of up to N names to N members: O(N^3) bytes, 2.6 GiB (and 1.5 GB
        # of send buffers at once) when 1,000 clients join.
        if self._members_version != self._members_told:
            self._members_told = self._members_version
            members = self._member_names()
            frame = self._frame(Members(members))
            for member in self._members():
                if member.nick is not None and member.members_version < self._members_version:
                    member.members_version = self._members_version
                    self.write(member, frame)
            self.emit(MembersChanged(members))
        super().end_of_turn()

    def on_data(self, peer: StreamPeer, data: bytes) -> None:
        assert isinstance(peer, _Member)
        chats: list[_Relayed] = []  # plain chats read in a row: relayed together
        try:
            for payload in peer.protocol.payloads(data):
                if peer.doomed:
                    break
                if peer.nick is not None and payload.startswith(CHAT_START):
                    # The usual chat: decoded once; relayed as it came when it is plain
                    body = decode_body(payload)
                    fields = plain_chat(body)
                    if fields is not None:
                        chats.append((fields[0], fields[1], payload))
                        continue
                    message = message_from_body(body)  # other fields, or wrong: in full
                else:
                    message = decode_message(payload)
                if chats:
                    self._relay(peer, chats)
                    chats = []
                self._handle(peer, message)
        except RemoteProtocolError as exc:
            if chats:
                self._relay(peer, chats)  # what came before the bad frame
            self._expel(peer, f"sent invalid data ({exc})")
            return
        if chats:
            self._relay(peer, chats)
        if peer.protocol.pending_bytes == 0:
            peer.partial_since = None
        elif peer.partial_since is None:
            peer.partial_since = time.monotonic()
        if self._pending_size >= SEND_EARLY:
            self._write_chats()
            self.send_written()

    def on_dropped(self, peer: StreamPeer, reason: str) -> None:
        assert isinstance(peer, _Member)
        if peer.nick is None:
            return
        log.info("%s (%s) %s", peer.nick, peer.address, reason)
        self._broadcast(Left(peer.nick, reason))
        self.emit(PeerLeft(peer.nick, reason))
        self._members_version += 1  # the list goes out once, at the end of the turn

    # ----- the room -----------------------------------------------------------------------
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
            self._relay(member, [(message.id, message.text, None)])
        elif isinstance(message, Error):
            self.drop(member, clean_reason(message.reason) or "left")
        else:
            raise RemoteProtocolError(f"a client may not send {message.TYPE!r}")

    def _admit(self, member: _Member, hello: Hello) -> None:
        self._write_chats()  # to those who were there when they were sent
        if hello.version != PROTOCOL_VERSION:
            self._expel(
                member,
                f"speaks protocol version {hello.version}, "
                f"this room speaks version {PROTOCOL_VERSION}",
            )
            return
        if hello.client_id:
            for other in self._members():
                if other is not member and other.client_id == hello.client_id:
                    self.drop(other, "rejoined")  # its old connection, not yet noticed dead
        nick = unique_nick(normalize_nick(hello.nick), set(self._member_names()))
        member.nick = nick
        member.client_id = hello.client_id
        members = self._member_names()
        self._members_version += 1
        member.members_version = self._members_version  # the welcome carries the list
        self._send(member, Welcome(nick, self.config.room_name, members, room_id=self.room_id))
        if hello.room_id == self.room_id:
            for seq, origin, frame in self._history:
                if seq > hello.last_seq and origin != hello.client_id:
                    self.write(member, frame)  # what it missed while away
        self._broadcast(Joined(nick), skip=member)
        self.emit(PeerJoined(nick, member.address))

    def _relay(self, member: _Member, chats: list[_Relayed]) -> None:
        """Number, time-stamp and relay checked chats of ``member``, in order.

        A chat's payload, when it is given, is the member's own and plain: the room's
        stamp, then the member's bytes after ``{"t":"chat",`` are relayed (a plain chat
        has no field the stamp could contradict).
        """
        nick, client_id, address = member.nick or "", member.client_id, member.address
        ts = self._turn_ts or self._start_turn_ts()
        if member.chat_start_ts != ts:
            member.chat_start = stamped_chat_start(nick, ts)
            member.chat_start_ts = ts
        start = member.chat_start
        extra = len(start) - _CHAT_START_SIZE
        pending, history, emit = self._pending.append, self._history.append, self.emit
        seq, size, again = self._seq, 0, []
        for message_id, text, payload in chats:
            if client_id and self._relayed_before(client_id, message_id):
                again.append(message_id)  # sent again after a lost echo
                continue
            seq += 1
            if payload is not None and len(payload) < _LARGEST_PLAIN:
                number = b"%d," % seq
                body_size = len(payload) + extra + len(number)
                frame = b"".join((_HEADER(body_size), start, number, payload[_CHAT_START_SIZE:]))
            else:
                chat = Chat(message_id, text, sender=nick, ts=ts, seq=seq)
                frame = self._frame(chat, check=False)
            pending(frame)
            size += len(frame)
            history((seq, client_id, frame))
            emit(ChatReceived(message_id, nick, text, ts, address))
        self._seq = seq
        self._pending_size += size
        for message_id in again:
            self._send(member, Ack(message_id))

    def _relayed_before(self, client_id: str, message_id: str) -> bool:
        """Whether the client relayed ``message_id`` already; remembers it if not."""
        relayed = self._relayed.setdefault(client_id, OrderedDict())
        if message_id in relayed:
            return True
        relayed[message_id] = None
        if len(relayed) > REMEMBERED_IDS:
            relayed.popitem(last=False)
        return False

    def _host_chat(self, message_id: str, text: str) -> None:
        ts = self._turn_ts or self._start_turn_ts()
        try:
            chat = Chat(message_id, text, sender=self.nick, ts=ts, seq=self._seq + 1)
            frame = self._frame(chat)
        except ProtocolError as exc:
            self.emit(ChatFailed(message_id, str(exc)))
            return
        self._seq += 1
        self._pending.append(frame)
        self._pending_size += len(frame)
        self._history.append((self._seq, "", frame))
        self.emit(ChatDelivered(message_id))

    def _start_turn_ts(self) -> float:
        """The time stamp of the chats relayed in this turn (to the millisecond)."""
        self._turn_ts = round(time.time(), 3)
        return self._turn_ts

    def _write_chats(self) -> None:
        """Write the chats relayed so far to every member, as one block of bytes."""
        if not self._pending:
            return
        pending, self._pending, self._pending_size = self._pending, [], 0
        block = pending[0] if len(pending) == 1 else b"".join(pending)
        for member in self._members():
            if member.nick is not None:
                self.write(member, block)

    def _expel(self, member: _Member, reason: str) -> None:
        """Drop ``member`` for breaking a rule, telling it why."""
        if self.drop(member, reason, last_word=self._frame(Error(reason))) and member.nick is None:
            self.emit(Notice(f"dropped {member.address}: {reason}", warning=True))

    # ----- helpers ------------------------------------------------------------------------
    def _members(self) -> list[_Member]:
        return [peer for peer in self.peers() if isinstance(peer, _Member)]

    def _member_names(self) -> tuple[str, ...]:
        return (self.nick, *(m.nick for m in self._members() if m.nick is not None))

    @staticmethod
    def _frame(message: Message, check: bool = True) -> bytes:
        return encode_frame(encode_message(message, check))

    def _broadcast(self, message: Message, skip: _Member | None = None) -> None:
        self._write_chats()
        frame = self._frame(message)  # encoded once for everyone
        for member in self._members():
            if member is not skip and member.nick is not None:
                self.write(member, frame)

    def _send(self, member: _Member, message: Message) -> None:
        self._write_chats()
        self.write(member, self._frame(message))
