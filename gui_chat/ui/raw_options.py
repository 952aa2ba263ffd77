"""Raw mode's sending options, shown above the message box."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QWidget

from gui_chat.protocol.raw import LINE_ENDINGS


class RawOptions(QWidget):
    """Raw mode's sending options: target client, line ending, hex in and out."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target_label = QLabel()
        self.target_box = QComboBox(objectName="send_target")
        self.target_box.addItem("", "")  # "Everyone": see retranslate()
        self.line_end_box = QComboBox(objectName="line_ending")
        for label, ending in LINE_ENDINGS.items():
            self.line_end_box.addItem(label, ending)
        self.line_end_box.setCurrentIndex(self.line_end_box.findData(b"\n"))
        self.hex_input_box = QCheckBox(objectName="hex_input")
        self.hex_view_box = QCheckBox(objectName="hex_view")
        self.line_end_label = QLabel()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.target_label)
        row.addWidget(self.target_box)
        row.addWidget(self.line_end_label)
        row.addWidget(self.line_end_box)
        row.addWidget(self.hex_input_box)
        row.addWidget(self.hex_view_box)
        row.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.target_label.setText(self.tr("Send to"))
        self.target_box.setItemText(0, self.tr("Everyone"))
        self.line_end_label.setText(self.tr("Line end"))
        for index, label in enumerate(LINE_ENDINGS):  # "\\n" and "\\r\\n" read the same everywhere
            self.line_end_box.setItemText(index, self.tr("none") if label == "none" else label)
        self.hex_input_box.setText(self.tr("Hex input"))
        self.hex_view_box.setText(self.tr("Show hex"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def clear_targets(self) -> None:
        """Back to "Everyone" and nobody else, as when a new session starts."""
        self.target_box.setCurrentIndex(0)
        self.set_targets([])

    def set_targets(self, addresses: list[str]) -> None:
        """Offer ``addresses``; a chosen client that left stays chosen, marked as gone, so
        a message meant for it fails instead of going to everyone."""
        current = self.target_box.currentData() or ""
        self.target_box.blockSignals(True)
        while self.target_box.count() > 1:
            self.target_box.removeItem(1)
        for address in addresses:
            self.target_box.addItem(address, address)
        if current and current not in addresses:
            self.target_box.addItem(self.tr("{0} (left)").format(current), current)
        self.target_box.setCurrentIndex(max(0, self.target_box.findData(current)))
        self.target_box.blockSignals(False)
