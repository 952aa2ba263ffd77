"""A peer's outgoing buffer on a real socket pair: blocks go out whole, in order, once."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from gui_chat.net import stream
from gui_chat.net.stream import SendBufferFull, StreamPeer


def _drain(sock: socket.socket) -> bytes:
    """Everything the other end can read now (it waits for the first bytes only)."""
    data = sock.recv(1 << 20)
    sock.setblocking(False)
    try:
        while chunk := sock.recv(1 << 20):
            data += chunk
    except BlockingIOError:
        pass
    finally:
        sock.setblocking(True)
    return data


@pytest.mark.parametrize("gather", [True, False])
def test_blocks_arrive_in_order_through_a_small_socket_buffer(
    gather: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "_GATHER", gather)  # False: as on Windows, joined first
    left, right = socket.socketpair()
    with left, right:
        left.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        left.setblocking(False)
        right.settimeout(5.0)
        peer = StreamPeer(left, "pair")
        shared = bytes(range(256)) * 400  # one block queued twice, as a room writes it
        mutable = bytearray(b"mutable")
        blocks = [b"a" * 10, shared, b"", memoryview(b"view"), mutable, shared, b"end"]
        for block in blocks:
            peer.queue_bytes(block)
        mutable[:] = b"changed"  # what was queued stays what it was
        expected = b"".join(bytes(block) for block in blocks[:4]) + b"mutable" + shared + b"end"
        assert peer.unsent == len(expected)

        received = b""
        while not peer.flush():  # the socket took part of it: read, then send the rest
            received += _drain(right)
        while len(received) < len(expected):
            received += _drain(right)
        assert received == expected
        assert peer.unsent == 0
        assert peer.flush()  # nothing left: nothing sent


def test_a_peer_that_lets_too_much_pile_up_overflows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "MAX_SEND_BUFFER", 1000)
    left, right = socket.socketpair()
    with left, right:
        peer = StreamPeer(left, "pair")
        block = b"x" * 400
        peer.queue_bytes(block)
        peer.queue_bytes(block)
        with pytest.raises(SendBufferFull):
            peer.queue_bytes(block)


#: Reads chats through a peer in a fresh interpreter (the C library's heap as an app's
#: is at its start) and prints the page faults they caused.
_READ_CHATS = """
import resource, socket
from gui_chat.net.stream import StreamPeer
left, right = socket.socketpair()
right.settimeout(5.0)
peer = StreamPeer(right, "pair")
chat = b"\\x00\\x00\\x00\\x2a" + b'{"t":"chat","id":"1","text":"hello there"}'
left.sendall(chat)
assert peer.receive() == chat  # the heap has grown to a read's size once
faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(500):
    left.sendall(chat)
    assert peer.receive() == chat
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults)
"""


def test_reading_a_small_message_maps_no_fresh_memory() -> None:
    """A read the size of a chat is served from the heap: no page faults, which cost a
    read on the way of every chat several times what the read itself costs."""
    pytest.importorskip("resource")
    proc = subprocess.run(
        [sys.executable, "-c", _READ_CHATS], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout) < 50  # two a read if each read mapped its own memory
