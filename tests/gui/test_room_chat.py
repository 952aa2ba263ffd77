"""A TCP room and its clients, each in a real window, chatting over loopback."""

from __future__ import annotations

import socket

from gui_chat.ui.chat_model import Delivery, EntryKind
from gui_chat.ui.session_settings import Mode


def test_host_and_three_clients_all_see_each_other(open_window):
    host = open_window()
    port = host.host("host")
    clients = [open_window() for _ in range(3)]
    for number, client in enumerate(clients, 1):
        client.join(port, f"client{number}")
    for window in [host, *clients]:
        window.wait_people(4)
    assert "client1 (you)" in clients[0].people()

    for number, client in enumerate(clients, 1):
        client.type_and_enter(f"hello from client{number} 你好")
    host.type_and_enter("welcome, everyone")

    for number, client in enumerate(clients, 1):
        text = f"hello from client{number} 你好"
        host.wait_received(text)
        for other in clients:
            if other is not client:
                other.wait_received(text)
        client.wait_received("welcome, everyone")
    for window in [host, *clients]:
        # nobody gets their own message back, and every own message is confirmed
        own = [e for e in window.window.model.entries() if e.kind is EntryKind.OWN]
        assert len(own) == 1
        window.qtbot.waitUntil(lambda own=own: own[0].delivery is Delivery.DELIVERED)
        assert all(sender != own[0].sender for sender, _ in window.received())
    assert ("client2", "hello from client2 你好") in clients[0].received()
    assert ("host", "welcome, everyone") in clients[2].received()


def test_join_and_leave_are_announced(open_window):
    host = open_window()
    port = host.host("host")
    alice, bob = open_window(), open_window()
    alice.join(port, "alice")
    bob.join(port, "bob")
    host.wait_system("bob joined")
    alice.wait_system("bob joined")
    bob.stop()
    host.wait_system("bob left")
    alice.wait_system("bob left")
    alice.wait_people(2)
    assert sorted(alice.people()) == ["alice (you)", "host"]
    alice.type_and_enter("still here")
    host.wait_received("still here")


def test_same_nickname_is_told_apart(open_window):
    host = open_window()
    port = host.host("host")
    first, second = open_window(), open_window()
    assert first.join(port, "alice") == "alice"
    assert second.join(port, "alice") == "alice (2)"
    second.type_and_enter("who am I")
    first.qtbot.waitUntil(lambda: ("alice (2)", "who am I") in first.received())


def test_markup_from_a_peer_is_shown_literally(open_window):
    host = open_window()
    port = host.host("host")
    client = open_window()
    client.join(port, "<b>mallory</b>")
    hostile = '<b>bold</b> <img src="x.png"> <a href="http://example.invalid">link</a>'
    client.type_and_enter(hostile)
    host.wait_received(hostile)
    assert ("<b>mallory</b>", hostile) in host.received()


