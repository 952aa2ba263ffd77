"""gui_chat: a LAN messenger and socket workbench in one window."""

__version__ = "0.1.0"
APP_NAME = "gui_chat"
