"""The TCP room: one thread serves every client and relays every message to everyone.

Every chat goes to every member, its sender too. The chats of one loop turn go out as
one ``chats`` message (the same bytes to every member), written before anything else
is (a join, a ping...), so everyone sees the same order; then each sender is told, with
an ``ack`` of its last one, that the room has its chats of the turn. A member that said
in its hello that it needs no echo (a gui_chat client) is not sent a block holding only
its own chats: it gets the ``ack`` alone, before the others get the block.
"""

from __future__ import annotations

import logging
import socket
import time
import uuid
from collections import deque
from dataclasses import dataclass
from itertools import repeat

from gui_chat.net.events import (
    ChatDelivered,
    ChatFailed,
    ChatReceived,
    ChatsReceived,
    MembersChanged,
    Notice,
    PeerJoined,
    PeerLeft,
)
from gui_chat.net.loop import EventSink
from gui_chat.net.stream import StreamPeer, StreamServer
from gui_chat.protocol import (
    PROTOCOL_VERSION,
    Chat,
    ChatBlockWriter,
    ChatRun,
    Connection,
    Error,
    Hello,
    Joined,
    Left,
    Members,
    Message,
    Ping,
    Pong,
    RemoteProtocolError,
    Welcome,
    ack_frame,
    check_chat_item,
    clean_reason,
    decode_message,
    encode_frame,
    encode_message,
    group_start,
    json_content,
    normalize_nick,
    plain_chat,
    unique_nick,
)

log = logging.getLogger("gui_chat.net.room")
#: A chat to relay: its id and its text.
_Relayed = tuple[str, str]
#: A chat relayed: its number, its sender's client id, its sender, id, text and time.
_Kept = tuple[int, str, str, str, str, float]

