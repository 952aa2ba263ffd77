"""Two hosts on a LAN of their own: discovery, chat both ways, a pulled cable, loss."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from hosts import Host

ROOM_PORT = 50007
UDP_PORT = 50008


def test_gui_finds_a_room_on_the_other_host_joins_by_double_click_and_chats(two_hosts):
    a, b = two_hosts
    bob, alice = b.gui(), a.gui()
    try:
        bob("setup", mode="host", nick="bob", local_port=ROOM_PORT)
        bob("start")
        alice("setup", mode="join", nick="alice")
        found = alice("wait_found", kind="room")["found"]
        assert [(r["name"], r["host"], r["port"]) for r in found] == [
            ("bob's room", b.address, ROOM_PORT)
        ]
        assert alice("double_click_found", key=found[0]["key"])["mode"] == "join"
        people = alice("wait_joined")["people"]
        assert sorted(people) == ["alice (you)", "bob"]

        alice("send", text="hello from host A 你好")
        bob("wait_received", text="hello from host A 你好")
        bob("send", text="hello from host B")
        alice("wait_received", text="hello from host B")
        assert alice("wait_delivered", count=1)["entries"][-2]["delivery"] == "delivered"
    finally:
        alice.close()
        bob.close()


def test_discovery_can_be_turned_off_and_on_from_the_menu(two_hosts):
    a, b = two_hosts
    bob, alice = b.gui(), a.gui()
    try:
        bob("setup", mode="host", nick="bob", local_port=ROOM_PORT)
        bob("start")
        alice("wait_found", kind="room")
        off = alice("set_discovery", on=False)
        assert (off["found"], off["running"]) == (0, False)
        assert "off" in off["hint"]
        on = alice("set_discovery", on=True)
        assert on["running"]
        assert alice("wait_found", kind="room")["found"][0]["host"] == b.address
    finally:
        alice.close()
        bob.close()


def test_udp_peers_find_each_other_and_chat_both_ways(two_hosts):
    a, b = two_hosts
    bob, alice = b.gui(), a.gui()
    try:
        bob("setup", mode="udp", nick="bob", local_port=UDP_PORT)
        bob("start")
        alice("setup", mode="udp", nick="alice", local_port=UDP_PORT)
        alice("start")
        bob_entry = alice("wait_found", kind="udp")["found"][0]
        assert (bob_entry["nick"], bob_entry["host"]) == ("bob", b.address)
        alice("double_click_found", key=bob_entry["key"])
        alice("send", text="udp from A")
        entries = bob("wait_received", text="udp from A")["entries"]
        assert [e["address"] for e in entries if e["kind"] == "peer"] == [f"{a.address}:{UDP_PORT}"]
        alice_entry = bob("wait_found", kind="udp")["found"][0]
        bob("double_click_found", key=alice_entry["key"])
        bob("send", text="udp from B")
        alice("wait_received", text="udp from B")
        for side in (alice, bob):
            own = [e for e in side("wait_delivered", count=1)["entries"] if e["kind"] == "own"]
            assert [e["delivery"] for e in own] == ["delivered"]
    finally:
        alice.close()
        bob.close()


def _serve(host: Host) -> subprocess.Popen:
    return host.start(
        sys.executable,
        "-m",
        "gui_chat",
        "serve",
        "--port",
        str(ROOM_PORT),
        "--nick",
        "bob",
        "--keepalive",
        "0.5",
    )


def test_a_pulled_cable_reconnects_and_pending_messages_arrive_once(two_hosts):
    a, b = two_hosts
    room = _serve(b)
    alice = a.gui(keepalive=0.5)
    try:
        alice("setup", mode="join", nick="alice")
        found = alice("wait_found", kind="room")["found"]
        alice("double_click_found", key=found[0]["key"])
        alice("wait_joined")
        alice("send", text="before the cable was pulled")
        alice("wait_delivered", count=1)

        a.link(up=False)
        down_at = time.monotonic()
        alice("send", text="pending one")
        alice("send", text="pending two")
        alice("wait_status", contains="reconnecting")
        attempt = 2
        while time.monotonic() - down_at < 3.0:  # the cable stays out for at least 3 s
            alice("wait_status", contains=f"attempt {attempt}", timeout=30)
            attempt += 1
        entries = alice("entries")["entries"]
        assert [e["delivery"] for e in entries if e["kind"] == "own"][1:] == ["sending"] * 2
        a.link(up=True)

        alice("wait_status", contains="Connected to", timeout=30)
        entries = alice("wait_delivered", count=3)["entries"]
        assert [e["delivery"] for e in entries if e["kind"] == "own"] == ["delivered"] * 3
    finally:
        alice.close()
        room.send_signal(signal.SIGINT)
        _, log = room.communicate(timeout=20)
    text = log.decode()
    assert room.returncode == 0, text
    assert text.count("<alice> pending one") == 1, text
    assert text.count("<alice> pending two") == 1, text
    assert text.count("<alice> before the cable was pulled") == 1, text
    assert "stopped" in text


def test_udp_through_a_lossy_relay_delivers_everything_once(two_hosts):
    a, b = two_hosts
    relay_port = 50010
    relay = a.start(
        sys.executable,
        "tests/lan/lossy_relay.py",
        a.address,
        str(relay_port),
        b.address,
        str(UDP_PORT),
        stdin=subprocess.PIPE,
    )
    assert relay.stdout is not None and relay.stdout.readline().strip() == b"ready"
    bob, alice = b.gui(), a.gui()
    count = 20
    try:
        bob("setup", mode="udp", nick="bob", local_port=UDP_PORT)
        bob("start")
        alice(
            "setup",
            mode="udp",
            nick="alice",
            local_port=UDP_PORT,
            remote_host=a.address,
            remote_port=relay_port,
        )
        alice("start")
        for number in range(count):
            alice("send", text=f"lossy {number}")
        entries = alice("wait_delivered", count=count, timeout=120)["entries"]
        assert [e["delivery"] for e in entries if e["kind"] == "own"] == ["delivered"] * count
        received = [e["text"] for e in bob("entries")["entries"] if e["kind"] == "peer"]
        assert sorted(received) == sorted(f"lossy {n}" for n in range(count))
    finally:
        alice.close()
        bob.close()
        relay.stdin.close()
        summary = relay.stdout.readline().decode()
        relay.wait(timeout=10)
    _forwarded, dropped = (int(word) for word in summary.split()[1::2])
    assert dropped > 0, summary  # the relay really lost datagrams
