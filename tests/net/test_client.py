"""The TCP client against a real room and against a room played by hand on a plain socket."""

from __future__ import annotations

import socket
import sys
import time

import pytest

from gui_chat.net.events import (
    ChatDelivered,
    ChatFailed,
    ChatReceived,
    Connected,
    Connecting,
    MembersChanged,
    PeerJoined,
    PeerLeft,
    Reconnecting,
    SessionEnded,
)
from gui_chat.net.room import Keepalive
from gui_chat.net.stream import Backoff
from gui_chat.protocol import (
    MAX_TEXT_LENGTH,
    PROTOCOL_VERSION,
    ChatBlockWriter,
    group_start,
    plain_block,
)
from tests.support import LOCALHOST
from tests.support.frames import frame
from tests.support.sessions import Session, Sessions, port_of
from tests.support.sockets import Raw, RawPeer, RawServer


def assert_hello(message: dict | None, nick: str) -> None:
    """The client's first frame is a hello of this protocol version that needs no echo of
    its own chats (other fields may follow)."""
    assert message is not None
    fields = ("t", "nick", "version", "echo")
    assert tuple(map(message.get, fields)) == ("hello", nick, PROTOCOL_VERSION, False)


FAST = Keepalive(ping_after=0.2, dead_after=0.6, hello_within=0.5, frame_within=0.5)
QUICK_RETRY = Backoff(first=0.1, longest=0.2)


def welcomed(raw: Raw, server: RawServer, nick: str = "guest") -> RawPeer:
    """Accept the client on the hand-played room, read its hello, welcome it."""
    peer = raw.accept(server)
    assert_hello(peer.recv_message(), nick)
    peer.send(
        t="welcome", nick=nick, room="by hand", members=["host", nick], version=PROTOCOL_VERSION
    )
    return peer


def alice_who_rejoins(sessions: Sessions, raw: Raw) -> tuple[RawServer, Session, RawPeer]:
    """A hand-played room, a client "alice" that rejoins it quickly, and her first link."""
    server = raw.server()
    client = sessions.client(server.port, "alice", reconnect=QUICK_RETRY)
    return server, client, raw.accept(server)


def welcome_alice_to_r1(peer: RawPeer) -> None:
    """Welcome "alice" to the room ``r1``, one she can rejoin after a lost link."""
    peer.send(t="welcome", nick="alice", room="by hand", members=["alice"], room_id="r1")


def alice_sent_m1(sessions: Sessions, raw: Raw) -> tuple[Session, RawPeer]:
    """A client "alice" in a hand-played room, having sent the chat ``m1`` ("mine")."""
    server = raw.server()
    client = sessions.client(server.port, "alice")
    room = welcomed(raw, server, "alice")
    client.wait_for(Connected)
    client.loop.send_chat("m1", "mine")  # type: ignore[attr-defined]
    return client, room


# ----- connecting -------------------------------------------------------------------------
def test_connects_and_reports_the_room(sessions: Sessions) -> None:
    port = port_of(sessions.room(nick="boss", room_name="lobby"))
    client = sessions.client(port, "  alice\u200b\x1b[31m  ")
    connecting = client.wait_for(Connecting)
    assert (connecting.host, connecting.port) == (LOCALHOST, port)
    connected = client.wait_for(Connected)
    assert connected == Connected(LOCALHOST, port, "alice", "lobby")  # nick cleaned up
    assert client.wait_for(MembersChanged).members == ("boss", "alice")


def test_closed_port_is_refused(sessions: Sessions) -> None:
    holder = socket.socket()  # bound but not listening: the port stays ours and closed
    try:
        holder.bind((LOCALHOST, 0))
        port = holder.getsockname()[1]
        client = sessions.client(port, "alice")
        ended = client.ended()
    finally:
        holder.close()
    assert ended.error
    assert "refused" in ended.reason, ended.reason
    assert f"{LOCALHOST}:{port}" in ended.reason
    assert client.of_type(Connected) == []


