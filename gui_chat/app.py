"""Start-up and shutdown of the desktop app."""

from __future__ import annotations

import dataclasses
import gc
import logging
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from gui_chat import APP_NAME, STARTED, __version__
from gui_chat.logs import setup_logging
from gui_chat.resources import resource_path
from gui_chat.ui import i18n, theme
from gui_chat.ui.main_window import SETTINGS_FILE, MainWindow
from gui_chat.ui.options import AppOptions
from gui_chat.ui.preferences import Preferences

log = logging.getLogger("gui_chat.app")

#: Set to 1 to print the time to the first shown window and exit (start-up benchmark).
EXIT_WHEN_SHOWN_ENV = "GUI_CHAT_EXIT_WHEN_SHOWN"


#: How long a thread may keep the GIL while another waits for it. With Python's 5 ms
#: a session thread busy with a flood delays every one of the GUI thread's many short
#: calls into Python (the delegate's sizeHint, once per row per layout) by up to 5 ms:
#: 100,000 messages froze the window for 1.7 s; with 0.5 ms, for 0.2 s.
GIL_SWITCH_INTERVAL = 0.0005


#: Qt fills large areas (the scroll bar's groove, the chat's background) on a pool of
#: threads and waits for them. For a chat window's small fills, waking the pool costs
#: more than it saves: with it off, a new message costs the window 2.1 ms of CPU
#: instead of 3.8 ms. An environment that sets the variable itself keeps its choice.
NO_GUI_THREAD_POOL_ENV = "QT_NO_GUI_THREADPOOL"


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with the app's name and icon (reused if one exists)."""
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)
    os.environ.setdefault(NO_GUI_THREAD_POOL_ENV, "1")
    app = QApplication.instance()
    if app is None:
        app = QApplication(theme.with_fusion_style(argv if argv is not None else sys.argv))
        theme.mark_fusion_from_start(app)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_NAME)
    icon_file = resource_path("icons/gui_chat.png")
    if icon_file is not None:
        app.setWindowIcon(QIcon(str(icon_file)))
    return app  # type: ignore[return-value]


def apply_remembered_look(prefs: Preferences) -> None:
    """Install the remembered language and theme, before any window is built.

    The window is then built in its language and style right away: nothing is
    translated or restyled again, and nothing shows in English first.
    """
    i18n.install_language(prefs.get("view/language", "system"))
    theme.apply_theme(prefs.get("view/theme", "system"))


def follow_system_look(window: MainWindow) -> None:
    """Follow the system's colour scheme while the theme says to."""

    def scheme_changed() -> None:
        if window.prefs.get("view/theme", "system") == "system":
            window.set_theme("system")

    QGuiApplication.styleHints().colorSchemeChanged.connect(scheme_changed)


def keep_startup_objects() -> None:
    """(Re)start the cycle collector, leaving out what start-up built.

    Modules, classes and the window live as long as the app; moving them out of the
    collector's reach spares every later full collection from walking them again.
    """
    gc.freeze()
    gc.enable()


def run_app(options: AppOptions | None = None, log_level: str = "INFO") -> int:
    """Show the main window and run until it is closed."""
    setup_logging(log_level)
    app = create_application()
    if options is None:
        options = AppOptions()
    if options.state_dir is None:
        location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
        options = dataclasses.replace(options, state_dir=Path(location))
    prefs = Preferences(options.state_dir / SETTINGS_FILE)
    apply_remembered_look(prefs)
    window = MainWindow(options, prefs=prefs)
    follow_system_look(window)
    window.show()
    keep_startup_objects()
    if os.environ.get(EXIT_WHEN_SHOWN_ENV) == "1":

        def report_and_quit() -> None:
            print(f"window shown after {time.perf_counter() - STARTED:.3f} s", flush=True)
            window.close()
            app.quit()

        QTimer.singleShot(0, report_and_quit)
    log.info("%s %s started", APP_NAME, __version__)
    code = app.exec()
    window.close()  # stops the session and discovery, joining their threads
    return code
