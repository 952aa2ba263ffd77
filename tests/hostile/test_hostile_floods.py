"""Floods into a real window: a megabyte in raw mode, ten thousand framed messages in
one burst, three clients sending ten thousand each. The window keeps breathing (a
10 ms heartbeat timer never waits long), shows everything, loses nothing."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from gui_chat.net.events import ChatDelivered, ChatReceived
from gui_chat.ui.chat_delegate import shown_text
from gui_chat.ui.chat_model import EntryKind
from tests.support import WAIT
from tests.support.sessions import Sessions
from tests.support.sockets import Raw

from .conftest import Heartbeat, HostileDriver, Threads, friends, open_whole_message, still_chatting

FLOOD_PEER = Path(__file__).with_name("flood_peer.py")
#: Longest the GUI thread may go without running a 10 ms timer during a flood.
MAX_GAP_MS = 500
#: Worst gaps measured (printed with pytest -s).
GAPS: dict[str, int] = {}


def record_gap(what: str, heartbeat: Heartbeat) -> int:
    GAPS[what] = worst = heartbeat.stop()
    print(f"\nworst heartbeat gap, {what}: {worst} ms ({heartbeat.beats} beats)")
    return worst


def test_a_megabyte_from_a_plain_client_in_raw_mode(
    host: HostileDriver, raw: Raw, threads: Threads, heartbeat: Heartbeat
) -> None:
    port = host.host("server", raw=True)
    plain = raw.connect(port)
    host.wait_system(plain.address, "joined")
    # 1,000,000 bytes of text, lines of 100 characters (line 000000 … line 009999).
    data = b"".join(b"line %06d " % n + b"m" * 87 + b"\n" for n in range(10_000))
    assert len(data) == 1_000_000

    def received() -> int:
        return sum(len(e.raw or b"") for e in host.entries(EntryKind.PEER))

    # It comes in two writes, the second once the window has shown the first: on a
    # real LAN 1 MB takes tens of milliseconds and always arrives in pieces (on
    # loopback in one piece or several, at random).
    half = len(data) // 2
    heartbeat.start()
    threads.start(lambda: plain.send_bytes(data[:half]), "first half")
    host.qtbot.waitUntil(lambda: received() == half, timeout=20_000)
    threads.start(lambda: plain.send_bytes(data[half:]), "second half")
    host.qtbot.waitUntil(lambda: received() == len(data), timeout=20_000)
    worst = record_gap("raw 1 MB", heartbeat)
    threads.join_all()
    assert worst < MAX_GAP_MS, f"the window froze for {worst} ms while 1 MB arrived"

    rows = host.entries(EntryKind.PEER)
    assert b"".join(e.raw or b"" for e in rows) == data
    assert "".join(e.text for e in rows) == data.decode()
    assert all(e.sender == plain.address for e in rows)
    longest = max(rows, key=lambda e: len(e.text))
    for entry in rows:
        if len(entry.text) > 2000:
            assert shown_text(entry.text)[1] is True, "a long message is not collapsed"
    host.window.chat_view.grab()  # paints the collapsed rows

    row = host.window.model.entries().index(longest)
    started = time.monotonic()
    dialog = open_whole_message(host, row)
    opened_in = time.monotonic() - started
    try:
        assert dialog.detailedText() == longest.text
    finally:
        dialog.close()
    print(f"\n1 MB raw: {len(rows)} row(s), dialog opened in {opened_in:.2f} s")
    assert opened_in < 5, f"the dialog took {opened_in:.1f} s to open"

    # The server still answers its client.
    host.window.input.setPlainText("got it")
    host.window.send_button.click()
    plain.sock.settimeout(WAIT)
    assert plain.sock.recv(100) == b"got it\n"

    assert len(rows) == 1, (
        f"1 MB sent at once by one client (arriving in pieces, as on any LAN) is shown as "
        f"{len(rows)} rows "
        f"({', '.join(f'{len(e.text):,}' for e in rows)} characters): double-clicking "
        "shows only part of it (raw chunks are merged only within one event batch)"
    )


def burst_into(host: HostileDriver, heartbeat: Heartbeat, count: int = 10_000) -> int:
    """A room in ``host`` takes ``count`` framed messages in one burst from a flooder
    in another process; the worst heartbeat gap meanwhile (ms)."""
    port = host.host("host")
    model = host.window.model

    def flood_rows() -> int:
        if model.entry_count() < count:  # cheap, polled every few milliseconds
            return 0
        return sum(1 for e in host.entries(EntryKind.PEER) if e.sender == "flood")

    heartbeat.start()
    with subprocess.Popen(
        [sys.executable, str(FLOOD_PEER), str(port), str(count), "flood"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as flooder:
        try:
            host.qtbot.waitUntil(lambda: flood_rows() == count, timeout=30_000)
        finally:
            worst = heartbeat.stop()
            out, err = flooder.communicate(timeout=30)
    assert flooder.returncode == 0, err[-2000:]
    result = json.loads(out)
    assert result["relayed"] == [f"flood {n:05d}" for n in range(count)]
    assert result["acked"] == f"f{count - 1}"
    shown = [e.text for e in host.entries(EntryKind.PEER) if e.sender == "flood"]
    assert shown == [f"flood {n:05d}" for n in range(count)]
    host.wait_system("flood left")
    host.window.chat_view.grab()
    return worst


def test_ten_thousand_framed_messages_in_one_burst(
    open_window, sessions: Sessions, heartbeat: Heartbeat
) -> None:
    """The flooder is another process, as it would be: only the room and the window
    share this one. Three rounds, each in a new window; the middle one of the three
    worst gaps is held to the bound (a single worst gap on a shared 2-core machine
    says as much about the neighbours as about the window)."""
    gaps = []
    for _ in range(3):
        host = open_window()
        gaps.append(burst_into(host, heartbeat))
        if len(gaps) < 3:
            host.window.close()
    GAPS["10,000 framed in one burst"] = middle = sorted(gaps)[1]
    print(f"\nworst heartbeat gaps, 10,000 framed in one burst, 3 rounds: {gaps} ms")
    assert middle < MAX_GAP_MS, (
        f"the window froze for {gaps} ms (worst gap of each round) while a room it hosts "
        "took 10,000 messages in one burst"
    )
    port = host.ports[-1]
    alice, bob = friends(sessions, port)
    still_chatting(host, alice, bob, "a burst")


def test_nothing_is_lost_three_clients_ten_thousand_each(
    host: HostileDriver, sessions: Sessions, heartbeat: Heartbeat
) -> None:
    per_client = 10_000
    port = host.host("host")
    clients = [sessions.joined(port, nick) for nick in ("ann", "ben", "cat")]
    host.wait_people(["host (you)", "ann", "ben", "cat"])
    received: dict[str, dict[str, list[int]]] = {c.name: defaultdict(list) for c in clients}
    delivered: dict[str, int] = dict.fromkeys(received, 0)

    def drain() -> None:
        for client in clients:
            while True:
                try:
                    batch = client.events.get_nowait()
                except queue.Empty:
                    break
                for event in batch:
                    if isinstance(event, ChatReceived):
                        sender, number = event.text.split(" ")
                        received[client.name][sender].append(int(number))
                    elif isinstance(event, ChatDelivered):
                        delivered[client.name] += 1

    model = host.window.model

    def host_rows() -> int:
        if model.entry_count() < 3 * per_client:  # cheap, polled every few milliseconds
            return 0
        return len(host.entries(EntryKind.PEER))

    marks: dict[str, float] = {}

    def done() -> bool:
        drain()
        clients_done = all(
            sum(map(len, r.values())) == 2 * per_client for r in received.values()
        ) and all(count == per_client for count in delivered.values())
        if clients_done:
            marks.setdefault("clients", time.monotonic() - started)
        if host_rows() == 3 * per_client:
            marks.setdefault("window", time.monotonic() - started)
        return clients_done and host_rows() == 3 * per_client

    started = time.monotonic()
    for number in range(per_client):
        for client in clients:
            nick = client.name.removeprefix("client-")
            client.send_chat(f"{nick}{number}", f"{nick} {number}")
    # Measured from here: queuing 30,000 sends above keeps this (the GUI) thread busy.
    heartbeat.start()
    try:
        host.qtbot.waitUntil(done, timeout=60_000)
    finally:
        record_gap("3 x 10,000 relayed (not asserted)", heartbeat)
        took = time.monotonic() - started
        print(f"\n30,000 messages relayed to 3 clients and the window in {took:.1f} s {marks}")
    for client in clients:
        me = client.name.removeprefix("client-")
        got = received[client.name]
        assert me not in got, f"{me} got its own messages back"
        for sender, numbers in got.items():
            assert numbers == list(range(per_client)), (
                f"{me} got {sender}'s messages out of order, twice or not at all"
            )
        assert sorted(got) == sorted({"ann", "ben", "cat"} - {me})
    in_window: dict[str, list[int]] = defaultdict(list)
    for entry in host.entries(EntryKind.PEER):
        sender, number = entry.text.split(" ")
        assert entry.sender == sender
        in_window[sender].append(int(number))
    assert {s: n == list(range(per_client)) for s, n in in_window.items()} == {
        "ann": True, "ben": True, "cat": True,
    }  # fmt: skip