def test_unknown_host_says_so(sessions: Sessions) -> None:
    client = sessions.client(80, "alice", host="no-such-host.invalid")
    ended = client.ended()
    assert ended.error
    assert "no such host" in ended.reason, ended.reason
    assert "no-such-host.invalid" in ended.reason


def test_messages_queued_on_a_failed_connect_come_back_failed(sessions: Sessions) -> None:
    client = sessions.client(80, "alice", host="no-such-host.invalid", start=False)
    assert client.loop.send_chat("early", "anyone?")  # type: ignore[attr-defined]
    client.start()
    failed = client.wait_for(ChatFailed, lambda e: e.id == "early")
    assert failed.reason
    assert client.ended().error
    assert client.loop.send_chat("late", "too late") is False  # type: ignore[attr-defined]


def test_server_that_never_answers_the_hello(sessions: Sessions, raw: Raw) -> None:
    server = raw.server()
    started = time.monotonic()  # before the client could have connected
    client = sessions.client(server.port, "alice", keepalive=FAST)
    mute = raw.accept(server)
    assert_hello(mute.recv_message(), "alice")

    ended = client.ended()
    took = time.monotonic() - started
    assert ended.error
    assert "did not answer like a gui_chat room" in ended.reason, ended.reason
    assert FAST.hello_within <= took < FAST.hello_within + 2.0, took


def _full_backlog(raw: Raw) -> RawServer:
    """A server whose accept queue is full, so that further SYNs are dropped (Linux)."""
    server = raw.server(backlog=0)  # room for one finished handshake, not accepted yet
    raw.connect(server.port)
    return server


@pytest.mark.skipif(sys.platform != "linux", reason="SYN dropping on a full backlog is Linux's")
def test_connect_timeout(sessions: Sessions, raw: Raw) -> None:
    port = _full_backlog(raw).port
    started = time.monotonic()
    client = sessions.client(port, "alice", connect_timeout=0.5)
    ended = client.ended()
    took = time.monotonic() - started
    assert ended.error
    assert "timed out" in ended.reason, ended.reason
    assert 0.5 <= took < 2.5, took


@pytest.mark.skipif(sys.platform != "linux", reason="SYN dropping on a full backlog is Linux's")
def test_stop_while_connecting_is_prompt(sessions: Sessions, raw: Raw) -> None:
    port = _full_backlog(raw).port
    client = sessions.client(port, "alice", connect_timeout=30.0)
    client.wait_for(Connecting)
    client.loop.send_chat("pending", "hello?")  # type: ignore[attr-defined]
    assert client.stop(timeout=1.0) < 1.0
    assert client.ended() == SessionEnded()
    assert client.wait_for(ChatFailed).id == "pending"
    assert client.of_type(Connected) == []


@pytest.mark.skipif(sys.platform != "linux", reason="SYN dropping on a full backlog is Linux's")
def test_slow_connect_does_not_eat_into_the_time_the_room_has_to_answer(
    sessions: Sessions, raw: Raw
) -> None:
    server = _full_backlog(raw)
    client = sessions.client(server.port, "alice", connect_timeout=5.0, keepalive=FAST)
    client.wait_for(Connecting)
    raw.accept(server)  # frees the queue: the client's SYN, resent after ~1 s, gets in
    room = raw.accept(server)
    up = time.monotonic()  # the connection is up (the client may be a hair earlier)
    assert_hello(room.recv_message(), "alice")

    ended = client.ended()  # the "room" never answers
    waited = time.monotonic() - up
    assert "did not answer like a gui_chat room" in ended.reason, ended.reason
    assert waited >= FAST.hello_within - 0.1, (
        f"the client gave the room only {waited:.2f} s of hello_within={FAST.hello_within} s: "
        "client.py on_tick measures hello_within from peer.connected_at, which stream.py "
        "sets when the socket is created, before the connect; _on_connect resets "
        "last_received/last_sent but not connected_at"
    )


