"""Telling the user about messages that arrive while the window is in the background."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

from gui_chat.ui.chat_model import ChatEntry

TRAY_TEXT_LENGTH = 120


class Notifier(QObject):
    """Counts unread messages, raises the taskbar entry, shows a tray message, beeps."""

    unread_changed = Signal(int)

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.unread = 0
        self.sound = False
        self._tray: QSystemTrayIcon | None = None

    def incoming(self, entries: list[ChatEntry]) -> None:
        if self.window.isActiveWindow() or not entries:
            return
        self.unread += len(entries)
        self.unread_changed.emit(self.unread)
        QApplication.alert(self.window)
        last = entries[-1]
        mentioned = any(entry.mention for entry in entries)
        self._tray_message(last, mentioned)
        if self.sound:
            QApplication.beep()

    def seen(self) -> None:
        """The window is active again: everything has been seen."""
        if self.unread:
            self.unread = 0
            self.unread_changed.emit(0)

    def _tray_message(self, entry: ChatEntry, mentioned: bool) -> None:
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        if self._tray is None:
            self._tray = QSystemTrayIcon(self.window.windowIcon(), self)
            self._tray.activated.connect(self._bring_forward)
            self._tray.show()
        title = (self.tr("{0} mentioned you") if mentioned else self.tr("{0} wrote")).format(
            entry.sender
        )
        text = entry.text if len(entry.text) <= TRAY_TEXT_LENGTH else entry.text[:119] + "…"
        self._tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 5000)

    def _bring_forward(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def close(self) -> None:
        if self._tray is not None:
            self._tray.hide()
