"""Screenshots of the real app for the README: python scripts/screenshots.py OUT_DIR

Run under a virtual display (scripts/screenshots.sh starts Xvfb). It opens real
windows, sets up a short conversation over 127.0.0.1 and saves PNGs of them.
``--discovery`` instead shows the Nearby list finding a room: run that inside a
network namespace (scripts/screenshots.sh does, when it can) so that no broadcast
leaves the machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from gui_chat.app import create_application
from gui_chat.ui.main_window import MainWindow
from gui_chat.ui.options import AppOptions
from gui_chat.ui.session_settings import Mode


def settle(condition: Callable[[], bool] = lambda: False, seconds: float = 0.3) -> None:
    """Run the event loop until ``condition`` holds or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def window(mode: Mode, nick: str, **fields: object) -> MainWindow:
    win = MainWindow(AppOptions(discovery=bool(fields.pop("discovery", False))))
    win.resize(1000, 640)
    win.panel.set_mode(mode)
    win.panel.nick_edit.setText(nick)
    win.panel.local_host_box.setEditText(str(fields.get("local_host", "127.0.0.1")))
    win.panel.local_port_box.setValue(int(fields.get("local_port", 0)))
    win.panel.remote_host_edit.setText(str(fields.get("remote_host", "127.0.0.1")))
    win.panel.remote_port_box.setValue(int(fields.get("remote_port", 0)))
    win.show()
    return win


def start(win: MainWindow) -> int:
    bound: dict[str, int] = {}
    win.controller.bound.connect(lambda _h, port: bound.setdefault("port", port))
    win.panel.start_button.click()
    settle(lambda: "port" in bound or win.people.count() > 1, 5)
    return bound.get("port", 0)


def conversation(out: Path, dark: bool) -> None:
    alice = window(Mode.HOST, "Alice")
    alice.set_theme("dark" if dark else "light")
    port = start(alice)
    ming = window(Mode.JOIN, "小明", remote_port=port)
    start(ming)
    bob = window(Mode.JOIN, "Bob", remote_port=port)
    start(bob)
    settle(lambda: alice.people.count() == 3, 5)
    lines = [
        (ming, "大家好！今天的会议几点开始？"),
        (alice, "Hi 小明 — 3 pm in room 201. Bob, can you bring the projector?"),
        (bob, "Sure. <b>This is not bold</b>, markup is shown as typed."),
        (ming, "好的，谢谢 Alice！\nSee you there."),
        (bob, "@Alice the slides are on the shared drive"),
    ]
    for sender, text in lines:
        sender.controller.send(text)
        settle(seconds=0.15)
    settle(seconds=0.5)
    suffix = "dark" if dark else "light"
    alice.grab().save(str(out / f"room-host-{suffix}.png"))
    if not dark:
        ming.grab().save(str(out / "room-client.png"))
    for win in (bob, ming, alice):
        win.close()
    alice.set_theme("light")


def raw_mode(out: Path) -> None:
    server = window(Mode.HOST, "bench")
    server.panel.set_raw(True, "gbk")
    port = start(server)
    client = window(Mode.JOIN, "device", remote_port=port)
    client.panel.set_raw(True, "gbk")
    start(client)
    settle(lambda: server.people.count() == 1, 5)
    client.controller.send("AT+GMR")
    client.controller.send("温度=23.5℃")
    settle(seconds=0.3)
    server.controller.send("OK")
    server.raw_options.hex_view_box.setChecked(True)
    settle(seconds=0.5)
    server.grab().save(str(out / "raw-hex.png"))
    client.close()
    server.close()


def discovery(out: Path, room_host: str) -> None:
    alice = window(Mode.JOIN, "Alice", discovery=True)
    settle(lambda: alice.nearby.tree.topLevelItemCount() > 0, 15)
    settle(seconds=0.5)
    alice.grab().save(str(out / "discovery.png"))
    alice.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--discovery", metavar="ROOM_HOST", default="")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = create_application([sys.argv[0]])
    if args.discovery:
        discovery(args.out, args.discovery)
    else:
        conversation(args.out, dark=False)
        conversation(args.out, dark=True)
        raw_mode(args.out)
    QApplication.processEvents()
    del app
    print(f"screenshots written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
