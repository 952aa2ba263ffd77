"""The main window: connection panel and people on the left, the chat on the right."""

from __future__ import annotations

import dataclasses
import time

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gui_chat import APP_NAME
from gui_chat.net.discovery import DiscoveryConfig
from gui_chat.net.events import PeerFound
from gui_chat.net.room import Keepalive
from gui_chat.protocol.raw import LINE_ENDINGS
from gui_chat.ui.chat_controller import ChatController
from gui_chat.ui.chat_delegate import ChatDelegate
from gui_chat.ui.chat_model import ENTRY_ROLE, ChatEntry, ChatModel, EntryKind
from gui_chat.ui.connection_panel import ConnectionPanel
from gui_chat.ui.discovery_controller import DiscoveryController
from gui_chat.ui.message_input import MessageInput
from gui_chat.ui.nearby_panel import NearbyPanel
from gui_chat.ui.options import AppOptions
from gui_chat.ui.session_settings import Mode, SessionSettings


class ChatView(QListView):
    """The list of messages; stays at the bottom while new ones arrive."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chat_view")
        self.setItemDelegate(ChatDelegate(self))
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(200)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self._follow = True
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.verticalScrollBar().rangeChanged.connect(self._on_range_changed)
        self.doubleClicked.connect(self._show_whole)

    @Slot(int)
    def _on_scrolled(self, value: int) -> None:
        self._follow = value >= self.verticalScrollBar().maximum() - 4

    @Slot(int, int)
    def _on_range_changed(self, _minimum: int, maximum: int) -> None:
        if self._follow:
            self.verticalScrollBar().setValue(maximum)

    def selected_text(self) -> str:
        index = self.currentIndex()
        if not index.isValid():
            return ""
        entry: ChatEntry = index.data(ENTRY_ROLE)
        return entry.text

    @Slot()
    def copy_selected(self) -> None:
        text = self.selected_text()
        if text:
            QApplication.clipboard().setText(text)

    @Slot()
    def _show_whole(self) -> None:
        text = self.selected_text()
        if not text:
            return
        dialog = QMessageBox(self)
        dialog.setWindowTitle(self.tr("Message"))
        dialog.setTextFormat(Qt.TextFormat.PlainText)
        dialog.setText(text[:200])
        dialog.setDetailedText(text)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()


class RawOptions(QWidget):
    """Raw mode's sending options: target client, line ending, hex in and out."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target_label = QLabel(self.tr("Send to"))
        self.target_box = QComboBox(objectName="send_target")
        self.target_box.addItem(self.tr("Everyone"), "")
        self.line_end_box = QComboBox(objectName="line_ending")
        for label, ending in LINE_ENDINGS.items():
            self.line_end_box.addItem(label, ending)
        self.line_end_box.setCurrentIndex(self.line_end_box.findData(b"\n"))
        self.hex_input_box = QCheckBox(self.tr("Hex input"), objectName="hex_input")
        self.hex_view_box = QCheckBox(self.tr("Show hex"), objectName="hex_view")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.target_label)
        row.addWidget(self.target_box)
        row.addWidget(QLabel(self.tr("Line end")))
        row.addWidget(self.line_end_box)
        row.addWidget(self.hex_input_box)
        row.addWidget(self.hex_view_box)
        row.addStretch(1)

    def set_targets(self, addresses: list[str]) -> None:
        current = self.target_box.currentData()
        while self.target_box.count() > 1:
            self.target_box.removeItem(1)
        for address in addresses:
            self.target_box.addItem(address, address)
        self.target_box.setCurrentIndex(max(0, self.target_box.findData(current)))


