"""Run every gui_chat benchmark, print a table and write JSON.

    .venv/bin/python -m bench.run [--quick] [--json PATH] [--only SECTION ...] [--build]
                                  [--code DIR]

Sections (docs/performance.md explains each and its target):

1. ``latency``  — one message at a time, window to window: TCP room host → client,
   client → client through the room, UDP; baselines: a plain socket round trip / 2,
   and client → client's hand-overs with no gui_chat code on the way (``bench.floors``).
2. ``flood``    — 100,000 messages from a plain socket into a shown room window;
   throughput, the GUI's worst stall, memory; baselines: plain Python decoding.
3. ``fanout``   — 50 and 200 headless clients chatting through a room process, in a
   burst and in a sustained flood; deliveries per second against ``ncat --chat`` with
   the same workload (the two relays' rounds taking turns), and each relay's CPU time
   per delivery.
4. ``idle``     — 1,000 connected clients: the room process's memory and threads.
5. ``packaged`` — start-up of the PyInstaller build in dist/ (via bench/build_bench.py),
   against ``python -m gui_chat`` from source.

Every socket is on 127.0.0.1; every wait is bounded; every process and thread the
runner starts is ended before it returns. ``--quick`` uses tiny sizes (a smoke test).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import load
from bench.common import LOCALHOST, PACE_S, RESULT_PREFIX, machine_info, mib

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JSON = ROOT / "bench" / "results" / "latest.json"
#: The folder whose gui_chat package the child processes import (``--code``); the
#: benchmark's own modules always come from ROOT.
CODE = ROOT
SECTIONS = ("latency", "flood", "fanout", "idle", "packaged")

SIZES: dict[str, dict[str, Any]] = {
    "full": {
        "latency_messages": 1000,
        "latency_warmup": 20,
        "floor_messages": 500,  # the client → client path's bare hand-overs
        "flood_messages": 100_000,
        # (clients, messages each): a burst, then a sustained flood (ncat --chat relays
        # whole reads, and only reaches its pace once its clients' reads are large)
        "fanout": [(50, 200), (200, 20), (50, 2000), (200, 200)],
        # rounds per workload and relay, on the same connections, the room's and ncat's
        # taking turns (fanout_pair); the median counts
        "fanout_rounds": 7,
        "idle_clients": 1000,
        "idle_hold_s": 2.0,
        "start_runs": 5,
        "phase_timeout_s": 60.0,
    },
    "quick": {
        "latency_messages": 50,
        "latency_warmup": 2,
        "floor_messages": 10,
        "flood_messages": 1000,
        "fanout": [(5, 10)],
        "fanout_rounds": 2,
        "idle_clients": 20,
        "idle_hold_s": 0.3,
        "start_runs": 1,
        "phase_timeout_s": 10.0,
    },
}

TARGETS = {
    "latency_p50_ms": 1.0,
    "latency_p99_ms": 5.0,
    "flood_msgs_per_s": 50_000,
    "flood_stall_ms": 50.0,
    "flood_rss_mib": 150.0,
    "fanout_ratio": 1.0,
    "idle_threads": 2,
    "idle_rss_mib": 200.0,
}


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ----- child processes ----------------------------------------------------------------------
def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["GUI_CHAT_DISCOVERY"] = "0"  # no LAN broadcasts: everything stays on 127.0.0.1
    paths = [str(CODE), str(ROOT)] if CODE != ROOT else [str(ROOT)]
    env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")])
    env.pop("GUI_CHAT_EXIT_WHEN_SHOWN", None)
    return env


def parse_result(output: str) -> dict[str, Any] | None:
    for line in reversed(output.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    return None


def pin_to(cpu: int):
    """A preexec_fn that keeps the child on one CPU (if the machine has two or more), so
    the server and the load generator of the fan-out runs do not share one."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(cpus) < 2:
        return None
    chosen = {cpus[cpu % len(cpus)]}
    return lambda: os.sched_setaffinity(0, chosen)


