"""Peers that misbehave with time and connections rather than bytes: a slowloris, a
thousand connections at once, a reset in the middle of a frame. The room in the window
drops or refuses them with a plain message; the well-behaved keep chatting."""

from __future__ import annotations

import errno
import selectors
import socket
import time

import pytest

from gui_chat.net.events import ChatDelivered, ChatReceived, PeerLeft
from gui_chat.net.room import Keepalive
from gui_chat.protocol import PROTOCOL_VERSION
from tests.support import LOCALHOST, WAIT_MS
from tests.support.frames import error_frames, frame
from tests.support.sessions import Sessions
from tests.support.sockets import Raw

from .conftest import HostileDriver, friends, open_fds, still_chatting

# frame_within is what is tested; the others are long enough not to interfere.
SLOW = Keepalive(ping_after=1.0, dead_after=5.0, hello_within=5.0, frame_within=0.5)


# ----- 6. slowloris ---------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["half-a-chat", "half-a-hello", "trickle"])
def test_slowloris_is_dropped_after_frame_within_while_others_flow(
    host: HostileDriver, sessions: Sessions, raw: Raw, how: str
) -> None:
    port = host.host("host", keepalive=SLOW)
    alice, bob = friends(sessions, port)
    rogue = raw.connect(port)
    address = rogue.address
    if how == "half-a-hello":
        data = frame({"t": "hello", "nick": "slow", "version": PROTOCOL_VERSION})
    else:
        rogue.hello("slow")
        data = frame({"t": "chat", "id": "s", "text": "z" * 5000})
    sent = len(data) // 2 if how != "trickle" else 5
    rogue.send_bytes(data[:sent])
    stalled_at = time.monotonic()

    # alice talks to bob all along; the trickler adds one byte per round trip.
    latencies: list[float] = []
    heard = b""  # what the rogue receives (alice's chats too, if it is a member)
    with selectors.DefaultSelector() as selector:
        selector.register(rogue.sock, selectors.EVENT_READ)
        while not any(m["t"] == "error" for m in error_frames(heard)):
            assert time.monotonic() - stalled_at < 5, "the slowloris was never dropped"
            if selector.select(0.02):
                chunk = rogue.sock.recv(65536)
                assert chunk, f"closed without an error frame: {error_frames(heard)!r}"
                heard += chunk
                continue
            number = len(latencies)
            started = time.monotonic()
            alice.send_chat(f"flow{number}", f"flowing {number}")
            bob.wait_for(ChatReceived, lambda e, n=number: e.text == f"flowing {n}", timeout=2)
            latencies.append(time.monotonic() - started)
            if how == "trickle":
                rogue.send_bytes(data[sent : sent + 1])
                sent += 1
    dropped_after = time.monotonic() - stalled_at
    rest, reset = rogue.read_until_closed()
    assert not reset
    closing = error_frames(heard + rest)
    assert closing[-1] == {"t": "error", "reason": "stalled in the middle of a message"}, closing
    assert all(m["t"] == "chat" for m in closing[:-1]), closing
    assert SLOW.frame_within - 0.05 <= dropped_after < SLOW.frame_within + 1.5, dropped_after
    assert len(latencies) >= 10, f"only {len(latencies)} messages went through meanwhile"
    assert max(latencies) < 0.3, f"a message waited {max(latencies):.3f} s for the slowloris"
    print(
        f"\nslowloris ({how}): dropped after {dropped_after:.2f} s; {len(latencies)} messages, "
        f"slowest {max(latencies) * 1000:.0f} ms"
    )
    if how == "half-a-hello":
        host.wait_system(address, "stalled in the middle of a message")
    else:
        left = bob.wait_for(PeerLeft, lambda e: e.nick == "slow")
        assert left.reason == "stalled in the middle of a message"
        host.wait_system("slow left (stalled in the middle of a message)")
    for number in range(len(latencies)):
        alice.wait_for(ChatDelivered, lambda e, n=number: e.id == f"flow{n}")
    host.wait_received(f"flowing {len(latencies) - 1}")
    still_chatting(host, alice, bob, f"a slowloris ({how})")