class MainWindow(QMainWindow):
    """One chat session per window; several windows can run side by side."""

    def __init__(self, options: AppOptions | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.options = options or AppOptions()
        self._announced_port = 0
        self.setWindowTitle(APP_NAME)
        self.resize(960, 680)

        self.model = ChatModel(self)
        self.controller = ChatController(self.model, parent=self)
        discovery = DiscoveryConfig() if self.options.discovery else None
        self.discovery = DiscoveryController(discovery, self)

        self.panel = ConnectionPanel()
        self.nearby = NearbyPanel(self.discovery.enabled)
        self.people = QListWidget(objectName="people")
        self.people.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        people_box = QGroupBox(self.tr("People"))
        QVBoxLayout(people_box).addWidget(self.people)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.panel)
        left_layout.addWidget(self.nearby, 1)
        left_layout.addWidget(people_box, 1)

        self.chat_view = ChatView()
        self.chat_view.setModel(self.model)
        self.input = MessageInput()
        self.input.setObjectName("message_input")
        self.send_button = QPushButton(self.tr("Send"), objectName="send")
        input_row = QHBoxLayout()
        input_row.addWidget(self.input, 1)
        input_row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.raw_options = RawOptions()
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
        self._show_status(self.tr("Choose a mode and press Start."), False)

        self.panel.start_requested.connect(self._start)
        self.panel.stop_requested.connect(self.controller.stop)
        self.panel.target_changed.connect(self.controller.set_udp_target)
        self.input.submitted.connect(self._send)
        self.send_button.clicked.connect(self.input.submit)
        self.controller.status_changed.connect(self._show_status)
        self.controller.running_changed.connect(self._on_running_changed)
        self.controller.members_changed.connect(self._show_members)
        self.controller.bound.connect(self.panel.show_bound)
        self.controller.bound.connect(self._announce)
        self.controller.members_changed.connect(self._announce_members)
        self.controller.running_changed.connect(self._withdraw_when_stopped)
        self.discovery.found.connect(self.nearby.found)
        self.discovery.gone.connect(self.nearby.gone)
        self.discovery.notice.connect(self._discovery_notice)
        self.nearby.join_requested.connect(self.join_found)
        QShortcut(QKeySequence.StandardKey.Copy, self.chat_view, self.chat_view.copy_selected)
        options = self.raw_options
        options.hex_view_box.toggled.connect(self.model.set_hex_view)
        options.hex_input_box.toggled.connect(self._apply_raw_options)
        options.line_end_box.currentIndexChanged.connect(self._apply_raw_options)
        options.target_box.currentIndexChanged.connect(self._apply_raw_options)
        self.panel.mode_box.currentIndexChanged.connect(self._show_raw_options)
        self.panel.framing_box.currentIndexChanged.connect(self._show_raw_options)
        self._show_raw_options()
        self._on_running_changed(False)

    @Slot(object)
    def _start(self, settings: SessionSettings) -> None:
        keepalive = Keepalive.from_seconds(self.options.keepalive)
        self.controller.start(dataclasses.replace(settings, keepalive=keepalive))

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

    @Slot(list)
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

    @Slot(bool)
    def _withdraw_when_stopped(self, running: bool) -> None:
        if not running:
            self.discovery.withdraw()

    @Slot(str)
    def _discovery_notice(self, text: str) -> None:
        self.model.append([ChatEntry(EntryKind.ERROR, text, time.time())])

    @Slot(str)
    def _send(self, text: str) -> None:
        if self.controller.send(text):
            self.input.clear()

    @Slot()
    def _apply_raw_options(self) -> None:
        options = self.raw_options
        self.controller.hex_input = options.hex_input_box.isChecked()
        self.controller.line_ending = options.line_end_box.currentData()
        self.controller.send_target = options.target_box.currentData() or ""
        options.line_end_box.setEnabled(not self.controller.hex_input)

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

    @Slot(list)
    def _show_members(self, members: list[str]) -> None:
        self.people.clear()
        self.raw_options.set_targets(members if self.panel.raw() else [])
        me = self.controller.nick
        for nick in members:
            self.people.addItem(self.tr("{0} (you)").format(nick) if nick == me else nick)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.controller.stop()
        self.discovery.stop()
        super().closeEvent(event)
