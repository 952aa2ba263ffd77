"""UDP peers on real sockets: acks, retransmission, duplicates, and a lossy path."""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from gui_chat.net.events import (
    ChatDelivered,
    ChatFailed,
    ChatReceived,
    Listening,
    Notice,
    SessionEnded,
)
from gui_chat.net.udp import Retransmit
from gui_chat.protocol import MAX_DATAGRAM_SIZE
from tests.support import LOCALHOST
from tests.support.sessions import Session, Sessions, port_of
from tests.support.sockets import Raw

QUICK = Retransmit(first_wait=0.05, factor=1.5, tries=3)


def datagram(**message: object) -> bytes:
    return json.dumps(message).encode("utf-8")


def pair(sessions: Sessions, **config: object) -> tuple[Session, int, Session, int]:
    """Two peers aimed at each other: ``alice, alice_port, bob, bob_port``."""
    alice, bob = sessions.udp("alice", **config), sessions.udp("bob", **config)
    alice_port, bob_port = port_of(alice), port_of(bob)
    alice.loop.set_target(LOCALHOST, bob_port)  # type: ignore[attr-defined]
    bob.loop.set_target(LOCALHOST, alice_port)  # type: ignore[attr-defined]
    return alice, alice_port, bob, bob_port


def test_two_peers_chat_both_ways(sessions: Sessions) -> None:
    alice, alice_port, bob, bob_port = pair(sessions)

    assert alice.loop.send_chat("a1", "hi bob — 你好")  # type: ignore[attr-defined]
    got = bob.wait_for(ChatReceived)
    assert (got.id, got.sender, got.text) == ("a1", "alice", "hi bob — 你好")
    assert got.address == f"{LOCALHOST}:{alice_port}"
    assert got.ts > 0
    alice.wait_for(ChatDelivered, lambda e: e.id == "a1")

    assert bob.loop.send_chat("b1", "hi alice")  # type: ignore[attr-defined]
    got = alice.wait_for(ChatReceived)
    assert (got.id, got.sender, got.address) == ("b1", "bob", f"{LOCALHOST}:{bob_port}")
    bob.wait_for(ChatDelivered, lambda e: e.id == "b1")
    assert alice.of_type(ChatFailed) == bob.of_type(ChatFailed) == []


def test_listening_reports_the_real_port(sessions: Sessions) -> None:
    peer = sessions.udp("alice")
    listening = peer.wait_for(Listening)
    assert listening.host == LOCALHOST
    assert listening.port > 0


def test_unacknowledged_message_is_retransmitted_then_fails(sessions: Sessions, raw: Raw) -> None:
    silent = raw.udp()  # receives, never acknowledges
    silent_port = silent.getsockname()[1]
    peer = sessions.udp("alice", remote_port=silent_port, retransmit=QUICK)
    port_of(peer)
    peer.loop.send_chat("r1", "anyone?")  # type: ignore[attr-defined]

    copies = [silent.recvfrom(65536)[0] for _ in range(QUICK.tries)]
    assert len(set(copies)) == 1  # the very same datagram each time
    assert json.loads(copies[0])["id"] == "r1"
    failed = peer.wait_for(ChatFailed)
    assert failed.id == "r1"
    assert f"after {QUICK.tries} tries" in failed.reason, failed.reason
    assert f"{LOCALHOST}:{silent_port}" in failed.reason
    silent.settimeout(0.3)
    with pytest.raises(TimeoutError):
        silent.recvfrom(65536)  # no fourth copy
    assert peer.of_type(ChatDelivered) == []


def _closed_udp_port() -> int:
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind((LOCALHOST, 0))
    port = probe.getsockname()[1]
    probe.close()  # now nobody listens there
    return port


def test_message_to_a_port_nobody_listens_on_fails(sessions: Sessions) -> None:
    closed_port = _closed_udp_port()
    peer = sessions.udp("alice", remote_port=closed_port, retransmit=QUICK)
    peer.loop.send_chat("lost", "hello?")  # type: ignore[attr-defined]
    failed = peer.wait_for(ChatFailed)
    assert failed.id == "lost"
    assert "nobody is listening" in failed.reason or "no confirmation" in failed.reason, (
        failed.reason
    )
    assert f"{LOCALHOST}:{closed_port}" in failed.reason
    peer.loop.send_chat("lost-2", "still there?")  # type: ignore[attr-defined]
    assert peer.wait_for(ChatFailed).id == "lost-2"  # the peer keeps working


@pytest.mark.skipif(sys.platform != "linux", reason="IP_RECVERR is Linux's")
def test_port_unreachable_fails_at_once_instead_of_after_the_retries(sessions: Sessions) -> None:
    patient = Retransmit(first_wait=5.0, max_wait=5.0, tries=5)  # would take 25 s
    peer = sessions.udp("alice", remote_port=_closed_udp_port(), retransmit=patient)
    started = time.monotonic()
    peer.loop.send_chat("u1", "hello?")  # type: ignore[attr-defined]
    failed = peer.wait_for(ChatFailed, timeout=2.0)
    assert time.monotonic() - started < 2.0
    assert failed.id == "u1"
    assert "port unreachable" in failed.reason, failed.reason


