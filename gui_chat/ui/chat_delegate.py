"""Paints chat entries as bubbles of plain text; nothing a peer sends is markup."""

from __future__ import annotations

import functools
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QMargins, QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QStyledItemDelegate

from gui_chat.ui.chat_model import ChatEntry, ChatModel, Delivery, EntryKind

if TYPE_CHECKING:
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

# QFont, QStyle and QStyleOptionViewItem are imported where they are used: naming one
# makes PySide build all of its enums (20 ms for the three), and the window shows
# before any bubble is laid out or painted.

Index = QModelIndex | QPersistentModelIndex
#: The body font and its metrics, the small font and its metrics.
_Fonts = tuple["QFont", QFontMetrics, "QFont", QFontMetrics]

MAX_SHOWN_CHARS = 2000
MAX_SHOWN_BYTES = 512  # in the hex view
MAX_SHOWN_LINES = 24
PAD = 8  # inside a bubble
GAP = 4  # between rows
SIDE = 10  # between a bubble and the view's edge
_EDGE = 2  # around a bubble's picture, for the outline's antialiased edge
#: Bytes of painted bubbles kept for repainting (a few screens full).
PICTURE_CACHE_BYTES = 4 * 1024 * 1024

#: CJK, emoji and other scripts, from this code point on, may come in fallback fonts
#: taller than Latin text.
_FIRST_TALL_SCRIPT = "\u2e80"
_CONTROL_PICTURES = {code: 0x2400 + code for code in range(32) if chr(code) not in "\n\t"}
_CONTROL_PICTURES[0x7F] = 0x2421
# Flags combined once: combining them costs a Python call each time
_HEADER_FLAGS = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextSingleLine
_BODY_FLAGS = Qt.TextFlag.TextWordWrap | Qt.TextFlag.TextWrapAnywhere
_CENTRED_BODY_FLAGS = _BODY_FLAGS | Qt.AlignmentFlag.AlignHCenter
#: Rows shown as a centred line, not a bubble with a header.
_LINE_KINDS = (EntryKind.SYSTEM, EntryKind.ERROR)


def shown_text(text: str) -> tuple[str, bool]:
    """The text to paint, control characters made visible; ``True`` if it was cut."""
    cut = text[:MAX_SHOWN_CHARS]
    lines = cut.split("\n")
    if len(lines) > MAX_SHOWN_LINES:
        cut = "\n".join(lines[:MAX_SHOWN_LINES])
    shown = cut.translate(_CONTROL_PICTURES)
    return shown, len(cut) < len(text)


def shown_hex(data: bytes) -> tuple[str, bool]:
    """The hex dump to paint; ``True`` if it was cut."""
    from gui_chat.protocol.raw import hex_dump  # the raw mode's: loaded when first used

    return hex_dump(data[:MAX_SHOWN_BYTES]), len(data) > MAX_SHOWN_BYTES


@functools.lru_cache(maxsize=256)
def nick_colour(nick: str, dark: bool) -> QColor:
    """A colour that stays the same for a nickname, readable on the background."""
    hue = zlib.crc32(nick.encode("utf-8")) % 360
    return QColor.fromHsl(hue, 160, 170 if dark else 85)


@dataclass(eq=False)
class _Layout:
    size: QSize
    bubble: QRect  # relative to the row's top-left
    header: str
    body: str
    more: str
    line_height: int  # of the small header and "more" lines
    font: QFont  # of the body
    small_font: QFont  # of the header and "more" lines
    painted: bool = False  # once, directly (see ChatDelegate.paint_entry)


