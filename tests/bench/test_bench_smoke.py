"""The benchmark runner completes in quick mode and reports every section.

No timing is asserted: this only keeps ``python -m bench.run`` working as the code
changes. It runs in a child process so the benchmark's sockets, threads and Qt
application never mix with the test process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.run import parse_result

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ("latency", "flood", "fanout", "idle", "packaged")


def run_module(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m ARGS`` from the checkout, offscreen; it must succeed within 90 s."""
    proc = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def test_quick_benchmark_reports_every_section(tmp_path: Path) -> None:
    out = tmp_path / "quick.json"
    proc = run_module("bench.run", "--quick", "--json", str(out))
    report = json.loads(out.read_text())
    assert report["mode"] == "quick"
    assert report["machine"]["cpu"]
    for name in SECTIONS:
        assert name in report["sections"], name
        section = report["sections"][name]
        assert "error" not in section, (name, section["error"])
    latency = report["sections"]["latency"]
    for path in ("tcp_host_to_client", "tcp_client_to_client", "udp"):
        assert latency[path]["n"] > 0, path
    assert latency["baseline_tcp"]["n"] > 0
    floor = latency["floor_client_to_client"]  # the same path's bare hand-overs
    assert "error" not in floor, floor
    assert all(figures["messages"] == 10 for figures in floor.values()), floor
    assert "bare" in proc.stdout
    flood = report["sections"]["flood"]
    assert flood["complete"]
    assert flood["acks"] == flood["messages"]  # the room confirmed every one to its sender
    rounds = report["sizes"]["fanout_rounds"]
    for run in report["sections"]["fanout"]["runs"]:  # the relays took turns, round by round
        assert run["ours"]["complete"], run["ours"]
        assert len(run["ours"]["rounds"]) == rounds, run["ours"]
        assert "error" in run["ncat"] or len(run["ncat"]["rounds"]) == rounds, run["ncat"]
    idle = report["sections"]["idle"]
    assert idle["room_threads"] is not None
    packaged = report["sections"]["packaged"]
    assert "skipped" in packaged or "measured" in packaged
    assert report["table"], "no table rows"
    assert "gui_chat benchmark (quick)" in proc.stdout


def test_hop_by_hop_latency_follows_every_message_through_every_step(tmp_path: Path) -> None:
    out = tmp_path / "hops.json"
    proc = run_module("bench.hops", "--messages", "5", "--warmup", "2", "--json", str(out))
    result = json.loads(out.read_text())
    for path in ("tcp_host_to_client", "tcp_client_to_client", "udp"):
        assert result[path]["followed"] == 5, (path, result[path])
        *steps, whole = result[path]["steps"]
        assert whole["step"] == "in all (send to shown)"
        # each message's steps add up to its whole way, so no step's median is longer
        assert all(0 <= step["p50_ms"] <= whole["p50_ms"] for step in steps), steps
        assert result[path]["latency_p50_ms"] > 0
    assert "into the window's model" in proc.stdout


def test_floors_measure_the_bare_path_and_relays() -> None:
    proc = run_module("bench.floors", "latency", "--messages", "20", "--gap", "2")
    latency = parse_result(proc.stdout)["result"]
    for figures in latency.values():
        assert figures["messages"] == 20
        assert 0 < figures["p50_ms"] <= figures["p99_ms"]
    proc = run_module(
        "bench.floors", "forwarder", "--clients", "4", "--messages", "5", "--rounds", "1"
    )
    relays = parse_result(proc.stdout)["result"]
    assert relays["Python forwarder"]["complete"], relays
    assert relays["gui_chat room"]["complete"], relays
    assert relays["ncat --chat"].get("complete") or "error" in relays["ncat --chat"]
