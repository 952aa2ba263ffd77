"""Short scheduler slices: a session's loop thread asks for them, and only for itself.

Each case runs a room in a process of its own, set up with the policy and nice value
a user might have chosen.
"""

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from gui_chat.net.scheduling import SHORT_SLICES_ENV, SLICE_NS, _system_calls

ROOT = Path(__file__).resolve().parents[2]


def _kernel() -> tuple[int, int]:
    major, minor = platform.release().split(".")[:2]
    return int(major), int("".join(ch for ch in minor if ch.isdigit()) or 0)


pytestmark = pytest.mark.skipif(
    _system_calls() is None or _kernel() < (6, 12),
    reason="custom slices need Linux 6.12+ on x86_64 or aarch64",
)

#: Hosts a room on 127.0.0.1 under the policy and nice value in ``argv``; prints the
#: main thread's slice before and after, and what the room's loop thread had.
PROGRAM = """
import json, os, sys, threading
from gui_chat.net.room import RoomConfig, RoomServer
from gui_chat.net.scheduling import slice_ns

os.sched_setscheduler(0, getattr(os, sys.argv[1]), os.sched_param(0))
os.nice(int(sys.argv[2]))
default = slice_ns()
seen = {}
listening = threading.Event()

def sink(events):  # runs on the room's loop thread
    if not seen:
        seen.update(
            slice=slice_ns(),
            policy=os.sched_getscheduler(0),
            nice=os.getpriority(os.PRIO_PROCESS, 0),
        )
    listening.set()

room = RoomServer(RoomConfig(host="127.0.0.1", port=0, nick="host", room_name="r"), sink)
loop = threading.Thread(target=room.run)
loop.start()
assert listening.wait(10), "the room did not start"
room.stop()
loop.join(10)
print(json.dumps({"default": default, "main": slice_ns(), "loop": seen}))
"""


def _run(policy: str = "SCHED_OTHER", nice: int = 0, **env: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM, policy, str(nice)],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_session_loop_thread_gets_a_short_slice_and_the_main_thread_keeps_its_own() -> None:
    seen = _run()
    assert seen["default"] > SLICE_NS  # the kernel's own is longer
    assert seen["loop"]["slice"] == SLICE_NS
    assert seen["main"] == seen["default"]  # the window's thread paints: not cut up


def test_short_slices_can_be_turned_off() -> None:
    seen = _run(**{SHORT_SLICES_ENV: "0"})
    assert seen["loop"]["slice"] == seen["default"]


def test_the_policy_and_nice_value_chosen_by_the_user_are_kept() -> None:
    seen = _run("SCHED_BATCH", 5)
    assert seen["loop"] == {"slice": SLICE_NS, "policy": os.SCHED_BATCH, "nice": 5}


def test_an_idle_priority_session_is_left_as_it_is() -> None:
    seen = _run("SCHED_IDLE", 0)
    assert seen["loop"]["policy"] == os.SCHED_IDLE
    assert seen["loop"]["slice"] != SLICE_NS
