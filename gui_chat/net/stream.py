"""What every TCP session shares: peers with send buffers, a server that accepts
any number of them, and a client that connects without blocking.

:class:`StreamServer` and :class:`StreamClient` do the socket work and call hooks
with the bytes that arrived; the framed room/client and the raw ones differ only in
those hooks.
"""

from __future__ import annotations

import errno
import functools
import itertools
import logging
import os
import selectors
import socket
import time
from collections import deque
from dataclasses import dataclass

from gui_chat.net.addresses import bound_socket, resolve, sockname
from gui_chat.net.errors import ConnectTimeoutError, NetError, format_address, translate
from gui_chat.net.events import Connecting, Listening, Notice, Reconnecting
from gui_chat.net.loop import EventSink, SessionLoop, SessionOver

#: The most one read takes. Python makes the bytes object this large before the read
#: and shrinks it after; the C library serves that from its heap only below 128 KiB,
#: and above, maps fresh memory from the kernel and gives it back on every read (two
#: page faults and three system calls: 20 µs for a 300-byte read instead of 3, and
#: 105 µs instead of 37 after an idle moment, on the way of every chat).
RECV_SIZE = 64 * 1024
#: A peer that lets this much pile up unread is dropped rather than eat memory.
MAX_SEND_BUFFER = 16 * 1024 * 1024
#: Connections accepted per loop turn, so a flood of them cannot starve the others.
ACCEPT_BATCH = 256

log = logging.getLogger("gui_chat.net")

#: Whether blocks can be sent together without joining them (not on Windows), and how
#: many at once (the usual IOV_MAX).
_GATHER = hasattr(socket.socket, "sendmsg")
_MAX_BLOCKS = 1024

_IN_PROGRESS = {0, errno.EINPROGRESS, errno.EWOULDBLOCK, getattr(errno, "WSAEWOULDBLOCK", -1)}


class SendBufferFull(Exception):
    """The peer is not reading; its outgoing buffer passed :data:`MAX_SEND_BUFFER`."""


class StreamPeer:
    """A non-blocking TCP socket with an outgoing buffer.

    The buffer holds the queued blocks of bytes themselves, not a copy: a block written
    to a hundred peers stays one object, and goes out with one system call per peer
    together with whatever else was queued (gathered by ``sendmsg`` where there is one).
    """

    def __init__(self, sock: socket.socket, address: str) -> None:
        self.sock = sock
        self.address = address
        self._outgoing: deque[bytes | memoryview] = deque()
        self.unsent = 0  # bytes queued and not yet sent
        now = time.monotonic()
        self.connected_at = now
        self.last_received = now
        self.last_sent = now
        self.writing = False  # whether the selector also waits for "writable"
        self.doomed = False  # being dropped: nothing more is sent to it
        self.handler: functools.partial[None] | None = None

    @property
    def closed(self) -> bool:
        return self.sock.fileno() == -1

    def queue_bytes(self, data: bytes) -> None:
        """Add ``data`` to the outgoing buffer; :class:`SendBufferFull` if it overflows."""
        if not data:
            return
        if type(data) is not bytes:  # keep what it says now, not what it may say later
            data = bytes(data)
        self._outgoing.append(data)
        self.unsent += len(data)
        if self.unsent > MAX_SEND_BUFFER:
            raise SendBufferFull(f"{self.address} is not reading what it is sent")

    def flush(self) -> bool:
        """Send what the socket takes now; ``True`` when the buffer is empty.

        Raises ``OSError`` when the connection is broken.
        """
        blocks = self._outgoing
        while blocks:
            try:
                if len(blocks) == 1:
                    sent = self.sock.send(blocks[0])
                elif _GATHER:
                    sent = self.sock.sendmsg(itertools.islice(blocks, _MAX_BLOCKS))
                else:
                    joined = b"".join(blocks)
                    blocks.clear()
                    blocks.append(joined)
                    sent = self.sock.send(joined)
            except (BlockingIOError, InterruptedError):
                return False
            self.unsent -= sent
            self.last_sent = time.monotonic()
            while sent:
                size = len(blocks[0])
                if sent < size:
                    blocks[0] = memoryview(blocks[0])[sent:]
                    break
                blocks.popleft()
                sent -= size
        return True

    def receive(self) -> bytes:
        """Read what is there; ``b""`` means the peer closed. Raises ``OSError``."""
        data = self.sock.recv(RECV_SIZE)
        if data:
            self.last_received = time.monotonic()
        return data

    def send_now(self, data: bytes) -> None:
        """Best effort, for a last word before closing: what fits in the socket goes."""
        try:
            self.queue_bytes(data)
            self.flush()
        except (OSError, SendBufferFull):
            pass

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


