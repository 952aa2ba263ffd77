"""A room window that simply keeps chatting must not die of it.

Run in a subprocess (long_chat_window.py) so that an interpreter abort cannot take
pytest down with it. With PySide6-Essentials 6.12.0 on CPython 3.11 the process
aborted with "Fatal Python error: none_dealloc" before 100 messages (every void call
from Python dropped a reference to None, every signal emission one to True)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("long_chat_window.py")
MESSAGES = 300


def test_a_room_window_survives_three_hundred_messages() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(MESSAGES)],
        capture_output=True,
        text=True,
        timeout=90,
    )
    progress = [line for line in result.stdout.splitlines() if "messages" in line]
    fatal = [line for line in result.stderr.splitlines() if line.startswith("Fatal Python")]
    assert result.returncode == 0 and f"survived {MESSAGES} messages" in result.stdout, (
        f"the window's process died (exit code {result.returncode}) while showing chat "
        f"messages one by one; last progress: {progress[-1] if progress else 'none'}; "
        f"{fatal or result.stderr[-600:]}"
    )