# ----- 7. a thousand connections at once ------------------------------------------------------
def open_many(raw: Raw, port: int, count: int) -> list[socket.socket]:
    """``count`` connections started at once (non-blocking), each one established."""
    socks = []
    for _ in range(count):
        sock = raw.track(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
        sock.setblocking(False)
        code = sock.connect_ex((LOCALHOST, port))
        assert code in (0, errno.EINPROGRESS), errno.errorcode.get(code, code)
        socks.append(sock)
    with selectors.DefaultSelector() as selector:
        for sock in socks:
            selector.register(sock, selectors.EVENT_WRITE)
        deadline = time.monotonic() + 10
        while selector.get_map():
            assert time.monotonic() < deadline, f"{len(selector.get_map())} never connected"
            for key, _ in selector.select(1.0):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0
                selector.unregister(sock)
    return socks


def read_until_closed(
    socks: list[socket.socket], expected_closed: int, timeout: float = 10.0
) -> dict[socket.socket, bytes]:
    """Read from ``socks`` until ``expected_closed`` of them reached end of stream; what
    each closed one received."""
    data = {sock: b"" for sock in socks}
    closed: dict[socket.socket, bytes] = {}
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        for sock in socks:
            selector.register(sock, selectors.EVENT_READ)
        while len(closed) < expected_closed:
            assert time.monotonic() < deadline, f"only {len(closed)} closed"
            for key, _ in selector.select(1.0):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                chunk = sock.recv(65536)
                data[sock] += chunk
                if not chunk:
                    closed[sock] = data[sock]
                    selector.unregister(sock)
    return closed


def room_connections(host: HostileDriver) -> int:
    return host.in_loop(lambda: len(host.session.peers()))  # type: ignore[attr-defined]


def relay_time(host: HostileDriver, sessions_pair, tag: str) -> float:
    """Seconds for alice's message to reach bob and the host window."""
    alice, bob = sessions_pair
    started = time.monotonic()
    alice.send_chat(tag, f"message {tag}")
    bob.wait_for(ChatReceived, lambda e: e.text == f"message {tag}")
    took = time.monotonic() - started
    host.wait_received(f"message {tag}")
    return took


def test_a_thousand_connections_at_once_the_room_stays_responsive(
    host: HostileDriver, sessions: Sessions, raw: Raw
) -> None:
    port = host.host("host", max_clients=1100)
    pair = friends(sessions, port)
    baseline = open_fds()
    socks = open_many(raw, port, 1000)
    host.qtbot.waitUntil(lambda: room_connections(host) == 1002, timeout=WAIT_MS)
    took = relay_time(host, pair, "during")
    assert took < 1.0, f"a message took {took:.2f} s with 1,000 idle connections open"
    for sock in socks:
        sock.close()
    host.qtbot.waitUntil(lambda: room_connections(host) == 2, timeout=10_000)
    host.wait_people(["host (you)", "alice", "bob"])
    host.qtbot.waitUntil(lambda: open_fds() <= baseline, timeout=WAIT_MS)
    still_chatting(host, *pair, "a thousand connections")


def test_a_thousand_connections_over_the_limit_are_refused_politely(
    host: HostileDriver, sessions: Sessions, raw: Raw
) -> None:
    port = host.host("host", max_clients=50)
    pair = friends(sessions, port)
    baseline = open_fds()
    socks = open_many(raw, port, 1000)
    refused = read_until_closed(socks, expected_closed=1000 - 48)
    for data in refused.values():
        messages = error_frames(data)
        assert [m["t"] for m in messages] == ["error"], data[:200]
        assert "full" in messages[0]["reason"], messages[0]
    assert room_connections(host) == 50
    took = relay_time(host, pair, "while-full")
    assert took < 1.0, f"a message took {took:.2f} s while 952 were refused"
    notice = host.wait_system("refused", "127.0.0.1:")
    assert "50" in notice and "\n" not in notice, notice
    shown = sum("refused" in text for text in host.system_texts())
    print(f"\n952 refused: {shown} notice line(s) in the host window, e.g. {notice!r}")
    for sock in socks:
        sock.close()
    host.qtbot.waitUntil(lambda: room_connections(host) == 2, timeout=10_000)
    host.qtbot.waitUntil(lambda: open_fds() <= baseline, timeout=WAIT_MS)
    still_chatting(host, *pair, "a refused crowd")


# ----- 8. a reset in the middle of a frame ----------------------------------------------------
@pytest.mark.parametrize("when", ["mid-chat", "mid-hello", "while-being-sent-to"])
def test_a_peer_that_resets_mid_frame_is_announced_with_a_reason(
    host: HostileDriver, sessions: Sessions, raw: Raw, when: str
) -> None:
    port = host.host("host")
    alice, bob = friends(sessions, port)
    rogue = raw.connect(port)
    if when == "mid-hello":
        rogue.send_bytes(frame({"t": "hello", "nick": "resetter", "version": PROTOCOL_VERSION})[:9])
    else:
        rogue.hello("resetter")
        if when == "while-being-sent-to":
            # The rogue reads nothing while 4 MB are relayed to it, then resets.
            for number in range(128):
                alice.send_chat(f"bulk{number}", f"{number} " + "b" * 31_000)
            bob.wait_for(ChatReceived, lambda e: e.text.startswith("127 "), timeout=10)
        rogue.send_bytes(frame({"t": "chat", "id": "r", "text": "y" * 1000})[:600])
    host.qtbot.waitUntil(lambda: room_connections(host) == 3, timeout=WAIT_MS)
    rogue.reset()
    host.qtbot.waitUntil(lambda: room_connections(host) == 2, timeout=WAIT_MS)
    if when == "mid-hello":
        bob.collect()
        assert bob.of_type(PeerLeft) == []  # it never joined, so nobody is told
    else:
        left = bob.wait_for(PeerLeft, lambda e: e.nick == "resetter")
        assert left.reason.startswith("connection lost"), left.reason
        line = host.wait_system("resetter left (connection lost")
        assert "\n" not in line
        if when == "mid-chat":
            assert "reset by peer" in left.reason
    still_chatting(host, alice, bob, f"a reset ({when})")


def test_many_members_resetting_at_once_do_not_take_the_room_down(
    host: HostileDriver, sessions: Sessions, raw: Raw
) -> None:
    """200 members who never read what the room sends them all reset at once (a
    crashed client machine, a NAT box dropping its table)."""
    port = host.host("host", max_clients=1000)
    alice, bob = friends(sessions, port)
    crowd = [raw.connect(port) for _ in range(200)]
    for number, peer in enumerate(crowd):
        peer.send(t="hello", nick=f"crowd{number}", version=PROTOCOL_VERSION)
    host.qtbot.waitUntil(lambda: len(host.people()) == 203, timeout=10_000)
    for peer in crowd:
        peer.reset()
    host.qtbot.waitUntil(
        lambda: len(host.people()) == 3 or not host.window.controller.running, timeout=10_000
    )
    assert host.window.controller.running, (
        "the room itself ended: " + " | ".join(host.system_texts()[-2:])[:300]
    )
    host.wait_people(["host (you)", "alice", "bob"])
    host.wait_system("crowd199 left (connection lost")
    still_chatting(host, alice, bob, "a reset storm")
