"""Raw TCP windows against tutorial-style socket programs running as real processes."""

from __future__ import annotations

import pytest

from gui_chat.ui.chat_delegate import shown_hex
from gui_chat.ui.chat_model import Delivery, EntryKind

GREETING_GBK = "你好，世界".encode("gbk")
MIB = 1024 * 1024


# ----- our raw client -------------------------------------------------------------------
def test_raw_client_gets_the_upper_case_echo_of_what_it_typed(open_window, spawn):
    server = spawn("tcp_upper_server.py")
    port = server.port()
    window = open_window()
    window.join(port)

    window.type_and_enter("hello")

    window.wait_peer_text("HELLO\n")
    (entry,) = window.peer_entries()
    assert entry.sender == f"127.0.0.1:{port}"
    assert entry.raw == b"HELLO\n"
    (own,) = window.entries(EntryKind.OWN)
    assert own.text == "hello"
    assert own.raw == b"hello\n"
    window.wait_delivered(own)
    server.wait_received_bytes(b"hello\n")
    assert window.window.input.toPlainText() == ""

    window.stop()  # Disconnect: the tutorial server sees its client leave and ends
    server.wait_exit_ok()
    assert window.status() == "Stopped"


@pytest.mark.parametrize(("label", "ending"), [("none", b""), ("\\n", b"\n"), ("\\r\\n", b"\r\n")])
def test_line_ending_choice_is_exactly_what_the_peer_gets(open_window, spawn, label, ending):
    server = spawn("gbk_server.py")
    port = server.port()
    window = open_window()
    window.join(port)
    window.set_line_ending(ending)
    assert window.window.raw_options.line_end_box.currentText() == label

    window.type_and_enter("abc")

    # one send, answered before anything else goes: it is one recv at the server
    assert server.wait_received(1) == [b"abc" + ending]
    window.wait_until(lambda: window.peer_bytes() == GREETING_GBK, "the server's answer")


def test_hex_input_sends_the_bytes_and_refuses_bad_hex(open_window, spawn):
    server = spawn("gbk_server.py")
    port = server.port()
    window = open_window()
    window.join(port)
    options = window.window.raw_options
    window.click(options.hex_input_box)
    assert options.hex_input_box.isChecked()
    assert not options.line_end_box.isEnabled()  # hex is sent as it is, no line end

    window.type_and_enter("48 69 0d 0a")
    assert server.wait_received(1) == [b"Hi\r\n"]
    own = window.entries(EntryKind.OWN)[-1]
    assert own.raw == b"Hi\r\n"
    window.wait_delivered(own)
    assert window.window.input.toPlainText() == ""

    own_before = len(window.entries(EntryKind.OWN))
    window.type_and_enter("4x")
    assert window.status_is_error()
    assert "Not sent" in window.status()
    assert "'4x'" in window.status()
    assert window.window.input.toPlainText() == "4x"  # kept, to be corrected
    assert len(window.entries(EntryKind.OWN)) == own_before

    window.type_and_enter("48 656")
    assert window.status_is_error()
    assert "'656'" in window.status()
    assert "odd number" in window.status()
    assert window.window.input.toPlainText() == "48 656"
    assert len(window.entries(EntryKind.OWN)) == own_before

    # nothing went out: the next good message is the very next thing the server gets
    window.type_and_enter("0x41,0x42")
    assert server.wait_received(2) == [b"Hi\r\n", b"AB"]


def test_hex_view_shows_the_received_bytes_as_a_dump(open_window, spawn):
    server = spawn("tcp_upper_server.py")
    port = server.port()
    window = open_window()
    window.join(port)
    window.type_and_enter("hello")
    window.wait_peer_text("HELLO\n")
    (entry,) = window.peer_entries()
    model = window.window.model
    assert not model.hex_view

    window.click(window.window.raw_options.hex_view_box)

    assert model.hex_view
    dump = "00000000  " + "48 45 4c 4c 4f 0a".ljust(47) + "  HELLO."
    assert shown_hex(entry.raw) == (dump, False)
    # the view lays the entry out again, now as the dump
    window.wait_until(
        lambda: any(layout.body == dump for layout in entry.layout_cache.values()),
        "the received entry to be laid out as a hex dump",
    )
    assert entry.raw == b"HELLO\n"
    assert entry.text == "HELLO\n"

    window.click(window.window.raw_options.hex_view_box)
    assert not model.hex_view
    window.wait_until(
        lambda: any(layout.body == "HELLO\n" for layout in entry.layout_cache.values()),
        "the received entry to be laid out as text again",
    )