class _Writer(SessionLoop):
    """Send buffering shared by servers and clients.

    What the handlers of one loop turn write to a peer goes out in one send at the end
    of the turn (or when a handler calls :meth:`send_written`): a burst of a thousand
    frames is one system call, not a thousand, and nothing waits longer than the turn
    it was written in.
    """

    def __init__(self, sink: EventSink) -> None:
        super().__init__(sink)
        self._unflushed: dict[StreamPeer, None] = {}  # ordered set

    def write(self, peer: StreamPeer, data: bytes) -> None:
        """Queue ``data`` for ``peer``; it is sent at the end of this loop turn."""
        if peer.closed or peer.doomed:
            return
        try:
            peer.queue_bytes(data)
        except SendBufferFull:
            self.lost(peer, "was too slow to read what it was sent")
            return
        if not peer.writing:
            self._unflushed[peer] = None

    def end_of_turn(self) -> None:
        self.send_written()

    def send_written(self) -> None:
        """Send what was written so far (at the end of each turn, or earlier)."""
        while self._unflushed:
            peer = next(iter(self._unflushed))
            del self._unflushed[peer]
            if not peer.closed:
                self.flush(peer)  # may drop peers, which may write to others: loop again

    def flush(self, peer: StreamPeer) -> None:
        try:
            done = peer.flush()
        except OSError as exc:
            self.lost(peer, describe_disconnect(exc))
            return
        self.on_flushed(peer, done)
        if peer.writing == (not done) or peer.closed:
            return
        peer.writing = not done
        mask = selectors.EVENT_READ | (selectors.EVENT_WRITE if peer.writing else 0)
        assert peer.handler is not None
        self.rewatch(peer.sock, mask, peer.handler)

    def serve(self, peer: StreamPeer, mask: int) -> None:
        """Selector handler of a connected peer."""
        if mask & selectors.EVENT_WRITE:
            self.flush(peer)
        if mask & selectors.EVENT_READ and not peer.closed:
            try:
                data = peer.receive()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                self.lost(peer, describe_disconnect(exc))
                return
            if data:
                self.on_data(peer, data)
            else:
                self.lost(peer, describe_disconnect(None))

    # hooks
    def on_data(self, peer: StreamPeer, data: bytes) -> None:
        """Bytes arrived from ``peer``."""

    def on_flushed(self, peer: StreamPeer, empty: bool) -> None:
        """A send attempt ended; ``empty`` when nothing is left to send."""

    def lost(self, peer: StreamPeer, reason: str) -> None:
        """The connection to ``peer`` ended (closed, reset, or too slow)."""


