"""Ctrl+F: find text in every stored conversation."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui_chat.store.history import History


class SearchDialog(QDialog):
    """Type to search; results show conversation, time, sender and text."""

    def __init__(self, history: History | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self._found: int | None = None  # how many the last search found
        self.resize(640, 420)
        self.query = QLineEdit(objectName="search_query")
        self.query.setClearButtonEnabled(True)
        self.results = QListWidget(objectName="search_results")
        self.results.setWordWrap(True)
        self.summary = QLabel(objectName="search_summary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.summary)
        self.query.textChanged.connect(self.search)
        if history is None:
            self.query.setEnabled(False)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.setWindowTitle(self.tr("Search history"))
        self.query.setPlaceholderText(self.tr("Text or name to find"))
        if self.history is None:
            self.summary.setText(self.tr("History is off, so there is nothing to search."))
        elif self._found is not None:
            self.summary.setText(self.tr("{0} found").format(self._found))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    @Slot(str)
    def search(self, text: str) -> None:
        self.results.clear()
        if self.history is None:
            return
        if not text.strip():
            self._found = None
            self.summary.clear()
            return
        found = self.history.search(text.strip())
        for message in found:
            stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(message.ts))
            who = f"{message.sender}: " if message.sender else ""
            item = QListWidgetItem(f"{stamp} · {message.conversation}\n{who}{message.text[:500]}")
            self.results.addItem(item)
        self._found = len(found)
        self.retranslate()
