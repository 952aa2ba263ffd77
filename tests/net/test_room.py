"""The TCP room on real sockets: relaying, nicknames, hostile and vanishing peers."""

from __future__ import annotations

import select
import socket
import threading
import time
from collections.abc import Callable

import pytest

from gui_chat.net.events import (
    ChatDelivered,
    ChatFailed,
    ChatReceived,
    Connected,
    Listening,
    MembersChanged,
    Notice,
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
    Chat,
    encode_frame,
    encode_message,
)
from tests.support.frames import frame
from tests.support.sessions import Session, Sessions, port_of
from tests.support.sockets import WAIT, Raw, RawPeer

FAST = Keepalive(ping_after=0.2, dead_after=0.6, hello_within=0.5, frame_within=0.5)
QUICK_RETRY = Backoff(first=0.1, longest=0.2)


def chat_between(sender: Session, receiver: Session, message_id: str, text: str) -> None:
    """``sender`` says ``text``; ``receiver`` gets it and ``sender`` sees it delivered."""
    assert sender.loop.send_chat(message_id, text)  # type: ignore[attr-defined]
    receiver.wait_for(ChatReceived, lambda e: e.text == text)
    sender.wait_for(ChatDelivered, lambda e: e.id == message_id)


# ----- joining ------------------------------------------------------------------------------
def test_three_clients_connecting_at_once_are_all_welcomed(sessions: Sessions, raw: Raw) -> None:
    room = sessions.room(nick="host", room_name="lobby")
    port = port_of(room)
    peers = [raw.connect(port) for _ in range(3)]  # all three connected before any hello
    for number, peer in enumerate(peers):
        peer.send(t="hello", nick=f"user{number}", version=PROTOCOL_VERSION)
    welcomes = [peer.recv_until("welcome") for peer in peers]

    assert [w["nick"] for w in welcomes] == ["user0", "user1", "user2"]
    assert all(w["room"] == "lobby" for w in welcomes)
    assert welcomes[2]["members"] == ["host", "user0", "user1", "user2"]
    joined = {room.wait_for(PeerJoined).nick for _ in range(3)}
    assert joined == {"user0", "user1", "user2"}
    room.wait_for(MembersChanged, lambda e: len(e.members) == 4)
    # the first one hears about the other two
    peers[0].recv_until("join", nick="user2")


def test_clients_started_together_all_connect(sessions: Sessions) -> None:
    port = port_of(sessions.room())
    clients = [sessions.client(port, nick) for nick in ("ann", "ben", "cat")]
    assert sorted(c.wait_for(Connected).nick for c in clients) == ["ann", "ben", "cat"]
    for client in clients:
        client.wait_for(MembersChanged, lambda e: len(e.members) == 4)


def test_duplicate_nicknames_get_a_number(sessions: Sessions) -> None:
    port = port_of(sessions.room(nick="host"))
    first = sessions.client(port, "alice")
    assert first.wait_for(Connected).nick == "alice"
    second = sessions.client(port, "alice")
    assert second.wait_for(Connected).nick == "alice (2)"
    third = sessions.client(port, "host")
    assert third.wait_for(Connected).nick == "host (2)"
    members = third.wait_for(MembersChanged).members
    assert members == ("host", "alice", "alice (2)", "host (2)")


# ----- relaying ---------------------------------------------------------------------------
def test_messages_go_to_everyone_else_but_not_back_to_the_sender(sessions: Sessions) -> None:
    room = sessions.room(nick="host")
    port = port_of(room)
    alice, bob, carol = (sessions.joined(port, nick) for nick in ("alice", "bob", "carol"))

    assert alice.loop.send_chat("m1", "hello all")  # type: ignore[attr-defined]
    for receiver in (bob, carol):
        got = receiver.wait_for(ChatReceived, lambda e: e.text == "hello all")
        assert got.sender == "alice"
        assert got.ts > 0
    assert room.wait_for(ChatReceived, lambda e: e.id == "m1").sender == "alice"
    alice.wait_for(ChatDelivered, lambda e: e.id == "m1")
    assert [e for e in alice.seen if isinstance(e, ChatReceived)] == []  # not shown twice

    chat_between(carol, alice, "m2", "hi alice")
    assert [e.text for e in carol.of_type(ChatReceived)] == ["hello all"]  # not her own m2
    bob.wait_for(ChatReceived, lambda e: e.text == "hi alice")


