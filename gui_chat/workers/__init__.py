"""QThread adapters: run a net session on its own thread, report its events as signals."""

from gui_chat.workers.session_worker import SessionWorker

__all__ = ["SessionWorker"]
