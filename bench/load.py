"""Many chat clients in one process: plain non-blocking sockets driven by one selectors loop.

    python -m bench.load --port P --proto gui|lines --clients N [--messages M]
                         [--mode fanout|idle] [--server-pid PID] [--timeout S]
                         [--rounds R] [--in-step]

``gui`` speaks the gui_chat frame format (a hello, then chat frames, answering pings);
``lines`` sends newline-terminated lines, as ``ncat --chat`` relays them.

Phases, each bounded by ``--timeout``:

1. connect every client (at most ``CONNECT_WINDOW`` connects in flight) and, for
   ``gui``, say hello;
2. wait until the join announcements have all arrived (the room tells everyone who
   came; ``ncat --chat`` does the same with ``<announce>`` lines);
3. ``fanout``: every client queues ``M`` messages at once and sends them as fast as the
   server takes them; the phase ends when each message has reached every other client
   (``N * M * (N - 1)`` deliveries) and, for ``gui``, its sender (the room relays every
   chat to everyone). Every client must then have received exactly as many as it should:
   ``N * M`` chats (the room writes the same blocks to every member, the sender too) or
   ``M * (N - 1)`` lines, so that a chat one member missed is not made up for by one
   that another got twice. Chats are counted as cheaply as ``ncat``'s lines, in one
   pass over each chunk as it comes: :func:`count_marks` counts the bytes every relayed
   chat holds once (:data:`CHAT_MARK`, which says why nothing else does).
   ``--rounds`` runs it that many times (the median round counts); with ``--in-step``
   each round waits for the runner's ``go``, so that two relays can take turns.
   ``idle``: the clients stay connected for ``--hold`` seconds while the server's
   memory and threads are read from /proc/PID/status.

The result is one JSON line (see :func:`bench.common.emit_result`).
"""

from __future__ import annotations

import argparse
import errno
import resource
import selectors
import socket
import sys
import time
from typing import Any

from bench.common import LOCALHOST, emit_result, frame, proc_cpu_seconds, proc_status
from gui_chat.protocol import PROTOCOL_VERSION

CONNECT_WINDOW = 64
QUIET = 0.3  # seconds without a byte that end the join phase
RECV_SIZE = 256 * 1024
PONG = frame({"t": "pong"})
#: What ``--in-step`` prints when the next round can start.
READY = "ready"
#: How every benchmark message begins (:func:`message_text`).
TEXT_START = "BENCHMSG "
#: What every relayed chat holds once: the room relays it as a text in a group
#: ``["<sender>","<text>","<text>"…]`` of a ``chats`` block, and its text begins with
#: :data:`TEXT_START`. Nothing else the room sends holds these bytes. A quote followed
#: by a letter opens a string (a closing one is followed by ``,``, ``:``, ``]`` or
#: ``}``, and inside a string a quote is escaped), so the mark is a string beginning
#: with ``BENCHMSG`` right after another string and a comma. In the room's messages
#: that is only the text of a chat, after its sender or another text: keys are the
#: protocol's words, and member lists hold nicknames (``b0001``, ``bench-host``). A
#: long mark is found faster than a short one such as ``["`` (which a string ending in
#: ``[`` also holds).
CHAT_MARK = b'","' + TEXT_START.encode()
#: How the payloads of rarer frames begin.
PING_MARK = b'{"t":"ping"}'
ERROR_MARK = b'{"t":"error",'
#: While counting: bytes of the stream kept (for marks cut in two, and a last error),
#: and the pause (s) after which a chunk is searched for other frames than chats.
KEEP = 1024
PAUSE = 1.0

_READ = selectors.EVENT_READ
_WRITE = selectors.EVENT_WRITE


def count_marks(tail: bytes, data: bytes, mark: bytes) -> int:
    """Occurrences of ``mark`` in ``data`` and across the boundary with ``tail``, the end
    of what came before it (at least ``len(mark) - 1`` bytes of it, if that much came)."""
    edge = len(mark) - 1
    return data.count(mark) + (tail[-edge:] + data[:edge]).count(mark)


def message_text(client: int, number: int) -> str:
    """The text of one benchmark message (about 50 bytes; :data:`CHAT_MARK` relies on
    how it begins)."""
    return f"{TEXT_START}c{client:04d} n{number:06d} lorem ipsum dolor sit amet"


class Client:
    __slots__ = (
        "connected", "inbuf", "index", "last_chunk", "mask", "out", "received", "searched",
        "sock", "tail",
    )  # fmt: skip

    def __init__(self, index: int, sock: socket.socket) -> None:
        self.index = index
        self.sock = sock
        self.out = bytearray()
        self.inbuf = bytearray()
        self.connected = False
        self.mask = 0
        self.received = 0  # chats or lines in this fan-out round
        self.tail = b""  # the end of what was received last, while counting marks
        self.last_chunk = 0.0  # when that was (perf_counter)
        self.searched = False  # whether it was searched for other frames than chats


