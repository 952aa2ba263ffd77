"""Languages: the window switches to Simplified Chinese while running, and back to English.

Every test that installs Chinese switches back to English in a ``finally`` block: the
QApplication (and so the installed translators) is shared by all tests.
"""

from __future__ import annotations

import errno
import os
import re
import socket
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from PySide6.QtCore import QCoreApplication

from gui_chat.net import errors
from gui_chat.resources import resource_dir
from gui_chat.ui import i18n
from gui_chat.ui.chat_model import Delivery, EntryKind
from gui_chat.ui.main_window import MainWindow
from gui_chat.ui.net_text import RULES, translate_net_text
from gui_chat.ui.session_settings import Mode

TS_FILE = resource_dir() / "i18n" / "gui_chat_zh_CN.ts"
QM_FILE = resource_dir() / "i18n" / "gui_chat_zh_CN.qm"
WAIT_MS = 5000
_CJK = re.compile(r"[\u4e00-\u9fff]")
_FIELD = re.compile(r"\{[^{}]*\}")


def tr(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def deliver_language_change() -> None:
    """QApplication posts LanguageChange to the windows; the event loop delivers it."""
    QCoreApplication.processEvents()


@contextmanager
def chinese(window: MainWindow) -> Iterator[None]:
    """Chinese through the View → Language menu; English again afterwards, whatever happens."""
    try:
        window.language_actions["zh_CN"].trigger()
        assert window.language_actions["zh_CN"].isChecked()
        deliver_language_change()
        yield
    finally:
        i18n.install_language("en")
        deliver_language_change()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def window_texts(window: MainWindow) -> dict[str, object]:
    """The texts a language switch must change (and restore)."""
    panel, nearby, raw = window.panel, window.nearby, window.raw_options
    return {
        "send": window.send_button.text(),
        "people": window.people_box.title(),
        "chat_menu": window.chat_menu.title(),
        "view_menu": window.view_menu.title(),
        "language_menu": window.language_menu.title(),
        "theme_system": window.theme_actions["system"].text(),
        "status": window.status_label.text(),
        "connection": panel.title(),
        "modes": [panel.mode_box.itemText(i) for i in range(panel.mode_box.count())],
        "framings": [panel.framing_box.itemText(i) for i in range(panel.framing_box.count())],
        "start": panel.start_button.text(),
        "remote_label": panel.remote_label.text(),
        "nick_label": panel.nick_label.text(),
        "nick_placeholder": panel.nick_edit.placeholderText(),
        "lan": panel.lan_label.text(),
        "nearby": nearby.title(),
        "nearby_hint": nearby.hint.text(),
        "nearby_header": nearby.tree.headerItem().text(0),
        "everyone": raw.target_box.itemText(0),
        "line_ends": [raw.line_end_box.itemText(i) for i in range(raw.line_end_box.count())],
        "hex_view": raw.hex_view_box.text(),
        "input": window.input.placeholderText(),
    }


# ----- the translation files ----------------------------------------------------------------
def test_translation_source_is_complete_and_keeps_placeholders():
    assert TS_FILE.is_file() and QM_FILE.is_file()
    root = ET.parse(TS_FILE).getroot()
    messages = [
        (context.findtext("name"), message)
        for context in root.iter("context")
        for message in context.iter("message")
    ]
    assert len(messages) > 150
    for context, message in messages:
        source = message.findtext("source")
        translation = message.find("translation")
        where = f"{context}: {source!r}"
        assert translation.get("type") is None, f"unfinished: {where}"
        assert translation.text, f"empty: {where}"
        assert Counter(_FIELD.findall(source)) == Counter(_FIELD.findall(translation.text)), where
        if re.search(r"&\w", source):
            assert re.search(r"&\w", translation.text), f"lost its shortcut: {where}"


def test_install_language_loads_the_chinese_translation(qapp):
    try:
        assert i18n.install_language("zh_CN") == "zh_CN", "gui_chat_zh_CN.qm did not load"
        assert tr("MainWindow", "Send") != "Send"
        assert has_cjk(tr("MainWindow", "Send"))
    finally:
        assert i18n.install_language("en") == "en"
    assert tr("MainWindow", "Send") == "Send"


# ----- the window -----------------------------------------------------------------------------
def test_switching_language_retranslates_the_window_and_back(open_window):
    window = open_window().window
    modes = [window.panel.mode_box.itemData(i) for i in range(window.panel.mode_box.count())]
    english = window_texts(window)
    assert english["send"] == "Send"
    assert english["start"] == "Start"
    assert english["everyone"] == "Everyone"

    with chinese(window):
        shown = window_texts(window)
        assert shown["send"] == tr("MainWindow", "Send")
        assert shown["modes"][0] == tr("ConnectionPanel", "Host a TCP room")
        assert shown["connection"] == tr("ConnectionPanel", "Connection")
        assert shown["chat_menu"] == tr("MainWindow", "&Chat")
        assert shown["nearby_hint"] == tr(
            "NearbyPanel", "Discovery is off; enter addresses by hand."
        )
        assert shown["start"] == tr("ConnectionPanel", "Start")
        assert shown["everyone"] == tr("RawOptions", "Everyone")
        assert shown["line_ends"][0] == tr("RawOptions", "none")  # "\\n" reads the same
        assert shown["line_ends"][1:] == english["line_ends"][1:]
        for key, text in shown.items():
            if key != "line_ends":
                assert text != english[key], f"{key} is still {text!r}"
                assert all(map(has_cjk, text if isinstance(text, list) else [text])), key
        # Item data (what the code reads) is untouched; texts that follow state do so.
        assert [window.panel.mode_box.itemData(i) for i in range(3)] == modes
        window.panel.set_mode(Mode.JOIN)
        assert window.panel.start_button.text() == tr("ConnectionPanel", "Connect")
        assert window.panel.remote_label.text() == tr("ConnectionPanel", "Room at")
        window.panel.set_mode(Mode.HOST)
        dialog = window.open_search()
        assert dialog.windowTitle() == tr("SearchDialog", "Search history")
        dialog.close()
        mark = window.chat_view.itemDelegate().delivery_mark(Delivery.FAILED)
        assert tr("ChatDelegate", "not delivered") in mark

        assert window.set_language("en") == "en"
        deliver_language_change()
        assert window_texts(window) == english
        assert window.panel.mode() is Mode.HOST
        dialog = window.open_search()
        assert dialog.windowTitle() == "Search history"
        dialog.close()


def test_a_network_sentence_is_shown_in_chinese(open_window):
    client = open_window()
    port = closed_port()
    english = f"connection refused by 127.0.0.1:{port} — nothing is listening on that port"
    with chinese(client.window):
        client.setup(Mode.JOIN, "迟到的人", remote_port=port)
        with client.qtbot.waitSignal(client.window.controller.ended, timeout=WAIT_MS) as ended:
            client.click_start()
        assert ended.args[0] == english  # the signal carries the network's own words
        reason = tr("net", "connection refused by {0} — nothing is listening on that port")
        reason = reason.format(f"127.0.0.1:{port}")
        assert reason != english and has_cjk(reason)
        expected = tr("ChatController", "Disconnected: {0}").format(reason)
        assert client.status() == expected
        errors_shown = client.texts(EntryKind.ERROR)
        assert errors_shown[-1] == expected
        assert client.window.panel.start_button.text() == tr("ConnectionPanel", "Connect")
    assert client.window.panel.start_button.text() == "Connect"


def test_reconnecting_sentence_is_shown_in_chinese(open_window):
    host, client = open_window(), open_window()
    with chinese(client.window):
        port = host.host("主持人")
        client.join(port, "客人")
        with client.qtbot.waitSignal(client.window.controller.reconnecting, timeout=WAIT_MS):
            host.stop()
        template = tr("ChatController", "{0} — reconnecting in {1:g} s (attempt {2})…")
        pattern = re.escape(template)
        for field, group in (("{0}", "(.+)"), ("{1:g}", r"([\d.]+)"), ("{2}", r"(\d+)")):
            pattern = pattern.replace(re.escape(field), group)
        match = re.fullmatch(pattern, client.status())
        assert match is not None, client.status()
        possible = [
            "the room closed the connection: the host closed the room",
            "the room closed the connection",
        ]
        assert match.group(1) in [translate_net_text(reason) for reason in possible]
        assert has_cjk(match.group(1)) and match.group(3) == "1"
        client.stop()


def test_chinese_names_and_messages_round_trip(open_window):
    host, client = open_window(), open_window()
    text = "你好，世界！第二行：中文标点「」、emoji 🌏 と 日本語"
    with chinese(client.window):
        port = host.host("主持人")
        nick = client.join(port, "小明")
        assert nick == "小明"
        host.wait_people(2)
        assert "小明" in host.people()
        client.type_and_enter(text)
        host.wait_received(text)
        assert ("小明", text) in host.received()
        host.type_and_enter("收到了，谢谢")
        client.wait_received("收到了，谢谢")
        assert ("主持人", "收到了，谢谢") in client.received()
        assert tr("MainWindow", "{0} (you)").format("小明") in client.people()


# ----- sentences from the network layer --------------------------------------------------------
def test_net_sentences_stay_english_in_english(qapp):
    i18n.install_language("en")
    for rule in RULES:
        assert rule.pattern.fullmatch(rule.example), rule.example
        assert translate_net_text(rule.example) == rule.example
    assert translate_net_text("something new from gui_chat.net") == (
        "something new from gui_chat.net"
    )


def test_every_net_sentence_has_a_chinese_translation(qapp):
    try:
        assert i18n.install_language("zh_CN") == "zh_CN"
        for rule in RULES:
            first = next(r for r in RULES if r.pattern.fullmatch(rule.example))
            assert first is rule, f"{rule.example!r} is taken by {first.template!r}"
            shown = translate_net_text(rule.example)
            assert shown != rule.example and has_cjk(shown), rule.example
        nested = translate_net_text(
            "the connection to the room was lost: connection lost (reset by peer)"
        )
        assert nested == tr("net", "the connection to the room was lost: {0}").format(
            tr("net", "connection lost (reset by peer)")
        )
        assert translate_net_text("unknown words stay as they are") == (
            "unknown words stay as they are"
        )
    finally:
        i18n.install_language("en")


@pytest.mark.parametrize(
    "exc",
    [
        *(
            OSError(code, os.strerror(code))
            for code in (
                errno.EADDRINUSE,
                errno.EADDRNOTAVAIL,
                errno.ECONNREFUSED,
                errno.ETIMEDOUT,
                errno.EHOSTUNREACH,
                errno.ENETUNREACH,
                errno.EACCES,
            )
        ),
        socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
        TimeoutError(),
    ],
    ids=repr,
)
def test_net_error_sentences_are_known(qapp, exc):
    """gui_chat.net.errors words every socket error; each sentence has a pattern here."""
    sentence = str(errors.translate(exc, "10.0.0.9", 5000))
    try:
        assert i18n.install_language("zh_CN") == "zh_CN"
        assert has_cjk(translate_net_text(sentence)), f"no pattern for {sentence!r}"
    finally:
        i18n.install_language("en")
    assert translate_net_text(sentence) == sentence