def test_host_message_reaches_every_client(sessions: Sessions) -> None:
    room = sessions.room(nick="the host")
    port = port_of(room)
    clients = [sessions.joined(port, nick) for nick in ("alice", "bob", "carol")]

    assert room.loop.send_chat("h1", "welcome, everyone")  # type: ignore[attr-defined]
    room.wait_for(ChatDelivered, lambda e: e.id == "h1")
    for client in clients:
        got = client.wait_for(ChatReceived, lambda e: e.text == "welcome, everyone")
        assert got.sender == "the host"


def test_room_stamps_the_sender_whatever_the_client_claims(sessions: Sessions, raw: Raw) -> None:
    port = port_of(sessions.room())
    bob = sessions.joined(port, "bob")
    eve = raw.connect(port)
    assert eve.hello("eve")["nick"] == "eve"

    eve.send(t="chat", id="x", text="hi", sender="mallory", ts=1.0)
    got = bob.wait_for(ChatReceived, lambda e: e.text == "hi")
    assert got.sender == "eve"
    assert got.ts > 1000.0  # stamped by the room, not the 1.0 the client claimed
    echo = eve.recv_until("chat", text="hi")  # relayed to her too, stamped the same way
    assert echo["sender"] == "eve"
    assert echo["ts"] > 1000.0
    assert eve.recv_until("ack")["id"] == "x"  # then confirmed


def bob_and_eve_who_needs_no_echo(raw: Raw, room: Session) -> tuple[RawPeer, RawPeer]:
    """Two members joined by hand: bob, as any client, and eve, whose hello says that
    she needs no echo of her own chats."""
    port = port_of(room)
    bob = raw.connect(port)
    bob.hello("bob")
    eve = raw.connect(port)
    eve.send(t="hello", nick="eve", version=PROTOCOL_VERSION, echo=False)
    eve.recv_until("welcome")
    return bob, eve


def test_a_member_that_needs_no_echo_is_sent_the_ack_alone(sessions: Sessions, raw: Raw) -> None:
    room = sessions.room(nick="host")
    bob, eve = bob_and_eve_who_needs_no_echo(raw, room)

    eve.send(t="chat", id="e1", text="hi")
    assert bob.recv_until("chat", text="hi")["seq"] == 1
    assert room.loop.send_chat("h2", "from the host")  # type: ignore[attr-defined]
    # eve reads the ack of her chat, then the host's: her own was not sent back to her
    assert eve.recv_message() == {"t": "ack", "id": "e1"}
    got = eve.recv_message()
    assert got is not None
    fields = ("t", "sender", "text", "seq")
    assert tuple(map(got.get, fields)) == ("chat", "host", "from the host", 2)
    assert bob.recv_until("chat", text="from the host")["seq"] == 2


def test_a_block_of_several_members_chats_goes_to_each_of_them(
    sessions: Sessions, raw: Raw
) -> None:
    room = sessions.room()
    bob, eve = bob_and_eve_who_needs_no_echo(raw, room)
    gate, waiting = threading.Event(), threading.Event()

    def hold_the_room() -> None:  # runs on the room's thread, between two turns
        waiting.set()
        gate.wait(WAIT)

    assert room.loop.call_soon(hold_the_room)  # type: ignore[attr-defined]
    assert waiting.wait(WAIT)
    bob.send(t="chat", id="b1", text="from bob")
    eve.send(t="chat", id="e1", text="from eve")
    for member in room.loop.peers():  # type: ignore[attr-defined]
        assert select.select([member.sock], [], [], WAIT)[0]  # its chat is there to read
    gate.set()  # both chats are waiting: the room reads them in one turn

    for peer in (bob, eve):  # one block, the same bytes for both, each one's own included
        texts = [peer.recv_until("chat")["text"] for _ in range(2)]
        assert sorted(texts) == ["from bob", "from eve"]
    assert bob.recv_until("ack")["id"] == "b1"
    assert eve.recv_until("ack")["id"] == "e1"


