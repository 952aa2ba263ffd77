"""Real windows driven like a user would: type, click, wait for what the window shows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from gui_chat.ui.chat_model import EntryKind
from gui_chat.ui.main_window import MainWindow
from gui_chat.ui.options import AppOptions
from gui_chat.ui.session_settings import Mode

WAIT_MS = 5000


class Driver:
    """Drives one MainWindow through its widgets."""

    def __init__(self, qtbot, window: MainWindow) -> None:
        self.qtbot = qtbot
        self.window = window

    # ----- starting -----------------------------------------------------------------------
    def setup(self, mode: Mode, nick: str, local_port: int = 0, remote_port: int = 0) -> None:
        panel = self.window.panel
        panel.set_mode(mode)
        panel.nick_edit.setText(nick)
        panel.local_host_box.setEditText("127.0.0.1")
        panel.local_port_box.setValue(local_port)
        panel.remote_host_edit.setText("127.0.0.1")
        panel.remote_port_box.setValue(remote_port)

    def click_start(self) -> None:
        self.qtbot.mouseClick(self.window.panel.start_button, Qt.MouseButton.LeftButton)

    def host(self, nick: str = "host", port: int = 0) -> int:
        """Host a room on 127.0.0.1; the port it got."""
        self.setup(Mode.HOST, nick, local_port=port)
        with self.qtbot.waitSignal(self.window.controller.bound, timeout=WAIT_MS) as bound:
            self.click_start()
        return bound.args[1]

    def join(self, port: int, nick: str) -> str:
        """Join the room on 127.0.0.1:``port``; the nickname the room gave."""
        self.setup(Mode.JOIN, nick, remote_port=port)
        with self.qtbot.waitSignal(self.window.controller.joined, timeout=WAIT_MS) as joined:
            self.click_start()
        return joined.args[0]

    def udp(self, nick: str, target_port: int = 0) -> int:
        """Start UDP on 127.0.0.1 port 0 sending to ``target_port``; the port bound."""
        self.setup(Mode.UDP, nick, local_port=0, remote_port=target_port)
        with self.qtbot.waitSignal(self.window.controller.bound, timeout=WAIT_MS) as bound:
            self.click_start()
        return bound.args[1]

    def stop(self) -> None:
        with self.qtbot.waitSignal(self.window.controller.ended, timeout=WAIT_MS):
            self.click_start()

    # ----- chatting -----------------------------------------------------------------------
    def type_and_enter(self, text: str) -> None:
        self.window.input.setPlainText(text)
        self.qtbot.keyClick(self.window.input, Qt.Key.Key_Return)

    def texts(self, kind: EntryKind | None = None) -> list[str]:
        return [e.text for e in self.window.model.entries() if kind is None or e.kind is kind]

    def received(self) -> list[tuple[str, str]]:
        return [(e.sender, e.text) for e in self.window.model.entries() if e.kind is EntryKind.PEER]

    def wait_received(self, text: str) -> None:
        self.qtbot.waitUntil(lambda: text in self.texts(EntryKind.PEER), timeout=WAIT_MS)

    def wait_system(self, fragment: str) -> None:
        def shown() -> bool:
            kinds = (EntryKind.SYSTEM, EntryKind.ERROR)
            return any(fragment in e.text for e in self.window.model.entries() if e.kind in kinds)

        self.qtbot.waitUntil(shown, timeout=WAIT_MS)

    def people(self) -> list[str]:
        return [self.window.people.item(i).text() for i in range(self.window.people.count())]

    def wait_people(self, count: int) -> None:
        self.qtbot.waitUntil(lambda: len(self.people()) == count, timeout=WAIT_MS)

    def status(self) -> str:
        return self.window.status_label.text()


@pytest.fixture
def open_window(qtbot) -> Iterator[Callable[..., Driver]]:
    """Open real windows; at teardown close them and check every session thread ended.

    ``open_window(state_dir=path)`` gives a window that keeps settings and history there.
    """
    drivers: list[Driver] = []

    def make(state_dir: Path | None = None) -> Driver:
        window = MainWindow(AppOptions(state_dir=state_dir))
        window.show()
        qtbot.addWidget(window)
        driver = Driver(qtbot, window)
        drivers.append(driver)
        return driver

    yield make
    for driver in drivers:
        driver.window.close()
    for driver in drivers:
        assert not driver.window.controller.thread_alive(), "a session thread outlived its window"
        assert not driver.window.controller.running
