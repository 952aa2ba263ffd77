"""Find bundled resources (icons, styles, translations) in a checkout or a frozen build.

In a source checkout the resources live in the top-level ``resources/`` folder; in a
PyInstaller build they are unpacked under ``sys._MEIPASS/resources``. A missing
resource is logged and reported as ``None`` so the app still starts without it.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

log = logging.getLogger("gui_chat.resources")


def is_frozen() -> bool:
    """Return True when running from a PyInstaller build."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def resource_dir() -> Path:
    """Return the folder that holds the bundled resources."""
    if is_frozen():
        return Path(sys._MEIPASS) / "resources"  # type: ignore[attr-defined]
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(relative: str) -> Path | None:
    """Return the path of resource ``relative`` (e.g. ``"icons/gui_chat.png"``), or None.

    A missing resource is logged as a warning naming it and where it was looked for.
    """
    path = resource_dir() / relative
    if path.exists():
        return path
    log.warning("resource %r is missing (looked for %s)", relative, path)
    return None
