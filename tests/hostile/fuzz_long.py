"""A long fuzz run of the protocol decoder (not collected by pytest: no ``test_`` prefix).

Property, as in test_hostile_fuzz.py: whatever bytes arrive, however they are cut, a
``Connection`` yields only messages or ``RemoteProtocolError``; an accepted message
can be encoded again and decodes to itself; a refusal is one line the room can send
back in an ``error``. Anything else (another exception, a bad round trip) is a
failure; failures are counted and the first of each kind printed, and the run goes
on.

    # coverage-guided with atheris (pip install atheris), for ~2 minutes:
    .venv/bin/python tests/hostile/fuzz_long.py --seconds 120

    # or hypothesis, a fixed number of examples:
    .venv/bin/python tests/hostile/fuzz_long.py --engine hypothesis --examples 200000

With atheris the script runs itself as a child (libFuzzer never returns) and prints
the child's figures at the end: examples run, time, failures.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support.frames import cut, frame  # noqa: E402 (needs ROOT on sys.path)

TYPES = ["hello", "welcome", "chat", "chats", "ack", "join", "leave", "members", "ping", "pong",
         "error"]  # fmt: skip
FIELDS = ["nick", "room", "members", "version", "id", "text", "sender", "ts", "reason", "seq",
          "chats", "client_id", "room_id", "last_seq", "extra", "t"]  # fmt: skip


def check_stream(chunks: list[bytes]) -> list[str]:
    """Feed ``chunks`` to a Connection; the property violations found (empty: fine)."""
    from gui_chat.protocol import (
        Connection,
        Error,
        Message,
        RemoteProtocolError,
        decode_message,
        encode_message,
    )

    problems = []
    connection = Connection()
    for chunk in chunks:
        connection.receive_data(chunk)
        try:
            while (message := connection.next_event()) is not None:
                if not isinstance(message, Message):
                    problems.append(f"not a message: {message!r}"[:200])
                    continue
                try:
                    again = decode_message(encode_message(message))
                except Exception as exc:
                    problems.append(f"accepted but cannot be sent on: {exc!r} for {message!r}")
                    continue
                if again != message:
                    problems.append(f"round trip changed {message!r} into {again!r}")
        except RemoteProtocolError as exc:
            reason = str(exc)
            if not reason.strip() or "\n" in reason:
                problems.append(f"refusal is not one plain line: {reason!r}")
            try:
                encode_message(Error(f"sent invalid data ({exc})"))
            except Exception as inner:
                problems.append(f"refusal cannot be sent back: {inner!r} for {reason!r}")
            return problems
    return problems


def structured(provider) -> bytes:
    """A stream of frames holding message-shaped JSON drawn from ``provider``."""
    frames = []
    for _ in range(provider.ConsumeIntInRange(1, 4)):
        body: dict = {"t": provider.PickValueInList(TYPES)}
        for _ in range(provider.ConsumeIntInRange(0, 6)):
            body[provider.PickValueInList(FIELDS)] = value(provider, 3)
        text = json.dumps(body, ensure_ascii=provider.ConsumeBool())
        frames.append(frame(text.encode("utf-8", "surrogatepass")))
    return b"".join(frames)


def value(provider, depth: int):
    kind = provider.ConsumeIntInRange(0, 9 if depth else 6)
    if kind == 0:
        return None
    if kind == 1:
        return provider.ConsumeBool()
    if kind == 2:
        return provider.ConsumeIntInRange(-(2**40), 2**40)
    if kind == 3:
        return provider.ConsumeRegularFloat()
    if kind == 4:
        return provider.ConsumeUnicode(provider.ConsumeIntInRange(0, 140))
    if kind == 5:
        return "x" * provider.PickValueInList([63, 64, 65, 127, 128, 129, 1000, 1001, 32000, 32001])
    if kind == 6:
        return provider.PickValueInList([10**400, 2**31, -1, 1e12, 1e12 + 1, 1.5, 0])
    if kind in (7, 8):
        return [value(provider, depth - 1) for _ in range(provider.ConsumeIntInRange(0, 4))]
    return {provider.ConsumeUnicode(4): value(provider, depth - 1) for _ in range(3)}


# ----- atheris (child process) -----------------------------------------------------------
def atheris_child(report: Path, argv: list[str]) -> None:
    import atheris

    with atheris.instrument_imports():
        import gui_chat.protocol  # noqa: F401

    seen: dict[str, str] = {}
    counts = {"failures": 0}

    def one_input(data: bytes) -> None:
        provider = atheris.FuzzedDataProvider(data)
        if provider.ConsumeBool():
            stream = structured(provider)
        else:
            stream = provider.ConsumeBytes(provider.ConsumeIntInRange(0, 4096))
        chunks = cut(stream, [provider.ConsumeIntInRange(0, len(stream)) for _ in range(3)])
        try:
            problems = check_stream(chunks)
        except Exception:
            problems = ["unexpected exception: " + traceback.format_exc(limit=4)]
        if problems:
            counts["failures"] += 1
            for problem in problems:
                key = problem[:60]
                if key not in seen:
                    seen[key] = f"{problem}\n  input: {stream[:300]!r}"
                    report.write_text(json.dumps({"failures": counts["failures"], "kinds": seen}))

    report.write_text(json.dumps({"failures": 0, "kinds": {}}))
    atheris.Setup([sys.argv[0], *argv], one_input)
    atheris.Fuzz()


def run_atheris(seconds: int) -> int:
    with tempfile.TemporaryDirectory(prefix="gui_chat_fuzz_") as work:
        corpus = Path(work) / "corpus"
        corpus.mkdir()
        seeds = [
            b'{"t":"hello","nick":"alice","version":4}',
            b'{"t":"chat","id":"1","text":"hi","sender":"","ts":0}',
            b'{"t":"chats","ts":1.5,"seq":7,"chats":[["a","hi"],["b","","x"]]}',
            b'{"t":"members","members":["a","b"]}',
            b'{"t":"leave","nick":"x","reason":"left"}',
            b'{"t":"ping"}',
        ]
        for number, seed in enumerate(seeds):
            (corpus / f"seed{number}").write_bytes(b"\0" + frame(seed))
        report = Path(work) / "report.json"
        started = time.monotonic()
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--atheris-child",
                str(report),
                str(corpus),
                f"-max_total_time={seconds}",
                "-print_final_stats=1",
                "-rss_limit_mb=4096",
                f"-artifact_prefix={work}/",
            ],
            capture_output=True,
            text=True,
            cwd=work,
        )
        took = time.monotonic() - started
        output = child.stdout + child.stderr
        done = re.search(r"Done (\d+) runs in (\d+) second", output)
        cov = re.findall(r"cov: (\d+) ft: (\d+) corp: (\d+)", output)
        result = json.loads(report.read_text()) if report.exists() else {}
        print("engine: atheris", importlib.metadata.version("atheris"))
        print(f"examples run: {int(done.group(1)) if done else 'unknown'}")
        print(f"time: {took:.1f} s")
        if cov:
            print(f"coverage: cov {cov[-1][0]}, features {cov[-1][1]}, corpus {cov[-1][2]}")
        print(f"failures: {result.get('failures', 'unknown')}")
        for text in result.get("kinds", {}).values():
            print(" -", text)
        if child.returncode != 0:
            print(f"libFuzzer exited with {child.returncode}:\n{output[-3000:]}")
            return 1
        return 1 if result.get("failures") else 0


# ----- hypothesis --------------------------------------------------------------------------
def run_hypothesis(examples: int) -> int:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    sys.path.insert(0, str(ROOT / "tests"))
    from hostile.test_hostile_fuzz import message_dicts

    counts = {"examples": 0, "failures": 0}
    payloads = st.lists(message_dicts(), min_size=1, max_size=5).map(
        lambda bodies: b"".join(
            frame(json.dumps(b).encode("utf-8", "surrogatepass")) for b in bodies
        )
    )
    streams = st.one_of(payloads, st.binary(max_size=2000), payloads.map(lambda s: s[:-3]))

    @settings(max_examples=examples, deadline=None, database=None, derandomize=False)
    @given(streams, st.lists(st.integers(min_value=0), max_size=6))
    def property_holds(stream: bytes, points: list[int]) -> None:
        counts["examples"] += 1
        problems = check_stream(cut(stream, points))
        assert not problems, problems

    started = time.monotonic()
    failure = ""
    try:
        property_holds()
    except Exception as exc:
        counts["failures"] = 1
        failure = "".join(traceback.format_exception_only(exc))[-2000:]
    print("engine: hypothesis")
    print(f"examples run: {counts['examples']}")
    print(f"time: {time.monotonic() - started:.1f} s")
    print(f"failures: {counts['failures']}")
    if failure:
        print(failure)
    return counts["failures"]


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--atheris-child":
        atheris_child(Path(sys.argv[2]), sys.argv[3:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=["auto", "atheris", "hypothesis"], default="auto")
    parser.add_argument("--seconds", type=int, default=120, help="atheris: how long")
    parser.add_argument("--examples", type=int, default=200_000, help="hypothesis: how many")
    args = parser.parse_args()
    engine = args.engine
    if engine == "auto":
        try:
            import atheris  # noqa: F401
        except ImportError:
            engine = "hypothesis"
        else:
            engine = "atheris"
    os.environ.setdefault("PYTHONHASHSEED", "0")
    return run_atheris(args.seconds) if engine == "atheris" else run_hypothesis(args.examples)


if __name__ == "__main__":
    sys.exit(main())