class StreamServer(_Writer):
    """Accepts any number of clients on one thread; subclasses speak to them."""

    def __init__(self, host: str, port: int, max_clients: int, sink: EventSink) -> None:
        super().__init__(sink)
        self.host, self.port, self.max_clients = host, port, max_clients
        self._listener: socket.socket | None = None
        self._peers: dict[socket.socket, StreamPeer] = {}
        self._drops: deque[tuple[StreamPeer, str, bytes]] = deque()
        self._dropping = False

    def peers(self) -> list[StreamPeer]:
        """The connected peers (not those being dropped)."""
        return [peer for peer in self._peers.values() if not peer.doomed]

    def open(self) -> None:
        listener = bound_socket(self.host, self.port, socket.SOCK_STREAM)
        listener.listen(min(socket.SOMAXCONN, 4096))
        self._listener = listener
        self.watch(listener, selectors.EVENT_READ, self._accept)
        host, port = sockname(listener)
        log.info("listening on %s", format_address(host, port))
        self.emit(Listening(host, port))

    def shutdown(self, stopped_by_user: bool) -> None:
        for peer in self.peers():
            self.on_closing(peer)
            self._close(peer)
        self._peers.clear()
        if self._listener is not None:
            self._listener.close()

    def _accept(self, _mask: int) -> None:
        assert self._listener is not None
        for _ in range(ACCEPT_BATCH):
            try:
                sock, address = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # e.g. out of file descriptors: keep serving the others
                self.emit(Notice(f"could not accept a connection: {exc.strerror}", warning=True))
                return
            configure_stream_socket(sock)
            peer = self.new_peer(sock, format_address(address[0], address[1]))
            if len(self._peers) >= self.max_clients:
                self.on_refused(peer)
                peer.close()
                self.emit(
                    Notice(
                        f"refused {peer.address}: the limit of "
                        f"{self.max_clients} connections is reached"
                    )
                )
                continue
            self._peers[sock] = peer
            peer.handler = functools.partial(self.serve, peer)
            self.watch(sock, selectors.EVENT_READ, peer.handler)
            self.on_accepted(peer)

    def drop(self, peer: StreamPeer, reason: str, last_word: bytes = b"") -> bool:
        """Close ``peer`` (after ``last_word``); ``False`` if it was already gone.

        Telling the others that someone left can reveal that more have gone (a burst of
        resets): those drops are queued and done one after another, never nested.
        """
        if peer.sock not in self._peers or peer.doomed:
            return False
        peer.doomed = True
        self._drops.append((peer, reason, last_word))
        if self._dropping:
            return True
        self._dropping = True
        try:
            while self._drops:
                doomed, why, word = self._drops.popleft()
                del self._peers[doomed.sock]
                if word:
                    doomed.send_now(word)
                self._close(doomed)
                self.on_dropped(doomed, why)
        finally:
            self._dropping = False
        return True

    def lost(self, peer: StreamPeer, reason: str) -> None:
        self.drop(peer, reason)

    def _close(self, peer: StreamPeer) -> None:
        self.unwatch(peer.sock)
        peer.close()

    # hooks
    def new_peer(self, sock: socket.socket, address: str) -> StreamPeer:
        return StreamPeer(sock, address)

    def on_accepted(self, peer: StreamPeer) -> None:
        """A client connected."""

    def on_refused(self, peer: StreamPeer) -> None:
        """A client over the limit is about to be closed; a last word may be sent."""

    def on_dropped(self, peer: StreamPeer, reason: str) -> None:
        """A client is gone, for ``reason``."""

    def on_closing(self, peer: StreamPeer) -> None:
        """The server stops; a last word to ``peer`` may be sent."""


@dataclass(frozen=True)
class Backoff:
    """Waits between reconnection attempts: ``first``, doubling, at most ``longest``."""

    first: float = 1.0
    longest: float = 10.0

    def delay(self, attempt: int) -> float:
        return min(self.longest, self.first * 2 ** max(0, attempt - 1))