# ----- our raw server -------------------------------------------------------------------
def test_raw_server_shows_a_tutorial_client_and_replies_to_it(open_window, spawn):
    window = open_window()
    port = window.host()
    client = spawn("tcp_tutorial_client.py", "127.0.0.1", str(port), "utf-8", "hi server\n")
    address = f"127.0.0.1:{client.port()}"

    window.wait_until(lambda: window.people() == [address], f"{address} in the people list")
    window.wait_system(f"{address} joined")
    window.wait_peer_text("hi server\n", sender=address)
    assert window.peer_bytes(address) == b"hi server\n"

    window.set_target(address)
    assert window.window.controller.send_target == address
    window.type_and_enter("hello client")
    client.wait_received_bytes(b"hello client\n")
    own = window.entries(EntryKind.OWN)[-1]
    window.wait_delivered(own)
    assert address in own.sender

    client.wait_exit_ok()
    window.wait_until(lambda: window.people() == [], "the people list to empty")
    window.wait_system(f"{address} left")
    # the chosen client stays chosen, marked as gone: a message meant for it alone fails
    # rather than going to everyone
    assert window.targets() == ["", address]
    window.type_and_enter("are you still there?")
    own = window.entries(EntryKind.OWN)[-1]
    window.qtbot.waitUntil(lambda: own.delivery is Delivery.FAILED)
    assert "no longer connected" in own.detail


def test_raw_server_sends_to_everyone_or_to_the_chosen_client(open_window, spawn):
    window = open_window()
    port = window.host()
    # a waits for two replies, b for one: b must not get what is meant for a alone
    a = spawn("tcp_tutorial_client.py", "127.0.0.1", str(port), "utf-8", "from a\n", "2")
    b = spawn("tcp_tutorial_client.py", "127.0.0.1", str(port), "utf-8", "from b\n", "1")
    a_address, b_address = f"127.0.0.1:{a.port()}", f"127.0.0.1:{b.port()}"
    window.wait_until(
        lambda: sorted(window.people()) == sorted([a_address, b_address]), "both clients"
    )
    window.wait_peer_text("from a\n", sender=a_address)
    window.wait_peer_text("from b\n", sender=b_address)

    window.set_target(a_address)
    window.type_and_enter("only a")
    a.wait_received_bytes(b"only a\n")

    window.set_target("")
    window.type_and_enter("to all")
    a.wait_received_bytes(b"only a\nto all\n")
    b.wait_received_bytes(b"to all\n")
    a.wait_exit_ok()
    b.wait_exit_ok()
    for own in window.entries(EntryKind.OWN):
        window.wait_delivered(own)
    window.wait_until(lambda: window.people() == [], "the people list to empty")


def test_chosen_client_stays_chosen_while_others_come_and_go(open_window, spawn):
    window = open_window()
    port = window.host()
    b = spawn("tcp_tutorial_client.py", "127.0.0.1", str(port), "utf-8", "b here\n", "1")
    b_address = f"127.0.0.1:{b.port()}"
    window.wait_until(lambda: window.people() == [b_address], "b in the people list")
    window.set_target(b_address)

    # a says something and leaves at once (it waits for no reply)
    a = spawn("tcp_tutorial_client.py", "127.0.0.1", str(port), "utf-8", "a passing\n", "0")
    a_address = f"127.0.0.1:{a.port()}"
    a.wait_exit_ok()
    window.wait_system(f"{a_address} left")
    window.wait_until(lambda: window.people() == [b_address], "only b left")

    assert window.window.raw_options.target_box.currentData() == b_address
    assert window.window.controller.send_target == b_address
    window.type_and_enter("for b")
    b.wait_received_bytes(b"for b\n")
    own = window.entries(EntryKind.OWN)[-1]
    assert own.sender.endswith(b_address)
    window.wait_delivered(own)


@pytest.mark.parametrize("chunk", [MIB, 1000], ids=["one-sendall", "1000-byte-sends"])
def test_raw_server_takes_a_megabyte_and_stays_usable(open_window, spawn, chunk):
    window = open_window()
    port = window.host()
    client = spawn("blob_client.py", "127.0.0.1", str(port), str(MIB), str(chunk))
    address = f"127.0.0.1:{client.port()}"
    blob = (bytes(range(256)) * (MIB // 256))[:MIB]

    window.wait_until(
        lambda: sum(len(e.raw or b"") for e in window.peer_entries(address)) >= MIB,
        "the whole megabyte",
        timeout=20000,
    )
    assert sum(len(e.raw or b"") for e in window.peer_entries(address)) == MIB
    assert window.peer_bytes(address) == blob
    # every byte is shown: valid UTF-8 as text, the rest as \xNN
    assert window.peer_text(address) == blob.decode("utf-8", "backslashreplace")

    window.type_and_enter("still here")
    client.wait_received_bytes(b"still here\n")
    own = window.entries(EntryKind.OWN)[-1]
    window.wait_delivered(own)
    assert own.delivery is Delivery.DELIVERED
    client.wait_exit_ok()


def test_stopping_the_raw_server_hangs_up_on_its_clients(open_window, spawn):
    window = open_window()
    port = window.host()
    client = spawn("tcp_tutorial_client.py", "127.0.0.1", str(port), "utf-8", "hi\n")
    address = f"127.0.0.1:{client.port()}"
    window.wait_until(lambda: window.people() == [address], "the client in the people list")
    # read before stopping: closing a socket with unread data resets it instead
    window.wait_peer_text("hi\n", sender=address)

    window.stop()

    client.wait_exit_ok()
    assert client.lines()[1:] == ["closed"]
    assert window.people() == []
    assert window.targets() == [""]
    assert window.window.panel.start_button.text() == "Start"
