"""What people who keep the app open all day rely on: history, notifications,
remembered settings, the look."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from gui_chat.protocol import Chat, Connection, Hello
from gui_chat.store.history import History
from gui_chat.ui.chat_model import EntryKind
from gui_chat.ui.session_settings import Mode
from gui_chat.ui.theme import _light_palette, is_dark
from gui_chat.workers.session_worker import MAX_BATCH


def _chat_in_a_room(open_window, state_dir: Path, lines: list[str]) -> None:
    host = open_window(state_dir=state_dir)
    port = host.host("keeper")
    guest = open_window()
    guest.join(port, "visitor")
    for line in lines:
        guest.type_and_enter(line)
        host.wait_received(line)
    host.type_and_enter("answer from the host")
    guest.wait_received("answer from the host")
    host.window.close()
    guest.window.close()


def test_history_is_there_after_a_restart(open_window, tmp_path):
    _chat_in_a_room(open_window, tmp_path, ["first 你好", "second <b>plain</b>"])
    again = open_window(state_dir=tmp_path)
    again.host("keeper")
    shown = [(e.kind, e.text) for e in again.window.model.entries() if e.from_history]
    assert (EntryKind.PEER, "first 你好") in shown
    assert (EntryKind.PEER, "second <b>plain</b>") in shown
    assert (EntryKind.OWN, "answer from the host") in shown


def test_scrolling_to_the_top_loads_older_messages(open_window, tmp_path):
    history = History(tmp_path / "history.sqlite3")
    key = "room hosted on 127.0.0.1:0"
    history.add(
        key, [(float(n), "peer", "old", "", f"old message {n}", "", "") for n in range(250)]
    )
    history.close()
    window = open_window(state_dir=tmp_path)
    window.host("keeper")
    model = window.window.model
    assert model.entries()[0].text == "old message 150"  # the 100 most recent first
    bar = window.window.chat_view.verticalScrollBar()

    def scrolled_up_to_older_history() -> bool:
        # The view keeps a few screens of rows: the first scrolls bring back what it let
        # go of, then the next page comes from the history.
        bar.setValue(0)
        return model.entries()[0].text == "old message 50"

    window.qtbot.waitUntil(scrolled_up_to_older_history)


def test_search_finds_text_across_history(open_window, tmp_path, qtbot):
    _chat_in_a_room(open_window, tmp_path, ["the needle is here", "nothing to see"])
    window = open_window(state_dir=tmp_path)
    dialog = window.window.open_search()
    qtbot.keyClicks(dialog.query, "NEEDLE")
    assert dialog.results.count() == 1
    assert "the needle is here" in dialog.results.item(0).text()
    dialog.close()


def test_export_writes_the_conversation_as_text(open_window, tmp_path):
    host = open_window(state_dir=tmp_path)
    port = host.host("keeper")
    guest = open_window()
    guest.join(port, "visitor")
    guest.type_and_enter("export me 导出")
    host.wait_received("export me 导出")
    target = tmp_path / "conversation.txt"
    assert host.window.export_conversation(str(target))
    text = target.read_text(encoding="utf-8")
    assert "visitor: export me 导出" in text
    host.window.clear_conversation(confirm=False)
    assert host.window.model.entries() == []
    assert History(tmp_path / "history.sqlite3").recent(host.window.controller.conversation) == []


def test_history_can_be_turned_off(open_window, tmp_path):
    window = open_window(state_dir=tmp_path)
    window.window.history_action.setChecked(False)
    port = window.host("keeper")
    guest = open_window()
    guest.join(port, "visitor")
    guest.type_and_enter("not kept")
    window.wait_received("not kept")
    window.window.close()
    history = History(tmp_path / "history.sqlite3")
    assert history.search("not kept") == []
    history.close()


KILLED_HOST = r"""
import os, socket, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory
from gui_chat.ui.main_window import MainWindow
from gui_chat.ui.options import AppOptions
from gui_chat.ui.session_settings import Mode
app = QApplication([])
window = MainWindow(AppOptions(state_dir=Path(sys.argv[1])))
window.panel.set_mode(Mode.HOST)
window.panel.local_host_box.setEditText("127.0.0.1")
window.panel.local_port_box.setValue(0)
window.controller.bound.connect(lambda host, port: print(port, flush=True))
def check():
    if sum(e.kind.value == "peer" for e in window.model.entries()) >= 50:
        print("shown", flush=True)
    else:
        QTimer.singleShot(10, check)
