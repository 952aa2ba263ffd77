"""Plain-socket peers written like the classic socket tutorials.

Blocking sockets, ``sendall`` of length-prefixed JSON frames, ``recv`` loops with a
timeout: they play a hostile client, a fake room or a bare UDP socket. :class:`Raw`
(the ``raw`` fixture) closes every one of them at teardown.
"""

from __future__ import annotations

import json
import socket
import struct
from collections import deque
from collections.abc import Callable
from typing import Any

from gui_chat.protocol import PROTOCOL_VERSION

from . import LOCALHOST, WAIT
from .frames import frame, unpack_chats


class RawPeer:
    """A blocking TCP socket that speaks (or breaks) the wire format by hand."""

    def __init__(self, sock: socket.socket, timeout: float = WAIT) -> None:
        self.sock = sock
        self.sock.settimeout(timeout)
        #: Every message received, pings included, in order; a ``chats`` block as the
        #: chats it holds (see :func:`unpack_chats`).
        self.received: list[dict[str, Any]] = []
        self._unpacked: deque[dict[str, Any]] = deque()  # the rest of a block

    @property
    def address(self) -> str:
        """Our own ``host:port``, as the room names us."""
        host, port = self.sock.getsockname()[:2]
        return f"{host}:{port}"

    # sending
    def send(self, **message: Any) -> None:
        self.sock.sendall(frame(message))

    def send_bytes(self, data: bytes) -> None:
        self.sock.sendall(data)

    def hello(self, nick: str) -> dict[str, Any]:
        """Say hello and return the room's welcome."""
        self.send(t="hello", nick=nick, version=PROTOCOL_VERSION)
        return self.recv_until("welcome")

    # receiving
    def _recv_exactly(self, size: int) -> bytes | None:
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                if data:
                    raise AssertionError(f"connection closed in the middle of a frame: {data!r}")
                return None
            data += chunk
        return data

    def recv_message(self) -> dict[str, Any] | None:
        """The next message, or ``None`` when the other side closed the connection; the
        chats of a ``chats`` block come one by one, as ``chat`` messages."""
        if not self._unpacked:
            header = self._recv_exactly(4)
            if header is None:
                return None
            (size,) = struct.unpack("!I", header)
            payload = self._recv_exactly(size)
            assert payload is not None, "connection closed after a frame header"
            self._unpacked.extend(unpack_chats(json.loads(payload.decode("utf-8"))))
        message = self._unpacked.popleft()
        self.received.append(message)
        return message

    def recv_until(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Skip messages until one of type ``kind`` (with these field values) comes."""
        while True:
            message = self.recv_message()
            if message is None:
                raise AssertionError(
                    f"closed before a {kind!r} {fields or ''} arrived; got {self.received!r}"
                )
            if message.get("t") == kind and all(message.get(k) == v for k, v in fields.items()):
                return message

    def read_to_end(self) -> list[dict[str, Any]]:
        """Every message until the other side closes; fails on timeout."""
        messages = []
        while (message := self.recv_message()) is not None:
            messages.append(message)
        return messages

    def read_until_closed(self) -> tuple[bytes, bool]:
        """Raw bytes until the other side closes, and whether it ended with a reset.

        A room that closes a socket with unread bytes in it makes the kernel send a
        reset, so a peer that sent more than the room read may see one.
        """
        data = b""
        try:
            while chunk := self.sock.recv(65536):
                data += chunk
        except ConnectionResetError:
            return data, True
        return data, False

    # closing
    def reset(self) -> None:
        """Close with a TCP RST instead of a FIN (SO_LINGER on, zero seconds)."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def close(self) -> None:
        self.sock.close()


class RawServer:
    """A plain listening socket on 127.0.0.1 that plays a room by hand."""

    def __init__(self, backlog: int = 5) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((LOCALHOST, 0))
        self.sock.listen(backlog)
        self.sock.settimeout(WAIT)
        self.port: int = self.sock.getsockname()[1]

    def close(self) -> None:
        self.sock.close()


class Raw:
    """Makes plain sockets and closes every one of them at teardown.

    Used as a context manager, it calls :meth:`close_all` on the way out.
    """

    def __init__(self) -> None:
        self._closers: list[Callable[[], None]] = []

    def __enter__(self) -> Raw:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close_all()

    def connect(self, port: int) -> RawPeer:
        peer = RawPeer(socket.create_connection((LOCALHOST, port), timeout=WAIT))
        self._closers.append(peer.close)
        return peer

    def server(self, backlog: int = 5) -> RawServer:
        server = RawServer(backlog)
        self._closers.append(server.close)
        return server

    def accept(self, server: RawServer) -> RawPeer:
        sock, _ = server.sock.accept()
        peer = RawPeer(sock)
        self._closers.append(peer.close)
        return peer

    def udp(self) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._closers.append(sock.close)
        sock.bind((LOCALHOST, 0))
        sock.settimeout(WAIT)
        return sock

    def track(self, sock: socket.socket) -> socket.socket:
        """Close ``sock`` (made by the test) at teardown too."""
        self._closers.append(sock.close)
        return sock

    def close_all(self) -> None:
        for close in reversed(self._closers):
            close()  # closing twice is harmless
