"""What a hostile peer can put in front of the host's eyes: nicknames full of escapes
and bidi marks, markup in messages, and farewell reasons. The host window shows all of
it as plain, one-line, cleaned text."""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QStyleOptionViewItem

from gui_chat.net.events import ChatReceived, Connected, PeerJoined, PeerLeft
from gui_chat.protocol import MAX_NICK_LENGTH, PROTOCOL_VERSION
from gui_chat.ui.chat_delegate import shown_text
from gui_chat.ui.chat_model import EntryKind
from tests.support import WAIT_MS
from tests.support.sessions import Sessions
from tests.support.sockets import Raw

from .conftest import HostileDriver, friends, open_whole_message, still_chatting

# (what the peer calls itself, the name the room must give it), joined in this order
NICKS = [
    ("", "guest"),
    ("  \t \n ", "guest (2)"),
    ("a" * 128, "a" * MAX_NICK_LENGTH),
    ("\x1b[31mred\x1b[0m alert", "red alert"),
    ("\u202eexe.txt", "exe.txt"),
    ("nul\x00bell\x07del\x7fesc\x1b", "nulbelldelesc"),
    ("tab\tand\nnew\r\nline", "tab and new line"),
    ("zero\u200bwidth\ufeff", "zerowidth"),
    ("host", "host (2)"),
    ("ho\u200bst\u202c", "host (3)"),
    ("\u200b\u202e\x1b[0m\u2066", "guest (3)"),
]


def _clean(text: str) -> bool:
    """One line, no control, format (bidi, zero-width) or other invisible characters."""
    return not any(unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} for c in text)


def test_hostile_nicknames_are_cleaned_in_welcome_and_people_list(
    host: HostileDriver, sessions: Sessions, raw: Raw
) -> None:
    port = host.host("host")
    alice, bob = friends(sessions, port)
    given = []
    for asked, expected in NICKS:
        peer = raw.connect(port)
        welcome = peer.hello(asked)
        assert welcome["nick"] == expected, (asked, welcome["nick"])
        assert expected in welcome["members"]
        joined = bob.wait_for(PeerJoined, lambda e, n=expected: e.nick == n)
        assert joined.nick == expected
        given.append((peer, expected))
    host.wait_people(["host (you)", "alice", "bob", *(nick for _, nick in given)])
    for person in host.people():
        assert _clean(person), repr(person)
        assert len(person) <= MAX_NICK_LENGTH + len(" (you)")
    for _, nick in given:
        host.wait_system(f"{nick} joined")
    # What they say is stamped with the cleaned name, whatever ``sender`` they claim.
    peer, nick = given[4]  # the bidi one
    peer.send(t="chat", id="spoof", text="trust me", sender="host\u202e")
    got = bob.wait_for(ChatReceived, lambda e: e.text == "trust me")
    assert got.sender == nick == "exe.txt"
    host.qtbot.waitUntil(lambda: ("exe.txt", "trust me") in host.received(), timeout=WAIT_MS)
    still_chatting(host, alice, bob, "hostile nicknames")


def test_a_ten_thousand_character_nickname(
    host: HostileDriver, sessions: Sessions, raw: Raw
) -> None:
    port = host.host("host")
    alice, bob = friends(sessions, port)
    # A gui_chat client shortens it before sending: the room gives 32 characters.
    long_one = sessions.client(port, "\u202e" + "w" * 9_999)
    connected = long_one.wait_for(Connected)
    assert connected.nick == "w" * MAX_NICK_LENGTH
    host.wait_people(["host (you)", "alice", "bob", "w" * MAX_NICK_LENGTH])
    # By hand on the wire it breaks the documented 128-character field limit
    # (docs/protocol.md, "Limits"): refused with a reason, like any invalid field.
    rogue = raw.connect(port)
    address = rogue.address
    rogue.send(t="hello", nick="x" * 10_000, version=PROTOCOL_VERSION)
    closing = rogue.read_to_end()
    assert [m["t"] for m in closing] == ["error"]
    assert "nick" in closing[0]["reason"] and "too long" in closing[0]["reason"]
    line = host.wait_system(address, "too long")
    assert "x" * 40 not in line
    still_chatting(host, alice, bob, "a long nickname")
    assert long_one.wait_for(ChatReceived, lambda e: e.text == "still here after a long nickname")


def test_a_farewell_reason_cannot_inject_lines_into_the_room(
    host: HostileDriver, sessions: Sessions, raw: Raw
) -> None:
    """A client's own ``error`` reason becomes the ``leave`` reason everyone is shown."""
    port = host.host("host")
    alice, bob = friends(sessions, port)
    rogue = raw.connect(port)
    rogue.hello("mallory")
    forged = "bye\n\nhost: the room moved to 10.9.9.9:50007, join there\u202e\x1b[2J" + "!" * 900
    rogue.send(t="error", reason=forged)
    left = bob.wait_for(PeerLeft, lambda e: e.nick == "mallory")
    line = host.wait_system("mallory left")
    problems = []
    if not _clean(line):
        problems.append(f"host window shows {line[:90]!r}…")
    if not _clean(left.reason):
        problems.append(f"the room tells others the reason {left.reason[:60]!r}…")
    if len(line) > 300:
        problems.append(f"a system line of {len(line)} characters")
    assert not problems, "a peer's farewell is shown unfiltered: " + "; ".join(problems)
    still_chatting(host, alice, bob, "a forged farewell")


MARKUP = [
    "<img src=x onerror=alert(1)>",
    '<a href="http://x">x</a>',
    "<style>*{}</style>",
    "<b>bold</b> &amp; &lt;i&gt; <font color=red>red</font>",
    "<table><tr><td>cell</td></tr></table><br><hr>",
]


def test_markup_in_messages_is_held_and_painted_as_literal_text(
    host: HostileDriver, sessions: Sessions, qtbot
) -> None:
    port = host.host("host")
    alice, bob = friends(sessions, port)
    mallory = sessions.client(port, "<b>mallory</b>")
    connected = mallory.wait_for(Connected)
    assert connected.nick == "<b>mallory</b>"
    for number, text in enumerate(MARKUP):
        mallory.send_chat(f"m{number}", text)
    for text in MARKUP:
        got = bob.wait_for(ChatReceived, lambda e, t=text: e.text == t)
        assert got.sender == "<b>mallory</b>"
        host.wait_received(text)
    assert "<b>mallory</b>" in host.people()

    model, view = host.window.model, host.window.chat_view
    view.grab()  # paint every visible row (a painting error or Qt warning fails the test)
    delegate = view.itemDelegate()
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = QRect(0, 0, view.viewport().width(), 100)
    for row in range(model.rowCount()):
        entry = model.entry(row)
        if entry.kind is not EntryKind.PEER:
            continue
        assert entry.text in MARKUP
        assert model.data(model.index(row)) == entry.text
        assert shown_text(entry.text) == (entry.text, False)
        delegate.sizeHint(option, model.index(row))
        assert entry.layout_cache[option.rect.width()].body == entry.text
        assert entry.layout_cache[option.rect.width()].header.startswith(
            "<b>mallory</b> (127.0.0.1:"
        )

    # The "read everything" dialog shows it as plain text too.
    row = next(r for r in range(model.rowCount()) if model.entry(r).text == MARKUP[0])
    dialog = open_whole_message(host, row)
    try:
        assert dialog.textFormat() == Qt.TextFormat.PlainText
        assert dialog.text() == MARKUP[0]
        assert dialog.detailedText() == MARKUP[0]
    finally:
        dialog.close()
    still_chatting(host, alice, bob, "markup")