class PictureCache:
    """Painted bubbles, least recently used first out, within a budget of bytes."""

    def __init__(self, budget: int = PICTURE_CACHE_BYTES) -> None:
        self.budget = budget
        self.used = 0
        self._pictures: OrderedDict[tuple, QPixmap] = OrderedDict()

    def __len__(self) -> int:
        return len(self._pictures)

    def get(self, key: tuple) -> QPixmap | None:
        picture = self._pictures.get(key)
        if picture is not None:
            self._pictures.move_to_end(key)
        return picture

    def put(self, key: tuple, picture: QPixmap) -> None:
        old = self._pictures.pop(key, None)
        if old is not None:
            self.used -= self._bytes(old)
        self._pictures[key] = picture
        self.used += self._bytes(picture)
        while self.used > self.budget and len(self._pictures) > 1:
            _, evicted = self._pictures.popitem(last=False)
            self.used -= self._bytes(evicted)

    def clear(self) -> None:
        self._pictures.clear()
        self.used = 0

    @staticmethod
    def _bytes(picture: QPixmap) -> int:
        return picture.width() * picture.height() * max(1, picture.depth() // 8)


class ChatDelegate(QStyledItemDelegate):
    """Own messages on the right, others on the left, system lines centred."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        #: The fonts made from the view's font (for text, for hex dumps) and that font.
        self._fonts_of: dict[bool, tuple[QFont, _Fonts]] = {}
        #: Bubbles painted again are copied from these; keyed by layout (text, width,
        #: language, hex view) and the look (selection, delivery, mention, palette, scale).
        self._pictures = PictureCache()

    def delivery_mark(self, delivery: Delivery) -> str:
        """What the header says after the time about a message's delivery."""
        if delivery is Delivery.SENDING:
            return " · …"
        if delivery is Delivery.DELIVERED:
            return " · ✓"
        if delivery is Delivery.FAILED:
            return " · ✗ " + self.tr("not delivered")
        return ""

    def _layout(self, entry: ChatEntry, option: QStyleOptionViewItem, hex_view: bool) -> _Layout:
        width = option.rect.width()
        cached = entry.layout_cache.get(width)
        if cached is not None:
            return cached
        as_hex = hex_view and entry.raw is not None
        font, metrics, small_font, small_metrics = self._fonts(option.font, as_hex)
        more = ""
        if as_hex:
            assert entry.raw is not None
            body, was_cut = shown_hex(entry.raw)
            if was_cut:
                more = self.tr("… {0:,} bytes in all — double-click to read everything").format(
                    len(entry.raw)
                )
        else:
            body, was_cut = shown_text(entry.text)
            if was_cut:
                more = self.tr("… {0:,} characters in all — double-click to read everything")
                more = more.format(len(entry.text))
        stamp = time.strftime("%H:%M:%S", time.localtime(entry.ts))
        if entry.kind in _LINE_KINDS:
            header = ""
            text_width = max(40, width - 2 * SIDE)
        else:
            who = entry.sender + (f" ({entry.address})" if entry.address else "")
            header = f"{who} · {stamp}{self.delivery_mark(entry.delivery)}"
            share = 0.95 if as_hex else 0.75  # a hex dump line is long and must not wrap
            text_width = max(40, int(width * share) - 2 * PAD)
        body_width, body_height = self._text_size(metrics, body, text_width)
        head_width = small_metrics.horizontalAdvance(header) if header else 0
        more_width = small_metrics.horizontalAdvance(more) if more else 0
        inner_w = min(text_width, max(body_width, head_width, more_width))
        line_height = small_metrics.lineSpacing()
        if max(header + more, default="") >= _FIRST_TALL_SCRIPT:
            # Fallback fonts (CJK, emoji) can be taller than the small font itself.
            single = Qt.TextFlag.TextSingleLine
            tall = small_metrics.boundingRect(QRect(0, 0, 100_000, 1000), single, header + more)
            line_height = max(line_height, tall.height())
        inner_h = body_height + line_height * ((1 if header else 0) + (1 if more else 0))
        bubble_w, bubble_h = inner_w + 2 * PAD, inner_h + 2 * PAD
        if entry.kind is EntryKind.OWN:
            left = width - SIDE - bubble_w
        elif entry.kind is EntryKind.PEER:
            left = SIDE
        else:
            left = (width - bubble_w) // 2
        layout = _Layout(
            QSize(width, bubble_h + GAP),
            QRect(left, GAP // 2, bubble_w, bubble_h),
            header,
            body,
            more,
            line_height,
            font,
            small_font,
        )
        if len(entry.layout_cache) > 4:
            entry.layout_cache.clear()
        entry.layout_cache[width] = layout
        return layout

    def _fonts(self, base: QFont, as_hex: bool) -> _Fonts:
        """The fonts for the view's font ``base``, made again when it changes."""
        known = self._fonts_of.get(as_hex)
        if known is not None and known[0] == base:
            return known[1]
        from PySide6.QtGui import QFont

        font = QFont(base)
        if as_hex:
            font.setFamily("monospace")
            font.setStyleHint(QFont.StyleHint.Monospace)
        small = QFont(base)
        small.setPointSizeF(max(6.0, base.pointSizeF() * 0.85))
        fonts = (font, QFontMetrics(font), small, QFontMetrics(small))
        self._fonts_of[as_hex] = (QFont(base), fonts)
        return fonts

    @staticmethod
    def _text_size(metrics: QFontMetrics, text: str, width: int) -> tuple[int, int]:
        """Width and height of ``text`` wrapped to ``width``."""
        if text.isascii() and "\n" not in text and "\t" not in text:
            # One line needs no wrapping layout. The advance leaves out the last glyph's
            # overhang, so a pixel more keeps the painter from wrapping its last letter.
            advance = metrics.horizontalAdvance(text) + 1
            if advance <= width:
                return advance, metrics.height()
        flags = Qt.TextFlag.TextWordWrap | Qt.TextFlag.TextWrapAnywhere
        rect = metrics.boundingRect(QRect(0, 0, width, 1_000_000), flags, text)
        return rect.width(), rect.height()

    def row_height(self, entry: ChatEntry, option: QStyleOptionViewItem, hex_view: bool) -> int:
        """The height of ``entry``'s row in a view ``option.rect.width()`` wide."""
        return self._layout(entry, option, hex_view).size.height()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        model = index.model()
        entry = model.entry(index.row())  # straight from the model: no QVariant
        return self._layout(entry, option, model.hex_view).size

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        model = index.model()
        self.paint_entry(painter, option, model.entry(index.row()), model)

    def paint_entry(
        self, painter: QPainter, option: QStyleOptionViewItem, entry: ChatEntry, model: ChatModel
    ) -> None:
        """Paint the bubble directly the first time, then copy it from a picture.

        The view scrolls by moving the pixels it has shown, so most bubbles are painted
        once; a bubble painted again (scrolled back to, selected…) gets a picture.
        """
        layout = self._layout(entry, option, model.hex_view)
        palette = option.palette
        selected = bool(option.state & self._selected_flag())
        if not layout.painted:
            layout.painted = True
            painter.save()
            bubble = layout.bubble.translated(option.rect.topLeft())
            self._paint_bubble(painter, entry, layout, bubble, palette, selected)
            painter.restore()
            return
        ratio = painter.device().devicePixelRatioF()
        key = (layout, selected, entry.delivery, entry.mention, palette.cacheKey(), ratio)
        picture = self._pictures.get(key)
        if picture is None:
            picture = self._picture(entry, layout, palette, selected, ratio)
            self._pictures.put(key, picture)
        top_left = option.rect.topLeft() + layout.bubble.topLeft()
        painter.drawPixmap(top_left.x() - _EDGE, top_left.y() - _EDGE, picture)

    @staticmethod
    @functools.cache
    def _selected_flag() -> QStyle.StateFlag:
        from PySide6.QtWidgets import QStyle

        return QStyle.StateFlag.State_Selected

    def _picture(
        self,
        entry: ChatEntry,
        layout: _Layout,
        palette: QPalette,
        selected: bool,
        ratio: float,
    ) -> QPixmap:
        """The bubble painted once on the view's background, with a small margin."""
        size = layout.bubble.size().grownBy(QMargins(_EDGE, _EDGE, _EDGE, _EDGE))
        picture = QPixmap(size * ratio)
        picture.setDevicePixelRatio(ratio)
        picture.fill(palette.color(QPalette.ColorRole.Base))
        painter = QPainter(picture)
        try:
            bubble = QRect(_EDGE, _EDGE, layout.bubble.width(), layout.bubble.height())
            self._paint_bubble(painter, entry, layout, bubble, palette, selected)
        finally:
            painter.end()
        return picture

    def _paint_bubble(
        self,
        painter: QPainter,
        entry: ChatEntry,
        layout: _Layout,
        bubble: QRect,
        palette: QPalette,
        selected: bool,
    ) -> None:
        dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_colour = palette.color(QPalette.ColorRole.Text)
        if entry.kind is EntryKind.OWN:
            fill = palette.color(QPalette.ColorRole.Highlight)
            fill.setAlpha(70 if dark else 45)
        elif entry.kind is EntryKind.PEER:
            fill = palette.color(QPalette.ColorRole.AlternateBase)
            if fill == palette.color(QPalette.ColorRole.Base):
                fill = palette.color(
                    QPalette.ColorRole.Midlight if not dark else QPalette.ColorRole.Mid
                )
        else:
            fill = QColor(0, 0, 0, 0)
            text_colour = (
                QColor("#d9534f" if not dark else "#ff7b72")
                if entry.kind is EntryKind.ERROR
                else palette.color(QPalette.ColorRole.PlaceholderText)
            )
        if selected:
            fill = palette.color(QPalette.ColorRole.Highlight)
            fill.setAlpha(110)
        if entry.mention:  # a message that names us: warm fill and an outline
            fill = QColor("#5c4a1a" if dark else "#fff4cc")
            painter.setPen(QPen(QColor("#e0a800"), 1.5))
        else:
            painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(bubble, 8, 8)
        inner = bubble.adjusted(PAD, PAD, -PAD, -PAD)
        small = layout.small_font
        line = layout.line_height
        if layout.header:
            painter.setFont(small)
            header_colour = nick_colour(entry.sender, dark)
            if entry.delivery is Delivery.FAILED:
                header_colour = QColor("#d9534f")
            painter.setPen(header_colour)
            painter.drawText(
                QRect(inner.left(), inner.top(), inner.width(), line),
                _HEADER_FLAGS,
                layout.header,
            )
            inner.setTop(inner.top() + line)
        painter.setFont(layout.font)
        painter.setPen(text_colour)
        body_flags = _CENTRED_BODY_FLAGS if entry.kind in _LINE_KINDS else _BODY_FLAGS
        body_rect = QRect(inner)
        if layout.more:
            body_rect.setBottom(inner.bottom() - line)
        painter.drawText(body_rect, body_flags, layout.body)
        if layout.more:
            painter.setFont(small)
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                QRect(inner.left(), inner.bottom() - line + 1, inner.width(), line),
                Qt.TextFlag.TextSingleLine,
                layout.more,
            )
