"""``--self-check``: the real window chats with itself over TCP and UDP on 127.0.0.1.

It takes the same paths as a user — widgets, worker threads, sockets, signals, the
chat view — without a display, and exits 0, or 1 with the failing step printed.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

STEP_TIMEOUT = 10.0


class SelfCheckFailed(Exception):
    pass


def _wait_until(app: QApplication, condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + STEP_TIMEOUT
    loop = QEventLoop()
    while not condition():
        if time.monotonic() > deadline:
            raise SelfCheckFailed(f"timed out after {STEP_TIMEOUT:g} s waiting for {what}")
        QTimer.singleShot(10, loop.quit)
        loop.exec()


def _texts(window) -> list[str]:
    return [entry.text for entry in window.model.entries()]


def _run_steps(app: QApplication, say: Callable[[str], None]) -> None:
    from gui_chat.ui.main_window import MainWindow
    from gui_chat.ui.session_settings import Mode

    windows: list[MainWindow] = []

    def window(mode: Mode, nick: str) -> MainWindow:
        win = MainWindow()
        win.panel.set_mode(mode)
        win.panel.nick_edit.setText(nick)
        win.panel.local_host_box.setEditText("127.0.0.1")
        win.panel.local_port_box.setValue(0)
        win.show()
        windows.append(win)
        return win

    bound: dict[str, int] = {}
    try:
        host = window(Mode.HOST, "host")
        host.controller.bound.connect(lambda _h, port: bound.__setitem__("room", port))
        host.panel.start_button.click()
        _wait_until(app, lambda: "room" in bound, "the room to listen")
        say(f"hosted a TCP room on 127.0.0.1:{bound['room']}")

        client = window(Mode.JOIN, "client")
        client.panel.remote_host_edit.setText("127.0.0.1")
        client.panel.remote_port_box.setValue(bound["room"])
        client.panel.start_button.click()
        _wait_until(
            app,
            lambda: "host" in [client.people.item(i).text() for i in range(client.people.count())],
            "the client to join the room",
        )
        say("a client joined the room")

        tcp_text = "self-check over TCP 你好 <b>plain</b>"
        client.input.setPlainText(tcp_text)
        client.send_button.click()
        _wait_until(app, lambda: tcp_text in _texts(host), "the TCP message in the host's view")
        say("a TCP message reached the host's chat view")

        udp_a = window(Mode.UDP, "udp-a")
        udp_a.panel.remote_port_box.setValue(0)
        udp_a.controller.bound.connect(lambda _h, port: bound.__setitem__("udp", port))
        udp_a.panel.start_button.click()
        _wait_until(app, lambda: "udp" in bound, "the UDP socket to bind")
        udp_b = window(Mode.UDP, "udp-b")
        udp_b.panel.remote_host_edit.setText("127.0.0.1")
        udp_b.panel.remote_port_box.setValue(bound["udp"])
        udp_b.panel.start_button.click()
        _wait_until(app, lambda: udp_b.controller.running, "the second UDP peer to start")
        udp_text = "self-check over UDP 你好"
        udp_b.input.setPlainText(udp_text)
        udp_b.send_button.click()
        _wait_until(app, lambda: udp_text in _texts(udp_a), "the UDP message in the peer's view")
        say("a UDP message reached the peer's chat view")
    finally:
        for win in windows:
            win.close()
    if any(win.controller.running for win in windows):
        raise SelfCheckFailed("a session was still running after its window closed")
    say("every window closed and every session thread joined")


def run_self_check() -> int:
    """Run the check; print each step; 0 on success, 1 with the failing step otherwise."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from gui_chat.app import create_application
    from gui_chat.logs import setup_logging

    setup_logging("WARNING")
    app = create_application([sys.argv[0]])
    step = 0

    def say(text: str) -> None:
        nonlocal step
        step += 1
        print(f"self-check step {step}: {text} — ok", flush=True)

    try:
        _run_steps(app, say)
    except Exception as exc:
        print(f"self-check FAILED at step {step + 1}: {exc}", flush=True)
        return 1
    print("self-check passed", flush=True)
    return 0
