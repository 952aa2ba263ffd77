"""Hosts made of network namespaces, and the remote-controlled GUI running in one."""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("gui_driver.py")
REPLY_TIMEOUT = 60.0


def run_ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True, timeout=20)


@dataclass
class Host:
    namespace: str
    interface: str
    address: str
    processes: list[subprocess.Popen] = field(default_factory=list)

    def command(self, *args: str) -> list[str]:
        return ["ip", "netns", "exec", self.namespace, *args]

    def start(self, *args: str, stdin: int | None = subprocess.DEVNULL) -> subprocess.Popen:
        env = dict(
            os.environ, QT_QPA_PLATFORM="offscreen", GUI_CHAT_DISCOVERY="1", PYTHONPATH=str(PROJECT)
        )
        process = subprocess.Popen(
            self.command(*args),
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=PROJECT,
            env=env,
        )
        self.processes.append(process)
        return process

    def link(self, up: bool) -> None:
        run_ip("-n", self.namespace, "link", "set", self.interface, "up" if up else "down")

    def gui(self, keepalive: float = 0.5) -> Remote:
        return Remote(
            self.start(sys.executable, str(DRIVER), str(keepalive), stdin=subprocess.PIPE)
        )

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)
            for stream in (process.stdin, process.stdout, process.stderr):
                if stream is not None:
                    stream.close()


class Remote:
    """Talks to tests/lan/gui_driver.py running in a namespace."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self._selector = selectors.DefaultSelector()
        self._selector.register(process.stdout, selectors.EVENT_READ)
        self._buffer = b""
        self._read_reply()  # {"ready": true}

    def __call__(self, cmd: str, **fields: object) -> dict:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"cmd": cmd, **fields}).encode() + b"\n")
        self.process.stdin.flush()
        reply = self._read_reply()
        assert reply.get("ok"), f"{cmd} failed: {reply}"
        return reply

    def _read_reply(self) -> dict:
        stdout = self.process.stdout
        assert stdout is not None
        while b"\n" not in self._buffer:
            if not self._selector.select(REPLY_TIMEOUT):
                raise AssertionError(f"no answer from the GUI in {REPLY_TIMEOUT:g} s")
            chunk = os.read(stdout.fileno(), 65536)
            if not chunk:
                stderr = self.process.stderr.read().decode() if self.process.stderr else ""
                raise AssertionError(f"the GUI process ended:\n{stderr}")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self("quit")
            except (AssertionError, OSError):
                pass
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._selector.close()