def test_enter_sends_shift_enter_adds_a_line_and_blank_is_not_sent(open_window, qtbot):
    from PySide6.QtCore import Qt

    host = open_window()
    port = host.host("host")
    client = open_window()
    client.join(port, "typist")
    box = client.window.input
    box.setFocus()
    qtbot.keyClicks(box, "line one")
    qtbot.keyClick(box, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(box, "line two")
    assert box.toPlainText() == "line one\nline two"
    qtbot.keyClick(box, Qt.Key.Key_Return)
    host.wait_received("line one\nline two")
    assert box.toPlainText() == ""
    qtbot.keyClicks(box, "   ")
    with qtbot.assertNotEmitted(box.submitted):
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert client.texts(EntryKind.OWN) == ["line one\nline two"]


def test_connecting_to_a_closed_port_says_refused(open_window):
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    client = open_window()
    client.setup(Mode.JOIN, "late", remote_port=closed_port)
    with client.qtbot.waitSignal(client.window.controller.ended, timeout=5000) as ended:
        client.click_start()
    assert "refused" in ended.args[0]
    assert "refused" in client.status()
    assert client.window.panel.start_button.text() == "Connect"
    assert client.window.panel.mode_box.isEnabled()


def test_a_second_room_on_a_used_port_fails_and_the_first_keeps_working(open_window):
    first = open_window()
    port = first.host("first")
    second = open_window()
    second.setup(Mode.HOST, "second", local_port=port)
    with second.qtbot.waitSignal(second.window.controller.ended, timeout=5000) as ended:
        second.click_start()
    assert ended.args[1] is True
    assert "already in use" in second.status()
    client = open_window()
    client.join(port, "guest")
    client.type_and_enter("the first room still works")
    first.wait_received("the first room still works")


def test_clients_are_told_when_the_room_closes_and_rejoin_when_it_is_back(open_window):
    host = open_window()
    port = host.host("host")
    client = open_window()
    client.join(port, "guest")
    with client.qtbot.waitSignal(client.window.controller.reconnecting, timeout=5000):
        host.stop()
    assert "closed" in client.status()
    assert "reconnecting" in client.status()
    assert client.people() == []
    assert client.window.controller.running  # still trying, until the user disconnects

    client.type_and_enter("typed while the room was away")
    own = [e for e in client.window.model.entries() if e.kind is EntryKind.OWN][-1]
    assert own.delivery is Delivery.SENDING

    with client.qtbot.waitSignal(client.window.controller.joined, timeout=10000):
        host.host("host again", port=port)
    host.wait_received("typed while the room was away")
    client.qtbot.waitUntil(lambda: own.delivery is Delivery.DELIVERED)
    host.type_and_enter("welcome back")
    client.wait_received("welcome back")
    assert client.texts(EntryKind.PEER).count("welcome back") == 1
    assert host.texts(EntryKind.PEER).count("typed while the room was away") == 1


def test_disconnect_while_reconnecting_stops_trying(open_window):
    host = open_window()
    port = host.host("host")
    client = open_window()
    client.join(port, "guest")
    with client.qtbot.waitSignal(client.window.controller.reconnecting, timeout=5000):
        host.stop()
    client.type_and_enter("never sent")
    client.stop()
    own = [e for e in client.window.model.entries() if e.kind is EntryKind.OWN][-1]
    assert own.delivery is Delivery.FAILED
    assert not client.window.controller.running


def test_a_client_that_sends_garbage_is_dropped_and_others_carry_on(open_window):
    host = open_window()
    port = host.host("host")
    friend = open_window()
    friend.join(port, "friend")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as rogue:
        rogue.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        host.wait_system("invalid data")
        rogue.settimeout(5)
        reply = b""
        while chunk := rogue.recv(4096):
            reply += chunk
    assert b"too large" in reply or b"invalid" in reply.lower()
    friend.type_and_enter("unbothered")
    host.wait_received("unbothered")


def test_a_long_conversation_keeps_every_message_and_scrolls_back(open_window, qtbot):
    from gui_chat.ui.chat_model import MAX_ROWS, TRIM_STEP

    host = open_window()
    port = host.host("host")
    client = open_window()
    client.join(port, "chatty")
    count = 3000
    for number in range(count):
        client.window.controller.send(f"line {number}")
    model = host.window.model
    qtbot.waitUntil(lambda: model.entry_count() >= count + 2, timeout=20000)
    # every message is there, in order; the view itself holds only the newest rows
    assert [e.text for e in model.entries() if e.kind is EntryKind.PEER] == [
        f"line {n}" for n in range(count)
    ]
    assert model.rowCount() <= MAX_ROWS + TRIM_STEP
    newest_shown = model.entry(model.rowCount() - 1).text
    assert newest_shown == f"line {count - 1}"
    # scrolling to the top brings older rows back, a page at a time
    before, first_line = model.rowCount(), int(model.entry(0).text.split()[1])
    host.window.chat_view.verticalScrollBar().setValue(0)
    qtbot.waitUntil(lambda: model.rowCount() == before + 100)
    assert int(model.entry(0).text.split()[1]) == first_line - 100