# ----- sending ------------------------------------------------------------------------------
def test_messages_typed_before_the_welcome_follow_the_hello_in_order(
    sessions: Sessions, raw: Raw
) -> None:
    server = raw.server()
    client = sessions.client(server.port, "typist", start=False)
    client.loop.send_chat("m1", "one")  # type: ignore[attr-defined]  # before even connecting
    client.loop.send_chat("m2", "two")  # type: ignore[attr-defined]
    client.start()
    room = raw.accept(server)
    assert_hello(room.recv_message(), "typist")
    client.loop.send_chat("m3", "three")  # type: ignore[attr-defined]  # connected, no welcome

    chats = [room.recv_until("chat") for _ in range(3)]
    assert [(c["id"], c["text"]) for c in chats] == [("m1", "one"), ("m2", "two"), ("m3", "three")]
    assert client.of_type(ChatDelivered) == []

    room.send(t="welcome", nick="typist", room="by hand", members=["host", "typist"])
    room.send(t="chats", ts=1.5, seq=1, chats=[["typist", "one", "two", "three"]])
    room.send(t="ack", id="m3")  # as a room confirms a turn's chats: the last of them
    client.wait_for(Connected)
    delivered = [client.wait_for(ChatDelivered).id for _ in range(3)]
    assert delivered == ["m1", "m2", "m3"]
    assert client.of_type(ChatReceived) == []  # its own, shown when typed


def test_an_ack_confirms_the_chat_it_names_and_every_one_sent_before_it(
    sessions: Sessions, raw: Raw
) -> None:
    client, room = alice_sent_m1(sessions, raw)
    for message_id in ("m2", "m3", "m4"):
        client.loop.send_chat(message_id, f"text {message_id}")  # type: ignore[attr-defined]
    assert [room.recv_until("chat")["id"] for _ in range(4)] == ["m1", "m2", "m3", "m4"]
    room.send(t="ack", id="m2")
    room.send(t="ack", id="m1")  # confirmed already
    room.send(t="ack", id="nope")  # not one of ours
    room.send(t="ack", id="m4")
    room.send(t="ack", id="m4")  # once more
    room.send(t="chat", id="c2", text="after", sender="bob", ts=1.5, seq=1)
    client.wait_for(ChatReceived, lambda e: e.text == "after")
    assert [e.id for e in client.of_type(ChatDelivered)] == ["m1", "m2", "m3", "m4"]
    assert client.of_type(ChatFailed) == []


def test_our_own_chats_relayed_back_are_not_shown(sessions: Sessions, raw: Raw) -> None:
    client, room = alice_sent_m1(sessions, raw)
    assert room.recv_until("chat")["id"] == "m1"
    room.send(t="chat", id="m1", text="mine", sender="bob", ts=1.5, seq=1)  # same id, not ours
    room.send(t="chats", ts=1.5, seq=2, chats=[["alice", "mine"], ["bob", "then"]])
    room.send(t="chat", id="x", text="again", sender="alice", ts=1.5, seq=4)
    room.send(t="chat", id="c2", text="after", sender="bob", ts=1.5, seq=5)
    client.wait_for(ChatReceived, lambda e: e.text == "after")
    assert client.of_type(ChatDelivered) == []  # only an ack confirms
    assert [(e.text, e.sender) for e in client.of_type(ChatReceived)] == [
        ("mine", "bob"),
        ("then", "bob"),
        ("after", "bob"),
    ]


