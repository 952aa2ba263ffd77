"""Hostile bytes on the wire into a room hosted in a real window: huge length prefixes,
other protocols, broken or oddly shaped JSON. Each one costs the attacker its
connection with a plain reason; the host window says what happened; everyone else
keeps chatting."""

from __future__ import annotations

import json
import random
import struct
import tracemalloc

import pytest

from gui_chat.net.events import ChatReceived, PeerLeft
from gui_chat.protocol import MAX_FRAME_SIZE, PROTOCOL_VERSION
from gui_chat.ui.chat_model import EntryKind
from tests.support.frames import error_frames, frame
from tests.support.sessions import Sessions
from tests.support.sockets import Raw

from .conftest import HostileDriver, friends, still_chatting


# ----- 1. length prefixes over the limit ------------------------------------------------------
@pytest.mark.parametrize("announced", [2**32 - 1, MAX_FRAME_SIZE + 1], ids=["4GB", "256KiB+1"])
@pytest.mark.parametrize("introduced", [False, True], ids=["anonymous", "member"])
def test_oversized_length_prefix_is_refused_after_the_header_alone(
    host: HostileDriver, sessions: Sessions, raw: Raw, announced: int, introduced: bool
) -> None:
    port = host.host()
    alice, bob = friends(sessions, port)
    rogue = raw.connect(port)
    if introduced:
        rogue.hello("whale")
    tracemalloc.start()
    try:
        # Only the 4 header bytes: the room must refuse without waiting for the payload.
        rogue.send_bytes(struct.pack("!I", announced))
        closing = rogue.read_to_end()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [m["t"] for m in closing] == ["error"], closing
    reason = closing[0]["reason"]
    assert f"{announced:,}" in reason and "limit" in reason, reason
    assert peak < 4 * 1024 * 1024, f"{peak:,} bytes allocated while refusing the frame"
    if introduced:
        line = host.wait_system("whale left", "sent invalid data", f"{announced:,}")
        left = bob.wait_for(PeerLeft, lambda e: e.nick == "whale")
        assert f"{announced:,}" in left.reason
    else:
        line = host.wait_system(rogue.address, "invalid data", f"{announced:,}")
    assert "\n" not in line
    still_chatting(host, alice, bob, "a huge length prefix")


def test_a_frame_of_exactly_the_limit_is_accepted_and_relayed(
    host: HostileDriver, sessions: Sessions, raw: Raw
) -> None:
    port = host.host()
    alice, bob = friends(sessions, port)
    sender = raw.connect(port)
    sender.hello("heavy")
    body = {"t": "chat", "id": "big", "text": "just under the limit", "pad": ""}
    body["pad"] = "x" * (MAX_FRAME_SIZE - len(json.dumps(body).encode()))
    payload = json.dumps(body).encode()
    assert len(payload) == MAX_FRAME_SIZE
    sender.send_bytes(frame(payload))
    echo = sender.recv_until("chat", sender="heavy")  # relayed without the unknown field
    assert (echo["text"], "pad" in echo) == ("just under the limit", False)
    assert sender.recv_until("ack")["id"] == "big"
    got = bob.wait_for(ChatReceived, lambda e: e.sender == "heavy")
    assert got.text == "just under the limit"
    host.wait_received("just under the limit")
    still_chatting(host, alice, bob, "a frame of the largest size")


# ----- 2. bytes of another protocol -----------------------------------------------------------
SEEDED = random.Random(20240229)
RANDOM_64K = SEEDED.randbytes(64 * 1024)
CLIENT_HELLO = (
    bytes.fromhex("16030100c8010000c40303")  # TLS record, handshake, ClientHello, TLS 1.2
    + SEEDED.randbytes(32)  # client random
    + bytes.fromhex("00")  # no session id
    + bytes.fromhex("0004c02fc030")  # two cipher suites
    + bytes.fromhex("0100")  # null compression
    + SEEDED.randbytes(0xC8 - 45)  # extensions (any bytes will do)
)
FOREIGN = {
    "http": b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n",
    "tls": CLIENT_HELLO,
    "random64k": RANDOM_64K,
    "framed-random64k": frame(RANDOM_64K),
}