window.panel.start_button.click()
check()
app.exec()
"""


def test_a_crash_loses_nothing_that_was_shown(tmp_path):
    from gui_chat.net.client import ClientConfig, RoomClient

    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_HOST, str(tmp_path)],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        import threading

        client = RoomClient(ClientConfig("127.0.0.1", port, "victim"), lambda events: None)
        thread = threading.Thread(target=client.run)
        thread.start()
        for number in range(50):
            client.send_chat(f"id{number}", f"kept {number}")
        assert process.stdout.readline().strip() == b"shown"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        client.stop()
        thread.join(timeout=5)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
    history = History(tmp_path / "history.sqlite3")
    stored = [m.text for m in history.search("kept ")]
    history.close()
    assert sorted(stored) == sorted(f"kept {n}" for n in range(50))


def test_unread_messages_are_counted_in_the_title_while_inactive(open_window, qtbot):
    host = open_window()
    port = host.host("keeper")
    guest = open_window()
    guest.join(port, "visitor")
    guest.window.activateWindow()
    qtbot.waitUntil(guest.window.isActiveWindow)
    assert not host.window.isActiveWindow()
    guest.type_and_enter("are you there, keeper?")
    host.wait_received("are you there, keeper?")
    assert host.window.notifier.unread == 1
    assert host.window.windowTitle().startswith("(1) ")
    assert host.window.model.entries()[-1].mention  # it names the host
    host.window.activateWindow()
    qtbot.waitUntil(host.window.isActiveWindow)
    qtbot.waitUntil(lambda: not host.window.windowTitle().startswith("("))
    assert host.window.notifier.unread == 0


def _burst_into(host, qtbot, port: int, texts: list[str]) -> None:
    """Send the room ``host`` hosts on ``port`` ``texts`` in one TCP burst from a plain
    socket, as a gui_chat client spells them; return once the window shows them all."""
    sender = Connection()
    burst = sender.send(Hello("visitor")) + b"".join(
        sender.send(Chat(f"id{number}", text)) for number, text in enumerate(texts)
    )
    with socket.create_connection(("127.0.0.1", port), timeout=5) as peer:
        peer.sendall(burst)  # arrives, and is handed to the window, in a few large batches

        def all_shown() -> bool:
            entries = host.window.model.entries()
            return sum(entry.kind is EntryKind.PEER for entry in entries) == len(texts)

        qtbot.waitUntil(all_shown, timeout=10_000)


def _marked_after_burst(open_window, qtbot, nick: str, texts: list[str]) -> list[str]:
    """Host a room as ``nick``, send it ``texts`` in one burst; the texts the window
    marked as naming the host."""
    host = open_window()
    _burst_into(host, qtbot, host.host(nick), texts)
    return [entry.text for entry in host.window.model.entries() if entry.mention]


def test_a_burst_reaches_the_window_in_batches_of_a_bounded_size(open_window, qtbot):
    """The room reads a burst as runs of chats; the window still gets them in batches
    of at most MAX_BATCH, so that it draws and answers between two."""
    host = open_window()
    port = host.host("keeper")
    batches: list[int] = []
    host.window.controller.incoming.connect(lambda rows: batches.append(len(rows)))
    _burst_into(host, qtbot, port, [f"line {number}" for number in range(3 * MAX_BATCH)])
    assert sum(batches) == 3 * MAX_BATCH
    assert max(batches) <= MAX_BATCH, batches


def test_in_a_burst_only_the_messages_that_name_us_are_marked(open_window, qtbot):
    texts = [f"line {number}" for number in range(300)]
    texts[57] = "KEEPER, look at this"
    texts[120] = "the keepers' room"  # a longer word: not the host's name
    texts[200] = "thanks\nkeeper"
    marked = _marked_after_burst(open_window, qtbot, "keeper", texts)
    assert marked == [texts[57], texts[200]]


def test_letters_that_match_the_name_when_case_is_ignored_make_a_mention(open_window, qtbot):
    # "ſ" (long s) is an "s" to a case-blind match, though "ſ".lower() is still "ſ"
    texts = ["hej kiſſa", "看这里", "kis sa"]
    marked = _marked_after_burst(open_window, qtbot, "kissa", texts)
    assert marked == ["hej kiſſa"]


def test_settings_come_back_in_a_new_window(open_window, tmp_path):
    first = open_window(state_dir=tmp_path)
    first.setup(Mode.JOIN, "Zhang San 张三", remote_port=45678)
    first.window.panel.remote_host_edit.setText("192.0.2.44")
    first.window.panel.set_raw(True, "gbk")
    first.window.splitter.setSizes([350, 610])
    sizes = first.window.splitter.sizes()
    first.window.close()
    second = open_window(state_dir=tmp_path)
    panel = second.window.panel
    assert panel.mode() is Mode.JOIN
    assert panel.nick_edit.text() == "Zhang San 张三"
    assert panel.remote_host_edit.text() == "192.0.2.44"
    assert panel.remote_port_box.value() == 45678
    assert panel.raw() and panel.encoding_box.currentData() == "gbk"
    # the window is clamped to the (small) offscreen screen, so compare the left pane
    assert second.window.splitter.sizes()[0] == sizes[0]


def test_recent_connections_are_offered(open_window, tmp_path):
    first = open_window(state_dir=tmp_path)
    port = first.host("keeper")
    first.window.close()
    second = open_window(state_dir=tmp_path)
    recent = second.window.panel.recent_box
    assert recent.count() == 2  # the prompt and the room hosted before
    assert "127.0.0.1:0" in recent.itemText(1)
    second.window.panel.set_mode(Mode.UDP)
    recent.activated.emit(1)
    assert second.window.panel.mode() is Mode.HOST
    assert port  # the room had really started


def test_dark_and_light_themes_apply(open_window):
    window = open_window()
    try:
        assert window.window.set_theme("dark")
        assert is_dark(QApplication.palette())
        assert not window.window.set_theme("light")
        assert not is_dark(QApplication.palette())
    finally:
        window.window.set_theme("light")


def test_the_light_theme_is_fusions_light_palette_with_our_accents(qapp):
    ours, fusion = _light_palette(), QStyleFactory.create("Fusion").standardPalette()
    differ = {
        (group.name, role.name)
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Disabled)
        for role in QPalette.ColorRole
        if role.name not in ("NoRole", "NColorRoles")
        and ours.color(group, role) != fusion.color(group, role)
    }
    assert differ == {
        ("Active", "Highlight"),
        ("Active", "Accent"),
        ("Active", "AlternateBase"),
        ("Disabled", "AlternateBase"),
    }


def test_a_new_application_starts_in_the_fusion_style():
    """Made by Qt from the arguments, whatever the environment asks for."""
    code = (
        "from gui_chat.app import create_application\n"
        "app = create_application(['gui_chat'])\n"
        "print(app.style().name())"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_STYLE_OVERRIDE="Windows")
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["fusion"]


def test_discovery_stays_off_when_the_command_line_says_so(open_window):
    window = open_window()  # like --no-discovery: AppOptions(discovery=False)
    assert not window.window.discovery_action.isEnabled()
    window.window.set_discovery(True)
    assert not window.window.discovery.enabled
    assert "off" in window.window.nearby.hint.text()
