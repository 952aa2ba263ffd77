"""Size and start-up time of the one-folder and one-file builds.

Builds both variants from build.spec, measures each build's total size, then starts
each build several times with ``GUI_CHAT_EXIT_WHEN_SHOWN=1`` (offscreen) and times the
wall clock from spawning the process to the app printing ``window shown after ...``.

Cold starts drop the page cache first (``sync; echo 3 > /proc/sys/vm/drop_caches``, needs
root; without it the runs are reported as not cold). Warm starts run right after one
another. The one-file build unpacks itself into a fresh temporary folder on every start,
so its start time includes that unpacking.

    .venv/bin/python bench/build_bench.py [--runs 5] [--workdir DIR] [--skip-build]

Prints a table and writes bench/results/build.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "build.json"
SHOWN_MARKER = "window shown after"
START_TIMEOUT = 60.0

#: Targets: (largest size in MiB as `du -sh` counts it, slowest median cold start in s).
TARGETS = {"one-folder": (120.0, 0.35), "one-file": (50.0, 1.3)}


@dataclass
class BuildResult:
    """Measurements of one build variant."""

    build: str
    path: str
    files: int
    size_bytes: int
    size_mib: float
    size_mb: float
    target_mib: float
    target_start_s: float
    cold_starts_s: list[float] = field(default_factory=list)
    warm_starts_s: list[float] = field(default_factory=list)
    app_reported_cold_s: list[float] = field(default_factory=list)
    app_reported_warm_s: list[float] = field(default_factory=list)
    median_cold_s: float | None = None
    median_warm_s: float | None = None
    size_ok: bool = False
    start_ok: bool = False


def project_name() -> str:
    """The app name from pyproject.toml."""
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)["project"]["name"]


def build(variant: str, workdir: Path) -> Path:
    """Build one variant with build.spec into workdir; return the built folder or file."""
    dist = workdir / variant / "dist"
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist),
        "--workpath",
        str(workdir / "build"),
        "build.spec",
        "--",
        "--onefile" if variant == "one-file" else "--onedir",
    ]
    env = {k: v for k, v in os.environ.items() if k != "GUI_CHAT_ONEFILE"}
    started = time.perf_counter()
    print(f"building {variant} ...", flush=True)
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdin=subprocess.DEVNULL)
    print(f"built {variant} in {time.perf_counter() - started:.0f} s", flush=True)
    return locate(dist)


def locate(dist: Path) -> Path:
    """The built folder (one-folder) or file (one-file) in a dist folder."""
    name = project_name()
    for candidate in (dist / name, dist / f"{name}.exe"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"no build of {name} in {dist}")


def executable(built: Path) -> Path:
    """The program to start for a built folder or file."""
    if built.is_file():
        return built
    suffix = ".exe" if sys.platform == "win32" else ""
    return built / f"{built.name}{suffix}"


def total_size(path: Path) -> tuple[int, int]:
    """(bytes, files) of a file or folder, counting symlinks as links (like du)."""
    if path.is_file():
        return path.stat().st_size, 1
    size = files = 0
    for entry in path.rglob("*"):
        stat = entry.lstat()
        size += stat.st_size
        files += not entry.is_dir()
    return size, files


def drop_page_cache() -> bool:
    """Flush and drop the page cache so the next start reads from disk; False if not allowed."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def start_once(
    command: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT
) -> tuple[float, float]:
    """Start the app until its window is shown; return (wall seconds, app-reported seconds).

    ``env`` defaults to this environment without any ``GUI_CHAT_*`` setting. Discovery
    is always off: a benchmark sends nothing beyond this machine.
    """
    if env is None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GUI_CHAT_")}
    env = env | {
        "QT_QPA_PLATFORM": "offscreen",
        "GUI_CHAT_EXIT_WHEN_SHOWN": "1",
        "GUI_CHAT_DISCOVERY": "0",
    }
    program = command[0]
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*command, "--no-discovery"],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    watchdog = threading.Timer(START_TIMEOUT, proc.kill)
    watchdog.start()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith(SHOWN_MARKER):
                wall = time.perf_counter() - started
                reported = float(line[len(SHOWN_MARKER) :].split()[0])
                break
        else:
            raise RuntimeError(f"{program} exited ({proc.wait()}) without showing its window")
        proc.stdout.read()
        code = proc.wait()
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if code != 0:
        raise RuntimeError(f"{program} exited with {code} after showing its window")
    return wall, reported