def test_duplicate_datagram_is_shown_once_but_acked_twice(sessions: Sessions, raw: Raw) -> None:
    bob = sessions.udp("bob")
    bob_port = port_of(bob)
    plain = raw.udp()
    chat = datagram(t="chat", id="d1", text="once", sender="plain", ts=1.0)
    plain.sendto(chat, (LOCALHOST, bob_port))
    plain.sendto(chat, (LOCALHOST, bob_port))

    acks = [json.loads(plain.recvfrom(65536)[0]) for _ in range(2)]
    assert acks == [{"t": "ack", "id": "d1"}] * 2
    plain.sendto(datagram(t="chat", id="d2", text="next", sender="plain"), (LOCALHOST, bob_port))
    bob.wait_for(ChatReceived, lambda e: e.id == "d2")
    assert [e.id for e in bob.of_type(ChatReceived)] == ["d1", "d2"]
    first = bob.of_type(ChatReceived)[0]
    assert (first.sender, first.text) == ("plain", "once")
    assert first.address == f"{LOCALHOST}:{plain.getsockname()[1]}"


def test_same_id_from_another_address_is_a_different_message(sessions: Sessions, raw: Raw) -> None:
    bob = sessions.udp("bob")
    bob_port = port_of(bob)
    one, two = raw.udp(), raw.udp()
    for sock in (one, two):
        sock.sendto(datagram(t="chat", id="same", text="hi"), (LOCALHOST, bob_port))
    received = [bob.wait_for(ChatReceived) for _ in range(2)]
    assert {e.address for e in received} == {
        f"{LOCALHOST}:{one.getsockname()[1]}",
        f"{LOCALHOST}:{two.getsockname()[1]}",
    }


def test_over_long_message_fails_naming_udp(sessions: Sessions) -> None:
    alice, _, bob, _ = pair(sessions)
    text = "长" * 1000  # 3,000 bytes of UTF-8
    assert len(text.encode()) > MAX_DATAGRAM_SIZE
    alice.loop.send_chat("big", text)  # type: ignore[attr-defined]
    failed = alice.wait_for(ChatFailed)
    assert failed.id == "big"
    assert "UDP" in failed.reason, failed.reason
    alice.loop.send_chat("small", "长" * 100)  # type: ignore[attr-defined]
    assert bob.wait_for(ChatReceived).id == "small"
    alice.wait_for(ChatDelivered, lambda e: e.id == "small")


def test_garbage_datagrams_give_one_notice_and_the_peer_goes_on(
    sessions: Sessions, raw: Raw
) -> None:
    bob = sessions.udp("bob")
    bob_port = port_of(bob)
    plain = raw.udp()
    for junk in (b"\x00\xffjunk", b"{not json", datagram(t="welcome", nick="x", room="y")):
        plain.sendto(junk, (LOCALHOST, bob_port))
    plain.sendto(
        datagram(t="chat", id="ok", text="real one", sender="plain"), (LOCALHOST, bob_port)
    )

    assert bob.wait_for(ChatReceived).id == "ok"
    notices = bob.of_type(Notice)
    assert len(notices) == 1, notices  # the same address is not reported on every datagram
    assert f"{LOCALHOST}:{plain.getsockname()[1]}" in notices[0].text
    assert notices[0].warning
    assert json.loads(plain.recvfrom(65536)[0]) == {"t": "ack", "id": "ok"}


def test_ping_is_answered(sessions: Sessions, raw: Raw) -> None:
    bob = sessions.udp("bob")
    plain = raw.udp()
    plain.sendto(datagram(t="ping"), (LOCALHOST, port_of(bob)))
    assert json.loads(plain.recvfrom(65536)[0]) == {"t": "pong"}


def test_binding_a_port_in_use_fails_clearly(sessions: Sessions, raw: Raw) -> None:
    taken = raw.udp()
    port = taken.getsockname()[1]
    peer = sessions.udp("alice", local_port=port)
    ended = peer.ended()
    assert ended.error
    assert "in use" in ended.reason and str(port) in ended.reason, ended.reason
    assert peer.of_type(Listening) == []


def test_sending_without_a_target_fails(sessions: Sessions) -> None:
    peer = sessions.udp("alice")
    peer.loop.send_chat("x", "to whom?")  # type: ignore[attr-defined]
    assert "no peer" in peer.wait_for(ChatFailed).reason