def test_a_block_of_chats_is_shown_chat_by_chat_and_confirms_our_own(
    sessions: Sessions, raw: Raw
) -> None:
    client, room = alice_sent_m1(sessions, raw)
    assert room.recv_until("chat")["id"] == "m1"  # a client still sends a plain chat
    room.send(
        t="chats",
        ts=1700000000.5,
        seq=1,
        chats=[["bob", "hi", "there"], ["alice", "mine"], [" eve\u200b\x1b[31m", "yo"]],
    )
    room.send(t="ack", id="m1")
    # Numbers 2 to 4 were in the block: only what follows them is new.
    room.send(t="chats", ts=1700000001.25, seq=2, chats=[["bob", "x", "y"], ["eve", "yo"]])
    room.send(t="chats", ts=1700000001.25, seq=5, chats=[["bob", "later"]])
    client.wait_for(ChatReceived, lambda e: e.text == "later")
    assert client.of_type(ChatReceived) == [
        ChatReceived("", "bob", "hi", 1700000000.5),
        ChatReceived("", "bob", "there", 1700000000.5),
        ChatReceived("", "eve", "yo", 1700000000.5),  # its sender cleaned, as a nick is
        ChatReceived("", "bob", "later", 1700000001.25),
    ]
    assert [e.id for e in client.of_type(ChatDelivered)] == ["m1"]
    events = client.collect()
    assert events.index(client.of_type(ChatReceived)[2]) < events.index(
        client.of_type(ChatDelivered)[0]
    )  # one event per chat, in the block's order, then the ack


def room_block(sender: str, text: str, seq: int) -> bytes:
    """The frame of a block of one chat, spelled as a room spells it."""
    writer = ChatBlockWriter()
    writer.add(group_start(sender), text, seq, 1700000000.5)
    (block,) = writer.take()
    assert plain_block(block[4:]) is not None  # read the usual way, not by the JSON decoder
    return block


def test_blocks_in_the_read_of_the_welcome_are_shown_once_each(
    sessions: Sessions, raw: Raw
) -> None:
    server = raw.server()
    client = sessions.client(server.port, "alice")
    room = raw.accept(server)
    assert_hello(room.recv_message(), "alice")
    welcome = frame(
        {
            "t": "welcome",
            "nick": "alice",
            "room": "by hand",
            "members": ["alice", "bob"],
            "version": PROTOCOL_VERSION,
        }
    )
    room.send_bytes(
        welcome
        + room_block("bob", "first", 1)
        + room_block("bob", "first again", 1)  # a number seen already: not shown again
        + room_block("alice", "mine", 2)  # our own: not shown
        + room_block("bob", "second", 3)
    )
    client.wait_for(ChatReceived, lambda e: e.text == "second")
    assert client.of_type(ChatReceived) == [
        ChatReceived("", "bob", "first", 1700000000.5),
        ChatReceived("", "bob", "second", 1700000000.5),
    ]


def test_too_long_message_fails_and_session_goes_on(sessions: Sessions) -> None:
    port = port_of(sessions.room())
    alice, bob = sessions.joined(port, "alice"), sessions.joined(port, "bob")
    assert alice.loop.send_chat("long", "长" * (MAX_TEXT_LENGTH + 1))  # type: ignore[attr-defined]
    failed = alice.wait_for(ChatFailed, lambda e: e.id == "long")
    assert "too long" in failed.reason

    alice.loop.send_chat("ok", "长" * MAX_TEXT_LENGTH)  # type: ignore[attr-defined]  # just fits
    assert len(bob.wait_for(ChatReceived, lambda e: e.sender == "alice").text) == MAX_TEXT_LENGTH
    alice.wait_for(ChatDelivered, lambda e: e.id == "ok")
    assert alice.collect() and alice.of_type(SessionEnded) == []
    assert len(bob.of_type(ChatReceived)) == 1


