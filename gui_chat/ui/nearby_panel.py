"""The "Nearby" list: rooms and UDP peers discovery found on the LAN."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui_chat.ui.session_settings import DEFAULT_ROOM_PORT, DEFAULT_UDP_PORT

if TYPE_CHECKING:
    from gui_chat.net.events import PeerFound

_FOUND_ROLE = Qt.ItemDataRole.UserRole + 1


class NearbyPanel(QGroupBox):
    """Lists what was found; a double-click asks to join it."""

    join_requested = Signal(object)  # PeerFound

    def __init__(self, enabled: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._enabled = enabled
        self.tree = QTreeWidget(objectName="nearby")
        self.tree.setColumnCount(4)
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.hint = QLabel(objectName="nearby_hint")
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.hint)
        self._items: dict[str, QTreeWidgetItem] = {}
        self.tree.itemDoubleClicked.connect(self._on_double_clicked)
        self._update_hint()
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language, the rows found so far included."""
        self.setTitle(self.tr("Nearby"))
        self.tree.setHeaderLabels(
            [self.tr("Name"), self.tr("Host"), self.tr("Address"), self.tr("People")]
        )
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setToolTip(self.tr("Double-click to join"))
        if self._enabled:
            from gui_chat.net.discovery import DISCOVERY_PORT

            self.hint.setText(
                self.tr(
                    "Looking for rooms and peers… Nothing yet? Check that the others are on the "
                    "same network (subnet) and that firewalls allow UDP port {0} (discovery), "
                    "TCP port {1} (rooms) and UDP port {2} (UDP chat)."
                ).format(DISCOVERY_PORT, DEFAULT_ROOM_PORT, DEFAULT_UDP_PORT)
            )
        else:
            self.hint.setText(self.tr("Discovery is off; enter addresses by hand."))
        for item in self._items.values():
            self._show(item, item.data(0, _FOUND_ROLE))

    def set_enabled(self, enabled: bool) -> None:
        """Discovery was turned on or off: forget what was found, say what to expect."""
        self._enabled = enabled
        self.tree.clear()
        self._items.clear()
        self.retranslate()
        self._update_hint()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def found(self, peer: PeerFound) -> None:
        item = self._items.get(peer.key)
        if item is None:
            item = QTreeWidgetItem()
            self._items[peer.key] = item
            self.tree.addTopLevelItem(item)
        self._show(item, peer)
        self._update_hint()

    def _show(self, item: QTreeWidgetItem, peer: PeerFound) -> None:
        from gui_chat.net.errors import format_address

        if peer.kind == "room":
            name = peer.name
            people = str(peer.members)
        else:
            name = self.tr("{0} (UDP)").format(peer.nick)
            people = ""
        item.setText(0, name)
        item.setText(1, peer.nick)
        item.setText(2, format_address(peer.host, peer.port))
        item.setText(3, people)
        item.setToolTip(0, self.tr("hosted by {0}").format(peer.nick))
        item.setData(0, _FOUND_ROLE, peer)

    def gone(self, key: str) -> None:
        item = self._items.pop(key, None)
        if item is not None:
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))
        self._update_hint()

    def entries(self) -> list[PeerFound]:
        return [item.data(0, _FOUND_ROLE) for item in self._items.values()]

    def item_for(self, key: str) -> QTreeWidgetItem | None:
        return self._items.get(key)

    def _update_hint(self) -> None:
        self.hint.setVisible(not self._items)

    @Slot(QTreeWidgetItem, int)
    def _on_double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        self.join_requested.emit(item.data(0, _FOUND_ROLE))
