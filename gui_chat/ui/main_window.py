"""The main window: connection, nearby rooms and people on the left, the chat on the right."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSignalBlocker, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gui_chat import APP_NAME, __version__
from gui_chat.ui import i18n, theme
from gui_chat.ui.chat_model import ChatEntry, ChatModel, EntryKind
from gui_chat.ui.chat_view import ChatView
from gui_chat.ui.connection_panel import ConnectionPanel
from gui_chat.ui.discovery_controller import DiscoveryController
from gui_chat.ui.message_input import MessageInput
from gui_chat.ui.nearby_panel import NearbyPanel
from gui_chat.ui.notifier import Notifier
from gui_chat.ui.options import AppOptions
from gui_chat.ui.preferences import Preferences
from gui_chat.ui.raw_options import RawOptions
from gui_chat.ui.session_settings import Mode, SessionSettings

if TYPE_CHECKING:
    from gui_chat.net.events import PeerFound
    from gui_chat.store.history import History
    from gui_chat.ui.chat_controller import ChatController
    from gui_chat.ui.search_dialog import SearchDialog

#: The remembered settings, in the window's state folder.
SETTINGS_FILE = "settings.ini"


class MainWindow(QMainWindow):
    """One chat session per window; several windows can run side by side.

    The session side (controller, network, history) is set up on first use, and
    discovery starts once the event loop runs, so the window shows without waiting
    for either.
    """

    def __init__(
        self,
        options: AppOptions | None = None,
        parent: QWidget | None = None,
        prefs: Preferences | None = None,
    ) -> None:
        """``prefs``: the settings in ``options.state_dir``, if already open."""
        super().__init__(parent)
        self.options = options or AppOptions()
        state = self.options.state_dir
        if prefs is None:
            prefs = Preferences(state / SETTINGS_FILE if state else None)
        self.prefs = prefs
        self.history: History | None = None  # opened with the controller
        self._controller: ChatController | None = None
        self._announced_port = 0
        self._closed = False
        self.resize(960, 680)

        self.model = ChatModel(self)
        self.discovery = DiscoveryController(self.options.discovery, self)
        self.notifier = Notifier(self)

        self._build_widgets()
        self._build_menus()
        self._connect_signals()
        self._restore()
        self.retranslate()
        self._on_running_changed(False)
        if self.discovery_action.isChecked():
            QTimer.singleShot(0, self, self._start_discovery)

    @property
    def controller(self) -> ChatController:
        """The session controller, made (with the history opened) on first use."""
        if self._controller is None:
            from gui_chat.ui.chat_controller import ChatController

            if self.history_action.isChecked() and not self._closed:
                self.history = self._open_history(self.options.state_dir)
            self._controller = ChatController(self.model, self.history, parent=self)
            self._connect_controller(self._controller)
            self._apply_raw_options()
        return self._controller

    def _session_running(self) -> bool:
        return self._controller is not None and self._controller.running

    # ----- construction -------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.panel = ConnectionPanel()
        self.nearby = NearbyPanel(False)
        self.people = QListWidget(objectName="people")
        self.people.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.people_box = QGroupBox()
        QVBoxLayout(self.people_box).addWidget(self.people)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.panel)
        left_layout.addWidget(self.nearby, 1)
        left_layout.addWidget(self.people_box, 1)

        self.chat_view = ChatView()
        self.chat_view.setModel(self.model)
        self.input = MessageInput()
        self.input.setObjectName("message_input")
        self.send_button = QPushButton(objectName="send")
        input_row = QHBoxLayout()
        input_row.addWidget(self.input, 1)
        input_row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.raw_options = RawOptions()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.chat_view, 1)
        right_layout.addWidget(self.raw_options)
        right_layout.addLayout(input_row)

        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 660])
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(8, 8, 8, 0)
        central_layout.addWidget(self.splitter)
        self.setCentralWidget(central)

        self.status_label = QLabel(objectName="status")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addWidget(self.status_label, 1)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.chat_menu = bar.addMenu("")
        self.search_action = self.chat_menu.addAction("", QKeySequence.StandardKey.Find)
        self.export_action = self.chat_menu.addAction("")
        self.clear_action = self.chat_menu.addAction("")
        self.chat_menu.addSeparator()
        self.history_action = self.chat_menu.addAction("")
        self.history_action.setCheckable(True)
        self.history_action.setEnabled(self.options.state_dir is not None)
        self.chat_menu.addSeparator()
        self.quit_action = self.chat_menu.addAction("", QKeySequence.StandardKey.Quit)

        self.view_menu = bar.addMenu("")
        self.theme_menu = self.view_menu.addMenu("")
        self.theme_group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for name in theme.THEMES:
            action = self.theme_menu.addAction("")
            action.setCheckable(True)
            action.setData(name)
            self.theme_group.addAction(action)
            self.theme_actions[name] = action
        self.language_menu = self.view_menu.addMenu("")
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code in ("system", *i18n.LANGUAGES):
            action = self.language_menu.addAction(i18n.LANGUAGES.get(code, ""))
            action.setCheckable(True)
            action.setData(code)
            self.language_group.addAction(action)
            self.language_actions[code] = action
        self.sound_action = self.view_menu.addAction("")
        self.sound_action.setCheckable(True)
        self.discovery_action = self.view_menu.addAction("")
        self.discovery_action.setCheckable(True)
        self.discovery_action.setEnabled(self.discovery.allowed)

        self.help_menu = bar.addMenu("")
        self.about_action = self.help_menu.addAction("")

    def _connect_signals(self) -> None:
        self.panel.start_requested.connect(self._start)
        self.panel.stop_requested.connect(self._stop)
        self.panel.target_changed.connect(self._set_udp_target)
        self.input.submitted.connect(self._send)
        self.input.escape_pressed.connect(self.input.clear)
        self.send_button.clicked.connect(self.input.submit)
        self.chat_view.wants_older.connect(self._load_older)
        self.notifier.unread_changed.connect(self._update_title)

        self.discovery.found.connect(self.nearby.found)
        self.discovery.gone.connect(self.nearby.gone)
        self.discovery.notice.connect(self._discovery_notice)
        self.nearby.join_requested.connect(self.join_found)

        options = self.raw_options
        options.hex_view_box.toggled.connect(self.model.set_hex_view)
        options.hex_input_box.toggled.connect(self._apply_raw_options)
        options.line_end_box.currentIndexChanged.connect(self._apply_raw_options)
        options.target_box.currentIndexChanged.connect(self._apply_raw_options)
        self.panel.mode_box.currentIndexChanged.connect(self._show_raw_options)
        self.panel.framing_box.currentIndexChanged.connect(self._show_raw_options)
        self._show_raw_options()

        QShortcut(QKeySequence.StandardKey.Copy, self.chat_view, self.chat_view.copy_selected)
        self.search_action.triggered.connect(self.open_search)
        self.export_action.triggered.connect(self.export_conversation)
        self.clear_action.triggered.connect(self.clear_conversation)
        self.history_action.toggled.connect(self._set_history_enabled)
        self.quit_action.triggered.connect(self.close)
        self.theme_group.triggered.connect(lambda action: self.set_theme(action.data()))
        self.language_group.triggered.connect(lambda action: self.set_language(action.data()))
        self.sound_action.toggled.connect(self._set_sound)
        self.discovery_action.toggled.connect(self.set_discovery)
        self.about_action.triggered.connect(self.show_about)

    def _connect_controller(self, controller: ChatController) -> None:
        controller.status_changed.connect(self._show_status)
        controller.running_changed.connect(self._on_running_changed)
        controller.members_changed.connect(self._show_members)
        controller.bound.connect(self.panel.show_bound)
        controller.bound.connect(self._announce)
        controller.members_changed.connect(self._announce_members)
        controller.incoming.connect(self.notifier.incoming)

    def retranslate(self) -> None:
        """Set every text of the window itself in the current language."""
        self.people_box.setTitle(self.tr("People"))
        self.send_button.setText(self.tr("Send"))
        self.chat_menu.setTitle(self.tr("&Chat"))
        self.search_action.setText(self.tr("&Search history…"))
        self.export_action.setText(self.tr("&Export conversation…"))
        self.clear_action.setText(self.tr("C&lear conversation history…"))
        self.history_action.setText(self.tr("&Keep history"))
        self.quit_action.setText(self.tr("&Quit"))
        self.view_menu.setTitle(self.tr("&View"))
        self.theme_menu.setTitle(self.tr("&Theme"))
        self.theme_actions["system"].setText(self.tr("Follow the system"))
        self.theme_actions["light"].setText(self.tr("Light"))
        self.theme_actions["dark"].setText(self.tr("Dark"))
        self.language_menu.setTitle(self.tr("&Language"))
        self.language_actions["system"].setText(self.tr("Follow the system"))
        self.sound_action.setText(self.tr("&Sound on new messages"))
        self.discovery_action.setText(self.tr("&Find others on the LAN (discovery)"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.about_action.setText(self.tr("&About gui_chat"))
        if not self._session_running():
            self._show_status(self.tr("Choose a mode and press Start."), False)
        self._update_title()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.notifier.seen()
        super().changeEvent(event)

    # ----- persistence --------------------------------------------------------------------
    def _open_history(self, state: Path | None) -> History | None:
        """The history in ``state``; None if there is none or it cannot be opened.

        A history that cannot be opened is reported and its menu item unchecked.
        """
        if state is None:
            return None
        from gui_chat.store.history import History, HistoryError

        try:
            return History(state / "history.sqlite3")
        except HistoryError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
            _check_quietly(self.history_action, False)
            return None

    def _restore(self) -> None:
        prefs = self.prefs
        geometry = prefs.get_bytes("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        splitter = prefs.get_bytes("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        self.panel.restore(prefs)
        keep_history = self.options.state_dir is not None and prefs.get("history/enabled", True)
        discover = self.discovery.allowed and prefs.get("discovery/enabled", True)
        # Checked quietly: the history opens on first use, discovery in _start_discovery.
        _check_quietly(self.history_action, keep_history)
        _check_quietly(self.discovery_action, discover)
        self.theme_actions[prefs.get("view/theme", "system")].setChecked(True)
        self.sound_action.setChecked(prefs.get("view/sound", False))
        language = prefs.get("view/language", "system")
        self.language_actions.get(language, self.language_actions["system"]).setChecked(True)

    def _save(self) -> None:
        prefs = self.prefs
        prefs.set("window/geometry", self.saveGeometry())
        prefs.set("window/splitter", self.splitter.saveState())
        self.panel.save(prefs)
        prefs.sync()

    # ----- sessions -----------------------------------------------------------------------
    @Slot(object)
    def _start(self, settings: SessionSettings) -> None:
        from gui_chat.net.room import Keepalive

        keepalive = Keepalive.from_seconds(self.options.keepalive)
        settings = dataclasses.replace(settings, keepalive=keepalive)
        self.controller.start(settings)
        if self.controller.running:
            self.prefs.remember(self.panel.connection_summary())
            self.panel.show_recent(self.prefs.recent())
        self._update_title()

    @Slot()
    def _stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()

    @Slot(str, int)
    def _set_udp_target(self, host: str, port: int) -> None:
        if self._controller is not None:
            self._controller.set_udp_target(host, port)

    @Slot(object)
    def join_found(self, peer: PeerFound) -> None:
        """Join a room (or chat with a UDP peer) that discovery found."""
        self.panel.set_raw(False)
        self.panel.remote_host_edit.setText(peer.host)
        self.panel.remote_port_box.setValue(peer.port)
        if peer.kind == "udp":
            if self.controller.running and self.panel.mode() is Mode.UDP:
                self.controller.set_udp_target(peer.host, peer.port)
                return
            self.panel.set_mode(Mode.UDP)
        else:
            self.panel.set_mode(Mode.JOIN)
        self._start(self.panel.settings())

    @Slot(str, int)
    def _announce(self, _host: str, port: int) -> None:
        settings = self.controller.settings
        if settings is None or settings.raw or settings.mode is Mode.JOIN:
            return
        self._announced_port = port
        if settings.mode is Mode.HOST:
            self.discovery.announce("room", settings.room_name, self.controller.nick, port, 1)
        else:
            self.discovery.announce("udp", "", self.controller.nick, port, 0)

    @Slot(object)
    def _announce_members(self, members: list[str]) -> None:
        settings = self.controller.settings
        hosting = settings is not None and settings.mode is Mode.HOST and not settings.raw
        if members and hosting and self._announced_port:
            assert settings is not None
            self.discovery.announce(
                "room",
                settings.room_name,
                self.controller.nick,
                self._announced_port,
                len(members),
            )

    @Slot(str)
    def _discovery_notice(self, text: str) -> None:
        from gui_chat.ui.net_text import translate_net_text

        self.model.append([ChatEntry(EntryKind.ERROR, translate_net_text(text), time.time())])

    @Slot(str)
    def _send(self, text: str) -> None:
        if self.controller.send(text):
            self.input.clear()

    @Slot()
    def _load_older(self) -> None:
        self.chat_view.older_loaded(self.controller.load_older())

    # ----- raw mode -----------------------------------------------------------------------
    @Slot()
    def _apply_raw_options(self) -> None:
        options = self.raw_options
        options.line_end_box.setEnabled(not options.hex_input_box.isChecked())
        controller = self._controller
        if controller is None:
            return  # a new controller takes them from here
        controller.hex_input = options.hex_input_box.isChecked()
        controller.line_ending = options.line_end_box.currentData()
        controller.send_target = options.target_box.currentData() or ""

    @Slot()
    def _show_raw_options(self) -> None:
        raw = self.panel.raw()
        self.raw_options.setVisible(raw)
        serving = raw and self.panel.mode() is Mode.HOST
        self.raw_options.target_label.setVisible(serving)
        self.raw_options.target_box.setVisible(serving)
        if not raw:
            self.raw_options.hex_view_box.setChecked(False)
        self._apply_raw_options()

    # ----- state shown --------------------------------------------------------------------
    @Slot(str, bool)
    def _show_status(self, text: str, error: bool) -> None:
        self.status_label.setText(text)
        self.status_label.setProperty("error", error)
        self.status_label.setStyleSheet("color: #d9534f;" if error else "")

    @Slot(bool)
    def _on_running_changed(self, running: bool) -> None:
        self.panel.set_running(running)
        self.send_button.setEnabled(running)
        if running:
            self.input.setFocus()
        else:
            self.discovery.withdraw()
            self.raw_options.clear_targets()
        self._update_title()

    @Slot(object)
    def _show_members(self, members: list[str]) -> None:
        self.people.clear()
        self.raw_options.set_targets(members if self.panel.raw() else [])
        me = self.controller.nick
        for nick in members:
            self.people.addItem(self.tr("{0} (you)").format(nick) if nick == me else nick)

    @Slot()
    def _update_title(self) -> None:
        title = APP_NAME
        if self._session_running() and self.controller.conversation:
            title = f"{APP_NAME} — {self.controller.conversation}"
        if self.notifier.unread:
            title = f"({self.notifier.unread}) {title}"
        self.setWindowTitle(title)

    # ----- menu actions -------------------------------------------------------------------
    @Slot()
    def open_search(self) -> SearchDialog:
        from gui_chat.ui.search_dialog import SearchDialog

        dialog = SearchDialog(self.controller.history, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    @Slot()
    def export_conversation(self, path: str | None = None) -> bool:
        """Write the current conversation to a text file (asks where, unless ``path``)."""
        if path is None:
            from PySide6.QtWidgets import QFileDialog

            path, _ = QFileDialog.getSaveFileName(
                self,
                self.tr("Export conversation"),
                "conversation.txt",
                self.tr("Text files (*.txt)"),
            )
            if not path:
                return False
        history, key = self.controller.history, self.controller.conversation
        if history is not None and key:
            from gui_chat.store.history import export_lines

            text = export_lines(history.recent(key, limit=10**9))
        else:
            text = (
                "\n".join(
                    f"[{time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(e.ts))}] "
                    f"{e.sender + ': ' if e.sender else ''}{e.text}"
                    for e in self.model.entries()
                )
                + "\n"
            )
        try:
            Path(path).write_text(text, encoding="utf-8")
        except OSError as exc:
            self._show_status(self.tr("Export failed: {0}").format(exc.strerror or exc), True)
            return False
        self._show_status(self.tr("Conversation exported to {0}").format(path), False)
        return True

    @Slot()
    def clear_conversation(self, confirm: bool = True) -> None:
        key = self.controller.conversation
        if confirm:
            answer = QMessageBox.question(
                self,
                self.tr("Clear history"),
                self.tr("Delete the stored history of this conversation?"),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        if self.controller.history is not None and key:
            self.controller.history.clear(key)
        self.model.clear()

    @Slot(bool)
    def _set_history_enabled(self, enabled: bool) -> None:
        if self.options.state_dir is None:
            return
        self.prefs.set("history/enabled", enabled)
        controller = self._controller
        if controller is None:  # the history opens with the controller
            return
        if enabled and controller.history is None:
            self.history = self._open_history(self.options.state_dir)
            controller.history = self.history
        elif not enabled:
            controller.history = None

    def set_theme(self, name: str) -> bool:
        """Apply a theme ("system", "light", "dark") and remember it; whether it is dark."""
        self.prefs.set("view/theme", name)
        self.theme_actions[name].setChecked(True)
        dark = theme.apply_theme(name)
        entries = self.model.entries()
        for entry in entries:
            entry.layout_cache.clear()
        if entries:
            self.chat_view.viewport().update()
        return dark

    def set_language(self, code: str) -> str:
        """Switch language now (and remember it); the language in effect."""
        self.prefs.set("view/language", code)
        self.language_actions[code].setChecked(True)
        return i18n.install_language(code)

    @Slot()
    def _start_discovery(self) -> None:
        """Start the discovery the menu has on (at start-up, once the event loop runs)."""
        if self.discovery_action.isChecked() and not self._closed:
            self.set_discovery(True)

    @Slot(bool)
    def set_discovery(self, on: bool) -> None:
        """Turn LAN discovery on or off (remembered; never on if the command line says no)."""
        if not self.discovery.allowed:
            return
        self.prefs.set("discovery/enabled", on)
        if on:
            self.discovery.start()
        else:
            self.discovery.stop()
        self.nearby.set_enabled(on)

    @Slot(bool)
    def _set_sound(self, on: bool) -> None:
        self.prefs.set("view/sound", on)
        self.notifier.sound = on

    @Slot()
    def show_about(self) -> None:
        from PySide6 import __version__ as qt_version

        QMessageBox.about(
            self,
            self.tr("About gui_chat"),
            self.tr(
                "<h3>gui_chat {0}</h3><p>A LAN messenger and socket workbench: host a TCP "
                "room, join one, chat over UDP, or talk raw bytes to any program.</p>"
                "<p>Qt for Python {1}</p>"
            ).format(__version__, qt_version),
        )

    # ----- closing ------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        self._stop()
        self.discovery.stop()
        self._save()
        self.notifier.close()
        if self.history is not None:
            self.history.close()
            self.history = None
            if self._controller is not None:
                self._controller.history = None
        super().closeEvent(event)


def _check_quietly(action: QAction, checked: bool) -> None:
    """Check or uncheck ``action`` without running what its toggling does."""
    blocker = QSignalBlocker(action)
    action.setChecked(checked)
    blocker.unblock()
