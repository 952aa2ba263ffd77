"""Real windows driven like a user would: type, click, wait for what the window shows.

:class:`Windows` (behind the ``open_window`` fixture) opens MainWindows and, at teardown,
closes them and checks that every session thread ended. A folder that drives windows in
a mode of its own subclasses :class:`Driver` (raw mode in tests/interop, rooms tuned in
code in tests/hostile).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton
from pytestqt.exceptions import TimeoutError as QtTimeoutError

from gui_chat.ui.chat_model import ChatEntry, EntryKind
from gui_chat.ui.main_window import MainWindow
from gui_chat.ui.options import AppOptions
from gui_chat.ui.session_settings import Mode

from . import LOCALHOST, WAIT_MS


class Driver:
    """Drives one MainWindow through its widgets and reads what it shows."""

    def __init__(self, qtbot, window: MainWindow) -> None:
        self.qtbot = qtbot
        self.window = window

    # ----- starting -----------------------------------------------------------------------
    def setup(
        self,
        mode: Mode,
        nick: str | None = None,
        local_port: int = 0,
        remote_port: int = 0,
        *,
        raw: bool = False,
        encoding: str = "utf-8",
    ) -> None:
        """Fill the panel for a session on 127.0.0.1 (``raw``: plain bytes in ``encoding``)."""
        panel = self.window.panel
        panel.set_mode(mode)
        if raw:
            panel.set_raw(True, encoding)
            assert panel.encoding_box.currentData() == encoding
        if nick is not None:
            panel.nick_edit.setText(nick)
        panel.local_host_box.setEditText(LOCALHOST)
        panel.local_port_box.setValue(local_port)
        panel.remote_host_edit.setText(LOCALHOST)
        panel.remote_port_box.setValue(remote_port)

    def click(self, button: QAbstractButton) -> None:
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    def click_start(self) -> None:
        self.click(self.window.panel.start_button)

    def start_bound(self) -> int:
        """Click Start and wait until the session has bound; the port it got."""
        with self.qtbot.waitSignal(self.window.controller.bound, timeout=WAIT_MS) as bound:
            self.click_start()
        return bound.args[1]

    def host(self, nick: str = "host", port: int = 0) -> int:
        """Host a room on 127.0.0.1; the port it got."""
        self.setup(Mode.HOST, nick, local_port=port)
        return self.start_bound()

    def join(self, port: int, nick: str) -> str:
        """Join the room on 127.0.0.1:``port``; the nickname the room gave."""
        self.setup(Mode.JOIN, nick, remote_port=port)
        with self.qtbot.waitSignal(self.window.controller.joined, timeout=WAIT_MS) as joined:
            self.click_start()
        return joined.args[0]

    def udp(self, nick: str, target_port: int = 0) -> int:
        """Start UDP on 127.0.0.1 port 0 sending to ``target_port``; the port bound."""
        self.setup(Mode.UDP, nick, local_port=0, remote_port=target_port)
        return self.start_bound()

    def stop(self) -> None:
        """Press Stop/Disconnect; returns once the session has ended."""
        with self.qtbot.waitSignal(self.window.controller.ended, timeout=WAIT_MS):
            self.click_start()

    # ----- chatting -----------------------------------------------------------------------
    def type_and_enter(self, text: str) -> None:
        self.window.input.setPlainText(text)
        self.qtbot.keyClick(self.window.input, Qt.Key.Key_Return)

    # ----- what the window shows ----------------------------------------------------------
    def entries(self, *kinds: EntryKind) -> list[ChatEntry]:
        """The chat entries of these kinds (of every kind if none is named)."""
        return [e for e in self.window.model.entries() if not kinds or e.kind in kinds]

    def texts(self, *kinds: EntryKind) -> list[str]:
        return [e.text for e in self.entries(*kinds)]

    def received(self) -> list[tuple[str, str]]:
        return [(e.sender, e.text) for e in self.entries(EntryKind.PEER)]

    def system_texts(self) -> list[str]:
        return self.texts(EntryKind.SYSTEM, EntryKind.ERROR)

    def people(self) -> list[str]:
        return [self.window.people.item(i).text() for i in range(self.window.people.count())]

    def status(self) -> str:
        return self.window.status_label.text()

    def status_is_error(self) -> bool:
        return bool(self.window.status_label.property("error"))

    # ----- waiting ------------------------------------------------------------------------
    def wait_until(self, predicate: Callable[[], bool], what: str, timeout: int = WAIT_MS) -> None:
        """``qtbot.waitUntil``, failing with what the window shows."""
        try:
            self.qtbot.waitUntil(predicate, timeout=timeout)
        except QtTimeoutError:
            texts = [(e.kind.value, e.sender, e.text[:200]) for e in self.entries()[-20:]]
            raise AssertionError(
                f"timed out waiting for {what}\n  status: {self.status()!r}\n"
                f"  people: {self.people()!r}\n  last entries: {texts}"
            ) from None

    def wait_received(self, text: str, timeout: int = WAIT_MS) -> None:
        self.wait_until(lambda: text in self.texts(EntryKind.PEER), f"{text!r} received", timeout)

    def wait_system(self, *fragments: str, timeout: int = WAIT_MS) -> str:
        """The first system/error line holding every fragment (waits for it)."""

        found: list[str] = []

        def shown() -> bool:
            found[:] = [t for t in self.system_texts() if all(f in t for f in fragments)]
            return bool(found)

        self.wait_until(shown, f"a system line with {fragments!r}", timeout)
        return found[0]

    def wait_people(self, expected: int | list[str]) -> None:
        """Wait until the people list shows ``expected``: a count, or names in any order."""

        def listed() -> bool:
            people = self.people()
            if isinstance(expected, int):
                return len(people) == expected
            return sorted(people) == sorted(expected)

        self.wait_until(listed, f"people {expected!r}")


D = TypeVar("D", bound=Driver)


class Windows(Generic[D]):
    """Opens real windows; :meth:`close_all` closes them and checks every session ended."""

    def __init__(self, qtbot, driver: type[D]) -> None:
        self.qtbot = qtbot
        self._driver = driver
        self.drivers: list[D] = []

    def open(self, state_dir: Path | None = None) -> D:
        """A shown window, its driver. With the default options it looks for nothing on
        the LAN; ``state_dir`` is where it keeps settings and history (none: nothing kept)."""
        window = MainWindow(AppOptions(state_dir=state_dir))
        window.show()
        self.qtbot.addWidget(window)
        driver = self._driver(self.qtbot, window)
        self.drivers.append(driver)
        return driver

    def close(self) -> None:
        for driver in self.drivers:
            driver.window.close()

    def check_ended(self) -> None:
        for driver in self.drivers:
            controller = driver.window.controller
            assert not controller.thread_alive(), "a session thread outlived its window"
            assert not controller.running

    def close_all(self) -> None:
        self.close()
        self.check_ended()