@pytest.mark.parametrize(
    "payload",
    [
        b'{"t":"chat","id":"x","text":"hi","\\u0073ender":"mallory"}',  # an escaped name
        b'{"t":"chat","id":"x","text":"hi","sender":"mallory","sender":""}',  # given twice
        b'{"t":"chat","sender":"mallory","id":"x","text":"hi"}',  # where the room's goes
        b'{"t":"chat","id":"x","\\u0074ext":"hi","t":"chat"}',  # plain, oddly spelled
    ],
)
def test_no_spelling_of_a_chat_gets_another_sender_through(
    sessions: Sessions, raw: Raw, payload: bytes
) -> None:
    port = port_of(sessions.room())
    bob = raw.connect(port)
    bob.hello("bob")
    eve = raw.connect(port)
    eve.hello("eve")
    eve.send_bytes(frame(payload))
    for peer in (bob, eve):
        got = peer.recv_until("chat", text="hi")
        assert (got["sender"], got["seq"]) == ("eve", 1), got


def test_what_the_room_writes_after_a_chat_never_overtakes_it(sessions: Sessions, raw: Raw) -> None:
    port = port_of(sessions.room())
    ann = raw.connect(port)
    ann.hello("ann")
    # One send: the room reads all three in the same turn; its ack and pong must follow
    # the chats, which come as one block of the turn's chats.
    ann.send_bytes(
        frame({"t": "chat", "id": "c1", "text": "first"})
        + frame({"t": "chat", "id": "c2", "text": "second"})
        + frame({"t": "ping"})
    )
    ann.recv_until("pong")
    kinds = [m["t"] for m in ann.received]
    assert kinds[-4:] == ["chat", "chat", "ack", "pong"], kinds
    first, second, ack = ann.received[-4:-1]
    assert (first["via"], first["text"], second["text"]) == ("chats", "first", "second")
    assert (second["seq"], second["ts"]) == (first["seq"] + 1, first["ts"])
    assert ack["id"] == "c2"  # the last: the room has both


def test_chats_joins_and_leaves_of_a_turn_reach_everyone_in_one_order(
    sessions: Sessions, raw: Raw
) -> None:
    room = sessions.room()
    port = port_of(room)
    bob, carol = raw.connect(port), raw.connect(port)
    bob.hello("bob")
    carol.hello("carol")
    bob.recv_until("join", nick="carol")
    ann = raw.connect(port)
    ann.hello("ann")
    for watcher in (bob, carol):
        watcher.recv_until("members", members=["host", "bob", "carol", "ann"])
    start = {id(watcher): len(watcher.received) for watcher in (bob, carol)}

    # Each send is read in one turn: ann's chats then her leaving; dan's joining then his.
    ann.send_bytes(
        frame({"t": "chat", "id": "a1", "text": "one"})
        + frame({"t": "chat", "id": "a2", "text": "two"})
        + frame({"t": "error", "reason": "left the room"})
    )
    bob.recv_until("leave", nick="ann")
    dan = raw.connect(port)
    dan.send_bytes(
        frame({"t": "hello", "nick": "dan", "version": PROTOCOL_VERSION})
        + frame({"t": "chat", "id": "d1", "text": "hi"})
        + frame({"t": "chat", "id": "d2", "text": "all"})
    )
    seen = []
    for watcher in (bob, carol):
        watcher.recv_until("members", members=["host", "bob", "carol", "dan"])
        seen.append(
            [
                (m["t"], m.get("text") or m.get("nick") or len(m.get("members", ())))
                for m in watcher.received[start[id(watcher)] :]
            ]
        )
    assert (
        seen[0]
        == seen[1]
        == [
            ("chat", "one"),
            ("chat", "two"),
            ("leave", "ann"),
            ("members", 3),
            ("join", "dan"),
            ("chat", "hi"),
            ("chat", "all"),
            ("members", 4),
        ]
    )
    room.wait_for(ChatReceived, lambda e: e.id == "d2")
    assert [e.id for e in room.of_type(ChatReceived)] == ["a1", "a2", "d1", "d2"]


