"""Helpers shared by the benchmark processes: /proc readings, percentiles, frames."""

from __future__ import annotations

import json
import os
import platform
import struct
import sys
from pathlib import Path
from typing import Any

LOCALHOST = "127.0.0.1"
#: Seconds from one message to the next in the latency paths: brisker than anyone types,
#: and long enough for every window to have painted the previous message, so a figure
#: is one message's way from window to window, not the wait behind the last one.
PACE_S = 0.03
RESULT_PREFIX = "BENCH-RESULT "
_HEADER = struct.Struct("!I")


def proc_status(pid: int | str = "self") -> dict[str, int]:
    """VmRSS and VmHWM (KiB) and Threads of a process, from /proc/PID/status."""
    wanted = {"VmRSS", "VmHWM", "Threads"}
    out: dict[str, int] = {}
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return out
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key in wanted:
            out[key] = int(value.split()[0])
    return out


def proc_cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU seconds a process has used so far (/proc/PID/stat)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = text.rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return ticks / os.sysconf("SC_CLK_TCK")


def mib(kib: int | None) -> float | None:
    return None if kib is None else round(kib / 1024, 1)


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0..100) with linear interpolation."""
    if not values:
        return float("nan")
    data = sorted(values)
    pos = (len(data) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (pos - low)


def summary_ms(seconds: list[float]) -> dict[str, Any]:
    """p50, p99, max and mean in milliseconds of a list of durations in seconds."""
    if not seconds:
        return {"n": 0, "p50_ms": None, "p99_ms": None, "max_ms": None, "mean_ms": None}
    return {
        "n": len(seconds),
        "p50_ms": round(percentile(seconds, 50) * 1000, 4),
        "p99_ms": round(percentile(seconds, 99) * 1000, 4),
        "max_ms": round(max(seconds) * 1000, 4),
        "mean_ms": round(sum(seconds) / len(seconds) * 1000, 4),
    }


def frame(message: dict[str, Any]) -> bytes:
    """One frame of our wire format: 4-byte big-endian length, then compact UTF-8 JSON."""
    payload = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return _HEADER.pack(len(payload)) + payload


def emit_result(result: dict[str, Any]) -> None:
    """Print a child process's result as one line the runner picks out of stdout."""
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()


def singleton_refcount_drift(calls: int = 1000) -> dict[str, int]:
    """How much the reference counts of ``None`` and ``True`` change over ``calls`` calls of
    a void Qt method and of ``Signal.emit`` (which returns a bool); 0 and 0 when sane.

    PySide6 6.12.0 on Python 3.11 returns these singletons without a new reference: each
    call takes one away, and the process dies with "none_dealloc: deallocating None" (or
    "bool_dealloc") once a count reaches zero. From Python 3.12 on the singletons are
    immortal and the drift is harmless.
    """
    from PySide6.QtCore import QObject, QRect, Signal

    class _Probe(QObject):
        ping = Signal()

    rect, probe = QRect(0, 0, 1, 1), _Probe()
    none_before = sys.getrefcount(None)
    for _ in range(calls):
        rect.setTop(0)
    none_drift = sys.getrefcount(None) - none_before
    true_before = sys.getrefcount(True)
    for _ in range(min(calls, 100)):  # True has few references to lose
        probe.ping.emit()
    true_drift = (sys.getrefcount(True) - true_before) * calls // min(calls, 100)
    return {"none": none_drift, "true": true_drift, "calls": calls}


def guard_singleton_refcounts() -> bool:
    """Make ``None``, ``True`` and ``False`` effectively immortal, as Python 3.12 does.

    Only in the benchmark's own processes, so that they can measure at all on a stack
    with the drift above; the app is not changed. ``True`` if the guard was applied.
    """
    if sys.version_info >= (3, 12) or hasattr(sys, "gettotalrefcount"):
        return False
    import ctypes

    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 40
    return True


def machine_info() -> dict[str, Any]:
    """CPU model, cores, RAM, kernel, Python and Qt versions."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_kib = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_kib = int(line.split()[1])
                break
    except OSError:
        pass
    try:
        import PySide6
        from PySide6.QtCore import qVersion

        pyside, qt = PySide6.__version__, qVersion()
    except ImportError:
        pyside = qt = "not installed"
    try:
        affinity = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        affinity = os.cpu_count()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "cores_usable": affinity,
        "ram_gib": round(ram_kib / 2**20, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "pyside6": pyside,
        "qt": qt,
    }