def measure(variant: str, built: Path, runs: int) -> tuple[BuildResult, bool]:
    """Size and start-up times of one build; also whether every cold start was cold."""
    size, files = total_size(built)
    target_mib, target_start = TARGETS[variant]
    result = BuildResult(
        build=variant,
        path=str(built),
        files=files,
        size_bytes=size,
        size_mib=round(size / 2**20, 1),
        size_mb=round(size / 1e6, 1),
        target_mib=target_mib,
        target_start_s=target_start,
    )
    program = executable(built)
    all_cold = True
    for _ in range(runs):
        all_cold &= drop_page_cache()
        wall, reported = start_once([str(program)])
        result.cold_starts_s.append(round(wall, 3))
        result.app_reported_cold_s.append(reported)
    start_once([str(program)])  # fill the cache before the warm runs
    for _ in range(runs):
        wall, reported = start_once([str(program)])
        result.warm_starts_s.append(round(wall, 3))
        result.app_reported_warm_s.append(reported)
    result.median_cold_s = round(statistics.median(result.cold_starts_s), 3)
    result.median_warm_s = round(statistics.median(result.warm_starts_s), 3)
    result.size_ok = result.size_mib <= target_mib
    result.start_ok = result.median_cold_s <= target_start
    return result, all_cold


def print_table(results: list[BuildResult], cold: bool) -> None:
    """Print the results as a table."""
    kind = "cold" if cold else "cache-warm (could not drop the page cache)"
    print(f"\nstart = median wall time from spawn to the window shown; {kind} starts")
    header = (
        f"{'build':<11} {'size MiB':>9} {'size MB':>8} {'start s':>8} {'warm s':>7}  "
        f"{'target':<18} result"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        target = f"<={r.target_mib:g} MiB, <={r.target_start_s:g} s"
        verdict = "ok" if r.size_ok and r.start_ok else "MISSED"
        missed = [n for n, ok in (("size", r.size_ok), ("start", r.start_ok)) if not ok]
        if missed:
            verdict += f" ({', '.join(missed)})"
        print(
            f"{r.build:<11} {r.size_mib:>9.1f} {r.size_mb:>8.1f} {r.median_cold_s:>8.3f} "
            f"{r.median_warm_s:>7.3f}  {target:<18} {verdict}"
        )


def main(argv: list[str] | None = None) -> int:
    """Build, measure, print and save."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="starts per build (default 5)")
    parser.add_argument(
        "--workdir",
        type=Path,
        help="where to build (kept afterwards); default: a temporary folder, removed after",
    )
    parser.add_argument(
        "--skip-build",
        action="store_true",
        help="measure the builds already in --workdir instead of building",
    )
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"default: {RESULTS}")
    args = parser.parse_args(argv)
    if args.skip_build and args.workdir is None:
        parser.error("--skip-build needs --workdir")

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="gui_chat_bench_"))
    try:
        results: list[BuildResult] = []
        cold = True
        for variant in TARGETS:
            if args.skip_build:
                built = locate(workdir / variant / "dist")
            else:
                built = build(variant, workdir)
            result, all_cold = measure(variant, built, args.runs)
            cold &= all_cold
            results.append(result)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)

    print_table(results, cold)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "runs": args.runs,
        "page_cache_dropped": cold,
        "start_measure": "wall time from process spawn to 'window shown after' on stdout, "
        "QT_QPA_PLATFORM=offscreen; the one-file build unpacks to a temp folder each start; "
        "app_reported_* is the time the app itself prints (from entering its start-up "
        "function to the window shown)",
        "builds": [asdict(r) for r in results],
    }
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
