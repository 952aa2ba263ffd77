"""Helper script (run in a subprocess by test_hostile_longevity.py): a real window
hosts a room and a headless client sends it chat messages one at a time, each shown
(and painted) before the next goes out, like a chat that simply goes on for a while.

Prints one progress line per 100 messages with the reference count of ``None``, then
``survived N messages``. Exit code 0 when all went through.

    python tests/hostile/long_chat_window.py [count]

With PySide6-Essentials 6.12.0 on CPython 3.11 this process aborted ("Fatal Python
error: none_dealloc") before 100 messages: the binding dropped a reference to
``None`` on every void call and to ``True`` on every signal emission.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from gui_chat.net.client import ClientConfig, RoomClient
from gui_chat.net.events import Connected, SessionEvent
from gui_chat.ui.chat_model import EntryKind
from gui_chat.ui.main_window import MainWindow
from gui_chat.ui.session_settings import Mode


def main() -> int:
    count = int(next((a for a in sys.argv[1:] if a.isdigit()), "2000"))
    app = QApplication([])
    keep_awake = QTimer()  # so WaitForMoreEvents never sleeps past a deadline check
    keep_awake.start(50)

    def wait(condition, what: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out waiting for {what}")
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)

    window = MainWindow()
    window.show()
    panel = window.panel
    panel.set_mode(Mode.HOST)
    panel.nick_edit.setText("host")
    panel.local_host_box.setEditText("127.0.0.1")
    panel.local_port_box.setValue(0)
    bound: list[int] = []
    window.controller.bound.connect(lambda _host, port: bound.append(port))
    panel.start_requested.emit(panel.settings())
    wait(lambda: bound, "the room to open")

    events: queue.Queue[SessionEvent] = queue.Queue()
    client = RoomClient(
        ClientConfig(host="127.0.0.1", port=bound[0], nick="talker"),
        lambda batch: [events.put(event) for event in batch],
    )
    thread = threading.Thread(target=client.run, name="talker")
    thread.start()
    try:
        while not isinstance(events.get(timeout=10), Connected):
            pass
        model = window.model
        started = time.monotonic()
        for number in range(count):
            client.send_chat(f"m{number}", f"message {number}")
            wait(
                lambda n=number: (
                    model.rowCount() > 0
                    and model.entry(model.rowCount() - 1).kind is EntryKind.PEER
                    and model.entry(model.rowCount() - 1).text == f"message {n}"
                ),
                f"message {number}",
            )
            if number % 100 == 0:
                print(f"{number} messages, None refcount {sys.getrefcount(None)}", flush=True)
        took = time.monotonic() - started
        print(f"survived {count} messages in {took:.1f} s", flush=True)
    finally:
        client.stop()
        thread.join(5)
        window.close()
        keep_awake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
