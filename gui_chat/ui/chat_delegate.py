"""Paints chat entries as bubbles of plain text; nothing a peer sends is markup."""

from __future__ import annotations

import re
import time
import zlib
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from gui_chat.protocol.raw import hex_dump
from gui_chat.ui.chat_model import ChatEntry, Delivery, EntryKind

Index = QModelIndex | QPersistentModelIndex

MAX_SHOWN_CHARS = 2000
MAX_SHOWN_BYTES = 512  # in the hex view
MAX_SHOWN_LINES = 24
PAD = 8  # inside a bubble
GAP = 4  # between rows
SIDE = 10  # between a bubble and the view's edge

#: CJK, emoji and other scripts whose fallback fonts can be taller than Latin text.
_TALL_SCRIPT = re.compile("[\u2e80-\U0010ffff]")
_CONTROL_PICTURES = {code: 0x2400 + code for code in range(32) if chr(code) not in "\n\t"}
_CONTROL_PICTURES[0x7F] = 0x2421


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
    return hex_dump(data[:MAX_SHOWN_BYTES]), len(data) > MAX_SHOWN_BYTES


def nick_colour(nick: str, dark: bool) -> QColor:
    """A colour that stays the same for a nickname, readable on the background."""
    hue = zlib.crc32(nick.encode("utf-8")) % 360
    return QColor.fromHsl(hue, 160, 170 if dark else 85)


@dataclass
class _Layout:
    size: QSize
    bubble: QRect  # relative to the row's top-left
    header: str
    body: str
    more: str
    line_height: int  # of the small header and "more" lines
    font: QFont  # of the body


class ChatDelegate(QStyledItemDelegate):
    """Own messages on the right, others on the left, system lines centred."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._font_cache: dict[tuple[str, bool], tuple[QFont, QFontMetrics, QFontMetrics]] = {}

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
        font, metrics, small_metrics = self._fonts(option.font, as_hex)
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
        if entry.kind in (EntryKind.SYSTEM, EntryKind.ERROR):
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
        if _TALL_SCRIPT.search(header) or _TALL_SCRIPT.search(more):
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
        )
        if len(entry.layout_cache) > 4:
            entry.layout_cache.clear()
        entry.layout_cache[width] = layout
        return layout

    def _fonts(self, base: QFont, as_hex: bool) -> tuple[QFont, QFontMetrics, QFontMetrics]:
        """Body font, its metrics and the small header font's metrics (cached)."""
        key = (base.key(), as_hex)
        cached = self._font_cache.get(key)
        if cached is None:
            font = QFont(base)
            if as_hex:
                font.setFamily("monospace")
                font.setStyleHint(QFont.StyleHint.Monospace)
            small = QFont(base)
            small.setPointSizeF(max(6.0, base.pointSizeF() * 0.85))
            cached = self._font_cache[key] = (font, QFontMetrics(font), QFontMetrics(small))
        return cached

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

    @staticmethod
    def _entry(index: Index) -> ChatEntry:
        return index.model().entry(index.row())  # straight from the model: no QVariant

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return self._layout(self._entry(index), option, index.model().hex_view).size

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        entry = self._entry(index)
        layout = self._layout(entry, option, index.model().hex_view)
        palette = option.palette
        dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
        bubble = layout.bubble.translated(option.rect.topLeft())
        painter.save()
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
        if option.state & QStyle.StateFlag.State_Selected:
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
        small = QFont(option.font)
        small.setPointSizeF(max(6.0, option.font.pointSizeF() * 0.85))
        line = layout.line_height
        if layout.header:
            painter.setFont(small)
            header_colour = nick_colour(entry.sender, dark)
            if entry.delivery is Delivery.FAILED:
                header_colour = QColor("#d9534f")
            painter.setPen(header_colour)
            painter.drawText(
                QRect(inner.left(), inner.top(), inner.width(), line),
                Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextSingleLine,
                layout.header,
            )
            inner.setTop(inner.top() + line)
        painter.setFont(layout.font)
        painter.setPen(text_colour)
        body_flags = Qt.TextFlag.TextWordWrap | Qt.TextFlag.TextWrapAnywhere
        if entry.kind in (EntryKind.SYSTEM, EntryKind.ERROR):
            body_flags |= Qt.AlignmentFlag.AlignHCenter
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
        painter.restore()