def run_child(module_args: list[str], timeout: float, cpu: int | None = None) -> dict[str, Any]:
    """Run ``python -m <module_args>``; its result line, or an ``error``."""
    try:
        proc = subprocess.run(
            [sys.executable, "-m", *module_args],
            cwd=CODE,
            env=child_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=pin_to(cpu) if cpu is not None else None,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"{' '.join(module_args)} did not finish within {timeout:g} s (killed)"}
    result = parse_result(proc.stdout)
    if result is None:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-8:]
        return {"error": f"{module_args[0]} exited {proc.returncode}: " + " | ".join(tail)}
    if proc.returncode != 0 and "error" not in result:
        result["error"] = f"exit code {proc.returncode}"
    return result


def start_child(module_args: list[str], cpu: int | None, stderr: Any = subprocess.PIPE):
    """``python -m <module_args>`` (from CODE, on ``cpu``), spoken to over its stdin and
    stdout, unbuffered."""
    return subprocess.Popen(
        [sys.executable, "-m", *module_args],
        preexec_fn=pin_to(cpu) if cpu is not None else None,
        cwd=CODE,
        env=child_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr,
        bufsize=0,
    )


class ChildLines:
    """The lines a child process prints, each waited for within a time limit."""

    def __init__(self, pipe: Any) -> None:
        self._pipe = pipe
        self.rest = b""  # read and not yet taken as a line

    def next(self, timeout: float, what: str) -> str | None:
        """The next line; ``None`` when the output ended; TimeoutError after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.rest:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{what} said nothing for {timeout:g} s")
            readable, _, _ = select.select([self._pipe], [], [], left)
            if readable:
                chunk = os.read(self._pipe.fileno(), 65536)
                if not chunk:
                    return None
                self.rest += chunk
        line, _, self.rest = self.rest.partition(b"\n")
        return line.decode("utf-8", "replace")


class RoomProcess:
    """``python -m bench.room_proc``: a headless gui_chat room in a process of its own."""

    def __init__(self, lifetime: float, cpu: int | None = None) -> None:
        self.proc = start_child(["bench.room_proc", "--lifetime", str(lifetime)], cpu)
        self.pid = self.proc.pid
        self._lines = ChildLines(self.proc.stdout)
        self._done = False
        try:
            line = self._lines.next(15.0, "the room process")
            if line is None:
                raise RuntimeError("the room process ended before listening")
            if not line.startswith("PORT "):
                raise RuntimeError(f"the room process said {line!r}")
            self.port = int(line.split()[1])
        except BaseException:
            self.kill()
            raise

    def stop(self) -> dict[str, Any]:
        """Ask it to stop (it joins its room thread) and return its last words."""
        try:
            out, _err = self.proc.communicate(b"stop\n", timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()
            return {"error": "the room process did not stop within 15 s (killed)"}
        self._done = True
        return parse_result((self._lines.rest + out).decode("utf-8", "replace")) or {
            "error": f"room process exited {self.proc.returncode} without a result"
        }

    def kill(self) -> None:
        """End it for sure (after :meth:`stop`, or instead of it)."""
        if self._done:
            return
        self._done = True
        end_process(self.proc)


class SteppedLoad:
    """``python -m bench.load … --in-step``: a load generator that runs each fan-out round
    when told to, so that two relays' rounds can take turns."""

    def __init__(self, module_args: list[str], timeout: float, cpu: int | None = None) -> None:
        self.timeout = timeout
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by finish)
        self.proc = start_child([*module_args, "--in-step"], cpu, stderr=self._errors)
        self._lines = ChildLines(self.proc.stdout)
        self._said: list[str] = []  # its lines other than "ready": the result among them

    def ready(self) -> bool:
        """Wait until it can run a round; ``False`` when it ended instead (its last
        round run, or a failure)."""
        while (line := self._lines.next(self.timeout, "the load generator")) is not None:
            if line == load.READY:
                return True
            self._said.append(line)
        return False

    def go(self) -> None:
        """Run the next round."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"go\n")

    def finish(self) -> dict[str, Any]:
        """Its result, once it has ended (told to stop if it still waits for a round)."""
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.close()  # a load waiting for "go" stops
            while (line := self._lines.next(self.timeout, "the load generator")) is not None:
                self._said.append(line)
            self.proc.wait(self.timeout)
        except (TimeoutError, subprocess.TimeoutExpired):
            return {"error": f"the load generator did not end within {self.timeout:g} s"}
        finally:
            end_process(self.proc)
            self._errors.seek(0)
            errors = self._errors.read().decode("utf-8", "replace")
            self._errors.close()
        result = parse_result("\n".join(self._said))
        if result is None:
            tail = errors.strip().splitlines()[-8:]
            return {"error": f"bench.load exited {self.proc.returncode}: " + " | ".join(tail)}
        return result


def end_process(proc: subprocess.Popen) -> None:
    """Kill ``proc`` if it still runs, reap it and close its pipes."""
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOCALHOST, 0))
        return sock.getsockname()[1]


def port_taken(port: int) -> bool:
    """Whether something listens on ``port`` (tested by binding it, not by connecting)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((LOCALHOST, port))
        except OSError:
            return True
    return False