def nick_of(index: int) -> str:
    return f"b{index:04d}"


class Load:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.sel = selectors.DefaultSelector()
        self.clients: list[Client] = []
        self.gui = args.proto == "gui"
        self.counting = False  # gui: count chat marks instead of walking the frames
        self.closed_by_server = 0
        self.connecting = 0
        self.errors: list[str] = []
        self.last_receive = time.perf_counter()
        # frames by type (welcome, join, members, chat, ack, ping, error, other), or lines
        keys = ("w", "j", "m", "c", "a", "p", "e", "o", "lines", "bytes")
        self.total = dict.fromkeys(keys, 0)

    # ----- sockets ------------------------------------------------------------------------
    def _set_mask(self, client: Client, mask: int) -> None:
        if mask != client.mask:
            if client.mask == 0:
                self.sel.register(client.sock, mask, client)
            elif mask == 0:
                self.sel.unregister(client.sock)
            else:
                self.sel.modify(client.sock, mask, client)
            client.mask = mask

    def _open(self, index: int) -> Client:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        code = sock.connect_ex((LOCALHOST, self.args.port))
        if code not in (0, errno.EINPROGRESS):
            sock.close()
            raise OSError(code, f"connect failed: {errno.errorcode.get(code, code)}")
        client = Client(index, sock)
        self._set_mask(client, _WRITE)
        self.connecting += 1
        return client

    def _on_connected(self, client: Client) -> None:
        self.connecting -= 1
        client.connected = True
        code = client.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if code:
            self.errors.append(f"client {client.index}: connect error {code}")
            self._close(client)
            return
        if self.gui:
            hello = {"t": "hello", "nick": nick_of(client.index), "version": PROTOCOL_VERSION}
            client.out += frame(hello)
        self._flush(client)

    def _close(self, client: Client) -> None:
        self._set_mask(client, 0)
        client.sock.close()

    def _flush(self, client: Client) -> None:
        out = client.out
        while out:
            try:
                sent = client.sock.send(out)
            except (BlockingIOError, InterruptedError):
                break
            except OSError as exc:
                self.errors.append(f"client {client.index}: send failed: {exc}")
                self._close(client)
                return
            del out[:sent]
        self._set_mask(client, _READ | _WRITE if out else _READ)

    def _receive(self, client: Client) -> None:
        try:
            data = client.sock.recv(RECV_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            self.errors.append(f"client {client.index}: recv failed: {exc}")
            self._close(client)
            self.closed_by_server += 1
            return
        if not data:
            if self.counting and not client.searched:
                self._other_frames(client, b"", client.tail)
            self._close(client)
            self.closed_by_server += 1
            return
        self.last_receive = time.perf_counter()
        counts = self.total
        counts["bytes"] += len(data)
        if not self.gui:
            lines = data.count(b"\n")
            counts["lines"] += lines
            client.received += lines
            return
        if self.counting:
            self._count(client, data)
            return
        buf = client.inbuf
        buf += data
        end = len(buf)
        off = 0
        pong = False
        while end - off >= 4:
            size = int.from_bytes(buf[off : off + 4], "big")
            if end - off - 4 < size:
                break
            # Our payloads start with {"t":"<type>": one byte tells the type apart.
            kind = buf[off + 10] if size > 7 else 0
            if kind == 99:  # c: a chat or a block of chats
                counts["c"] += 1
            elif kind == 97:  # a
                counts["a"] += 1
            elif kind == 106:  # j
                counts["j"] += 1
            elif kind == 109:  # m
                counts["m"] += 1
            elif kind == 119:  # w
                counts["w"] += 1
            elif kind == 112:  # p: ping or pong
                if buf[off + 11] == 105:
                    counts["p"] += 1
                    pong = True
            elif kind == 101:  # e
                counts["e"] += 1
                self.errors.append(
                    f"client {client.index}: {bytes(buf[off + 4 : off + 4 + size])[:200]!r}"
                )
            else:
                counts["o"] += 1
            off += 4 + size
        if off:
            del buf[:off]
        if pong:
            client.out += PONG
            self._flush(client)

    def _count(self, client: Client, data: bytes) -> None:
        """Count the chats in ``data`` by their mark.

        Other frames are rare here: the room pings only a member it sent nothing to for
        seconds, and an error comes last, before it closes. So a chunk is searched for
        them only after a pause, and the end of the stream when it closes.
        """
        counts, tail = self.total, client.tail
        chats = count_marks(tail, data, CHAT_MARK)
        counts["c"] += chats
        client.received += chats
        now = self.last_receive
        client.searched = now - client.last_chunk > PAUSE
        if client.searched:
            self._other_frames(client, tail, data)
        client.last_chunk = now
        client.tail = data[-KEEP:] if len(data) >= KEEP else (tail + data)[-KEEP:]

    def _other_frames(self, client: Client, tail: bytes, data: bytes) -> None:
        """Count and answer the pings, and count the errors, in ``data`` (after ``tail``).
        The room's acks of each turn are not counted: every chat's arrival says more."""
        counts = self.total
        pings = count_marks(tail, data, PING_MARK)
        counts["p"] += pings
        if pings:
            client.out += PONG * pings
            self._flush(client)
        errors = count_marks(tail, data, ERROR_MARK)
        if errors:
            counts["e"] += errors
            start = (tail + data).rfind(ERROR_MARK)
            self.errors.append(f"client {client.index}: {(tail + data)[start : start + 200]!r}")

    def _turn(self, timeout: float) -> None:
        for key, mask in self.sel.select(timeout):
            client: Client = key.data
            if not client.connected:
                self._on_connected(client)
                continue
            if mask & _WRITE:
                self._flush(client)
            if mask & _READ and client.mask:
                self._receive(client)

    def _sum(self, key: str) -> int:
        return self.total[key]

    def _run_until(self, done, deadline: float) -> bool:
        while not done():
            left = deadline - time.perf_counter()
            if left <= 0:
                return False
            if not self.sel.get_map():
                return False
            self._turn(min(left, 0.05))
        return True

    # ----- phases -------------------------------------------------------------------------
    def connect_all(self, deadline: float) -> float:
        started = time.perf_counter()
        n = self.args.clients
        while len(self.clients) < n or self.connecting:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"only {len(self.clients) - self.connecting} connected")
            while len(self.clients) < n and self.connecting < self.args.connect_window:
                self.clients.append(self._open(len(self.clients)))
            self._turn(0.05)
        return time.perf_counter() - started

    def expected_warmup(self) -> int:
        n = self.args.clients
        if self.gui:
            # A welcome each, and every earlier client hears a join; member lists may be
            # sent once per join or coalesced, so they are not counted (the quiet time
            # after the joins lets them drain).
            return n + n * (n - 1) // 2
        return n * (n + 1)  # ncat: two <announce> lines to everyone there, per join

    def warmup_count(self) -> int:
        if self.gui:
            return self._sum("w") + self._sum("j")
        return self._sum("lines")

    def settle(self, deadline: float) -> tuple[float, bool]:
        """Wait for every join announcement; (seconds, whether all came)."""
        started = time.perf_counter()
        expected = self.expected_warmup()
        ok = self._run_until(lambda: self.warmup_count() >= expected, deadline)
        self.wait_quiet(deadline)  # so nothing from the joins is counted as chat
        return self.last_receive - started, ok

    def wait_quiet(self, deadline: float) -> None:
        """Read until nothing has come for ``QUIET`` seconds."""
        quiet_until = time.perf_counter() + QUIET
        while time.perf_counter() < min(quiet_until, deadline):
            self._turn(0.02)
            if time.perf_counter() - self.last_receive < QUIET:
                quiet_until = self.last_receive + QUIET

    def fanout_rounds(self, rounds: int, deadline: float) -> dict[str, Any]:
        """Run the fan-out ``rounds`` times on the same connections, a quiet pause
        between; the median round by deliveries/s, with every round's figures.

        ``--in-step``: before each round, say ``ready`` and wait for a line on stdin, so
        that a runner can take turns between relays (their rounds then share the
        machine's fast and slow moments).
        """
        results = []
        for number in range(rounds):
            if number:
                self.wait_quiet(deadline)
            if self.args.in_step and not wait_for_go():
                raise RuntimeError(f"told to stop before round {number + 1} of {rounds}")
            results.append(self.fanout(deadline, number))
        ranked = sorted(results, key=lambda r: r["deliveries_per_s"] or 0.0)
        median = dict(ranked[len(ranked) // 2])
        median["complete"] = all(r["complete"] for r in results)
        median["rounds"] = results
        return median

    def fanout(self, deadline: float, number: int = 0) -> dict[str, Any]:
        n, m = self.args.clients, self.args.messages
        for name in ("c", "a", "lines"):
            self.total[name] = 0
        payloads = []
        for client in self.clients:
            client.received = 0
            if self.gui:
                data = b"".join(
                    frame(
                        {
                            "t": "chat",
                            "id": f"{client.index}-{number}-{k}",
                            "text": message_text(client.index, k),
                        }
                    )
                    for k in range(m)
                )
            else:
                data = b"".join((message_text(client.index, k) + "\n").encode() for k in range(m))
            payloads.append(data)
        expected = n * m * (n - 1)
        if self.gui:  # every chat reaches every client, its sender included
            self.counting = True
            for client in self.clients:
                client.last_chunk = time.perf_counter()  # everything before was read
            key, wanted = "c", n * m * n
        else:
            key, wanted = "lines", expected
        cpu_before = proc_cpu_seconds(self.args.server_pid) if self.args.server_pid else 0.0
        bytes_before, own_cpu_before = self._sum("bytes"), time.process_time()
        started = time.perf_counter()
        for client, data in zip(self.clients, payloads, strict=True):
            client.out += data
            self._flush(client)
        complete = self._run_until(lambda: self._sum(key) >= wanted, deadline)
        elapsed = self.last_receive - started if complete else time.perf_counter() - started
        cpu_after = proc_cpu_seconds(self.args.server_pid) if self.args.server_pid else 0.0
        own_cpu = time.process_time() - own_cpu_before
        each = n * m if self.gui else m * (n - 1)  # what every client should have
        exact = all(client.received == each for client in self.clients)
        delivered = self._sum(key) - (n * m if self.gui else 0)  # less their own
        result = {
            "expected": expected,
            "delivered": delivered,
            "complete": complete and exact and delivered == expected,
            "every_client_exact": exact,
            "elapsed_s": round(elapsed, 4),
            "deliveries_per_s": round(delivered / elapsed, 1) if elapsed > 0 else None,
            "messages_sent": n * m,
            "server_cpu_s": round(cpu_after - cpu_before, 3),
            "load_fanout_cpu_s": round(own_cpu, 3),
            "bytes_received": self._sum("bytes") - bytes_before,
        }
        return result

    def idle(self, deadline: float) -> dict[str, Any]:
        pid = self.args.server_pid
        connected = proc_status(pid)
        hold_until = min(deadline, time.perf_counter() + self.args.hold)
        while time.perf_counter() < hold_until:
            self._turn(0.05)
        held = proc_status(pid)
        return {
            "server_after_joins": connected,
            "server_after_hold": held,
            "still_connected": sum(1 for c in self.clients if c.mask),
        }

    def close_all(self) -> None:
        for client in self.clients:
            if client.mask:
                self._set_mask(client, 0)
            client.sock.close()
        self.sel.close()


def wait_for_go() -> bool:
    """Say ``ready`` and wait for the runner's line; ``False`` if stdin closed instead."""
    print(READY, flush=True)
    return sys.stdin.readline().strip() == "go"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--proto", choices=["gui", "lines"], default="gui")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--mode", choices=["fanout", "idle"], default="fanout")
    parser.add_argument("--server-pid", type=int, default=0)
    parser.add_argument(
        "--connect-window", type=int, default=CONNECT_WINDOW, help="connects in flight at most"
    )
    parser.add_argument("--rounds", type=int, default=1, help="fanout: runs, median kept")
    parser.add_argument(
        "--in-step", action="store_true", help="fanout: each round waits for 'go' on stdin"
    )
    parser.add_argument("--hold", type=float, default=1.0, help="idle: seconds to stay")
    parser.add_argument("--timeout", type=float, default=60.0, help="for each phase (s)")
    args = parser.parse_args(argv)

    load = Load(args)
    result: dict[str, Any] = {"clients": args.clients, "proto": args.proto, "mode": args.mode}
    try:
        server_before = proc_status(args.server_pid) if args.server_pid else {}
        result["server_before"] = server_before
        result["connect_s"] = round(load.connect_all(time.perf_counter() + args.timeout), 3)
        settle_s, settled = load.settle(time.perf_counter() + args.timeout)
        result["joins_s"] = round(settle_s, 3)
        result["joins_complete"] = settled
        result["join_bytes"] = load._sum("bytes")
        result["join_member_lists"] = load._sum("m")
        deadline = time.perf_counter() + args.timeout
        if args.mode == "fanout":
            result["messages_per_client"] = args.messages
            result.update(load.fanout_rounds(args.rounds, deadline))
        else:
            result.update(load.idle(deadline))
        result["closed_by_server"] = load.closed_by_server
        result["errors"] = load.errors[:10]
        result["error_count"] = len(load.errors)
        result["load_status"] = proc_status()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        result["load_cpu_s"] = round(usage.ru_utime + usage.ru_stime, 3)
    except Exception as exc:  # report, do not hang the runner
        result["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        load.close_all()
    emit_result(result)
    return 0 if "error" not in result else 1


if __name__ == "__main__":
    sys.exit(main())
