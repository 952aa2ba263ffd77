"""Encodings both ways: what we send is the right bytes, what we get is shown right.

The GBK greeting '你好，世界' is c4e3 bac3 a3ac cac0 bde7. Read as UTF-8 it is mostly
invalid (shown as ``\\xNN``) except c3 a3, which happens to be UTF-8 for 'ã', and its
last byte e7 starts a UTF-8 character that never gets finished.
"""

from __future__ import annotations

from gui_chat.ui.chat_model import EntryKind

GREETING = "你好，世界"
GREETING_GBK = GREETING.encode("gbk")
GREETING_AS_UTF8 = GREETING_GBK.decode("utf-8", "backslashreplace")


def test_gbk_window_sends_gbk_and_shows_the_gbk_answer(open_window, spawn):
    server = spawn("gbk_server.py")
    port = server.port()
    window = open_window()
    window.join(port, encoding="gbk")

    window.type_and_enter("你好")

    assert server.wait_received(1) == [bytes.fromhex("c4e3bac3") + b"\n"]
    window.wait_peer_text(GREETING, sender=f"127.0.0.1:{port}")
    assert window.peer_bytes() == GREETING_GBK
    own = window.entries(EntryKind.OWN)[-1]
    assert own.text == "你好"
    window.wait_delivered(own)


def test_utf8_window_shows_gbk_bytes_as_escapes(open_window, spawn):
    server = spawn("gbk_server.py")
    port = server.port()
    window = open_window()
    window.join(port, encoding="utf-8")

    window.type_and_enter("hi")

    window.wait_until(lambda: window.peer_bytes() == GREETING_GBK, "the GBK greeting's bytes")
    # everything but the unfinished last byte, which may wait for the rest of its character
    shown_now = GREETING_AS_UTF8.removesuffix("\\xe7")
    window.wait_until(lambda: window.peer_text() == shown_now, f"the text {shown_now!r}")
    assert "\\xc4" in window.peer_text()
    assert "\ufffd" not in window.peer_text()
    assert window.window.controller.running


def test_raw_client_shows_an_unfinished_character_when_the_server_hangs_up(open_window, spawn):
    """The last byte e7 is half a UTF-8 character; when the stream ends it is never
    finished, so it must be shown as \\xe7 — raw mode promises no byte is dropped."""
    server = spawn("gbk_server.py")
    port = server.port()
    window = open_window()
    window.join(port, encoding="utf-8")

    window.type_and_enter("bye")  # the server answers, then hangs up

    window.wait_until(lambda: not window.window.controller.running, "the session to end")
    assert window.status() == f"Disconnected: 127.0.0.1:{port} closed the connection"
    assert window.peer_bytes() == GREETING_GBK
    assert window.peer_text() == GREETING_AS_UTF8, "the unfinished last byte was dropped"


def test_raw_server_shows_an_unfinished_character_when_the_client_leaves(open_window, spawn):
    window = open_window()
    port = window.host(encoding="utf-8")
    client = spawn("tcp_tutorial_client.py", "127.0.0.1", str(port), "gbk", GREETING)
    address = f"127.0.0.1:{client.port()}"
    window.wait_until(lambda: window.peer_bytes(address) == GREETING_GBK, "the GBK bytes")

    window.type_and_enter("bye")  # the client prints the reply and leaves
    client.wait_received_bytes(b"bye\n")
    window.wait_system(f"{address} left")

    assert window.peer_text(address) == GREETING_AS_UTF8


def test_gbk_server_window_shows_a_gbk_client(open_window, spawn):
    window = open_window()
    port = window.host(encoding="gbk")
    client = spawn("tcp_tutorial_client.py", "127.0.0.1", str(port), "gbk", GREETING + "\n")
    address = f"127.0.0.1:{client.port()}"

    window.wait_peer_text(GREETING + "\n", sender=address)

    window.type_and_enter("收到")
    client.wait_received_bytes("收到\n".encode("gbk"))


def test_gbk_character_split_across_tcp_sends_stays_whole(open_window, spawn):
    server = spawn("gbk_split_server.py")
    port = server.port()
    window = open_window()
    window.join(port, encoding="gbk")

    # each message we send releases the next piece: c4 | e3 ba | c3 a3 ac ca c0 bd e7
    window.type_and_enter("1")
    window.wait_until(lambda: window.peer_bytes() == b"\xc4", "the first half of 你")
    assert window.peer_text() == ""  # half a character is not shown as garbage
    window.type_and_enter("2")
    window.wait_until(lambda: window.peer_bytes() == b"\xc4\xe3\xba", "你 and half of 好")
    assert window.peer_text() == "你"
    window.type_and_enter("3")
    window.wait_peer_text(GREETING)
    assert window.peer_bytes() == GREETING_GBK
    assert "\\x" not in window.peer_text()
    server.wait_until(lambda: len(server.lines()) >= 7, "the server's report")
    assert server.lines()[1:] == [
        "recv 310a",
        "sent c4",
        "recv 320a",
        "sent e3ba",
        "recv 330a",
        "sent c3a3accac0bde7",
    ]


def test_latin1_round_trip_of_cafe(open_window, spawn):
    server = spawn("tcp_upper_server.py")
    port = server.port()
    window = open_window()
    window.join(port, encoding="latin-1")

    window.type_and_enter("café")

    server.wait_received_bytes(b"caf\xe9\n")
    # the tutorial server upper-cases bytes: only ASCII changes, \xe9 comes back as é
    window.wait_peer_text("CAFé\n")
    assert window.peer_bytes() == b"CAF\xe9\n"


def test_character_gbk_cannot_write_is_refused_by_name(open_window, spawn):
    server = spawn("gbk_server.py")
    port = server.port()
    window = open_window()
    window.join(port, encoding="gbk")

    window.type_and_enter("hi 😀")

    assert window.status_is_error()
    assert "'😀'" in window.status()
    assert "U+1F600" in window.status()
    assert window.entries(EntryKind.OWN) == []
    assert window.window.input.toPlainText() == "hi 😀"  # kept, to be edited

    # nothing went out: the next message is the first thing the server gets
    window.type_and_enter("你好")
    assert server.wait_received(1) == ["你好\n".encode("gbk")]


def test_gb18030_writes_what_gbk_cannot(open_window, spawn):
    server = spawn("gbk_server.py")
    port = server.port()
    window = open_window()
    window.join(port, encoding="gb18030")

    window.type_and_enter("😀")

    assert server.wait_received(1) == ["😀\n".encode("gb18030")]
    window.wait_peer_text(GREETING)  # GB18030 reads GBK