def client_chats(chats: list[tuple[str, str]]) -> bytes:
    """Chat frames spelled as a gui_chat client spells them (the room reads a run of
    them at once)."""
    return b"".join(encode_frame(encode_message(Chat(*chat))) for chat in chats)


def spaced_chats(chats: list[tuple[str, str]]) -> bytes:
    """Chat frames spelled as ``json.dumps`` spells them by default, with spaces."""
    return b"".join(frame({"t": "chat", "id": chat_id, "text": text}) for chat_id, text in chats)


@pytest.mark.parametrize("spell", [spaced_chats, client_chats])
def test_burst_of_frames_in_one_send_is_relayed_whole_and_in_order(
    sessions: Sessions, raw: Raw, spell: Callable[[list[tuple[str, str]]], bytes]
) -> None:
    room = sessions.room()
    port = port_of(room)
    bob = sessions.joined(port, "bob")
    burst = raw.connect(port)
    # plain chats, with some that need escapes or are not ASCII among them
    texts = [f"line {n}" if n % 7 else f'line {n}\n"quoted" 你好' for n in range(600)]
    hello = frame({"t": "hello", "nick": "burst", "version": PROTOCOL_VERSION})
    burst.send_bytes(hello + spell([(f"b{n}", text) for n, text in enumerate(texts)]))  # 粘包

    got = [bob.wait_for(ChatReceived, lambda e: e.sender == "burst") for _ in texts]
    assert [e.text for e in got] == texts
    hosted = [room.wait_for(ChatReceived, lambda e: e.id.startswith("b")) for _ in texts]
    assert [e.text for e in hosted] == texts
    assert burst.recv_until("welcome")["nick"] == "burst"
    relayed = [burst.recv_until("chat") for _ in texts]
    assert [e["text"] for e in relayed] == texts
    assert [e["seq"] for e in relayed] == list(range(relayed[0]["seq"], relayed[0]["seq"] + 600))
    assert {(e["sender"], e["via"]) for e in relayed} == {("burst", "chats")}
    assert burst.recv_until("ack", id="b599")  # the last confirms them all


def test_chats_sent_again_in_a_run_are_acknowledged_not_relayed_twice(
    sessions: Sessions, raw: Raw
) -> None:
    port = port_of(sessions.room())
    bob = sessions.joined(port, "bob")
    ann = raw.connect(port)
    ann.send(t="hello", nick="ann", version=PROTOCOL_VERSION, client_id="ann-1")
    ann.recv_until("welcome")
    ann.send_bytes(client_chats([(f"a{n}", f"chat {n}") for n in range(5)]))
    ann.recv_until("ack", id="a4")

    def relayed_until_ack(last: str) -> list[str]:
        """The texts of ann's chats the room relays until it acknowledges ``last``."""
        texts = []
        while True:
            message = ann.recv_message()
            assert message is not None, "the room closed the connection"
            if message["t"] == "chat":
                texts.append(message["text"])
            elif message["t"] == "ack" and message["id"] == last:
                return texts

    # a3 and a4 again (their ack was lost, say), with a new one
    ann.send_bytes(client_chats([(f"a{n}", f"chat {n}") for n in (3, 4, 5)]))
    assert relayed_until_ack("a5") == ["chat 5"]
    ann.send_bytes(client_chats([("a6", "twice in one run"), ("a6", "twice in one run")]))
    assert relayed_until_ack("a6") == ["twice in one run"]
    ann.send_bytes(client_chats([("a6", "twice in one run")]))  # all of it sent again
    assert relayed_until_ack("a6") == []
    bob.wait_for(ChatReceived, lambda e: e.text == "twice in one run")
    expected = [*(f"chat {n}" for n in range(6)), "twice in one run"]
    assert [e.text for e in bob.of_type(ChatReceived)] == expected


