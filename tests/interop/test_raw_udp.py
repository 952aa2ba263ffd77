"""Raw UDP windows against a tutorial UDP server and netcat in UDP mode."""

from __future__ import annotations

import shutil

from gui_chat.ui.chat_model import EntryKind

NC = shutil.which("nc") or "/usr/bin/nc"


def test_raw_udp_gets_the_upper_case_answer_with_its_sender(open_window, spawn):
    server = spawn("udp_upper_server.py")
    server_port = server.port()
    window = open_window()
    our_port = window.udp(server_port)

    window.type_and_enter("ping")

    window.wait_peer_text("PING\n")
    (entry,) = window.peer_entries()
    assert entry.sender == f"127.0.0.1:{server_port}"
    assert entry.raw == b"PING\n"
    window.wait_delivered(window.entries(EntryKind.OWN)[-1])
    assert server.wait_received(1) == [b"ping\n"]
    assert f"recv 70696e670a 127.0.0.1:{our_port}" in server.lines()  # from our port


def test_raw_udp_datagrams_stay_separate_entries(open_window, spawn):
    server = spawn("udp_upper_server.py")
    server_port = server.port()
    window = open_window()
    window.udp(server_port)
    window.set_line_ending(b"")

    window.type_and_enter("one")
    window.wait_peer_text("ONE")
    window.type_and_enter("two")
    window.wait_peer_text("ONETWO")
    assert [e.raw for e in window.peer_entries()] == [b"ONE", b"TWO"]
    assert server.wait_received(2) == [b"one", b"two"]


def test_raw_udp_talks_with_netcat(open_window, spawn):
    nc = spawn(NC, "-u", "-v", "-n", "-l", "127.0.0.1", "0")
    nc_port = int(nc.wait_stderr_line("Bound on").split()[-1])
    window = open_window()
    window.udp(nc_port)

    window.type_and_enter("to nc")
    nc.wait_stdout(b"to nc\n")

    nc.write("from nc, 你好\n".encode())
    window.wait_peer_text("from nc, 你好\n", sender=f"127.0.0.1:{nc_port}")


def test_raw_udp_answers_netcat_after_pointing_the_peer_field_at_it(open_window, spawn):
    window = open_window()
    our_port = window.udp(0)  # only listening: nobody to send to yet
    nc = spawn(NC, "-u", "127.0.0.1", str(our_port))  # no -v: it would send probe datagrams

    nc.write(b"who is there?\n")
    window.wait_until(lambda: len(window.peer_entries()) == 1, "netcat's datagram")
    (entry,) = window.peer_entries()
    assert entry.raw == b"who is there?\n"
    host, nc_port = entry.sender.rsplit(":", 1)
    assert host == "127.0.0.1"

    # the peer field stays editable while UDP runs; editing it re-targets at once
    panel = window.window.panel
    assert panel.remote_port_box.isEnabled()
    panel.remote_port_box.setValue(int(nc_port))
    window.type_and_enter("me, your UDP peer")
    nc.wait_stdout(b"me, your UDP peer\n")
    window.wait_delivered(window.entries(EntryKind.OWN)[-1])
