"""The list of messages."""

from __future__ import annotations

import contextlib
import functools
from bisect import bisect_right
from collections.abc import Iterator
from itertools import accumulate
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QPainter, QPalette, QRegion
from PySide6.QtWidgets import QAbstractItemView, QApplication, QListView, QMessageBox, QWidget

from gui_chat.ui.chat_delegate import ChatDelegate
from gui_chat.ui.chat_model import ChatEntry, ChatModel

if TYPE_CHECKING:
    from PySide6.QtGui import QPaintEvent, QResizeEvent
    from PySide6.QtWidgets import QStyleOptionViewItem

# QStyle, QStyleOptionViewItem and QAccessible are imported where they are used: naming
# one makes PySide build all of its enums, and the window shows before any row is laid
# out or painted.

Index = QModelIndex | QPersistentModelIndex
_Action = QAbstractItemView.CursorAction
_Hint = QAbstractItemView.ScrollHint


class ChatView(QListView):
    """The list of messages; stays at the bottom while new ones arrive.

    Scrolling to the very top asks for older messages (``wants_older``); when they are
    put above, the view keeps showing the same messages.

    The view lays its rows out itself, one below the other, the full width of the
    view: it keeps the top of every row and, when messages arrive, measures only the
    new rows (on the next turn of the event loop, all that came meanwhile at once),
    scrolls by moving the pixels already shown and paints only what comes into view.
    (QListView would measure every row again and repaint the whole view after each
    insert.) It stays a QListView for the assistive tools, which present a QListView
    as a list of its rows; everything that depends on where rows are is its own.
    """

    wants_older = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bar = self.verticalScrollBar()
        self._delegate = ChatDelegate(self)
        self._chat_model: ChatModel | None = None
        #: The top of every laid-out row, and the bottom of the last one (so one more).
        self._tops = [0]
        #: Rows from this one on are laid out but not yet scrolled to nor painted.
        self._fresh = 0
        self._width = 0  # of the viewport: the rows' width
        self._height = 0  # of the viewport
        self._moving_rows = False  # rows moved in the model, their pixels did not
        self._catch_up_due = False  # asked for on the next turn of the event loop
        # A zero timer asks for it: starting one costs half as much as a queued call by
        # name after an idle moment.
        self._catch_up_timer = QTimer(self)
        self._catch_up_timer.setSingleShot(True)
        self._catch_up_timer.setInterval(0)
        self._catch_up_timer.timeout.connect(self._catch_up)
        self._follow = True
        self._keep_from_bottom: int | None = None
        self.setObjectName("chat_view")
        self.setItemDelegate(self._delegate)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The handle moves with every new message. The style leaves some of the bar's
        # pixels partly transparent, so Qt would repaint every widget under it (the
        # window, the splitter, the view's frame…) each time: the bar fills its
        # background itself, with the colour of what holds it.
        self._bar.setAutoFillBackground(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._bar.valueChanged.connect(self._on_scrolled)
        self.doubleClicked.connect(self._show_whole)

    def setModel(self, model: ChatModel | None) -> None:  # type: ignore[override]
        if self._chat_model is not None:
            self._chat_model.rowsRemoved.disconnect(self._rows_removed)
        super().setModel(model)
        self._chat_model = model
        self._tops, self._fresh = [0], 0
        if model is not None:
            model.rowsRemoved.connect(self._rows_removed)

    def retranslate(self) -> None:
        """Lay the rows out again: the delegate paints texts in the current language."""
        model = self._chat_model
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

    # ----- following the newest message ---------------------------------------------------
    @Slot(int)
    def _on_scrolled(self, value: int) -> None:
        bar = self._bar
        self._follow = value >= bar.maximum() - 4
        model = self._chat_model
        if model is not None:
            model.following = self._follow  # old rows may leave only while we follow
        if value == bar.minimum() and bar.maximum() > 0 and self._keep_from_bottom is None:
            self._keep_from_bottom = bar.maximum() - value
            self.wants_older.emit()

    def older_loaded(self, count: int) -> None:
        """The answer to ``wants_older``: ``count`` rows were put above."""
        if not count:
            self._keep_from_bottom = None

    # ----- layout -------------------------------------------------------------------------
    def _sizing_option(self) -> QStyleOptionViewItem:
        """The option rows are measured with: the view's font and width."""
        option = self._new_option()
        option.rect = QRect(0, 0, self._width, self._height)
        return option

    def _heights(self, entries: list[ChatEntry]) -> list[int]:
        if not entries:  # an empty view shows at start: no style option built for it
            return []
        option = self._sizing_option()
        hex_view = self._chat_model.hex_view if self._chat_model is not None else False
        height = self._delegate.row_height
        return [height(entry, option, hex_view) for entry in entries]

    def _lay_out_all(self) -> None:
        """Measure every row again (a new width, font, language, model…)."""
        viewport = self.viewport()
        self._width, self._height = viewport.width(), viewport.height()
        rows = self._chat_model.rows() if self._chat_model is not None else []
        self._tops = list(accumulate(self._heights(rows), initial=0))
        self._fresh = len(rows)

    def _lay_out_new(self) -> None:
        """Measure the rows added at the end since the last layout."""
        model = self._chat_model
        tops = self._tops
        laid_out = len(tops) - 1
        count = model.rowCount() if model is not None else 0
        if laid_out < count:
            tops.extend(accumulate(self._heights(model.rows(laid_out)), initial=tops[-1]))
            del tops[laid_out + 1]  # the initial value, already there
        elif laid_out > count:  # out of step (cannot happen while signals arrive)
            self._lay_out_all()

    @Slot()
    def _catch_up(self) -> None:
        """Lay out the rows that came, follow them and paint them."""
        self._catch_up_due = False
        if not self.isVisible():  # laid out when shown
            self.scheduleDelayedItemsLayout()
            return
        self._lay_out_new()
        tops, fresh = self._tops, self._fresh
        rows = len(tops) - 1
        if fresh >= rows:
            return
        self._fresh = rows
        self._set_range()  # while following, this scrolls by moving the pixels shown
        top = tops[fresh] - self._bar.value()
        if top < self._height:
            self.viewport().update(0, top, self._width, tops[rows] - tops[fresh])

    def _set_range(self) -> None:
        """Fit the scroll bar to the rows: it follows the newest, or keeps the rows
        shown where they are when older ones were put above."""
        bar = self._bar
        maximum = max(0, self._tops[-1] - self._height)
        if maximum != bar.maximum():
            bar.setRange(0, maximum)
        if self._keep_from_bottom is not None:
            bar.setValue(maximum - self._keep_from_bottom)
            self._keep_from_bottom = None
        elif self._follow:
            bar.setValue(maximum)

    def _rows_moved(self) -> None:
        """Rows came or left above others: lay out and paint everything again, while
        the scroll bar's own logic decides which rows to show."""
        if not self.isVisible():  # laid out when shown
            self._tops, self._fresh = [0], 0
            self.scheduleDelayedItemsLayout()
            return
        self._lay_out_all()
        with self._pixels_held():
            self._set_range()
        self.viewport().update()

    @contextlib.contextmanager
    def _pixels_held(self) -> Iterator[None]:
        """Scroll without moving the pixels shown: rows moved in the model, not on
        the screen."""
        self._moving_rows = True
        try:
            yield
        finally:
            self._moving_rows = False

    def doItemsLayout(self) -> None:
        self._lay_out_all()
        QAbstractItemView.doItemsLayout(self)  # the scroll bar, and a full repaint

    def updateGeometries(self) -> None:
        bar = self._bar
        bar.setPageStep(self._height)
        bar.setSingleStep(max(1, self.fontMetrics().lineSpacing() * 2))
        self._set_range()
        self.horizontalScrollBar().setRange(0, 0)
        QAbstractItemView.updateGeometries(self)

    def resizeEvent(self, event: QResizeEvent) -> None:
        viewport = self.viewport()
        width, self._height = viewport.width(), viewport.height()
        if width != self._width:
            self._lay_out_all()
            viewport.update()
        QAbstractItemView.resizeEvent(self, event)  # the scroll bar follows

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        if not self._moving_rows:  # move the pixels shown; paint only what comes into view
            self.scrollDirtyRegion(dx, dy)
            self.viewport().scroll(dx, dy)

    def reset(self) -> None:
        self._tops, self._fresh = [0], 0
        super().reset()

    # ----- model changes ------------------------------------------------------------------
    def rowsInserted(self, parent: Index, first: int, last: int) -> None:
        # Not passed on: QAbstractItemView's would lay out editors (rows here are never
        # edited) or ask the model for more rows (it has none to fetch), and the call
        # back into Qt costs 10 µs after an idle moment, on the way of every message.
        laid_out = len(self._tops) - 1
        if first >= laid_out:  # at the end
            if laid_out == 0:
                self._catch_up()  # into an empty view (the first rows, a flood): at once
            elif not self._catch_up_due:  # on the next turn, with any that come meanwhile
                self._catch_up_due = True
                self._catch_up_timer.start()
        else:
            self._rows_moved()

    def rowsAboutToBeRemoved(self, parent: Index, first: int, last: int) -> None:
        self._catch_up()  # in the rows' numbering before they leave
        QAbstractItemView.rowsAboutToBeRemoved(self, parent, first, last)

    @Slot(QModelIndex, int, int)
    def _rows_removed(self, _parent: QModelIndex, first: int, last: int) -> None:
        tops = self._tops
        if last + 1 >= len(tops):
            self._rows_moved()
            return
        removed = tops[last + 1] - tops[first]
        value = self._bar.value()
        above = tops[last + 1] <= value  # only rows above those shown left
        tops[first + 1 :] = [top - removed for top in tops[last + 2 :]]
        self._fresh = len(tops) - 1
        if not above:
            self._rows_moved()
            return
        with self._pixels_held():  # the rows shown stay where they are on the screen
            self._set_range()
            self._bar.setValue(value - removed)

    def dataChanged(self, top_left: Index, bottom_right: Index, roles: list[int] = ()) -> None:  # type: ignore[override]
        first, last = top_left.row(), bottom_right.row()
        tops = self._tops
        if 0 <= first <= last < len(tops) - 1 and self._chat_model is not None:
            heights = self._heights(self._chat_model.rows(first, last + 1))
            if any(h != tops[first + i + 1] - tops[first + i] for i, h in enumerate(heights)):
                grown = list(accumulate(heights, initial=tops[first]))
                shift = grown[-1] - tops[last + 1]
                tops[first:] = grown + [top + shift for top in tops[last + 2 :]]
                with self._pixels_held():
                    self._set_range()
                self.viewport().update()
        QAbstractItemView.dataChanged(self, top_left, bottom_right, list(roles))

    # ----- painting -----------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        model = self._chat_model
        if model is None:
            return
        if len(self._tops) - 1 != model.rowCount():
            self._lay_out_new()  # rows that came since: painted where they will be
        tops = self._tops
        offset = self._bar.value()
        rows: list[int] = []  # the rows in the areas to paint (often a new row at the
        # bottom and, under the pointer, rows at the top), not all those between them
        for area in event.region():
            first = max(0, bisect_right(tops, area.top() + offset) - 1)
            stop = min(len(tops) - 1, bisect_right(tops, area.bottom() + offset))
            rows.extend(range(max(first, rows[-1] + 1) if rows else first, stop))
        if not rows:
            return
        option, state, selected_state = self._paint_option()
        selected = self._selected_rows()
        width, paint, entry = self._width, self._delegate.paint_entry, model.entry
        painter = QPainter(self.viewport())
        for row in rows:
            top = tops[row]
            option.rect = QRect(0, top - offset, width, tops[row + 1] - top)
            option.state = selected_state if row in selected else state
            paint(painter, option, entry(row), model)
        painter.end()

    def _paint_option(self) -> tuple[QStyleOptionViewItem, object, object]:
        """The option rows are painted with, its state as is and for a selected row."""
        option = self._new_option()
        state = option.state
        if state & _state_flags()[0]:  # enabled: the colours of an active window
            palette = option.palette
            palette.setCurrentColorGroup(QPalette.ColorGroup.Normal)
            option.palette = palette
        return option, state, state | _state_flags()[1]

    def _new_option(self) -> QStyleOptionViewItem:
        """A new style option of the view, for one layout or one paint only (it costs a
        few µs).

        Reading an option's font, rect or palette gives objects that point into the
        option. When the cycle collector frees a kept option together with them, PySide
        can free such a pointer as if it were an object of its own, and the app aborts
        ("free(): invalid pointer"). An option that is never kept is freed at once.
        """
        option = _option_class()()
        self.initViewItemOption(option)
        return option

    def _selected_rows(self) -> set[int]:
        selection = self.selectionModel()
        if selection is None or not selection.hasSelection():
            return set()
        return {index.row() for index in selection.selectedIndexes()}

    # ----- where rows are -----------------------------------------------------------------
    def _row_at(self, y: int) -> int:
        """The row at ``y`` in the viewport, or -1."""
        tops = self._tops
        y += self._bar.value()
        if y < 0 or y >= tops[-1]:
            return -1
        return bisect_right(tops, y) - 1

    def indexAt(self, point: QPoint) -> QModelIndex:
        row = self._row_at(point.y())
        if row < 0 or not 0 <= point.x() < self._width or self._chat_model is None:
            return QModelIndex()
        return self._chat_model.index(row)

    def visualRect(self, index: Index) -> QRect:
        row = index.row()
        tops = self._tops
        if not 0 <= row < len(tops) - 1:
            return QRect()
        top = tops[row]
        return QRect(0, top - self._bar.value(), self._width, tops[row + 1] - top)

    def visualRegionForSelection(self, selection: QItemSelection) -> QRegion:
        tops = self._tops
        rows = len(tops) - 1
        offset = self._bar.value()
        region = QRegion()
        for span in selection:
            first, last = span.top(), min(span.bottom(), rows - 1)
            if 0 <= first <= last:
                height = tops[last + 1] - tops[first]
                region = region.united(QRect(0, tops[first] - offset, self._width, height))
        return region

    def setSelection(self, rect: QRect, command: QItemSelectionModel.SelectionFlag) -> None:
        model, selection_model = self._chat_model, self.selectionModel()
        if model is None or selection_model is None:
            return
        tops = self._tops
        offset = self._bar.value()
        first = max(0, bisect_right(tops, rect.top() + offset) - 1)
        last = min(len(tops) - 2, bisect_right(tops, rect.bottom() + offset) - 1)
        selection = QItemSelection()
        if first <= last:
            selection.select(model.index(first), model.index(last))
        selection_model.select(selection, command)

    def scrollTo(self, index: Index, hint: _Hint = _Hint.EnsureVisible) -> None:
        self._catch_up()
        row = index.row()
        tops = self._tops
        if not 0 <= row < len(tops) - 1:
            return
        top, bottom, height = tops[row], tops[row + 1], self._height
        value = self._bar.value()
        if hint == _Hint.PositionAtTop:
            value = top
        elif hint == _Hint.PositionAtBottom:
            value = bottom - height
        elif hint == _Hint.PositionAtCenter:
            value = top - (height - (bottom - top)) // 2
        elif top < value:
            value = top
        elif bottom > value + height:
            value = min(top, bottom - height)
        self._bar.setValue(value)

    def moveCursor(
        self, action: QAbstractItemView.CursorAction, _modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        model = self._chat_model
        self._catch_up()
        rows = len(self._tops) - 1
        if model is None or rows == 0:
            return QModelIndex()
        row = self.currentIndex().row()
        if row < 0:
            return model.index(0)
        tops = self._tops
        if action in (_Action.MoveUp, _Action.MovePrevious):
            row -= 1
        elif action in (_Action.MoveDown, _Action.MoveNext):
            row += 1
        elif action == _Action.MoveHome:
            row = 0
        elif action == _Action.MoveEnd:
            row = rows - 1
        elif action == _Action.MovePageUp:
            row = min(row - 1, bisect_right(tops, tops[row + 1] - self._height) - 1)
        elif action == _Action.MovePageDown:
            row = max(row + 1, bisect_right(tops, tops[row] + self._height) - 2)
        return model.index(max(0, min(rows - 1, row)))

    def horizontalOffset(self) -> int:
        return 0

    def verticalOffset(self) -> int:
        return self._bar.value()

    # ----- assistive tools ----------------------------------------------------------------
    def currentChanged(self, current: Index, previous: Index) -> None:
        QAbstractItemView.currentChanged(self, current, previous)
        if current.isValid() and self.hasFocus():
            _tell_assistive_tools(self, "Focus", current.row())

    def selectionChanged(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        QAbstractItemView.selectionChanged(self, selected, deselected)
        for kind, selection in (("SelectionAdd", selected), ("SelectionRemove", deselected)):
            indexes = selection.indexes()
            if indexes:
                _tell_assistive_tools(self, kind, indexes[0].row())

    # ----- the user's actions -------------------------------------------------------------
    def selected_text(self) -> str:
        index = self.currentIndex()
        if not index.isValid() or self._chat_model is None:
            return ""
        return self._chat_model.entry(index.row()).text

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


@functools.cache
def _option_class() -> type[QStyleOptionViewItem]:
    """QStyleOptionViewItem, imported once (an import statement costs 4 µs each time)."""
    from PySide6.QtWidgets import QStyleOptionViewItem

    return QStyleOptionViewItem


@functools.cache
def _state_flags() -> tuple:
    """QStyle's State_Enabled and State_Selected."""
    from PySide6.QtWidgets import QStyle

    return QStyle.StateFlag.State_Enabled, QStyle.StateFlag.State_Selected


def _tell_assistive_tools(view: QWidget, kind: str, row: int) -> None:
    """Report an event about ``row`` to screen readers, if one is listening."""
    from PySide6.QtGui import QAccessible, QAccessibleEvent

    if QAccessible.isActive():
        event = QAccessibleEvent(view, getattr(QAccessible.Event, kind))
        event.setChild(row)
        QAccessible.updateAccessibility(event)