def test_events_from_the_room_are_reported(sessions: Sessions, raw: Raw) -> None:
    server = raw.server()
    client = sessions.client(server.port, "alice")
    room = welcomed(raw, server, "alice")
    client.wait_for(Connected)
    room.send(t="join", nick="bob")
    room.send(t="members", members=["host", "alice", "bob"])
    room.send(t="chat", id="c1", text="hi alice", sender="bob", ts=1700000000.5)
    room.send(t="ack", id="never-sent")  # an ack for nothing is ignored
    room.send(t="leave", nick="bob", reason="connection lost (reset by peer)")

    assert client.wait_for(PeerJoined) == PeerJoined("bob")
    assert client.wait_for(MembersChanged, lambda e: "bob" in e.members).members == (
        "host",
        "alice",
        "bob",
    )
    assert client.wait_for(ChatReceived) == ChatReceived("c1", "bob", "hi alice", 1700000000.5)
    assert client.wait_for(PeerLeft) == PeerLeft("bob", "connection lost (reset by peer)")
    assert client.of_type(ChatDelivered) == []


def test_client_answers_pings_and_pings_an_idle_room(sessions: Sessions, raw: Raw) -> None:
    server = raw.server()
    sessions.client(server.port, "alice", keepalive=FAST)
    room = welcomed(raw, server, "alice")
    room.send(t="ping")
    room.recv_until("pong")
    room.recv_until("ping")  # idle for ping_after: the client checks the room is alive
    room.send(t="pong")


# ----- disconnecting ----------------------------------------------------------------------
def test_room_closing_ends_the_client_with_an_error(sessions: Sessions) -> None:
    room = sessions.room()
    port = port_of(room)
    alice = sessions.joined(port, "alice", reconnect=None)
    room.stop()
    ended = alice.ended()
    assert ended.error
    assert "closed" in ended.reason, ended.reason
    assert alice.of_type(Reconnecting) == []


def test_connection_closed_without_a_word(sessions: Sessions, raw: Raw) -> None:
    server = raw.server()
    client = sessions.client(server.port, "alice", reconnect=None)
    room = welcomed(raw, server, "alice")
    client.wait_for(Connected)
    room.close()
    ended = client.ended()
    assert ended.error
    assert "closed" in ended.reason, ended.reason


def test_connection_reset_by_the_room(sessions: Sessions, raw: Raw) -> None:
    server = raw.server()
    client = sessions.client(server.port, "alice", reconnect=None)
    room = welcomed(raw, server, "alice")
    client.wait_for(Connected)
    room.reset()
    ended = client.ended()
    assert ended.error
    assert "lost" in ended.reason and "reset" in ended.reason, ended.reason


def test_unacknowledged_messages_fail_when_the_connection_ends(
    sessions: Sessions, raw: Raw
) -> None:
    server = raw.server()
    client = sessions.client(server.port, "alice", reconnect=None)
    room = welcomed(raw, server, "alice")
    client.wait_for(Connected)
    for message_id in ("a1", "a2", "a3"):
        client.loop.send_chat(message_id, f"text {message_id}")  # type: ignore[attr-defined]
    for message_id in ("a1", "a2", "a3"):
        room.recv_until("chat", id=message_id)
    room.send(t="ack", id="a2")
    client.wait_for(ChatDelivered, lambda e: e.id == "a2")
    room.send(t="error", reason="maintenance")
    room.close()

    failed = client.wait_for(ChatFailed)
    assert [e.id for e in client.of_type(ChatDelivered)] == ["a1", "a2"]
    assert failed.id == "a3"
    assert "not confirmed" in failed.reason
    ended = client.ended()
    assert ended.error
    assert "closed the connection: maintenance" in ended.reason, ended.reason
    events = client.collect()
    assert events.index(failed) < events.index(ended)  # SessionEnded comes last


def test_user_stop_tells_the_room_and_fails_unconfirmed(sessions: Sessions, raw: Raw) -> None:
    server = raw.server()
    client = sessions.client(server.port, "alice")
    room = welcomed(raw, server, "alice")
    client.wait_for(Connected)
    client.loop.send_chat("u1", "bye soon")  # type: ignore[attr-defined]
    room.recv_until("chat", id="u1")
    client.stop()
    assert client.wait_for(ChatFailed).id == "u1"
    assert client.ended() == SessionEnded()
    last = room.read_to_end()[-1]
    assert (last["t"], last["reason"]) == ("error", "left the room")