def test_big_chats_of_one_turn_go_out_in_frames_under_the_limit(
    sessions: Sessions, raw: Raw
) -> None:
    port = port_of(sessions.room())
    bob = sessions.joined(port, "bob")  # its decoder refuses any frame over the limit
    big = raw.connect(port)
    big.hello("big")
    texts = [f"{n:02d}" + "字" * (MAX_TEXT_LENGTH - 2) for n in range(12)]  # 96 KB each
    big.send_bytes(
        b"".join(frame({"t": "chat", "id": f"g{n}", "text": t}) for n, t in enumerate(texts))
    )
    got = [bob.wait_for(ChatReceived, lambda e: e.sender == "big") for _ in texts]
    assert [e.text for e in got] == texts
    relayed = [big.recv_until("chat") for _ in texts]
    assert [e["seq"] for e in relayed] == list(range(relayed[0]["seq"], relayed[0]["seq"] + 12))
    assert bob.of_type(SessionEnded) == []


def test_frames_cut_into_single_bytes_still_arrive(sessions: Sessions, raw: Raw) -> None:
    port = port_of(sessions.room())
    bob = sessions.joined(port, "bob")
    slow = raw.connect(port)
    slow.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    data = frame({"t": "hello", "nick": "slow", "version": PROTOCOL_VERSION})
    data += frame({"t": "chat", "id": "s1", "text": "one byte at a time — 一字一字"})
    for index in range(len(data)):
        slow.send_bytes(data[index : index + 1])
    got = bob.wait_for(ChatReceived, lambda e: e.sender == "slow")
    assert got.text == "one byte at a time — 一字一字"


# ----- leaving ----------------------------------------------------------------------------
def test_client_killed_with_reset_is_announced_and_room_keeps_relaying(
    sessions: Sessions, raw: Raw
) -> None:
    room = sessions.room()
    port = port_of(room)
    bob, carol = sessions.joined(port, "bob"), sessions.joined(port, "carol")
    rudy = raw.connect(port)
    rudy.hello("rudy")
    bob.wait_for(PeerJoined, lambda e: e.nick == "rudy")

    rudy.reset()
    for watcher in (bob, carol, room):
        left = watcher.wait_for(PeerLeft, lambda e: e.nick == "rudy")
        assert "reset" in left.reason or "lost" in left.reason, left.reason
    assert room.of_type(MembersChanged)[-1].members == ("host", "bob", "carol")
    chat_between(bob, carol, "after-reset", "still here?")
    chat_between(carol, bob, "after-reset-2", "yes")


def test_polite_stop_of_a_client_is_announced(sessions: Sessions) -> None:
    room = sessions.room()
    port = port_of(room)
    bob, carol = sessions.joined(port, "bob"), sessions.joined(port, "carol")
    carol.stop()
    assert carol.ended() == SessionEnded()  # a plain stop: no reason, no error
    for watcher in (bob, room):
        left = watcher.wait_for(PeerLeft, lambda e: e.nick == "carol")
        assert "left" in left.reason
    assert room.of_type(MembersChanged)[-1].members == ("host", "bob")  # same turn as PeerLeft


# ----- rejoining ---------------------------------------------------------------------------
def test_rejoining_client_replaces_its_old_connection_and_gets_what_it_missed(
    sessions: Sessions, raw: Raw
) -> None:
    room = sessions.room()
    port = port_of(room)
    bob = sessions.joined(port, "bob", reconnect=None)
    old = raw.connect(port)
    old.send(t="hello", nick="ann", version=PROTOCOL_VERSION, client_id="ann-1")
    room_id = old.recv_until("welcome")["room_id"]
    assert room_id
    chat_between(bob, room, "m1", "first")
    seen = old.recv_until("chat", text="first")["seq"]
    chat_between(bob, room, "m2", "while ann's link is down")
    old.send(t="chat", id="a1", text="from ann")
    bob.wait_for(ChatReceived, lambda e: e.text == "from ann")
    old.recv_until("ack", id="a1")
    chat_between(room, bob, "h3", "the host too")

    new = raw.connect(port)  # the old connection is still open: the room has not noticed
    new.send(
        t="hello",
        nick="ann",
        version=PROTOCOL_VERSION,
        client_id="ann-1",
        room_id=room_id,
        last_seq=seen,
    )
    assert new.recv_until("welcome")["nick"] == "ann"  # not "ann (2)"
    missed = [new.recv_until("chat") for _ in range(2)]  # not its own "a1"
    assert [(m["id"], m["sender"]) for m in missed] == [("m2", "bob"), ("h3", "host")]
    # Numbered as they were (a gap where its own was): whole chat messages, not a block.
    assert [m["seq"] for m in missed] == [seen + 1, seen + 3]
    assert all("via" not in m and m["ts"] > 1000.0 for m in missed), missed
    assert "rejoined" in room.wait_for(PeerLeft, lambda e: e.nick == "ann").reason
    old.read_to_end()  # closed by the room

    new.send(t="chat", id="a1", text="from ann")  # its ack was lost: sent again
    assert new.recv_until("ack")["id"] == "a1"  # relayed before: acknowledged, not again
    new.send(t="chat", id="a2", text="new")
    bob.wait_for(ChatReceived, lambda e: e.text == "new")
    assert [e.text for e in bob.of_type(ChatReceived)].count("from ann") == 1