@pytest.mark.parametrize("kind", list(FOREIGN))
def test_bytes_of_another_protocol_are_dropped_with_a_reason(
    host: HostileDriver, sessions: Sessions, raw: Raw, kind: str
) -> None:
    data = FOREIGN[kind]
    if kind == "random64k":  # the seed is fixed: its first 4 bytes announce a huge frame
        assert struct.unpack("!I", data[:4])[0] > MAX_FRAME_SIZE
    port = host.host()
    alice, bob = friends(sessions, port)
    rogue = raw.connect(port)
    address = rogue.address
    try:
        rogue.send_bytes(data)
    except (ConnectionResetError, BrokenPipeError):
        pass  # the room may close before the last bytes are sent: that is the point
    received, reset = rogue.read_until_closed()
    if not reset or received:
        messages = error_frames(received)
        assert [m["t"] for m in messages] == ["error"], received[:200]
        assert "invalid data" in messages[0]["reason"]
    if kind in ("http", "tls", "framed-random64k"):  # the room read all of it: a clean close
        assert not reset
        assert received
    line = host.wait_system(address, "invalid data")
    assert "\n" not in line and len(line) < 300, line
    entry = next(e for e in host.entries(EntryKind.ERROR) if address in e.text)
    assert entry.kind is EntryKind.ERROR
    bob.collect()
    assert bob.of_type(PeerLeft) == [], "an anonymous connection was announced to the room"
    still_chatting(host, alice, bob, kind)


# ----- 3. broken or oddly shaped JSON ---------------------------------------------------------
BAD_JSON = {
    "invalid-utf8": (b'{"t":"chat","id":"1","text":"caf\xc3\x28 \xff\xfe"}', "not valid UTF-8"),
    "list": (b"[1, 2, 3]", "not a JSON object"),
    "string": (b'"chat"', "not a JSON object"),
    "text-is-number": (b'{"t":"chat","id":"1","text":42}', "'text' must be text"),
    "id-is-list": (b'{"t":"chat","id":["1"],"text":"x"}', "'id' must be text"),
    "members-not-list": (b'{"t":"members","members":"alice"}', "must be a list of names"),
    "members-of-numbers": (b'{"t":"members","members":[1,2]}', "must be text"),
    "nested-100k": (b"[" * 100_000, "nested too deeply"),
    "nested-in-field": (
        b'{"t":"chat","id":"1","text":"x","extra":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "nested too deeply",
    ),
    "ts-400-digits": (b'{"t":"chat","id":"1","text":"x","ts":' + b"9" * 400 + b"}", "range"),
    "ts-1e400": (b'{"t":"chat","id":"1","text":"x","ts":1e400}', "range"),
    "int-5000-digits": (b'{"t":"ping","n":' + b"7" * 5000 + b"}", "not valid JSON"),
    "nan": (b'{"t":"chat","id":"1","text":"x","ts":NaN}', "not a number"),
    "unknown-type": (b'{"t":"<script>","id":"1"}', "unknown message type"),
    "no-type": (b'{"id":"1","text":"x"}', "unknown message type"),
    "welcome-from-client": (b'{"t":"welcome","nick":"x","room":"r"}', "may not send"),
    "lone-surrogate": (b'{"t":"chat","id":"1","text":"\\ud800"}', "surrogate"),
    "empty": (b"", "not valid JSON"),
}


@pytest.mark.parametrize("kind", list(BAD_JSON))
def test_bad_json_from_a_member_is_refused_and_announced(
    host: HostileDriver, sessions: Sessions, raw: Raw, kind: str
) -> None:
    payload, expected = BAD_JSON[kind]
    port = host.host()
    alice, bob = friends(sessions, port)
    rogue = raw.connect(port)
    rogue.hello("mallory")
    rogue.send_bytes(frame(payload))
    closing = rogue.read_to_end()
    assert closing, "the room closed without saying why"
    assert closing[-1]["t"] == "error", closing
    reason = closing[-1]["reason"]
    assert expected in reason, reason
    assert len(reason) < 500, reason
    left = bob.wait_for(PeerLeft, lambda e: e.nick == "mallory")
    assert expected in left.reason
    line = host.wait_system("mallory left", expected)
    assert "\n" not in line
    host.wait_people(["host (you)", "alice", "bob"])
    still_chatting(host, alice, bob, kind)


def test_unknown_fields_are_ignored_and_the_chat_is_relayed(
    host: HostileDriver, sessions: Sessions, raw: Raw
) -> None:
    port = host.host()
    alice, bob = friends(sessions, port)
    newer = raw.connect(port)
    newer.send(
        t="hello",
        nick="future",
        version=PROTOCOL_VERSION,
        client="gui_chat 2.0",
        caps=["x", {"y": 1}],
    )
    assert newer.recv_until("welcome")["nick"] == "future"
    newer.send(
        t="chat", id="n1", text="from a newer client", sender="", priority=5,
        reply_to={"id": "a-0", "quote": [1, 2.5, None, True]}, ts=0,
    )  # fmt: skip
    echo = newer.recv_until("chat", sender="future")
    assert echo["text"] == "from a newer client"
    assert not {"priority", "reply_to"} & set(echo)  # unknown fields are not relayed
    got = bob.wait_for(ChatReceived, lambda e: e.sender == "future")
    assert got.text == "from a newer client"
    host.wait_received("from a newer client")
    still_chatting(host, alice, bob, "unknown fields")
    alice.send_chat("to-future", "can you hear me")
    assert newer.recv_until("chat", text="can you hear me")["sender"] == "alice"
