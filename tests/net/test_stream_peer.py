"""A peer's outgoing buffer on a real socket pair: blocks go out whole, in order, once."""

from __future__ import annotations

import socket

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