# ----- hostile peers ----------------------------------------------------------------------
HOSTILE = {
    "4 GB length prefix": (b"\xff\xff\xff\xff", "4,294,967,295"),
    "http request": (b"GET / HTTP/1.1\r\nHost: example\r\n\r\n", "limit"),
    "not json": (frame(b"hello there"), "json"),
    "invalid utf-8": (frame(b'{"t":"chat","id":"1","text":"\xff\xfe"}'), "utf-8"),
    "unknown message type": (frame({"t": "file", "name": "x.exe"}), "unknown message type"),
    "json list": (frame(b"[1, 2, 3]"), "not a json object"),
    "chat without text": (frame({"t": "chat", "id": "1"}), "missing"),
    "welcome from a client": (frame({"t": "welcome", "nick": "x", "room": "y"}), "may not"),
}


@pytest.mark.parametrize("data, why", list(HOSTILE.values()), ids=list(HOSTILE))
def test_client_sending_bad_data_is_dropped_with_a_reason(
    sessions: Sessions, raw: Raw, data: bytes, why: str
) -> None:
    room = sessions.room()
    port = port_of(room)
    bob, carol = sessions.joined(port, "bob"), sessions.joined(port, "carol")
    mallory = raw.connect(port)
    mallory.hello("mallory")

    mallory.send_bytes(data)
    closing = mallory.read_to_end()
    errors = [m for m in closing if m["t"] == "error"]
    assert len(errors) == 1, closing
    assert "invalid data" in errors[0]["reason"].lower()
    assert why in errors[0]["reason"].lower(), errors[0]["reason"]
    left = bob.wait_for(PeerLeft, lambda e: e.nick == "mallory")
    assert "invalid data" in left.reason
    room.wait_for(PeerLeft, lambda e: e.nick == "mallory")
    chat_between(bob, carol, "still-fine", "the others keep chatting")


def test_bad_data_before_hello_is_dropped_with_a_notice(sessions: Sessions, raw: Raw) -> None:
    room = sessions.room()
    port = port_of(room)
    stranger = raw.connect(port)
    stranger.send_bytes(b"SSH-2.0-OpenSSH_9.6\r\n")
    closing = stranger.read_to_end()
    assert [m["t"] for m in closing] == ["error"]
    notice = room.wait_for(Notice, lambda e: "dropped" in e.text)
    assert "invalid data" in notice.text
    assert notice.warning
    assert room.of_type(PeerJoined) == []


def test_chat_before_hello_is_refused(sessions: Sessions, raw: Raw) -> None:
    room = sessions.room()
    port = port_of(room)
    rude = raw.connect(port)
    rude.send(t="chat", id="1", text="let me in")
    closing = rude.read_to_end()
    assert [m["t"] for m in closing] == ["error"]
    assert "hello" in closing[0]["reason"].lower()
    room.wait_for(Notice, lambda e: "hello" in e.text)


def test_error_frame_quotes_the_offending_type_as_sent(sessions: Sessions, raw: Raw) -> None:
    """The reason sent to a dropped peer must keep its words (and its case) intact."""
    port = port_of(sessions.room())
    peer = raw.connect(port)
    peer.hello("mallory")
    peer.send(t="FileOffer", name="x.exe")
    errors = [m for m in peer.read_to_end() if m["t"] == "error"]
    assert len(errors) == 1
    reason = errors[0]["reason"]
    assert "'FileOffer'" in reason, (
        f"room.py _drop sends Error(reason.capitalize()); str.capitalize() lowercases the "
        f"rest of the sentence, so the quoted type name is changed: {reason!r}"
    )