#: Chats a room keeps to send to a rejoining client that missed them.
HISTORY_SIZE = 500
#: Message ids remembered per client (the last this many, and at times up to as many
#: more), to drop the ones it sends again after rejoining.
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
        self.group_start = ""  # how its chats begin in a block, from its nick
        self.echo = True  # whether it wants back a block of its own chats only


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
        self._group_start = group_start(self.nick)
        # the latest chats, for rejoining clients
        self._history: deque[_Kept] = deque(maxlen=HISTORY_SIZE)
        # client id -> ids of its messages already relayed
        self._relayed: dict[str, dict[str, None]] = {}
        self._chats = ChatBlockWriter()  # the chats not yet written to anyone
        # member -> the id of the last of its chats to confirm, as JSON spells it
        self._acks: dict[_Member, str] = {}
        self._turn_ts = 0.0  # the time stamp of this turn's chats; 0 until the first
        # the member whose chats are all those not yet written; None: the host's, or
        # several senders' (or none yet)
        self._block_sender: _Member | None = None

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
            for payload in peer.protocol.payloads(data, runs=peer.nick is not None):
                if peer.doomed:
                    break
                if type(payload) is ChatRun:  # usual chats in a row, read at once
                    if chats:
                        self._relay(peer, chats, escape=False)
                        chats = []
                    self._relay_run(peer, payload)
                    continue
                if peer.nick is not None:  # the usual chat: read without a JSON decoder
                    fields = plain_chat(payload)
                    if fields is not None:  # relayed as it is: it needs no escape
                        chats.append(fields)
                        continue
                message = decode_message(payload)  # anything else, or wrong: in full
                if chats:
                    self._relay(peer, chats, escape=False)
                    chats = []
                self._handle(peer, message)
        except RemoteProtocolError as exc:
            if chats:
                self._relay(peer, chats, escape=False)  # what came before the bad frame
            self._expel(peer, f"sent invalid data ({exc})")
            return
        if chats:
            self._relay(peer, chats, escape=False)
        if peer.protocol.pending_bytes == 0:
            peer.partial_since = None
        elif peer.partial_since is None:
            peer.partial_since = time.monotonic()
        if self._chats.size >= SEND_EARLY:
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
            self._relay(member, [(message.id, message.text)], escape=True)
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
        member.group_start = group_start(nick)
        member.client_id = hello.client_id
        member.echo = hello.echo
        members = self._member_names()
        self._members_version += 1
        member.members_version = self._members_version  # the welcome carries the list
        self._send(member, Welcome(nick, self.config.room_name, members, room_id=self.room_id))
        if hello.room_id == self.room_id:  # what it missed while away, numbered as it was
            missed = [
                self._frame(Chat(message_id, text, sender=sender, ts=ts, seq=seq), check=False)
                for seq, origin, sender, message_id, text, ts in self._history
                if seq > hello.last_seq and origin != hello.client_id
            ]
            if missed:
                self.write(member, b"".join(missed))
        self._broadcast(Joined(nick), skip=member)
        self.emit(PeerJoined(nick, member.address))

    def _relay(self, member: _Member, chats: list[_Relayed], escape: bool) -> None:
        """Number, time-stamp and relay checked chats of ``member``, in order; ``escape``:
        whether their strings may need escapes in JSON (not if :func:`plain_chat` read them)."""
        nick, client_id, address = member.nick or "", member.client_id, member.address
        ts = self._turn_ts or self._start_turn_ts()
        start, add = member.group_start, self._chats.add
        history, emit = self._history.append, self.emit
        # the ids it relayed, newest last: a chat sent again after a lost ack is skipped
        relayed = self._relayed.setdefault(client_id, {}) if client_id else None
        self._note_sender(member)
        seq = self._seq
        for message_id, text in chats:
            if relayed is not None:
                if message_id in relayed:
                    continue  # relayed before the connection was lost: the ack says so
                relayed[message_id] = None
            seq += 1
            add(start, json_content(text) if escape else text, seq, ts)
            history((seq, client_id, nick, message_id, text, ts))
            emit(ChatReceived(message_id, nick, text, ts, address))
        self._seq = seq
        if relayed is not None:
            self._forget_oldest(client_id, relayed)
        last_id = chats[-1][0]
        self._acks[member] = json_content(last_id) if escape else last_id

    def _relay_run(self, member: _Member, run: ChatRun) -> None:
        """Relay a run of plain chats of ``member`` as :meth:`_relay` relays each, with
        the work on the whole run done together."""
        ids, texts, client_id = run.ids, run.texts, member.client_id
        if client_id:
            relayed, fresh = self._relayed.setdefault(client_id, {}), dict.fromkeys(ids)
            if len(fresh) < len(ids) or not relayed.keys().isdisjoint(fresh):
                self._relay(member, list(zip(ids, texts, strict=True)), escape=False)
                return  # some sent again: each is looked at
            relayed.update(fresh)
            self._forget_oldest(client_id, relayed)
        nick, address, count = member.nick or "", member.address, len(ids)
        ts = self._turn_ts or self._start_turn_ts()
        self._note_sender(member)
        first = self._seq + 1
        self._seq += count
        self._chats.add_run(member.group_start, texts, first, ts)
        self._acks[member] = ids[-1]
        kept = slice(-HISTORY_SIZE, None)
        self._history.extend(
            zip(
                range(first, first + count)[kept],
                repeat(client_id),
                repeat(nick),
                ids[kept],
                texts[kept],
                repeat(ts),
                strict=False,  # the repeats go on
            )
        )
        self.emit(ChatsReceived(nick, ids, texts, ts, address))  # one event for them all

    def _forget_oldest(self, client_id: str, relayed: dict[str, None]) -> None:
        """Keep the last :data:`REMEMBERED_IDS` ids relayed for ``client_id`` (and up to as
        many more, so that they are dropped in bulk)."""
        if len(relayed) > 2 * REMEMBERED_IDS:
            self._relayed[client_id] = dict.fromkeys(list(relayed)[-REMEMBERED_IDS:])

    def _host_chat(self, message_id: str, text: str) -> None:
        try:
            check_chat_item(self.nick, message_id, text)
        except ValueError as exc:
            self.emit(ChatFailed(message_id, str(exc)))
            return
        ts = self._turn_ts or self._start_turn_ts()
        self._note_sender(None)
        self._seq += 1
        self._chats.add(self._group_start, json_content(text), self._seq, ts)
        self._history.append((self._seq, "", self.nick, message_id, text, ts))
        self.emit(ChatDelivered(message_id))

    def _note_sender(self, member: _Member | None) -> None:
        """Keep track of whose chats the block holds, before those of ``member`` (``None``:
        the host's) join it."""
        if not self._chats.size:
            self._block_sender = member
        elif self._block_sender is not member:
            self._block_sender = None

    def _start_turn_ts(self) -> float:
        """The time stamp of the chats relayed in this turn (to the millisecond)."""
        # whole milliseconds by integers: half of what round(time.time(), 3) costs
        self._turn_ts = time.time_ns() // 1_000_000 / 1000
        return self._turn_ts

    def _write_chats(self) -> None:
        """Write the chats relayed so far to every member, as one block of bytes, then
        acknowledge them to their senders.

        A block of one member's chats only is not written back to it if it needs no
        echo; its ``ack`` goes first, so that it is done reading before the others read.
        """
        if self._chats.size:
            frames = self._chats.take()
            block = frames[0] if len(frames) == 1 else b"".join(frames)
            sender, self._block_sender = self._block_sender, None
            if sender is not None and not sender.echo and sender in self._acks:
                self.write(sender, ack_frame(self._acks.pop(sender)))
            else:
                sender = None
            for member in self._members():
                if member.nick is not None and member is not sender:
                    self.write(member, block)
        if self._acks:
            acks, self._acks = self._acks, {}
            for member, message_id in acks.items():
                self.write(member, ack_frame(message_id))

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
