"""The list of messages."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QAbstractItemView, QApplication, QListView, QMessageBox, QWidget

from gui_chat.ui.chat_delegate import ChatDelegate
from gui_chat.ui.chat_model import ENTRY_ROLE, MAX_ROWS, TRIM_STEP, ChatEntry

#: Rows laid out per turn of the event loop: all the rows the view keeps while it
#: follows the newest message, so that a new message is laid out (and the window
#: repainted) once; more rows, while the user reads older ones, take several turns.
LAYOUT_BATCH = MAX_ROWS + TRIM_STEP


class PaintsBelow(QObject):
    """Makes widgets opaque by filling them with the background of what lies beneath.

    The scroll bar's handle moves with every new message. The style leaves some of its
    pixels partly transparent, so Qt would repaint every widget under it (the window,
    the splitter, the view's frame…) each time. Covered widgets are filled with the
    background of the nearest widget below that paints one, then paint themselves.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._beneath: dict[QWidget, QWidget] = {}

    def cover(self, widget: QWidget, beneath: QWidget) -> None:
        """Cover ``widget``; ``beneath`` is an ancestor of it: the search for a
        background starts there (naming a parent whose class PySide does not know
        makes it build every widget class it has not built yet, 15–20 ms)."""
        self._beneath[widget] = beneath
        widget.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and watched in self._beneath:
            below: QWidget | None = self._beneath[watched]
            while below is not None and not (below.autoFillBackground() or below.isWindow()):
                below = below.parentWidget()
            if below is not None:
                painter = QPainter(watched)
                painter.fillRect(event.rect(), below.palette().brush(below.backgroundRole()))
                painter.end()
        return False


class ChatView(QListView):
    """The list of messages; stays at the bottom while new ones arrive.

    Scrolling to the very top asks for older messages (``wants_older``); when they are
    put above, the view keeps showing the same messages.
    """

    wants_older = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chat_view")
        self.setItemDelegate(ChatDelegate(self))
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(LAYOUT_BATCH)
        self._paints_below = PaintsBelow(self)
        # The bar fills the box Qt keeps it in (which paints nothing): covering the bar
        # is enough, and the background comes from the view or what holds it.
        self._paints_below.cover(self.verticalScrollBar(), beneath=self)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self._follow = True
        self._keep_from_bottom: int | None = None
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.verticalScrollBar().rangeChanged.connect(self._on_range_changed)
        self.doubleClicked.connect(self._show_whole)

    def retranslate(self) -> None:
        """Lay the rows out again: the delegate paints texts in the current language."""
        model = self.model()
        if model is None:
            return
        for entry in model.entries():
            entry.layout_cache.clear()
        self.scheduleDelayedItemsLayout()
        self.viewport().update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    @Slot(int)
    def _on_scrolled(self, value: int) -> None:
        bar = self.verticalScrollBar()
        self._follow = value >= bar.maximum() - 4
        model = self.model()
        if model is not None:
            model.following = self._follow  # old rows may leave only while we follow
        if value == bar.minimum() and bar.maximum() > 0 and self._keep_from_bottom is None:
            self._keep_from_bottom = bar.maximum() - value
            self.wants_older.emit()

    def older_loaded(self, count: int) -> None:
        """The answer to ``wants_older``: ``count`` rows were put above."""
        if not count:
            self._keep_from_bottom = None

    @Slot(int, int)
    def _on_range_changed(self, _minimum: int, maximum: int) -> None:
        bar = self.verticalScrollBar()
        if self._keep_from_bottom is not None:
            bar.setValue(maximum - self._keep_from_bottom)
            self._keep_from_bottom = None
        elif self._follow:
            bar.setValue(maximum)

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