@pytest.mark.parametrize("version", [PROTOCOL_VERSION - 1, PROTOCOL_VERSION + 1])
def test_wrong_protocol_version_is_refused(sessions: Sessions, raw: Raw, version: int) -> None:
    room = sessions.room()
    port = port_of(room)
    other = raw.connect(port)
    other.send(t="hello", nick="other", version=version)
    closing = other.read_to_end()
    assert closing and closing[0]["t"] == "error"
    assert closing[0]["reason"] == (
        f"speaks protocol version {version}, this room speaks version {PROTOCOL_VERSION}"
    ), closing[0]["reason"]
    room.wait_for(Notice, lambda e: f"version {version}," in e.text)
    assert room.of_type(PeerJoined) == []


# ----- keepalive --------------------------------------------------------------------------
def test_client_that_never_says_hello_is_dropped_in_time(sessions: Sessions, raw: Raw) -> None:
    room = sessions.room(keepalive=FAST)
    port = port_of(room)
    started = time.monotonic()
    mute = raw.connect(port)
    closing = mute.read_to_end()
    took = time.monotonic() - started
    assert [m["t"] for m in closing] == ["error"]
    assert "introduce" in closing[0]["reason"]
    assert FAST.hello_within <= took < FAST.hello_within + 2.0, took
    notice = room.wait_for(Notice, lambda e: "introduce" in e.text)
    assert notice.warning


def test_silent_client_is_dropped_but_live_one_stays(sessions: Sessions, raw: Raw) -> None:
    room = sessions.room(keepalive=FAST)
    port = port_of(room)
    bob = sessions.joined(port, "bob")
    silent = raw.connect(port)
    started = time.monotonic()  # before the room could have heard the hello
    silent.hello("silent")

    closing = silent.read_to_end()  # never answers the pings
    took = time.monotonic() - started
    kinds = [m["t"] for m in closing]
    assert "ping" in kinds, kinds
    assert kinds[-1] == "error"
    assert "stopped responding" in closing[-1]["reason"].lower()
    assert FAST.dead_after <= took < FAST.dead_after + 2.0, took

    left = bob.wait_for(PeerLeft, lambda e: e.nick == "silent")
    assert left.reason == "stopped responding"
    room.wait_for(PeerLeft, lambda e: e.nick == "silent")
    # bob answered every ping, so he is still in the room well past dead_after
    assert all(e.nick != "bob" for e in room.of_type(PeerLeft))
    chat_between(bob, room, "alive", "still here")


def test_client_stalling_in_the_middle_of_a_message_is_dropped(
    sessions: Sessions, raw: Raw
) -> None:
    # pings keep both sides "alive": only the half-sent frame may get it dropped
    keepalive = Keepalive(ping_after=0.1, dead_after=5.0, hello_within=5.0, frame_within=0.5)
    room = sessions.room(keepalive=keepalive)
    port = port_of(room)
    bob = sessions.joined(port, "bob")
    staller = raw.connect(port)
    staller.hello("staller")
    whole = frame({"t": "chat", "id": "s", "text": "never finished"})
    started = time.monotonic()
    staller.send_bytes(whole[:-3])

    closing = staller.read_to_end()
    took = time.monotonic() - started
    assert closing[-1]["t"] == "error"
    assert "stalled" in closing[-1]["reason"], closing[-1]
    assert keepalive.frame_within <= took < keepalive.frame_within + 2.0, took
    assert "stalled" in bob.wait_for(PeerLeft, lambda e: e.nick == "staller").reason
    assert bob.of_type(ChatReceived) == []


# ----- limits -----------------------------------------------------------------------------
def test_full_room_refuses_politely(sessions: Sessions, raw: Raw) -> None:
    room = sessions.room(max_clients=2)
    port = port_of(room)
    bob, carol = sessions.joined(port, "bob"), sessions.joined(port, "carol")

    third = raw.connect(port)
    closing = third.read_to_end()
    assert [m["t"] for m in closing] == ["error"]
    assert "full" in closing[0]["reason"]
    notice = room.wait_for(Notice, lambda e: "refused" in e.text)
    assert "2" in notice.text

    late = sessions.client(port, "dave")
    ended = late.ended()
    assert ended.error
    assert "full" in ended.reason, ended.reason
    chat_between(bob, carol, "m", "two is company")


