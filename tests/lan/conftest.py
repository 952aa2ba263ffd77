"""Two hosts made of network namespaces joined by a veth pair.

Everything these tests send stays inside the namespaces they create: host A is
10.231.N.1 and host B 10.231.N.2 on a /24 of their own, with broadcasts on that
veth link only. The namespaces (and so the link) are deleted at teardown, even when a
test fails. Where namespaces cannot be created (not root, no iproute2), the tests
are skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest
from hosts import Host, run_ip


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
            run_ip("netns", "add", host.namespace)
            created.append(host.namespace)
        run_ip("link", "add", a.interface, "type", "veth", "peer", "name", b.interface)
        for host in (a, b):
            run_ip("link", "set", host.interface, "netns", host.namespace)
            run_ip(
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
            run_ip("-n", host.namespace, "link", "set", host.interface, "up")
            run_ip("-n", host.namespace, "link", "set", "lo", "up")
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