def test_room_that_stops_responding(sessions: Sessions, raw: Raw) -> None:
    server = raw.server()
    client = sessions.client(server.port, "alice", keepalive=FAST, reconnect=None)
    welcomed(raw, server, "alice")  # then never a byte more, not even a pong
    client.wait_for(Connected)
    ended = client.ended()
    assert ended.error
    assert "stopped responding" in ended.reason, ended.reason


# ----- rejoining --------------------------------------------------------------------------
def test_lost_room_is_rejoined_and_unconfirmed_messages_sent_again(
    sessions: Sessions, raw: Raw
) -> None:
    server, client, first = alice_who_rejoins(sessions, raw)
    hello = first.recv_message()
    assert_hello(hello, "alice")
    assert hello is not None and hello["client_id"]
    welcome_alice_to_r1(first)
    client.wait_for(Connected)
    first.send(t="chat", id="c1", text="before", sender="bob", seq=1)
    client.wait_for(ChatReceived, lambda e: e.text == "before")
    client.loop.send_chat("a1", "lost in transit")  # type: ignore[attr-defined]
    first.recv_until("chat", id="a1")
    first.reset()  # the link breaks before the room could acknowledge a1

    retry = client.wait_for(Reconnecting)
    assert "lost" in retry.reason and retry.attempt == 1, retry
    client.loop.send_chat("a2", "typed while away")  # type: ignore[attr-defined]
    second = raw.accept(server)
    rejoin = second.recv_message()
    assert_hello(rejoin, "alice")
    assert rejoin is not None
    assert (rejoin["client_id"], rejoin["room_id"], rejoin["last_seq"]) == (
        hello["client_id"],
        "r1",
        1,
    )
    resent = [second.recv_until("chat") for _ in range(2)]
    assert [(c["id"], c["text"]) for c in resent] == [
        ("a1", "lost in transit"),
        ("a2", "typed while away"),
    ]
    welcome_alice_to_r1(second)
    second.send(t="chat", id="c1", text="before", sender="bob", seq=1)  # already shown
    second.send(t="chat", id="c2", text="missed", sender="bob", seq=2)
    second.send(t="ack", id="a2")  # it has both
    client.wait_for(Connected)
    assert [client.wait_for(ChatDelivered).id for _ in range(2)] == ["a1", "a2"]
    client.wait_for(ChatReceived, lambda e: e.id == "c2")
    assert [e.id for e in client.of_type(ChatReceived)] == ["c1", "c2"]
    assert client.of_type(ChatFailed) == []


def test_after_a_rejoin_the_missed_chats_and_the_next_block_are_shown_once(
    sessions: Sessions, raw: Raw
) -> None:
    server, client, first = alice_who_rejoins(sessions, raw)
    first.recv_until("hello")
    welcome_alice_to_r1(first)
    client.wait_for(Connected)
    first.send(t="chats", ts=1.5, seq=1, chats=[["bob", "one"]])
    client.wait_for(ChatReceived, lambda e: e.text == "one")
    first.reset()

    client.wait_for(Reconnecting)
    second = raw.accept(server)
    assert second.recv_until("hello")["last_seq"] == 1
    welcome_alice_to_r1(second)
    # What it missed, as a room sends it: whole chats, numbered as they were (2 was its own).
    second.send(t="chat", id="c3", text="three", sender="bob", ts=2.5, seq=3)
    second.send(t="chat", id="c4", text="four", sender="carol", ts=3.5, seq=4)
    # A block relayed meanwhile that overlaps them.
    second.send(t="chats", ts=4.5, seq=4, chats=[["carol", "four"], ["bob", "five"]])
    client.wait_for(ChatReceived, lambda e: e.text == "five")
    assert [(e.text, e.ts) for e in client.of_type(ChatReceived)] == [
        ("one", 1.5),
        ("three", 2.5),
        ("four", 3.5),
        ("five", 4.5),
    ]


