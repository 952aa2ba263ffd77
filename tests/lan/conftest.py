"""Two hosts made of network namespaces joined by a veth pair.

Everything these tests send stays inside the namespaces they create: host A is
10.231.N.1 and host B 10.231.N.2 on a /24 of their own, with broadcasts on that
veth link only. The namespaces (and so the link) are deleted at teardown, even when a
test fails. Where namespaces cannot be created (not root, no iproute2), the tests
are skipped with the reason.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("gui_driver.py")
REPLY_TIMEOUT = 60.0


def _ip(*args: str) -> None:
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
        _ip("-n", self.namespace, "link", "set", self.interface, "up" if up else "down")

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


def _namespaces_unavailable() -> str:
    if not sys.platform.startswith("linux"):
        return "network namespaces exist on Linux only"
    if os.geteuid() != 0:
        return "creating network namespaces needs root"
    if shutil.which("ip") is None:
        return "iproute2 ('ip') is not installed"
    return ""


@pytest.fixture
def two_hosts() -> Iterator[tuple[Host, Host]]:
    reason = _namespaces_unavailable()
    if reason:
        pytest.skip(f"TWO-HOST LAN TESTS NOT RUN: {reason}")
    tag = f"{os.getpid() % 100000}"
    subnet = 10 + os.getpid() % 200
    a = Host(f"gcA{tag}", f"gcvA{tag}", f"10.231.{subnet}.1")
    b = Host(f"gcB{tag}", f"gcvB{tag}", f"10.231.{subnet}.2")
    created: list[str] = []
    try:
        for host in (a, b):
            _ip("netns", "add", host.namespace)
            created.append(host.namespace)
        _ip("link", "add", a.interface, "type", "veth", "peer", "name", b.interface)
        for host in (a, b):
            _ip("link", "set", host.interface, "netns", host.namespace)
            _ip(
                "-n",
                host.namespace,
                "addr",
                "add",
                f"{host.address}/24",
                "brd",
                "+",
                "dev",
                host.interface,
            )
            _ip("-n", host.namespace, "link", "set", host.interface, "up")
            _ip("-n", host.namespace, "link", "set", "lo", "up")
    except subprocess.CalledProcessError as exc:
        for namespace in created:
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True, timeout=20)
        pytest.skip(f"TWO-HOST LAN TESTS NOT RUN: could not build namespaces: {exc.stderr}")
    try:
        yield a, b
    finally:
        for host in (a, b):
            host.stop_all()
        for namespace in created:
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True, timeout=20)
