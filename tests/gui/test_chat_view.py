"""The chat view: where rows are, what is painted when, and the rows the view keeps."""

import gc
import time
import types

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QCursor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem

from gui_chat.ui.chat_delegate import PictureCache
from gui_chat.ui.chat_model import (
    MAX_ROWS,
    TRIM_STEP,
    ChatEntry,
    ChatModel,
    Delivery,
    EntryKind,
)
from gui_chat.ui.chat_view import ChatView
from gui_chat.ui.theme import _dark_palette

SIZE = (420, 300)


def _entries() -> list[ChatEntry]:
    now = time.time()
    return [
        ChatEntry(EntryKind.SYSTEM, "Room open on 127.0.0.1:5000", now),
        ChatEntry(EntryKind.PEER, "hello there", now, sender="alice"),
        ChatEntry(EntryKind.PEER, "ping me, bob", now, sender="carol", mention=True),
        ChatEntry(
            EntryKind.OWN,
            "on my way",
            now,
            sender="bob",
            message_id="m1",
            delivery=Delivery.SENDING,
        ),
    ]


@pytest.fixture
def make_view(qtbot):
    """A shown chat view of its own with the test's entries, ``(view, model)``."""

    def make(entries: list[ChatEntry], size: tuple[int, int] = SIZE, palette=None):
        model = ChatModel()
        view = ChatView()
        qtbot.addWidget(view)
        if palette is not None:
            view.setPalette(palette)
        view.setModel(model)
        view.resize(*size)
        view.show()
        qtbot.waitExposed(view)
        model.append(entries)
        qtbot.waitUntil(
            lambda: view.verticalScrollBar().value() == view.verticalScrollBar().maximum()
        )
        return view, model

    return make


def _shot(view: ChatView) -> QImage:
    return view.viewport().grab().toImage()


def _newest_row_at_the_bottom(view: ChatView, model: ChatModel) -> bool:
    """The view laid out the newest row and scrolled to show it at the bottom."""
    rect = view.visualRect(model.index(model.rowCount() - 1))
    bar = view.verticalScrollBar()
    return (
        rect.isValid() and rect.bottom() < view.viewport().height() and bar.value() == bar.maximum()
    )


def test_a_bubble_is_painted_directly_then_copied_from_its_picture(make_view):
    view, _model = make_view(_entries())
    pictures = view.itemDelegate()._pictures
    first = _shot(view)
    assert len(pictures) == 0  # the view moves what it has shown: most are painted once
    assert _shot(view) == first  # painted again: from pictures, looking the same
    assert len(pictures) == 4  # one picture per bubble
    for _ in range(3):
        assert _shot(view) == first
    assert len(pictures) == 4


def test_a_delivery_mark_paints_the_bubble_again(make_view):
    entries = _entries()
    view, model = make_view(entries)
    sending = _shot(view)
    assert model.set_delivery("m1", Delivery.DELIVERED)
    delivered = _shot(view)
    assert delivered != sending
    fresh_entries = _entries()
    fresh_entries[-1].delivery = Delivery.DELIVERED
    fresh, _ = make_view(fresh_entries)
    assert _shot(fresh) == delivered  # as a view that never had the old picture
    model.set_delivery("m1", Delivery.FAILED, "the session had ended")
    assert _shot(view) not in (sending, delivered)


def test_a_new_width_wraps_and_paints_again(make_view):
    long = ChatEntry(EntryKind.PEER, "word " * 60, time.time(), sender="alice")
    view, _ = make_view([long])
    wide = _shot(view)
    view.resize(260, SIZE[1])
    narrow_view, _ = make_view(
        [ChatEntry(EntryKind.PEER, "word " * 60, long.ts, sender="alice")], size=(260, SIZE[1])
    )
    assert _shot(view) == _shot(narrow_view)
    assert _shot(view).size() != wide.size()


def test_a_theme_change_paints_in_the_new_colours(make_view):
    view, _ = make_view(_entries())
    light = _shot(view)
    view.setPalette(_dark_palette())
    dark = _shot(view)
    assert dark != light
    dark_view, _ = make_view(_entries(), palette=_dark_palette())
    assert _shot(dark_view) == dark
    assert dark.pixelColor(5, 5) == dark_view.palette().color(QPalette.ColorRole.Base)


def test_selection_paints_the_selected_bubble_again(make_view, qtbot):
    view, model = make_view(_entries())
    before = _shot(view)
    view.setCurrentIndex(model.index(1))
    assert _shot(view) != before
    view.clearSelection()
    assert _shot(view) == before