class NcatChat:
    """``ncat --chat`` listening on 127.0.0.1 (the fan-out baseline)."""

    def __init__(self, cpu: int | None = None) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            preexec_fn=pin_to(cpu) if cpu is not None else None,
            args=["ncat", "--listen", "--chat", "--max-conns", "5000", LOCALHOST, str(self.port)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.pid = self.proc.pid
        deadline = time.monotonic() + 5.0
        while not port_taken(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("ncat did not start listening")
            time.sleep(0.02)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ----- sections -----------------------------------------------------------------------------
def section_latency(size: dict[str, Any]) -> dict[str, Any]:
    """The windows' paths, then the client → client path's floor: the same hand-overs at
    the same pace with no gui_chat code on the way (``bench.floors latency``)."""
    n = size["latency_messages"]
    result = run_child(
        [
            "bench.gui_bench",
            "latency",
            "--messages",
            str(n),
            "--warmup",
            str(size["latency_warmup"]),
            "--budget",
            str(size["phase_timeout_s"]),
        ],
        timeout=3 * size["phase_timeout_s"] + 60,
    )
    floor = run_child(
        ["bench.floors", "latency", "--messages", str(size["floor_messages"])],
        timeout=size["floor_messages"] * 2 * PACE_S + 60,
    )
    result["floor_client_to_client"] = floor.get("result", floor)
    return result


#: The floor shown beside the client → client figures: handed to a window's thread as
#: the app hands a message (``bench.floors`` also gives it without the hand-over).
FLOOR_SHOWN = "handed to a Qt main thread"


def section_flood(size: dict[str, Any]) -> dict[str, Any]:
    return run_child(
        [
            "bench.gui_bench",
            "flood",
            "--messages",
            str(size["flood_messages"]),
            "--budget",
            str(size["phase_timeout_s"]),
        ],
        timeout=2 * size["phase_timeout_s"] + 60,
    )


def load_args(port: int, pid: int, proto: str, clients: int, size: dict[str, Any]) -> list[str]:
    return [
        "bench.load",
        "--port",
        str(port),
        "--server-pid",
        str(pid),
        "--proto",
        proto,
        "--clients",
        str(clients),
        "--timeout",
        str(size["phase_timeout_s"]),
    ]


def fanout_args(messages: int, size: dict[str, Any]) -> list[str]:
    """The load generator's fan-out workload: one client at a time connects."""
    rounds = str(size["fanout_rounds"])
    return ["--messages", str(messages), "--connect-window", "1", "--rounds", rounds]


def section_fanout(size: dict[str, Any]) -> dict[str, Any]:
    have_ncat = shutil.which("ncat") is not None
    return {"runs": [fanout_pair(*workload, size, have_ncat) for workload in size["fanout"]]}


def fanout_pair(
    clients: int, messages: int, size: dict[str, Any], have_ncat: bool
) -> dict[str, Any]:
    """One workload through the room and through ``ncat --chat``. Both relays and their
    load generators run side by side, and the relays take turns round by round (room,
    ncat, ncat, room…): a fast or a slow moment of the machine falls on both alike."""
    run: dict[str, Any] = {"clients": clients, "messages_each": messages}
    timeout = 3 * size["phase_timeout_s"] + 30
    args = fanout_args(messages, size)
    room = ncat = None
    loads: dict[str, SteppedLoad] = {}
    try:
        try:
            room = RoomProcess(lifetime=timeout + 30, cpu=0)
            loads["ours"] = SteppedLoad(
                load_args(room.port, room.pid, "gui", clients, size) + args, timeout, cpu=1
            )
        except Exception as exc:
            run["ours"] = {"error": f"{type(exc).__name__}: {exc}"}
        if have_ncat:
            try:
                ncat = NcatChat(cpu=0)
                loads["ncat"] = SteppedLoad(
                    load_args(ncat.port, ncat.pid, "lines", clients, size) + args, timeout, cpu=1
                )
            except Exception as exc:
                run["ncat"] = {"error": f"{type(exc).__name__}: {exc}"}
        else:
            run["ncat"] = {"error": "ncat is not installed (scripts/bootstrap.sh dev installs it)"}
        waiting = [name for name, stepped in loads.items() if stepped.ready()]  # joined
        for number in range(size["fanout_rounds"]):
            for name in waiting[:: 1 if number % 2 == 0 else -1]:
                loads[name].go()
                if not loads[name].ready():  # its last round ran, or it failed (it says)
                    waiting.remove(name)
    except Exception as exc:  # a load that hangs: what the others measured still counts
        run["stepping_error"] = f"{type(exc).__name__}: {exc}"
    finally:
        for name, stepped in loads.items():
            run[name] = stepped.finish()
        if room is not None:
            if "ours" in loads:
                run["ours"]["room"] = room.stop()
            room.kill()
        if ncat is not None:
            ncat.stop()
    ours = run["ours"].get("deliveries_per_s")
    theirs = run["ncat"].get("deliveries_per_s")
    run["ratio"] = round(ours / theirs, 4) if ours and theirs else None
    return run


def section_idle(size: dict[str, Any]) -> dict[str, Any]:
    clients = size["idle_clients"]
    timeout = 2 * size["phase_timeout_s"] + 30
    room = None
    result: dict[str, Any] = {"clients": clients}
    try:
        room = RoomProcess(lifetime=timeout + 30, cpu=0)
        args = load_args(room.port, room.pid, "gui", clients, size)
        args += ["--mode", "idle", "--hold", str(size["idle_hold_s"]), "--connect-window", "64"]
        result.update(run_child(args, timeout, cpu=1))
        result["room"] = room.stop()
    except Exception as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        if room is not None:
            room.kill()
    held = result.get("server_after_hold") or {}
    result["room_threads"] = held.get("Threads")
    result["room_rss_mib"] = mib(held.get("VmRSS"))
    result["room_hwm_mib"] = mib(held.get("VmHWM"))
    result["room_rss_before_mib"] = mib((result.get("server_before") or {}).get("VmRSS"))
    return result


def start_once(command: list[str]) -> tuple[float, float]:
    """Start the app until its window is shown: (wall seconds, seconds the app reports).

    bench/build_bench.py's measure, with the history going to the runner's scratch
    folder.
    """
    from bench import build_bench

    wall, reported = build_bench.start_once(command, env=child_env(), cwd=CODE)
    return round(wall, 3), reported


def start_series(command: list[str], runs: int, drop_cache) -> dict[str, Any]:
    """Cold starts (page cache dropped first, if allowed), then warm ones."""
    cold, warm, reported = [], [], []
    if drop_cache is not None:
        for _ in range(runs):
            drop_cache()
            wall, app_s = start_once(command)
            cold.append(wall)
            reported.append(app_s)
    if drop_cache is not None or runs > 1:
        start_once(command)  # fill the cache (not worth it for a single quick start)
    for _ in range(runs):
        wall, app_s = start_once(command)
        warm.append(wall)
        reported.append(app_s)
    return {
        "cold_starts_s": cold,
        "warm_starts_s": warm,
        "app_reported_s": reported,
        "median_cold_s": round(statistics.median(cold), 3) if cold else None,
        "median_warm_s": round(statistics.median(warm), 3),
    }


def find_builds() -> list[tuple[str, Path]]:
    """(variant, path) of the PyInstaller builds in dist/."""
    builds = []
    for path in (ROOT / "dist" / "gui_chat", ROOT / "dist" / "gui_chat.exe"):
        if path.is_dir():
            builds.append(("one-folder", path))
        elif path.is_file():
            builds.append(("one-file", path))
    return builds


def section_packaged(size: dict[str, Any], quick: bool, build: bool) -> dict[str, Any]:
    builder = ROOT / "bench" / "build_bench.py"
    builds = find_builds()
    if not builder.exists() and not builds:
        return {"skipped": "skipped: no build.spec"}
    if not builder.exists():
        return {"skipped": "skipped: bench/build_bench.py is missing"}
    try:
        from bench import build_bench
    except Exception as exc:
        return {"error": f"cannot import bench/build_bench.py: {exc!r}"}
    runs = size["start_runs"]
    drop = getattr(build_bench, "drop_page_cache", None)
    cold = bool(drop is not None and not quick and drop())
    result: dict[str, Any] = {"page_cache_dropped": cold, "measured": [], "built_now": False}
    workdir = None
    try:
        if build and not quick:
            workdir = Path(tempfile.mkdtemp(prefix="gui_chat_bench_build_"))
            builds = [(v, build_bench.build(v, workdir)) for v in build_bench.TARGETS]
            result["built_now"] = True
        for variant, path in builds:
            size_bytes, files = build_bench.total_size(path)
            target_mib, target_start = build_bench.TARGETS.get(variant, (None, None))
            entry: dict[str, Any] = {
                "build": variant,
                "path": str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path),
                "files": files,
                "size_mib": round(size_bytes / 2**20, 1),
                "target_mib": target_mib,
                "target_start_s": target_start,
                "built": time.strftime(
                    "%Y-%m-%dT%H:%M:%S",
                    time.localtime(build_bench.executable(path).stat().st_mtime),
                ),
            }
            command = [str(build_bench.executable(path))]
            entry.update(start_series(command, runs, drop if cold else None))
            result["measured"].append(entry)
        source = start_series([sys.executable, "-m", "gui_chat"], runs, drop if cold else None)
        result["source"] = source
        result["source_median_s"] = source["median_cold_s"] or source["median_warm_s"]
    except Exception as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    if not builds:
        result["note"] = "no build in dist/: run scripts/build.sh, or bench.run --build"
    saved = ROOT / "bench" / "results" / "build.json"
    if saved.exists():
        try:
            report = json.loads(saved.read_text())
            keys = (
                "build",
                "size_mib",
                "median_cold_s",
                "median_warm_s",
                "target_mib",
                "target_start_s",
                "size_ok",
                "start_ok",
            )
            result["build_json"] = {
                "when": report.get("when"),
                "builds": [{k: b.get(k) for k in keys} for b in report.get("builds", [])],
            }
        except (OSError, ValueError) as exc:
            result["build_json"] = {"error": str(exc)}
    return result


# ----- verdicts and the table ---------------------------------------------------------------
def verdict_max(value: float | None, target: float) -> tuple[str, str]:
    if value is None:
        return "n/a", ""
    if value <= target:
        return "met", ""
    return "MISSED", f"{value / target:.1f}× over"


def verdict_min(value: float | None, target: float) -> tuple[str, str]:
    if value is None:
        return "n/a", ""
    if value >= target:
        return "met", ""
    return "MISSED", f"{target / value:.1f}× short" if value else "nothing measured"


def rows_for(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per figure: section, figure, measured, baseline, target, verdict."""
    rows: list[dict[str, Any]] = []
    sec = dict(report["sections"])
    for name in SECTIONS:
        if "skipped" in (sec.get(name) or {}) and name != "packaged":
            rows.append(
                {
                    "section": name,
                    "figure": "—",
                    "measured": sec[name]["skipped"],
                    "baseline": "",
                    "target": "",
                    "verdict": "skipped",
                    "by": "",
                }
            )
            sec[name] = {"runs": []} if name == "fanout" else None

    def add(section, figure, measured, baseline, target, verdict_how):
        verdict, by = verdict_how
        rows.append(
            {
                "section": section,
                "figure": figure,
                "measured": measured,
                "baseline": baseline,
                "target": target,
                "verdict": verdict,
                "by": by,
            }
        )

    lat = sec.get("latency") or {}
    if not lat:
        pass
    elif "error" in lat and "tcp_host_to_client" not in lat:
        add("latency", "error", lat["error"][:80], "", "", ("ERROR", ""))
    else:
        tcp = lat.get("baseline_tcp") or {}
        udp = lat.get("baseline_udp") or {}
        paths = (
            ("tcp_host_to_client", "TCP host→client", tcp),
            ("tcp_client_to_client", "TCP client→client", tcp),
            ("udp", "UDP peer→peer", udp),
        )
        # the client → client path's hand-overs alone, at the same pace
        floor = (lat.get("floor_client_to_client") or {}).get(FLOOR_SHOWN) or {}
        for key, name, base in paths:
            r = lat.get(key) or {}
            p50, p99 = r.get("p50_ms"), r.get("p99_ms")
            for figure, value, target in (("p50", p50, 1.0), ("p99", p99, 5.0)):
                baseline = f"{base.get(f'{figure}_ms', 0):.3f} rtt/2"
                if key == "tcp_client_to_client" and floor:
                    baseline += f", {floor[f'{figure}_ms']:.3f} bare"
                add(
                    "latency",
                    f"{name} {figure} ms" + (f" (n={r.get('n')})" if figure == "p50" else ""),
                    _fmt(value, 3),
                    baseline,
                    f"≤ {target:g}",
                    verdict_max(value, target),
                )
        one = lat.get("one_process") or {}
        for key, name, _base in paths if one else ():
            r = one.get(key) or {}
            add(
                "latency",
                f"{name} p50 / p99 ms, all windows in one process",
                f"{_fmt(r.get('p50_ms'), 3)} / {_fmt(r.get('p99_ms'), 3)}",
                "",
                "",
                ("info", ""),
            )

    fl = sec.get("flood") or {}
    if not fl:
        pass
    elif "error" in fl and "msgs_per_s" not in fl:
        add("flood", "error", fl["error"][:80], "", "", ("ERROR", ""))
    else:
        plain = (fl.get("baseline_plain_python") or {}).get("msgs_per_s")
        proto = (fl.get("baseline_protocol_only") or {}).get("msgs_per_s")
        n = fl.get("messages")
        rate = fl.get("msgs_per_s") if fl.get("complete") else None
        add(
            "flood",
            f"{n:,} msgs into a window, msg/s" if n else "msg/s",
            _fmt(fl.get("msgs_per_s"), 0) + ("" if fl.get("complete") else " (incomplete)"),
            f"{_fmt(plain, 0)} plain / {_fmt(proto, 0)} protocol",
            "≥ 50,000",
            verdict_min(rate, 50_000),
        )
        add(
            "flood",
            "worst GUI stall during flood, ms",
            _fmt(fl.get("worst_stall_ms"), 1),
            "5 ms timer",
            "≤ 50",
            verdict_max(fl.get("worst_stall_ms"), 50.0),
        )
        add(
            "flood",
            "worst GUI stall while laying out after, ms",
            _fmt(fl.get("layout_worst_stall_ms"), 1),
            f"settled in {fl.get('layout_settle_s')} s",
            "(info)",
            ("info", ""),
        )
        add(
            "flood",
            "RSS after (VmHWM), MiB",
            f"{_fmt(fl.get('rss_mib'), 1)} ({_fmt(fl.get('hwm_mib'), 1)})",
            f"{_fmt(fl.get('rss_before_mib'), 1)} before",
            "≤ 150",
            verdict_max(fl.get("rss_mib"), 150.0),
        )

    fo = sec.get("fanout") or {}
    for run in fo.get("runs", []):
        ours, theirs = run.get("ours") or {}, run.get("ncat") or {}
        label = f"{run['clients']} clients × {run['messages_each']} msgs"
        ok_ours = ours.get("complete") and "error" not in ours
        add(
            "fanout",
            f"{label}: deliveries/s",
            _fmt(ours.get("deliveries_per_s"), 0) + ("" if ok_ours else " (incomplete)"),
            f"{_fmt(theirs.get('deliveries_per_s'), 0)} ncat --chat",
            "ratio ≥ 1.0",
            ("info", ""),
        )
        add(
            "fanout",
            f"{label}: ours/ncat",
            _fmt(run.get("ratio"), 3),
            "",
            "≥ 1.0",
            verdict_min(run.get("ratio") if ok_ours else None, 1.0),
        )
        add(
            "fanout",
            f"{label}: relay's CPU, ms per million deliveries",
            _fmt(_cpu_per_million(ours), 0),
            f"{_fmt(_cpu_per_million(theirs), 0)} ncat --chat",
            "",
            ("info", ""),
        )

    ends = [
        ((run.get("ours") or {}).get("room") or {}).get("end_reason") for run in fo.get("runs", [])
    ] + [((sec.get("idle") or {}).get("room") or {}).get("end_reason")]
    ends = [e for e in ends if e is not None]
    if ends:
        bad = [e for e in ends if e]
        add(
            "fanout",
            "room processes ended cleanly (clients left at once)",
            f"{len(ends) - len(bad)} of {len(ends)}",
            "",
            "all",
            ("met", "") if not bad else ("MISSED", bad[0][:60]),
        )

    idle = sec.get("idle") or {}
    if not idle:
        pass
    elif "error" in idle and idle.get("room_threads") is None:
        add("idle", "error", idle["error"][:80], "", "", ("ERROR", ""))
    else:
        threads = idle.get("room_threads")
        add(
            "idle",
            f"{idle.get('clients')} idle clients: room threads",
            str(threads),
            "main + 1 loop",
            "= 2",
            ("n/a", "")
            if threads is None
            else (("met", "") if threads <= 2 else ("MISSED", f"{threads} threads")),
        )
        add(
            "idle",
            "room RSS with all connected and idle, MiB",
            _fmt(idle.get("room_rss_mib"), 1),
            f"{_fmt(idle.get('room_rss_before_mib'), 1)} before",
            "≤ 200",
            verdict_max(idle.get("room_rss_mib"), 200.0),
        )
        add(
            "idle",
            "room peak RSS while they joined (VmHWM), MiB",
            _fmt(idle.get("room_hwm_mib"), 1),
            "",
            "≤ 200",
            verdict_max(idle.get("room_hwm_mib"), 200.0),
        )
        add(
            "idle",
            "joining (connect + hello + announcements), s",
            _fmt(idle.get("joins_s"), 2),
            f"{_fmt((idle.get('join_bytes') or 0) / 2**20, 1)} MiB of join/members frames",
            "(info)",
            ("info", ""),
        )

    pk = sec.get("packaged") or {}
    if "skipped" in pk:
        add("packaged", "start-up", pk["skipped"], "", "", ("skipped", ""))
    elif "error" in pk and not pk.get("measured"):
        add("packaged", "error", pk["error"][:80], "", "", ("ERROR", ""))
    else:
        src = pk.get("source_median_s")
        if not pk.get("measured") and src is not None:
            add(
                "packaged",
                "from source (no build in dist/)",
                _fmt(src, 3),
                "",
                "(info)",
                ("info", ""),
            )
        for b in pk.get("measured", []):
            cold = b.get("median_cold_s")
            warm = b.get("median_warm_s")
            target = b.get("target_start_s")
            add(
                "packaged",
                f"{b['build']} start s, cold / warm",
                f"{_fmt(cold, 3)} / {_fmt(warm, 3)}",
                f"{_fmt(src, 3)} from source",
                f"≤ {target}" if target else "(info)",
                verdict_max(cold, target) if target and cold is not None else ("info", ""),
            )
            add(
                "packaged",
                f"{b['build']} size MiB",
                _fmt(b.get("size_mib"), 1),
                "",
                f"≤ {b.get('target_mib')}" if b.get("target_mib") else "(info)",
                verdict_max(b.get("size_mib"), b["target_mib"])
                if b.get("target_mib")
                else ("info", ""),
            )
        for b in (pk.get("build_json") or {}).get("builds", []):
            add(
                "packaged",
                f"{b['build']} (build.json {pk['build_json'].get('when', '')[:10]}) "
                "start s cold / warm",
                f"{_fmt(b.get('median_cold_s'), 3)} / {_fmt(b.get('median_warm_s'), 3)}",
                f"{_fmt(b.get('size_mib'), 1)} MiB",
                f"≤ {b.get('target_start_s')}",
                verdict_max(b.get("median_cold_s"), b["target_start_s"])
                if b.get("target_start_s")
                else ("info", ""),
            )
    return rows


def _cpu_per_million(result: dict[str, Any]) -> float | None:
    """The relay's CPU time per million deliveries over all rounds, in ms (the CPU is
    read in 10 ms steps, so one round of a burst is too short to tell)."""
    rounds = result.get("rounds") or []
    cpu = sum(r.get("server_cpu_s") or 0.0 for r in rounds)
    delivered = sum(r.get("delivered") or 0 for r in rounds)
    return cpu * 1e9 / delivered if cpu and delivered else None


def _fmt(value: Any, digits: int) -> str:
    if value is None:
        return "—"
    if isinstance(value, (int, float)):
        return f"{value:,.{digits}f}"
    return str(value)


def print_table(report: dict[str, Any]) -> None:
    m = report["machine"]
    print()
    print(f"gui_chat benchmark ({report['mode']}), {report['started']}")
    print(
        f"machine: {m['cpu']}, {m['cores']} cores ({m['cores_usable']} usable), "
        f"{m['ram_gib']} GiB RAM, Linux {m['kernel']}, Python {m['python']}, "
        f"PySide6 {m['pyside6']} / Qt {m['qt']}"
    )
    print(
        f"load average (1, 5, 15 min) before: {report.get('loadavg_before')}, "
        f"after: {report.get('loadavg_after')} — other work on the machine skews the figures"
    )
    drift = report.get("singleton_refcount_drift")
    if drift and (drift.get("none") or drift.get("true")):
        print(
            "WARNING: PySide6 drops a reference to None/True on every void call / Signal.emit "
            f"({drift}); the app aborts with 'none_dealloc' after a few thousand. The GUI "
            "benchmarks ran with None/True/False made immortal (see docs/performance.md)."
        )
    headers = ("section", "figure", "measured", "baseline (same run)", "target", "verdict")
    rows = [
        (
            r["section"],
            r["figure"],
            r["measured"],
            r["baseline"],
            r["target"],
            r["verdict"] + (f" ({r['by']})" if r["by"] else ""),
        )
        for r in report["table"]
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=False)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("-" * len(line))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    print(f"\ntotal {report['elapsed_s']:.0f} s")


# ----- main ---------------------------------------------------------------------------------
def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))


def refcount_probe() -> dict[str, Any] | None:
    try:
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                "from bench.common import singleton_refcount_drift as d;"
                "import json; print(json.dumps(d()))",
            ],
            cwd=CODE,
            env=child_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])
    except Exception as exc:
        return {"error": str(exc)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"default: {DEFAULT_JSON}")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
    parser.add_argument(
        "--build", action="store_true", help="build both PyInstaller variants first (slow)"
    )
    parser.add_argument(
        "--code",
        type=Path,
        help="benchmark the gui_chat package in this folder instead (e.g. a patched copy)",
    )
    args = parser.parse_args(argv)
    global CODE
    if args.code is not None:
        CODE = args.code.resolve()
        if not (CODE / "gui_chat" / "__init__.py").exists():
            parser.error(f"no gui_chat package in {CODE}")

    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    # Keep everything the app writes (history, settings) out of the user's own folders.
    scratch = Path(tempfile.mkdtemp(prefix="gui_chat_bench_"))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        os.environ[name] = str(scratch / name.lower())
    raise_fd_limit()

    mode = "quick" if args.quick else "full"
    size = SIZES[mode]
    started = time.perf_counter()
    report: dict[str, Any] = {
        "mode": mode,
        "code": str(CODE),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine_info(),
        "sizes": size,
        "targets": TARGETS,
        "singleton_refcount_drift": refcount_probe(),
        "loadavg_before": [round(x, 2) for x in os.getloadavg()],
        "sections": {},
    }
    wanted = args.only or list(SECTIONS)
    runners = {
        "latency": lambda: section_latency(size),
        "flood": lambda: section_flood(size),
        "fanout": lambda: section_fanout(size),
        "idle": lambda: section_idle(size),
        "packaged": lambda: section_packaged(size, args.quick, args.build),
    }
    try:
        for name in SECTIONS:
            if name not in wanted:
                report["sections"][name] = {"skipped": "not selected (--only)"}
                continue
            log(f"[bench] {name} ...")
            t0 = time.perf_counter()
            try:
                report["sections"][name] = runners[name]()
            except Exception as exc:  # a section's failure is reported, the rest still runs
                report["sections"][name] = {"error": f"{type(exc).__name__}: {exc}"}
            report["sections"][name]["section_s"] = round(time.perf_counter() - t0, 2)
            log(f"[bench] {name} done in {time.perf_counter() - t0:.1f} s")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report["elapsed_s"] = round(time.perf_counter() - started, 1)
    report["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    report["table"] = rows_for(report)
    print_table(report)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
