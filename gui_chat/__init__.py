"""gui_chat: a LAN messenger and socket workbench in one window."""

import time

#: When the package was first imported: start-up time is measured from here.
STARTED = time.perf_counter()

__version__ = "0.1.0"
APP_NAME = "gui_chat"