def test_the_picture_cache_keeps_within_its_budget():
    from PySide6.QtGui import QPixmap

    cache = PictureCache(budget=3 * 100 * 100 * 4)
    for number in range(10):
        cache.put(("bubble", number), QPixmap(100, 100))
    assert len(cache) == 3 and cache.used <= cache.budget
    assert cache.get(("bubble", 9)) is not None and cache.get(("bubble", 0)) is None
    cache.get(("bubble", 7))  # used again: the oldest is now 8
    cache.put(("bubble", 10), QPixmap(100, 100))
    assert cache.get(("bubble", 8)) is None and cache.get(("bubble", 7)) is not None


def _reachable_from(*roots: object) -> list[object]:
    """Every object the cycle collector can reach from ``roots`` (modules, classes and the
    application left out: they lead to everything)."""
    seen = {id(root) for root in roots}
    found, queue = [], list(roots)
    while queue:
        for child in gc.get_referents(queue.pop()):
            if id(child) in seen or isinstance(child, (type, types.ModuleType, QApplication)):
                continue
            seen.add(id(child))
            found.append(child)
            queue.append(child)
    return found


def test_the_view_keeps_no_style_option_once_painted(make_view):
    """An option kept after its font, rect or palette were read can make the cycle
    collector free a pointer into the option (the app aborted on exit): options the view
    makes live for one layout or one paint."""
    view, model = make_view(_entries())
    model.append([ChatEntry(EntryKind.PEER, "one more", time.time(), sender="alice")])
    _shot(view)  # lays out the new row and paints them all
    kept = [
        thing
        for thing in _reachable_from(view, view.itemDelegate())
        if isinstance(thing, QStyleOptionViewItem)
    ]
    assert kept == []


def test_a_batch_larger_than_the_view_keeps_its_newest_rows(qtbot):
    model = ChatModel()
    now = time.time()
    model.append([ChatEntry(EntryKind.SYSTEM, "start", now)])
    own = [
        ChatEntry(EntryKind.OWN, f"mine {n}", now, message_id=f"id{n}", delivery=Delivery.SENDING)
        for n in range(3)
    ]
    flood = [ChatEntry(EntryKind.PEER, f"line {n}", now, sender="p") for n in range(5000)]
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    model.append(own + flood)
    assert model.rowCount() == TRIM_STEP
    assert inserted == [(0, TRIM_STEP - 1)]  # only the newest rows, in one insert
    assert model.entry_count() == 1 + 3 + 5000
    assert [entry.text for entry in model.entries()][-5000:] == [f"line {n}" for n in range(5000)]
    assert model.entry(TRIM_STEP - 1).text == "line 4999"
    # an own message that went straight to the scrollback still gets its mark
    assert model.set_delivery("id1", Delivery.DELIVERED)
    assert own[1].delivery is Delivery.DELIVERED
    # and scrolling back brings the rows above, in order
    assert model.restore_older(100) == 100
    assert model.entry(0).text == f"line {5000 - TRIM_STEP - 100}"
    for row in (0, 100, model.rowCount() - 1):
        entry = model.entry(row)
        assert model.entries().index(entry) == entry.position


def test_messages_one_by_one_keep_the_newest_rows():
    model = ChatModel()
    now = time.time()
    for number in range(1000):
        model.append([ChatEntry(EntryKind.PEER, f"line {number}", now, sender="p")])
        assert model.rowCount() <= MAX_ROWS + TRIM_STEP
    assert model.rowCount() >= MAX_ROWS
    assert model.entry(model.rowCount() - 1).text == "line 999"
    assert model.entry_count() == 1000


def test_rows_stay_while_the_user_reads_older_ones():
    model = ChatModel()
    model.following = False
    now = time.time()
    model.append([ChatEntry(EntryKind.PEER, f"line {n}", now, sender="p") for n in range(700)])
    assert model.rowCount() == 700 and model.entry_count() == 700


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_screen_shows_what_a_full_repaint_would(open_window, qtbot, theme):
    """The view moves the pixels it has shown, paints new bubbles directly and old ones
    from pictures, rows leave above, the scroll bar fills its own background: after
    many messages the window's pixels are those of a full, fresh repaint."""
    window = open_window().window
    window.resize(900, 600)
    try:
        window.set_theme(theme)
        model, view = window.model, window.chat_view
        bar = view.verticalScrollBar()
        for number in range(2 * (MAX_ROWS + TRIM_STEP) + 10):  # rows leave twice
            text = "the quick brown fox " * (number % 3 + 1)
            model.append([ChatEntry(EntryKind.PEER, text, time.time(), sender="alice")])
            qtbot.waitUntil(lambda: _newest_row_at_the_bottom(view, model))
            QApplication.processEvents()
        assert bar.isVisible()
        area = QRect(view.mapTo(window, QPoint(0, 0)), view.size())
        fresh = window.grab().toImage().copy(area)
        shown = window.backingStore().paintDevice().copy(area).convertToFormat(fresh.format())
        assert shown == fresh
    finally:
        window.set_theme("light")


