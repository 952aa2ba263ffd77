"""One framed TCP connection as seen by a loop: socket, protocol state, send buffer."""

from __future__ import annotations

import socket
import time

from gui_chat.protocol import Connection, Message

RECV_SIZE = 256 * 1024
#: A peer that lets this much pile up unread is dropped rather than eat memory.
MAX_SEND_BUFFER = 16 * 1024 * 1024


class SendBufferFull(Exception):
    """The peer is not reading; its outgoing buffer passed :data:`MAX_SEND_BUFFER`."""


class StreamPeer:
    """A non-blocking TCP socket with a :class:`Connection` and an outgoing buffer."""

    def __init__(self, sock: socket.socket, address: str) -> None:
        self.sock = sock
        self.address = address
        self.protocol = Connection()
        self.outgoing = bytearray()
        now = time.monotonic()
        self.last_received = now
        self.last_sent = now

    def queue(self, message: Message) -> None:
        """Add ``message`` to the outgoing buffer (call :meth:`flush` to send)."""
        self.queue_bytes(self.protocol.send(message))

    def queue_bytes(self, frame: bytes) -> None:
        """Add an encoded frame; raises :class:`SendBufferFull` if the peer is not reading."""
        self.outgoing += frame
        if len(self.outgoing) > MAX_SEND_BUFFER:
            raise SendBufferFull(f"{self.address} is not reading its messages")

    def flush(self) -> bool:
        """Send what the socket takes now; ``True`` when the buffer is empty.

        Raises ``OSError`` when the connection is broken.
        """
        while self.outgoing:
            try:
                sent = self.sock.send(self.outgoing)
            except (BlockingIOError, InterruptedError):
                return False
            del self.outgoing[:sent]
            self.last_sent = time.monotonic()
        return True

    def receive(self) -> bytes:
        """Read what is there; ``b""`` means the peer closed. Raises ``OSError``."""
        data = self.sock.recv(RECV_SIZE)
        if data:
            self.protocol.receive_data(data)
            self.last_received = time.monotonic()
        return data

    def close(self) -> None:
        self.sock.close()


def describe_disconnect(exc: OSError | None) -> str:
    """How a connection ended, in plain words."""
    if exc is None:
        return "left"
    if isinstance(exc, ConnectionResetError):
        return "connection lost (reset by peer)"
    if isinstance(exc, BrokenPipeError):
        return "connection lost"
    return f"connection lost ({exc.strerror or exc})"


def configure_stream_socket(sock: socket.socket) -> None:
    """Non-blocking, no Nagle delay: chat lines go out at once."""
    sock.setblocking(False)
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