def test_unresolvable_target_gives_a_notice(sessions: Sessions) -> None:
    peer = sessions.udp("alice")
    peer.loop.set_target("no-such-host.invalid", 9999)  # type: ignore[attr-defined]
    notice = peer.wait_for(Notice)
    assert "no-such-host.invalid" in notice.text and "no such host" in notice.text
    peer.loop.send_chat("x", "hello?")  # type: ignore[attr-defined]
    assert "no peer" in peer.wait_for(ChatFailed).reason


def test_stop_fails_messages_still_waiting_for_an_ack(sessions: Sessions, raw: Raw) -> None:
    silent = raw.udp()
    peer = sessions.udp(
        "alice",
        remote_port=silent.getsockname()[1],
        retransmit=Retransmit(first_wait=5.0, max_wait=5.0, tries=5),
    )
    peer.loop.send_chat("w1", "waiting")  # type: ignore[attr-defined]
    silent.recvfrom(65536)  # it was sent, and will not be acknowledged
    peer.stop()
    failed = peer.wait_for(ChatFailed)
    assert failed.id == "w1" and "stopped" in failed.reason
    assert peer.ended() == SessionEnded()
    assert peer.loop.send_chat("late", "x") is False  # type: ignore[attr-defined]


# ----- a lossy path -------------------------------------------------------------------------
class LossyRelay:
    """Forwards datagrams between two ports, dropping every third one it gets."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.sock.settimeout(0.05)
        self.port: int = sock.getsockname()[1]
        self.ends: tuple[int, int] = (0, 0)
        self.received = 0
        self.dropped = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="lossy-relay", daemon=True)

    def start(self, port_a: int, port_b: int) -> None:
        self.ends = (port_a, port_b)
        self.thread.start()

    def _run(self) -> None:
        deadline = time.monotonic() + 30.0  # bounded even if nobody stops it
        while not self.stopping.is_set() and time.monotonic() < deadline:
            try:
                data, sender = self.sock.recvfrom(65536)
            except TimeoutError:
                continue
            except OSError:  # e.g. a late "port unreachable" once a peer has stopped
                continue
            self.received += 1
            if self.received % 3 == 0:
                self.dropped += 1
                continue
            port_a, port_b = self.ends
            target = port_b if sender[1] == port_a else port_a
            self.sock.sendto(data, (LOCALHOST, target))

    def stop(self) -> None:
        self.stopping.set()
        if self.thread.ident is not None:
            self.thread.join(2.0)
            assert not self.thread.is_alive(), "relay thread did not end"


@pytest.fixture
def lossy_relay(raw: Raw) -> Iterator[Callable[[], LossyRelay]]:
    relays: list[LossyRelay] = []

    def make() -> LossyRelay:
        relay = LossyRelay(raw.udp())
        relays.append(relay)
        return relay

    try:
        yield make
    finally:
        for relay in relays:
            relay.stop()


def test_lossy_path_delivers_every_message_exactly_once(
    sessions: Sessions, lossy_relay: Callable[[], LossyRelay]
) -> None:
    relay = lossy_relay()
    patient = Retransmit(first_wait=0.05, factor=1.5, tries=10)
    alice = sessions.udp("alice", remote_port=relay.port, retransmit=patient)
    bob = sessions.udp("bob", retransmit=patient)
    relay.start(port_of(alice), port_of(bob))

    ids = [f"l{n}" for n in range(20)]
    for message_id in ids:
        alice.loop.send_chat(message_id, f"text of {message_id}")  # type: ignore[attr-defined]
    delivered = {alice.wait_for(ChatDelivered).id for _ in ids}
    assert delivered == set(ids)
    assert alice.of_type(ChatFailed) == []

    # Anything alice retransmitted before her last ack is ahead of this one on the path.
    alice.loop.send_chat("last", "the end")  # type: ignore[attr-defined]
    bob.wait_for(ChatReceived, lambda e: e.id == "last")
    shown = [e.id for e in bob.of_type(ChatReceived)]
    assert sorted(shown) == sorted([*ids, "last"])  # each exactly once
    assert {e.address for e in bob.of_type(ChatReceived)} == {f"{LOCALHOST}:{relay.port}"}
    assert relay.dropped >= 10  # the path really was lossy


def test_wait_for_turn_returns_once_the_message_has_left(sessions: Sessions) -> None:
    alice = sessions.udp("alice")
    port_of(alice)  # bound and running
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.settimeout(5.0)
    listener.bind((LOCALHOST, 0))
    try:
        alice.loop.set_target(LOCALHOST, listener.getsockname()[1])  # type: ignore[attr-defined]
        assert alice.loop.send_chat("a1", "out now")  # type: ignore[attr-defined]
        assert alice.loop.wait_for_turn(5.0)
        # Sent within the turn the call ran in: the datagram is already waiting.
        listener.setblocking(False)
        data, _ = listener.recvfrom(65536)
        assert json.loads(data)["text"] == "out now"
    finally:
        listener.close()
    alice.stop()
    alice.wait_for(SessionEnded)
    assert not alice.loop.wait_for_turn(5.0)  # an ended loop does not make anyone wait
