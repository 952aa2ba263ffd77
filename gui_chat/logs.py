"""Logging: named loggers per area, and Qt's own messages routed into them."""

from __future__ import annotations

import logging

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

qt_log = logging.getLogger("gui_chat.qt")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


#: Qt messages that only say the platform plugin lacks a feature (e.g. offscreen).
_PLATFORM_CHATTER = ("This plugin does not support",)


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    level = _QT_LEVELS.get(kind, logging.WARNING)
    if message.startswith(_PLATFORM_CHATTER):
        level = logging.DEBUG
    qt_log.log(level, "%s", message)


def setup_logging(level: str = "INFO") -> None:
    """Log to the terminal as ``time level area: message`` and take over Qt's messages."""
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    qInstallMessageHandler(_qt_message)