def test_room_closing_makes_the_client_retry_until_stopped(sessions: Sessions) -> None:
    room = sessions.room()
    port = port_of(room)
    alice = sessions.joined(port, "alice", reconnect=QUICK_RETRY)
    room.stop()
    first = alice.wait_for(Reconnecting)
    assert "closed" in first.reason, first.reason
    again = alice.wait_for(Reconnecting, lambda e: e.attempt == 2)
    assert "refused" in again.reason, again.reason  # nothing listens there any more
    assert again.delay <= QUICK_RETRY.longest
    alice.loop.send_chat("w", "waiting")  # type: ignore[attr-defined]
    assert alice.stop(timeout=1.0) < 1.0
    assert alice.wait_for(ChatFailed).id == "w"
    assert alice.ended() == SessionEnded()


def test_first_connection_failing_is_not_retried(sessions: Sessions) -> None:
    holder = socket.socket()
    try:
        holder.bind((LOCALHOST, 0))
        client = sessions.client(holder.getsockname()[1], "alice", reconnect=QUICK_RETRY)
        ended = client.ended()
    finally:
        holder.close()
    assert ended.error and "refused" in ended.reason
    assert client.of_type(Reconnecting) == []


def test_room_that_stops_responding_is_reconnected(sessions: Sessions, raw: Raw) -> None:
    server = raw.server()
    client = sessions.client(server.port, "alice", keepalive=FAST, reconnect=QUICK_RETRY)
    welcomed(raw, server, "alice")  # then silence
    client.wait_for(Connected)
    retry = client.wait_for(Reconnecting)
    assert "stopped responding" in retry.reason, retry.reason
    welcomed(raw, server, "alice")
    client.wait_for(Connected)


BAD_ROOMS = {
    "not json": (frame(b"<html>"), "json"),
    "4 GB length prefix": (b"\xff\xff\xff\xff", "limit"),
    "hello from a room": (frame({"t": "hello", "nick": "x"}), "may not send 'hello'"),
    "a block with a bad chat": (
        frame({"t": "chats", "ts": 1.5, "seq": 1, "chats": [["bob", "ok"], ["eve", "x", 2]]}),
        "bad chats message: group 2 of 2: field 'text' must be text",
    ),
    "a block of no chats": (
        frame({"t": "chats", "ts": 1.5, "seq": 1, "chats": []}),
        "bad chats message: field 'chats' holds no chat",
    ),
}


@pytest.mark.parametrize("data, why", list(BAD_ROOMS.values()), ids=list(BAD_ROOMS))
def test_room_sending_garbage_ends_with_invalid_data(
    sessions: Sessions, raw: Raw, data: bytes, why: str
) -> None:
    server = raw.server()
    client = sessions.client(server.port, "alice")
    room = welcomed(raw, server, "alice")
    client.wait_for(Connected)
    room.send_bytes(data)
    ended = client.ended()
    assert ended.error
    assert "invalid data" in ended.reason, ended.reason
    assert why in ended.reason.lower(), ended.reason
    last = room.read_to_end()[-1]
    assert last["t"] == "error" and "invalid data" in last["reason"]
    assert client.of_type(ChatReceived) == []  # a bad block is refused whole


@pytest.mark.parametrize(
    "early",
    [
        {"t": "chat", "id": "1", "text": "skipping the welcome", "sender": "x"},
        {"t": "chats", "ts": 1.5, "seq": 1, "chats": [["x", "skipping the welcome"]]},
    ],
    ids=["chat", "chats"],
)
def test_chat_before_welcome_is_invalid(
    sessions: Sessions, raw: Raw, early: dict[str, object]
) -> None:
    server = raw.server()
    client = sessions.client(server.port, "alice")
    room = raw.accept(server)
    room.recv_until("hello")
    room.send(**early)
    ended = client.ended()
    assert ended.error
    assert f"expected a welcome, got '{early['t']}'" in ended.reason, ended.reason
