"""Test-wide set-up: no display needed, Qt runs offscreen; the fixtures every folder shares.

The helpers behind the fixtures are in tests/support/. A folder's conftest.py adds what is
special to it, or overrides a fixture here with a subclass of the shared helper.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests never broadcast on this machine's network; the LAN tests turn discovery on
# inside network namespaces of their own.
os.environ["GUI_CHAT_DISCOVERY"] = "0"

from gui_chat import fast_enums

fast_enums.install()  # enum classes are made as the app makes them (gui_chat.__main__)

from collections.abc import Callable, Iterator

import pytest

from tests.support.sessions import Sessions
from tests.support.sockets import Raw
from tests.support.windows import Driver, Windows


@pytest.fixture
def sessions() -> Iterator[Sessions]:
    """Start rooms, clients and UDP peers on threads; all stopped and joined at teardown."""
    with Sessions() as started:
        yield started


@pytest.fixture
def raw() -> Iterator[Raw]:
    """Plain sockets playing a peer by hand; all closed at teardown."""
    with Raw() as sockets:
        yield sockets


@pytest.fixture
def open_window(qtbot) -> Iterator[Callable[..., Driver]]:
    """Open real windows; at teardown close them and check every session thread ended.

    ``open_window(state_dir=path)`` gives a window that keeps settings and history there.
    """
    windows = Windows(qtbot, Driver)
    yield windows.open
    windows.close_all()