class _PaintRecorder(QObject):
    """The areas of the paint events a widget gets."""

    def __init__(self, widget) -> None:
        super().__init__(widget)
        self.areas: list[QRect] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.areas.extend(QRect(area) for area in event.region())
        return False


def _lines(count: int, start: int = 0) -> list[ChatEntry]:
    now = time.time()
    return [ChatEntry(EntryKind.PEER, f"line {n}", now, sender="p") for n in range(start, count)]


def test_a_new_message_moves_what_is_shown_and_paints_only_itself(make_view, qtbot):
    view, model = make_view(_lines(30))
    QCursor.setPos(view.mapToGlobal(QPoint(-20, -20)))  # rows under it are painted again
    qtbot.waitUntil(lambda: _newest_row_at_the_bottom(view, model))
    for _ in range(3):
        QApplication.processEvents()  # everything shown is painted
    recorder = _PaintRecorder(view.viewport())
    model.append(_lines(31, 30))
    qtbot.waitUntil(lambda: _newest_row_at_the_bottom(view, model) and bool(recorder.areas))
    newest = view.visualRect(model.index(model.rowCount() - 1))
    assert newest.bottom() == view.viewport().height() - 1
    assert all(newest.contains(area) for area in recorder.areas)


def test_rows_put_above_leave_the_rows_shown_where_they_are(make_view, qtbot):
    view, model = make_view(_lines(100))  # a flood: only the newest rows are kept
    qtbot.waitUntil(lambda: _newest_row_at_the_bottom(view, model))
    restored: list[int] = []

    def older() -> None:
        restored.append(model.restore_older(10))
        view.older_loaded(restored[-1])

    view.wants_older.connect(older)
    top_entry = model.entry(0)
    view.verticalScrollBar().setValue(0)
    assert restored == [10]
    assert model.entry(10) is top_entry
    assert view.visualRect(model.index(10)).top() == 0  # still at the top of the view
    first_rows = view.visualRect(model.index(0)).united(view.visualRect(model.index(9)))
    assert view.verticalScrollBar().value() == first_rows.height()


def test_a_row_that_grows_moves_the_rows_below(make_view, qtbot):
    view, model = make_view(_entries())
    qtbot.waitUntil(lambda: _newest_row_at_the_bottom(view, model))
    grown = model.entry(1)
    height = view.visualRect(model.index(1)).height()
    grown.text += " and then some more words" * 8
    model.refresh(grown)
    assert view.visualRect(model.index(1)).height() > height
    for row in range(1, model.rowCount() - 1):
        below = view.visualRect(model.index(row + 1))
        assert below.top() == view.visualRect(model.index(row)).bottom() + 1
    fresh_entries = _entries()
    fresh_entries[1].text = grown.text
    fresh, fresh_model = make_view(fresh_entries)
    qtbot.waitUntil(lambda: _newest_row_at_the_bottom(fresh, fresh_model))
    assert _shot(view) == _shot(fresh)


def test_clicks_keys_and_points_find_the_rows(make_view, qtbot):
    view, model = make_view(_entries(), size=(420, 600))  # every row in view
    qtbot.waitUntil(lambda: _newest_row_at_the_bottom(view, model))
    for row in range(model.rowCount()):
        index = model.index(row)
        assert view.indexAt(view.visualRect(index).center()) == index
    below = view.visualRect(model.index(model.rowCount() - 1)).bottom() + 5
    assert not view.indexAt(QPoint(10, below)).isValid()
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(model.index(1)).center()
    )
    assert view.currentIndex().row() == 1
    assert view.selectionModel().isSelected(model.index(1))
    assert view.selected_text() == "hello there"
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == 2
    assert view.selected_text() == "ping me, bob"
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert view.currentIndex().row() == model.rowCount() - 1
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.currentIndex().row() == 0
