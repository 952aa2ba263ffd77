"""Remembered settings (QSettings in an INI file), or none at all for a throwaway window."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 10


class Preferences:
    """Typed access to the settings file; without a file, values live in memory only."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._settings = QSettings(str(path), QSettings.Format.IniFormat) if path else None
        self._memory: dict[str, Any] = {}

    def get(self, key: str, default: Any) -> Any:
        if self._settings is None:
            return self._memory.get(key, default)
        # Booleans are kept as "true"/"false", the same in every settings format.
        if isinstance(default, bool):
            return str(self._settings.value(key, "true" if default else "false")) == "true"
        value = self._settings.value(key, default)
        if isinstance(default, int):
            try:
                return int(value)
            except (TypeError, ValueError):
                return default
        return value

    def set(self, key: str, value: Any) -> None:
        if self._settings is None:
            self._memory[key] = value
        elif isinstance(value, bool):
            self._settings.setValue(key, "true" if value else "false")
        else:
            self._settings.setValue(key, value)

    def get_bytes(self, key: str) -> QByteArray | None:
        value = self.get(key, None)
        return value if isinstance(value, QByteArray) else None

    def sync(self) -> None:
        if self._settings is not None:
            self._settings.sync()

    # ----- recent connections -------------------------------------------------------------
    def recent(self) -> list[dict[str, Any]]:
        try:
            items = json.loads(self.get("recent", "[]"))
        except (TypeError, ValueError):
            return []
        return [item for item in items if isinstance(item, dict)][:MAX_RECENT]

    def remember(self, connection: dict[str, Any]) -> None:
        """Put ``connection`` first in the recent list (once)."""
        items = [item for item in self.recent() if item != connection]
        self.set("recent", json.dumps([connection, *items][:MAX_RECENT]))
