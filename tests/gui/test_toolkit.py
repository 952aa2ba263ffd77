"""The Qt binding itself: a guard against a release that breaks the app underneath."""

from __future__ import annotations

import subprocess
import sys

BOOL_SIGNALS = """
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QComboBox
app = QApplication([])
class Emitter(QObject):
    status = Signal(str, bool)
emitter = Emitter()
seen = []
emitter.status.connect(lambda text, error: seen.append(error))
for _ in range(20000):
    emitter.status.emit("x", True)
    emitter.status.emit("x", False)
box = QComboBox()
box.addItem("a", False)
box.addItem("b", True)
for _ in range(5000):
    box.setCurrentIndex(box.findData(True))
    box.currentData()
print(len(seen))
"""


def test_bools_survive_many_signals_and_the_interpreter_exits_cleanly():
    # PySide6 6.12.0 lost a reference to True/False per emission and aborted the process.
    done = subprocess.run([sys.executable, "-c", BOOL_SIGNALS], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert done.stdout.strip() == b"40000"
