"""UDP windows, and starting, stopping and closing sessions."""

from __future__ import annotations

from gui_chat.ui.chat_model import Delivery, EntryKind
from gui_chat.ui.session_settings import Mode


def test_udp_pair_chats_both_ways_and_marks_delivery(open_window):
    alice, bob = open_window(), open_window()
    alice_port = alice.udp("alice")
    bob_port = bob.udp("bob", target_port=alice_port)
    # alice was started before bob's port was known: she points her peer field at him
    alice.window.panel.remote_port_box.setValue(bob_port)

    bob.type_and_enter("hi alice, 你好")
    alice.wait_received("hi alice, 你好")
    alice.type_and_enter("hi bob")
    bob.wait_received("hi bob")

    sender, _ = alice.received()[0]
    entry = next(e for e in alice.window.model.entries() if e.kind is EntryKind.PEER)
    assert sender == "bob"
    assert entry.address == f"127.0.0.1:{bob_port}"
    for window in (alice, bob):
        own = next(e for e in window.window.model.entries() if e.kind is EntryKind.OWN)
        window.qtbot.waitUntil(lambda own=own: own.delivery is Delivery.DELIVERED)


def test_udp_message_nobody_receives_is_marked_failed(open_window, qtbot):
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        silent_port = probe.getsockname()[1]
    lonely = open_window()
    lonely.udp("lonely", target_port=silent_port)
    lonely.type_and_enter("anyone?")
    own = next(e for e in lonely.window.model.entries() if e.kind is EntryKind.OWN)
    qtbot.waitUntil(lambda: own.delivery is Delivery.FAILED, timeout=15000)
    assert "nobody is listening" in own.detail


def test_udp_message_too_long_for_a_datagram_is_refused_in_words(open_window, qtbot):
    alice, bob = open_window(), open_window()
    alice_port = alice.udp("alice")
    bob.udp("bob", target_port=alice_port)
    bob.type_and_enter("长" * 1000)
    own = next(e for e in bob.window.model.entries() if e.kind is EntryKind.OWN)
    qtbot.waitUntil(lambda: own.delivery is Delivery.FAILED)
    assert "UDP" in own.detail
    assert "UDP" in bob.status()


def test_stop_and_start_again_with_other_settings(open_window):
    window = open_window()
    window.host("host")
    window.stop()
    assert window.window.panel.start_button.text() == "Start"
    assert window.window.panel.mode_box.isEnabled()
    peer = open_window()
    peer_port = peer.udp("peer")
    window.udp("again", target_port=peer_port)
    window.type_and_enter("second session works")
    peer.wait_received("second session works")
    window.stop()
    port = window.host("host-again")
    guest = open_window()
    guest.join(port, "guest")
    guest.type_and_enter("third session works")
    window.wait_received("third session works")


def test_sending_without_a_session_says_so_and_keeps_the_text(open_window):
    window = open_window()
    window.type_and_enter("not yet")
    assert "Start" in window.status()
    assert window.window.input.toPlainText() == "not yet"
    assert window.texts() == []


def test_joining_without_an_address_says_what_is_missing(open_window):
    window = open_window()
    window.setup(Mode.JOIN, "guest", remote_port=50007)
    window.window.panel.remote_host_edit.setText("")
    window.click_start()
    assert "address" in window.status()
    assert not window.window.controller.running


def test_no_such_host_is_reported(open_window):
    window = open_window()
    window.setup(Mode.JOIN, "guest", remote_port=50007)
    window.window.panel.remote_host_edit.setText("no-such-host.invalid")
    with window.qtbot.waitSignal(window.window.controller.ended, timeout=10000) as ended:
        window.click_start()
    assert "no such host" in ended.args[0]


def test_closing_windows_joins_every_session_thread(open_window):
    host = open_window()
    port = host.host("host")
    clients = [open_window() for _ in range(3)]
    for number, client in enumerate(clients):
        client.join(port, f"c{number}")
    udp = open_window()
    udp.udp("udp")
    for driver in [host, *clients, udp]:
        assert driver.window.controller.thread_alive()
    for driver in [udp, host, *clients]:
        driver.window.close()
    for driver in [host, *clients, udp]:
        assert not driver.window.controller.thread_alive()
        assert not driver.window.controller.running


def test_lan_addresses_are_shown(open_window):
    window = open_window()
    assert window.window.panel.lan_label.text().strip()


def test_many_messages_arrive_in_order(open_window):
    host = open_window()
    port = host.host("host")
    client = open_window()
    client.join(port, "fast")
    for number in range(300):
        client.window.controller.send(f"message {number}")
    host.qtbot.waitUntil(lambda: len(host.received()) == 300, timeout=10000)
    assert [text for _, text in host.received()] == [f"message {n}" for n in range(300)]


def test_raw_line_ending_applies_to_every_line(open_window):
    import socket

    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(5)
        window = open_window()
        window.setup(Mode.JOIN, "device", remote_port=server.getsockname()[1])
        window.window.panel.set_raw(True)
        options = window.window.raw_options
        options.line_end_box.setCurrentIndex(
            next(
                i
                for i in range(options.line_end_box.count())
                if options.line_end_box.itemData(i) == b"\r\n"
            )
        )
        window.click_start()
        connection, _ = server.accept()
        with connection:
            connection.settimeout(5)
            window.type_and_enter("first\nsecond")
            received = b""
            while not received.endswith(b"second\r\n"):
                received += connection.recv(1024)
            assert received == b"first\r\nsecond\r\n"
