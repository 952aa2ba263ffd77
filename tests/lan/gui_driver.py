"""A real gui_chat window remote-controlled over stdin/stdout, for the two-host tests.

Started inside a network namespace (``ip netns exec … python gui_driver.py``), it
opens a MainWindow with discovery on and answers one JSON line per command:
``{"cmd": "...", ...}`` in, ``{"ok": true, ...}`` or ``{"ok": false, "error": ...}``
out. Waiting commands poll the window with a Qt timer, so the GUI keeps running.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from PySide6.QtCore import QSocketNotifier, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gui_chat.ui.chat_model import EntryKind
from gui_chat.ui.main_window import MainWindow
from gui_chat.ui.options import AppOptions
from gui_chat.ui.session_settings import Mode

POLL_MS = 20


class Remote:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.buffer = b""
        self.busy = False
        self.queue: list[dict] = []
        self.notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
        self.notifier.activated.connect(self.read_stdin)

    # ----- plumbing -----------------------------------------------------------------------
    def read_stdin(self) -> None:
        chunk = os.read(sys.stdin.fileno(), 65536)
        if not chunk:
            self.quit()
            return
        self.buffer += chunk
        while b"\n" in self.buffer:
            line, self.buffer = self.buffer.split(b"\n", 1)
            if line.strip():
                self.queue.append(json.loads(line))
        self.next()

    def next(self) -> None:
        if self.busy or not self.queue:
            return
        command = self.queue.pop(0)
        self.busy = True
        try:
            getattr(self, "do_" + command.pop("cmd"))(**command)
        except Exception as exc:  # report, keep serving
            self.reply(ok=False, error=f"{type(exc).__name__}: {exc}")

    def reply(self, **fields: object) -> None:
        fields.setdefault("ok", True)
        print(json.dumps(fields, ensure_ascii=False), flush=True)
        self.busy = False
        QTimer.singleShot(0, self.next)

    def wait(
        self, condition: Callable[[], bool], done: Callable[[], None], timeout: float, what: str
    ) -> None:
        deadline = time.monotonic() + timeout

        def check() -> None:
            if condition():
                done()
            elif time.monotonic() > deadline:
                self.reply(
                    ok=False,
                    error=f"timed out waiting for {what}",
                    status=self.window.status_label.text(),
                    entries=self.entries(),
                )
            else:
                QTimer.singleShot(POLL_MS, check)

        check()

    def entries(self) -> list[dict]:
        return [
            {
                "kind": e.kind.value,
                "sender": e.sender,
                "text": e.text,
                "delivery": e.delivery.value,
                "address": e.address,
            }
            for e in self.window.model.entries()
        ]

    def quit(self) -> None:
        self.window.close()
        QApplication.instance().quit()

    # ----- commands -----------------------------------------------------------------------
    def do_setup(
        self, mode: str, nick: str, local_port: int = 0, remote_host: str = "", remote_port: int = 0
    ) -> None:
        panel = self.window.panel
        panel.set_mode(Mode(mode))
        panel.nick_edit.setText(nick)
        panel.local_host_box.setEditText("0.0.0.0")
        panel.local_port_box.setValue(local_port)
        panel.remote_host_edit.setText(remote_host)
        panel.remote_port_box.setValue(remote_port)
        self.reply()

    def do_start(self, timeout: float = 10) -> None:
        bound: dict[str, int] = {}
        controller = self.window.controller
        controller.bound.connect(lambda _h, port: bound.setdefault("port", port))
        self.window.panel.start_button.click()
        self.wait(
            lambda: "port" in bound or not controller.running,
            lambda: self.reply(
                ok="port" in bound,
                port=bound.get("port", 0),
                status=self.window.status_label.text(),
            ),
            timeout,
            "the session to bind",
        )

    def do_wait_found(self, kind: str, timeout: float = 15) -> None:
        def found() -> list[dict]:
            return [
                {
                    "key": p.key,
                    "kind": p.kind,
                    "name": p.name,
                    "nick": p.nick,
                    "host": p.host,
                    "port": p.port,
                    "members": p.members,
                }
                for p in self.window.nearby.entries()
                if p.kind == kind
            ]

        self.wait(
            lambda: bool(found()),
            lambda: self.reply(found=found()),
            timeout,
            f"a {kind} to be found",
        )

    def do_double_click_found(self, key: str) -> None:
        item = self.window.nearby.item_for(key)
        tree = self.window.nearby.tree
        point = tree.visualItemRect(item).center()
        button, plain = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        # A real double-click: a click, then the second press that Qt reports as double.
        QTest.mouseClick(tree.viewport(), button, plain, point)
        QTest.mouseDClick(tree.viewport(), button, plain, point)
        self.reply(mode=self.window.panel.mode().value)

    def do_wait_joined(self, timeout: float = 10) -> None:
        people = self.window.people
        self.wait(
            lambda: people.count() > 1,
            lambda: self.reply(people=[people.item(i).text() for i in range(people.count())]),
            timeout,
            "joining the room",
        )

    def do_send(self, text: str) -> None:
        self.window.input.setPlainText(text)
        QTest.keyClick(self.window.input, Qt.Key.Key_Return)
        self.reply()

    def do_wait_received(self, text: str, timeout: float = 10) -> None:
        def received() -> bool:
            return any(
                e.kind is EntryKind.PEER and e.text == text for e in self.window.model.entries()
            )

        self.wait(received, lambda: self.reply(entries=self.entries()), timeout, repr(text))

    def do_wait_status(self, contains: str, timeout: float = 20) -> None:
        label = self.window.status_label
        self.wait(
            lambda: contains in label.text(),
            lambda: self.reply(status=label.text()),
            timeout,
            f"the status to say {contains!r}",
        )

    def do_wait_delivered(self, count: int, timeout: float = 60) -> None:
        def delivered() -> bool:
            own = [e for e in self.entries() if e["kind"] == "own"]
            return len(own) >= count and all(e["delivery"] in ("delivered", "failed") for e in own)

        self.wait(
            delivered,
            lambda: self.reply(entries=self.entries()),
            timeout,
            f"{count} messages to be confirmed or failed",
        )

    def do_set_udp_target(self, host: str, port: int) -> None:
        self.window.panel.remote_host_edit.setText(host)
        self.window.panel.remote_port_box.setValue(port)
        self.window.controller.set_udp_target(host, port)
        self.reply()

    def do_set_discovery(self, on: bool) -> None:
        self.window.discovery_action.setChecked(on)
        self.reply(
            found=len(self.window.nearby.entries()),
            hint=self.window.nearby.hint.text(),
            running=self.window.discovery.enabled,
        )

    def do_entries(self) -> None:
        self.reply(entries=self.entries(), status=self.window.status_label.text())

    def do_screenshot(self, path: str) -> None:
        self.window.grab().save(path)
        self.reply(path=path)

    def do_quit(self) -> None:
        self.reply()
        self.quit()


def main() -> int:
    keepalive = float(sys.argv[1]) if len(sys.argv) > 1 else None
    app = QApplication(sys.argv[:1])
    window = MainWindow(AppOptions(discovery=True, keepalive=keepalive))
    window.show()
    remote = Remote(window)
    print(json.dumps({"ok": True, "ready": True}), flush=True)
    app.exec()
    remote.notifier.setEnabled(False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