def test_host_message_too_long_fails_with_clients(sessions: Sessions) -> None:
    room = sessions.room()
    port = port_of(room)
    bob = sessions.joined(port, "bob")
    room.loop.send_chat("long", "x" * (MAX_TEXT_LENGTH + 1))  # type: ignore[attr-defined]
    failed = room.wait_for(ChatFailed, lambda e: e.id == "long")
    assert "too long" in failed.reason
    chat_between(room, bob, "short", "this one fits")


def test_host_message_too_long_fails_in_an_empty_room(sessions: Sessions) -> None:
    room = sessions.room()
    port_of(room)
    room.loop.send_chat("long", "x" * (MAX_TEXT_LENGTH + 1))  # type: ignore[attr-defined]
    room.loop.send_chat("short", "fits")  # type: ignore[attr-defined]
    room.wait_for(ChatDelivered, lambda e: e.id == "short")
    outcome = [e for e in room.seen if getattr(e, "id", None) == "long"]
    assert outcome and isinstance(outcome[0], ChatFailed), (
        "room.py _host_chat only encodes the message inside _broadcast, once per member; "
        f"with nobody in the room an invalid message is reported delivered: {outcome!r}"
    )


# ----- starting and stopping --------------------------------------------------------------
def test_stop_is_quick_and_clients_hear_the_room_closed(sessions: Sessions, raw: Raw) -> None:
    room = sessions.room()
    port = port_of(room)
    bob = sessions.joined(port, "bob", reconnect=None)
    carol = sessions.joined(port, "carol", reconnect=None)
    dave = sessions.joined(port, "dave", reconnect=QUICK_RETRY)  # will try to come back
    watcher = raw.connect(port)
    watcher.hello("watcher")
    bob.wait_for(PeerJoined, lambda e: e.nick == "watcher")

    took = room.stop(timeout=1.0)
    assert took < 1.0
    assert room.ended() == SessionEnded()
    for client in (bob, carol):
        ended = client.ended()
        assert ended.error
        assert "closed" in ended.reason, ended.reason
    assert "the host closed the room" in dave.wait_for(Reconnecting).reason
    closing = watcher.read_to_end()
    assert (closing[-1]["t"], closing[-1]["reason"]) == ("error", "the host closed the room")


def test_room_restarts_on_the_same_port_at_once(sessions: Sessions, raw: Raw) -> None:
    first = sessions.room()
    port = port_of(first)
    bob = sessions.joined(port, "bob", reconnect=QUICK_RETRY)
    lingering = raw.connect(port)
    lingering.hello("lingering")  # never closes its end: the old connection stays half-open
    bob.wait_for(PeerJoined, lambda e: e.nick == "lingering")
    first.stop()
    bob.wait_for(Reconnecting)

    second = sessions.room(port=port)
    listening = second.wait_for(Listening)
    assert listening.port == port
    carol = sessions.joined(port, "carol")
    chat_between(second, carol, "again", "back again")
    assert bob.wait_for(Connected).nick == "bob"  # bob found the new room by himself
    chat_between(bob, carol, "rejoined", "I'm back")


def test_second_room_on_a_used_port_fails_and_first_keeps_working(sessions: Sessions) -> None:
    first = sessions.room()
    port = port_of(first)
    second = sessions.room(port=port)
    ended = second.ended()
    assert ended.error
    assert "in use" in ended.reason and str(port) in ended.reason, ended.reason
    assert second.of_type(Listening) == []

    bob = sessions.joined(port, "bob")
    chat_between(bob, first, "ok", "first room is fine")


def test_room_bound_to_a_foreign_address_fails_clearly(sessions: Sessions) -> None:
    room = sessions.room(host="192.0.2.1")  # TEST-NET-1: never an address of this machine
    ended = room.ended()
    assert ended.error
    assert "not an address of this machine" in ended.reason, ended.reason
