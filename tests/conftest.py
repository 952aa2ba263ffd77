"""Test-wide set-up: no display needed, Qt runs offscreen."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests never broadcast on this machine's network; the LAN tests turn discovery on
# inside network namespaces of their own.
os.environ["GUI_CHAT_DISCOVERY"] = "0"
