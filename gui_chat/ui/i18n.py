"""Languages: the app's own translations and Qt's, switchable while running."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from gui_chat.resources import resource_path

log = logging.getLogger("gui_chat.ui")

#: Language codes offered in the menu (besides following the system).
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}

_installed: list[QTranslator] = []


def resolve(code: str) -> str:
    """``"system"`` becomes the system's language if we have it, else English."""
    if code != "system":
        return code if code in LANGUAGES else "en"
    name = QLocale.system().name()  # e.g. "zh_CN"
    if name in LANGUAGES:
        return name
    return "zh_CN" if name.startswith("zh") else "en"


def install_language(code: str) -> str:
    """Load the translations for ``code`` (or the system language); the code in effect.

    Widgets hear of the change through ``QEvent.LanguageChange`` and retranslate.
    """
    app = QCoreApplication.instance()
    assert app is not None
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    language = resolve(code)
    if language == "en":
        return language
    ours = QTranslator(app)
    qm = resource_path(f"i18n/gui_chat_{language}.qm")
    if qm is not None and ours.load(str(qm)):
        app.installTranslator(ours)
        _installed.append(ours)
    else:
        log.warning("no translation for %s; showing English", language)
        return "en"
    qt = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt.load(f"qtbase_{language}", qt_dir):
        app.installTranslator(qt)
        _installed.append(qt)
    return language
