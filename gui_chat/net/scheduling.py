"""Short time slices from the Linux scheduler, so that a session's thread runs sooner.

A message crosses several threads, each woken from sleep: the sender's session, the
room's loop, the receiver's session and its window. Linux 6.12 and later let a thread
ask for a shorter time slice than the default (0.75–3 ms by the number of processors;
1.4 ms on 2 cores); the scheduler then runs it sooner when it wakes and lets it run
for less at a time. That is the trade a session's loop wants: it wakes for every
message and works on it for well under a millisecond. The window's thread keeps the
default: it paints, and a paint is better not cut up.

Elsewhere (other systems, older kernels, other processors) nothing changes.
"""

from __future__ import annotations

import functools
import logging
import os
import platform
import struct
import sys
import threading

log = logging.getLogger("gui_chat.net")

#: Set to 0 to keep the scheduler's default slices.
SHORT_SLICES_ENV = "GUI_CHAT_SHORT_SLICES"
#: The slice asked for, in nanoseconds: the shortest the kernel grants.
SLICE_NS = 100_000
#: ``sched_setattr`` and ``sched_getattr`` system call numbers, by processor.
_SYSCALLS = {"x86_64": (314, 315), "aarch64": (274, 275)}
#: ``struct sched_attr`` (its first version, 56 bytes): size, policy, flags, nice,
#: priority, runtime, deadline, period, util_min, util_max.
_ATTR = struct.Struct("=IIQiIQQQII")
#: Fair-share policies (SCHED_OTHER, SCHED_BATCH): the slice is their runtime field.
_FAIR_POLICIES = (0, 3)


def prefer_short_slices() -> bool:
    """Ask for :data:`SLICE_NS` slices for the calling thread, keeping its policy and
    nice value; ``True`` if asked. A thread under a real-time or idle policy is left
    as it is, and so is every thread off Linux or with ``GUI_CHAT_SHORT_SLICES=0``."""
    calls = _system_calls()
    if calls is None or os.environ.get(SHORT_SLICES_ENV) == "0":
        return False
    thread_id = threading.get_native_id()
    try:
        _size, policy, _flags, nice, priority, *_rest = _ATTR.unpack(_get(thread_id, calls[1]))
        if policy not in _FAIR_POLICIES:
            return False
        attr = _ATTR.pack(_ATTR.size, policy, 0, nice, priority, SLICE_NS, 0, 0, 0, 0)
        _syscall(calls[0], thread_id, attr, 0)
    except OSError as exc:  # an older kernel or a sandbox may refuse: keep the default
        log.debug("no short time slice: %s", exc)
        return False
    return True


def slice_ns(thread_id: int = 0) -> int:
    """A thread's time slice in nanoseconds (the kernel's default unless one was asked
    for); 0 where it cannot be read."""
    calls = _system_calls()
    if calls is None:
        return 0
    try:
        return _ATTR.unpack(_get(thread_id, calls[1]))[5]
    except OSError:
        return 0


def _system_calls() -> tuple[int, int] | None:
    """``sched_setattr`` and ``sched_getattr`` here, or ``None`` off Linux."""
    return _SYSCALLS.get(platform.machine()) if sys.platform.startswith("linux") else None


def _get(thread_id: int, get_call: int) -> bytes:
    import ctypes

    buffer = ctypes.create_string_buffer(_ATTR.size)
    _syscall(get_call, thread_id, buffer, _ATTR.size, 0)
    return buffer.raw


def _syscall(number: int, *args: object) -> None:
    import ctypes

    if _libc().syscall(number, *args) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno))


@functools.cache
def _libc():  # a ctypes.CDLL: ctypes is imported only when needed
    import ctypes

    return ctypes.CDLL(None, use_errno=True)
