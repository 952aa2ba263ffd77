"""The connection panel: mode, nickname, addresses, and the Start/Stop button."""

from __future__ import annotations

import getpass
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gui_chat.protocol.names import MAX_NICK_LENGTH
from gui_chat.protocol.raw import ENCODINGS
from gui_chat.ui.lan import lan_ipv4_addresses
from gui_chat.ui.preferences import Preferences
from gui_chat.ui.session_settings import (
    DEFAULT_ROOM_PORT,
    DEFAULT_UDP_PORT,
    Mode,
    SessionSettings,
)


def _port_box(value: int, name: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, 65535)
    box.setValue(value)
    box.setObjectName(name)
    box.setAccelerated(True)
    return box


def _default_nick() -> str:
    try:
        return getpass.getuser()[:MAX_NICK_LENGTH] or "guest"
    except (OSError, KeyError, ImportError):
        return "guest"


class ConnectionPanel(QGroupBox):
    """Emits ``start_requested`` with the settings, or ``stop_requested``."""

    start_requested = Signal(object)  # SessionSettings
    stop_requested = Signal()
    #: The UDP peer address was edited (host, port).
    target_changed = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._running = False
        self._recent: list[dict[str, Any]] = []
        self._lan_addresses: list[str] = []
        self._bound: tuple[str, int] | None = None

        self.recent_box = QComboBox(objectName="recent")
        self.recent_box.setVisible(False)

        self.mode_box = QComboBox(objectName="mode")
        self.mode_box.addItem("", Mode.HOST)  # item texts: see retranslate()
        self.mode_box.addItem("", Mode.JOIN)
        self.mode_box.addItem("", Mode.UDP)

        self.framing_box = QComboBox(objectName="framing")
        self.framing_box.addItem("", "framed")
        self.framing_box.addItem("", "raw")
        self.encoding_box = QComboBox(objectName="encoding")
        for label, codec in ENCODINGS.items():
            self.encoding_box.addItem(label, codec)

        self.nick_edit = QLineEdit(_default_nick(), objectName="nick")
        self.nick_edit.setMaxLength(MAX_NICK_LENGTH)

        self.local_host_box = QComboBox(objectName="local_host")
        self.local_host_box.setEditable(True)
        self.local_host_box.addItem("0.0.0.0")
        self.local_host_box.addItem("127.0.0.1")
        self.local_port_box = _port_box(DEFAULT_ROOM_PORT, "local_port")

        self.remote_host_edit = QLineEdit("127.0.0.1", objectName="remote_host")
        self.remote_port_box = _port_box(DEFAULT_ROOM_PORT, "remote_port")

        self.start_button = QPushButton(objectName="start")
        self.start_button.setDefault(True)
        self.bound_label = QLabel(objectName="bound")
        self.bound_label.setTextFormat(Qt.TextFormat.PlainText)
        self.lan_label = QLabel(objectName="lan_addresses")
        self.lan_label.setTextFormat(Qt.TextFormat.PlainText)
        self.lan_label.setWordWrap(True)
        self.lan_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        local_row = QHBoxLayout()
        local_row.addWidget(self.local_host_box, 1)
        local_row.addWidget(self.local_port_box)
        remote_row = QHBoxLayout()
        remote_row.addWidget(self.remote_host_edit, 1)
        remote_row.addWidget(self.remote_port_box)

        self.form = QFormLayout()
        self.mode_label = QLabel()
        self.form.addRow(self.mode_label, self.mode_box)
        self.protocol_label = QLabel()
        self.form.addRow(self.protocol_label, self.framing_box)
        self.encoding_label = QLabel()
        self.form.addRow(self.encoding_label, self.encoding_box)
        self.nick_label = QLabel()
        self.form.addRow(self.nick_label, self.nick_edit)
        self.local_label = QLabel()
        self.form.addRow(self.local_label, local_row)
        self.remote_label = QLabel()
        self.form.addRow(self.remote_label, remote_row)

        layout = QVBoxLayout(self)
        layout.addWidget(self.recent_box)
        layout.addLayout(self.form)
        layout.addWidget(self.start_button)
        layout.addWidget(self.bound_label)
        layout.addWidget(self.lan_label)

        self.mode_box.currentIndexChanged.connect(self._on_mode_changed)
        self.framing_box.currentIndexChanged.connect(self._on_mode_changed)
        self.start_button.clicked.connect(self._on_start_clicked)
        self.recent_box.activated.connect(self._on_recent_chosen)
        self.remote_host_edit.editingFinished.connect(self._on_target_edited)
        self.remote_port_box.valueChanged.connect(self._on_target_edited)
        self.refresh_lan_addresses()
        self._on_mode_changed()
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language, the mode- and state-dependent ones too."""
        self.setTitle(self.tr("Connection"))
        mode_texts = {
            Mode.HOST: self.tr("Host a TCP room"),
            Mode.JOIN: self.tr("Join a TCP room"),
            Mode.UDP: self.tr("UDP (peer to peer)"),
        }
        for index in range(self.mode_box.count()):
            self.mode_box.setItemText(index, mode_texts[self.mode_box.itemData(index)])
        self.framing_box.setItemText(0, self.tr("gui_chat messages"))
        self.framing_box.setItemText(1, self.tr("Raw bytes (netcat, scripts, devices)"))
        self.framing_box.setToolTip(
            self.tr("Raw bytes talks to any plain TCP/UDP program: no framing, no nicknames")
        )
        self.nick_edit.setPlaceholderText(self.tr("Your name in the chat"))
        self.local_host_box.setToolTip(
            self.tr("0.0.0.0 listens on every network of this machine; 127.0.0.1 only on itself")
        )
        self.local_port_box.setToolTip(self.tr("0 picks any free port; the one taken is shown"))
        self.remote_host_edit.setPlaceholderText(self.tr("host name or IP address"))
        self.mode_label.setText(self.tr("Mode"))
        self.protocol_label.setText(self.tr("Protocol"))
        self.encoding_label.setText(self.tr("Encoding"))
        self.nick_label.setText(self.tr("Nickname"))
        self.local_label.setText(self.tr("Listen on"))
        self._show_remote_label()
        self._update_button()
        self._show_lan_text()
        self._show_bound_text()
        self.show_recent(self._recent)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ----- state --------------------------------------------------------------------------
    def mode(self) -> Mode:
        return self.mode_box.currentData()

    def set_mode(self, mode: Mode) -> None:
        self.mode_box.setCurrentIndex(self.mode_box.findData(mode))

    def raw(self) -> bool:
        return self.framing_box.currentData() == "raw"

    def set_raw(self, raw: bool, encoding: str = "utf-8") -> None:
        self.framing_box.setCurrentIndex(self.framing_box.findData("raw" if raw else "framed"))
        self.encoding_box.setCurrentIndex(max(0, self.encoding_box.findData(encoding)))

    def settings(self) -> SessionSettings:
        return SessionSettings(
            mode=self.mode(),
            nick=self.nick_edit.text(),
            local_host=self.local_host_box.currentText().strip() or "0.0.0.0",
            local_port=self.local_port_box.value(),
            remote_host=self.remote_host_edit.text().strip(),
            remote_port=self.remote_port_box.value(),
            raw=self.raw(),
            encoding=self.encoding_box.currentData(),
        )

    # ----- remembered settings ------------------------------------------------------------
    def restore(self, prefs: Preferences) -> None:
        """Fill the fields from the last session's settings."""
        self.set_mode(Mode(prefs.get("session/mode", Mode.HOST.value)))
        self.set_raw(prefs.get("session/raw", False), prefs.get("session/encoding", "utf-8"))
        nick = prefs.get("session/nick", "")
        if nick:
            self.nick_edit.setText(nick)
        self.local_host_box.setEditText(prefs.get("session/local_host", "0.0.0.0"))
        self.local_port_box.setValue(prefs.get("session/local_port", self.local_port_box.value()))
        self.remote_host_edit.setText(prefs.get("session/remote_host", "127.0.0.1"))
        self.remote_port_box.setValue(
            prefs.get("session/remote_port", self.remote_port_box.value())
        )
        self.show_recent(prefs.recent())

    def save(self, prefs: Preferences) -> None:
        settings = self.settings()
        prefs.set("session/mode", settings.mode.value)
        prefs.set("session/raw", settings.raw)
        prefs.set("session/encoding", settings.encoding)
        prefs.set("session/nick", settings.nick)
        prefs.set("session/local_host", settings.local_host)
        prefs.set("session/local_port", settings.local_port)
        prefs.set("session/remote_host", settings.remote_host)
        prefs.set("session/remote_port", settings.remote_port)

    def connection_summary(self) -> dict[str, Any]:
        """What the recent-connections list keeps of the current settings."""
        settings = self.settings()
        local = settings.mode is Mode.HOST
        return {
            "mode": settings.mode.value,
            "raw": settings.raw,
            "encoding": settings.encoding,
            "host": settings.local_host if local else settings.remote_host,
            "port": settings.local_port if local else settings.remote_port,
        }

    def show_recent(self, recent: list[dict[str, Any]]) -> None:
        self._recent = list(recent)
        self.recent_box.blockSignals(True)
        self.recent_box.clear()
        self.recent_box.addItem(self.tr("Recent connections…"), None)
        for item in recent:
            from gui_chat.net.errors import format_address  # loads socket: not before it is needed

            label = {"host": self.tr("Host"), "join": self.tr("Join"), "udp": "UDP"}.get(
                item.get("mode", ""), "?"
            )
            raw = self.tr(" (raw)") if item.get("raw") else ""
            address = format_address(str(item.get("host", "")), int(item.get("port", 0)))
            self.recent_box.addItem(f"{label}{raw} {address}", item)
        self.recent_box.setVisible(bool(recent))
        self.recent_box.blockSignals(False)

    @Slot(int)
    def _on_recent_chosen(self, index: int) -> None:
        item = self.recent_box.itemData(index)
        if not isinstance(item, dict):
            return
        try:
            mode = Mode(item["mode"])
            host, port = str(item["host"]), int(item["port"])
        except (KeyError, TypeError, ValueError):
            return
        self.set_mode(mode)
        self.set_raw(bool(item.get("raw")), str(item.get("encoding", "utf-8")))
        if mode is Mode.HOST:
            self.local_host_box.setEditText(host)
            self.local_port_box.setValue(port)
        else:
            self.remote_host_edit.setText(host)
            self.remote_port_box.setValue(port)
        self.recent_box.setCurrentIndex(0)

    def set_running(self, running: bool) -> None:
        """Lock the settings while a session runs (the UDP peer stays editable)."""
        self._running = running
        for widget in (
            self.recent_box,
            self.mode_box,
            self.framing_box,
            self.encoding_box,
            self.nick_edit,
            self.local_host_box,
            self.local_port_box,
        ):
            widget.setEnabled(not running)
        remote_editable = not running or self.mode() is Mode.UDP
        self.remote_host_edit.setEnabled(remote_editable)
        self.remote_port_box.setEnabled(remote_editable)
        if not running:
            self._bound = None
            self.bound_label.clear()
        self._update_button()

    def show_bound(self, host: str, port: int) -> None:
        self._bound = (host, port)
        self._show_bound_text()

    def _show_bound_text(self) -> None:
        if self._bound is not None:
            host, port = self._bound
            self.bound_label.setText(self.tr("Bound to {0} port {1}").format(host, port))

    def refresh_lan_addresses(self) -> None:
        addresses = [a for a in lan_ipv4_addresses() if not a.startswith("127.")]
        for address in addresses:
            if self.local_host_box.findText(address) < 0:
                self.local_host_box.addItem(address)
        self._lan_addresses = addresses
        self._show_lan_text()

    def _show_lan_text(self) -> None:
        addresses = self._lan_addresses
        if addresses:
            self.lan_label.setText(
                self.tr("This machine on the LAN: {0}").format(", ".join(addresses))
            )
        else:
            self.lan_label.setText(self.tr("This machine has no LAN address (not connected?)"))

    # ----- slots --------------------------------------------------------------------------
    @Slot()
    def _on_mode_changed(self) -> None:
        mode = self.mode()
        hosting = mode is Mode.HOST
        self.local_label.setVisible(mode is not Mode.JOIN)
        self.local_host_box.setVisible(mode is not Mode.JOIN)
        self.local_port_box.setVisible(mode is not Mode.JOIN)
        self.remote_label.setVisible(not hosting)
        self.remote_host_edit.setVisible(not hosting)
        self.remote_port_box.setVisible(not hosting)
        raw = self.raw()
        self.encoding_label.setVisible(raw)
        self.encoding_box.setVisible(raw)
        self.nick_label.setVisible(not raw)
        self.nick_edit.setVisible(not raw)
        self._show_remote_label()
        if mode is Mode.UDP:
            if self.local_port_box.value() == DEFAULT_ROOM_PORT:
                self.local_port_box.setValue(DEFAULT_UDP_PORT)
            if self.remote_port_box.value() == DEFAULT_ROOM_PORT:
                self.remote_port_box.setValue(DEFAULT_UDP_PORT)
        else:
            if self.local_port_box.value() == DEFAULT_UDP_PORT:
                self.local_port_box.setValue(DEFAULT_ROOM_PORT)
            if self.remote_port_box.value() == DEFAULT_UDP_PORT:
                self.remote_port_box.setValue(DEFAULT_ROOM_PORT)
        self._update_button()

    @Slot()
    def _on_start_clicked(self) -> None:
        if self._running:
            self.stop_requested.emit()
        else:
            self.start_requested.emit(self.settings())

    @Slot()
    def _on_target_edited(self) -> None:
        if self._running and self.mode() is Mode.UDP:
            self.target_changed.emit(
                self.remote_host_edit.text().strip(), self.remote_port_box.value()
            )

    def _show_remote_label(self) -> None:
        if self.mode() is Mode.UDP:
            self.remote_label.setText(self.tr("Send to"))
        else:
            self.remote_label.setText(self.tr("Server at") if self.raw() else self.tr("Room at"))

    def _update_button(self) -> None:
        joining = self.mode() is Mode.JOIN
        if self._running:
            self.start_button.setText(self.tr("Disconnect") if joining else self.tr("Stop"))
        else:
            self.start_button.setText(self.tr("Connect") if joining else self.tr("Start"))