class StreamClient(_Writer):
    """Connects inside the loop (Stop works while connecting) with a time-out.

    With a :class:`Backoff`, a connection that was once up and is lost is made again,
    and again, until it works or the user stops; :meth:`on_disconnected` lets the
    subclass reset its state and :meth:`on_connected` runs for every new connection.
    """

    def __init__(
        self,
        host: str,
        port: int,
        connect_timeout: float,
        sink: EventSink,
        backoff: Backoff | None = None,
    ) -> None:
        super().__init__(sink)
        self.host, self.port, self.connect_timeout = host, port, connect_timeout
        self.address = format_address(host, port)
        self.tick_interval = min(1.0, connect_timeout / 10)
        self.backoff = backoff
        self.peer: StreamPeer | None = None
        self.connected = False
        self.attempt = 0  # reconnection attempts since the last confirmed connection
        self._reconnecting = False
        self._deadline = 0.0
        self._retry_at: float | None = None

    def open(self) -> None:
        self.emit(Connecting(self.host, self.port))
        self._connect()

    def _connect(self) -> None:
        family, kind, proto, _, sockaddr = resolve(self.host, self.port, socket.SOCK_STREAM)
        sock = socket.socket(family, kind, proto)
        configure_stream_socket(sock)
        code = sock.connect_ex(sockaddr)
        if code not in _IN_PROGRESS:
            sock.close()
            raise translate(OSError(code, os.strerror(code)), self.host, self.port)
        self.peer = self.new_peer(sock, self.address)
        self.peer.handler = functools.partial(self.serve, self.peer)
        self._deadline = time.monotonic() + self.connect_timeout
        self.watch(sock, selectors.EVENT_WRITE, self._on_connect)

    def on_tick(self, now: float) -> None:
        if self._retry_at is not None:
            if now >= self._retry_at:
                self._retry_at = None
                self._attempt_reconnect()
        elif not self.connected and now > self._deadline:
            self._failed(
                ConnectTimeoutError(
                    f"connecting to {self.address} timed out after {self.connect_timeout:g} s "
                    "— is the address right and the other side running?"
                )
            )

    def shutdown(self, stopped_by_user: bool) -> None:
        if self.peer is not None:
            if self.connected and stopped_by_user:
                self.on_closing(self.peer)
            self.peer.close()

    def _on_connect(self, _mask: int) -> None:
        peer = self.peer
        assert peer is not None and peer.handler is not None
        code = peer.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if code:
            self._failed(translate(OSError(code, os.strerror(code)), self.host, self.port))
            return
        self.connected = True
        peer.connected_at = peer.last_received = peer.last_sent = time.monotonic()
        self.rewatch(peer.sock, selectors.EVENT_READ, peer.handler)
        self.on_connected(peer)
        self.flush(peer)

    def _failed(self, error: NetError) -> None:
        """A connection attempt failed: end the session, or try again while reconnecting."""
        if not self._reconnecting:
            raise error
        self._close_peer()
        self._schedule_reconnect(str(error))

    def _attempt_reconnect(self) -> None:
        self.attempt += 1
        try:
            self._connect()
        except NetError as exc:  # e.g. unreachable at once while the cable is out
            self._schedule_reconnect(str(exc))

    def _schedule_reconnect(self, reason: str) -> None:
        assert self.backoff is not None
        delay = self.backoff.delay(self.attempt + 1)
        self._retry_at = time.monotonic() + delay
        self.emit(Reconnecting(reason, delay, self.attempt + 1))

    def _close_peer(self) -> None:
        if self.peer is not None:
            self.unwatch(self.peer.sock)
            self.peer.close()
        self.connected = False

    def send(self, data: bytes) -> None:
        """Queue ``data``; while not connected it waits in the buffer."""
        peer = self.peer
        assert peer is not None
        if self.connected:
            self.write(peer, data)
        else:
            try:
                peer.queue_bytes(data)
            except SendBufferFull:
                raise SessionOver("too much was typed while not connected", error=True) from None

    def lost(self, peer: StreamPeer, reason: str) -> None:
        self.end_connection(self.describe_loss(reason))

    def end_connection(self, sentence: str) -> None:
        """The connection ended, as ``sentence`` says: reconnect if allowed, else end."""
        if self.backoff is None or not self.may_reconnect():
            raise SessionOver(sentence, error=True)
        self._close_peer()
        self.on_disconnected()
        self._reconnecting = True
        self._schedule_reconnect(sentence)

    def confirm_connection(self) -> None:
        """The other side proved to be what we wanted: the next loss starts a new backoff."""
        self.attempt = 0
        self._reconnecting = False

    # hooks
    def new_peer(self, sock: socket.socket, address: str) -> StreamPeer:
        return StreamPeer(sock, address)

    def on_connected(self, peer: StreamPeer) -> None:
        """The connection is up; whatever was queued so far is sent after this."""

    def on_disconnected(self) -> None:
        """The connection was lost and will be made again."""

    def may_reconnect(self) -> bool:
        """Whether a lost connection should be made again (with a backoff set)."""
        return True

    def on_closing(self, peer: StreamPeer) -> None:
        """The user stops; a last word may be sent."""

    def describe_loss(self, reason: str) -> str:
        """The sentence the session ends with when the connection ends for ``reason``."""
        if reason == "left":
            return f"{self.address} closed the connection"
        return f"the connection to {self.address} was lost: {reason}"
