"""Light and dark looks: follow the system's colour scheme, or choose one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("system", "light", "dark")
#: Arguments that have a new QApplication make the Fusion style itself: setting it
#: afterwards would build Python's QStyle class (566 enum members, 10–15 ms) at start.
FUSION_ARGUMENTS = ("-style", "Fusion")
#: Dynamic property of an application made with :data:`FUSION_ARGUMENTS`.
_FUSION_FROM_START = "gui_chat_fusion_from_start"


def with_fusion_style(argv: list[str]) -> list[str]:
    """``argv`` for a new QApplication that starts in the Fusion style."""
    return [*argv[:1], *FUSION_ARGUMENTS, *argv[1:]]


def mark_fusion_from_start(app: QApplication) -> None:
    """Record that ``app`` was made with :func:`with_fusion_style`."""
    app.setProperty(_FUSION_FROM_START, True)


def _dark_palette() -> QPalette:
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#202124",
        QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#17181a",
        QPalette.ColorRole.AlternateBase: "#2b2d31",
        QPalette.ColorRole.Text: "#e8eaed",
        QPalette.ColorRole.Button: "#2b2d31",
        QPalette.ColorRole.ButtonText: "#e8eaed",
        QPalette.ColorRole.Highlight: "#3d8fd1",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#2b2d31",
        QPalette.ColorRole.ToolTipText: "#e8eaed",
        QPalette.ColorRole.PlaceholderText: "#9aa0a6",
        QPalette.ColorRole.Link: "#8ab4f8",
        QPalette.ColorRole.Mid: "#3c4043",
        QPalette.ColorRole.Midlight: "#35363a",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f7378"))
    return palette


def _light_palette() -> QPalette:
    """Fusion's light colours, whatever the system's scheme (Fusion's own palette turns
    dark on a dark desktop, and "light" must stay light)."""
    window, text, base = QColor(239, 239, 239), QColor(Qt.GlobalColor.black), QColor("#ffffff")
    mid, dark, highlight = window.darker(130), window.darker(150), QColor("#1a73e8")
    shadow = dark.darker(135)
    palette = QPalette(text, window, window.lighter(150), dark, mid, text, base)
    disabled = QPalette.ColorGroup.Disabled
    palette.setColor(QPalette.ColorRole.Midlight, mid.lighter(110))
    palette.setColor(QPalette.ColorRole.Shadow, shadow)
    palette.setColor(disabled, QPalette.ColorRole.Shadow, shadow.lighter(150))
    palette.setColor(disabled, QPalette.ColorRole.Dark, QColor(209, 209, 209).darker(110))
    palette.setColor(QPalette.ColorRole.BrightText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor(0, 0, 0, 128))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f1f3f4"))
    for role in (QPalette.ColorRole.Highlight, QPalette.ColorRole.Accent):
        palette.setColor(role, highlight)
        palette.setColor(disabled, role, QColor(145, 145, 145))
    palette.setColor(disabled, QPalette.ColorRole.Base, window)
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(disabled, role, QColor(190, 190, 190))
    return palette


def system_prefers_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def apply_theme(theme: str) -> bool:
    """Apply ``theme`` ("system", "light" or "dark"); returns whether it is dark."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    dark = theme == "dark" or (theme == "system" and system_prefers_dark())
    if not app.property(_FUSION_FROM_START):
        app.setStyle("Fusion")
    app.setPalette(_dark_palette() if dark else _light_palette())
    return dark


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128
