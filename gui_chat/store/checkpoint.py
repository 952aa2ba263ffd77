"""Copy a WAL database's log back into its file on a thread of its own.

SQLite in WAL mode appends each commit to the ``-wal`` file; a *checkpoint* copies those
pages into the database file and syncs it to disk. Left to SQLite, a checkpoint runs
inside whichever commit crosses 1,000 pages: 10–25 ms of the committing thread, which
for the history is the GUI thread. :class:`Checkpointer` runs them here instead, on its
own connection, while commits go on (a passive checkpoint never blocks a writer).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger("gui_chat.store")


class Checkpointer:
    """One thread that checkpoints ``path`` each time :meth:`request` is called."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.checkpoints = 0  # completed, for the curious and the tests
        self._wanted = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="gui_chat-checkpoint", daemon=True)
        self._thread.start()

    def request(self) -> None:
        """Ask for a checkpoint soon; requests made while one runs are merged."""
        self._wanted.set()

    def stop(self) -> None:
        """Finish the checkpoint under way, if any, and join the thread."""
        self._stopping = True
        self._wanted.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            db = sqlite3.connect(self.path, isolation_level=None)
        except sqlite3.Error as exc:
            log.warning("history checkpoints are off: %s", exc)
            return
        try:
            while True:
                self._wanted.wait()
                self._wanted.clear()
                if self._stopping:
                    return
                try:
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                except sqlite3.Error as exc:  # the log only grows; commits still work
                    log.warning("history checkpoint failed: %s", exc)
                else:
                    self.checkpoints += 1
        finally:
            db.close()
