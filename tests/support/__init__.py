"""Helpers shared by the test folders: sessions on threads, plain-socket peers, real windows.

Imported as ``tests.support`` (pyproject.toml puts the project root on ``sys.path``);
tests/conftest.py registers the fixtures built on them (``sessions``, ``raw``,
``open_window``), and a folder's conftest.py adds only what is special to it.
"""

LOCALHOST = "127.0.0.1"
WAIT = 5.0  # seconds: the longest wait for anything that should happen at once on loopback
WAIT_MS = 5000  # the same, for qtbot
