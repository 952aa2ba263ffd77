"""LAN discovery: rooms and UDP peers announce themselves by UDP broadcast.

Every program listens on :data:`DISCOVERY_PORT` (several on one machine can, thanks
to address reuse). One that hosts a room or chats over UDP broadcasts an
:class:`~gui_chat.protocol.Announce` every couple of seconds on each interface's
broadcast address, and answers a :class:`~gui_chat.protocol.Query` at once, so a
program that starts later finds everyone without waiting. Entries not heard from for
a while are reported gone.
"""

from __future__ import annotations

import logging
import selectors
import socket
import time
import uuid
from dataclasses import dataclass

from gui_chat.net.errors import format_address
from gui_chat.net.events import Notice, PeerFound, PeerGone
from gui_chat.net.interfaces import broadcast_addresses
from gui_chat.net.loop import EventSink, SessionLoop
from gui_chat.protocol import (
    Announce,
    Query,
    RemoteProtocolError,
    decode_datagram,
    encode_datagram,
    normalize_nick,
)

log = logging.getLogger("gui_chat.net.discovery")

DISCOVERY_PORT = 50009


@dataclass(frozen=True)
class DiscoveryConfig:
    port: int = DISCOVERY_PORT
    #: Seconds between two announcements.
    interval: float = 2.0
    #: An entry not heard from for this long is gone.
    forget_after: float = 7.0
    #: Where to broadcast; None: every IPv4 interface's broadcast address.
    broadcast_to: tuple[str, ...] | None = None


class Discovery(SessionLoop):
    """Listens for announcements, and announces what :meth:`announce` says."""

    def __init__(self, config: DiscoveryConfig, sink: EventSink) -> None:
        super().__init__(sink)
        self.config = config
        self.tick_interval = min(1.0, config.interval / 2)
        self.instance = uuid.uuid4().hex
        self._sock: socket.socket | None = None
        self._announcement: Announce | None = None
        self._next_announcement = 0.0
        self._seen: dict[str, tuple[PeerFound, float]] = {}

    # ----- commands (any thread) ----------------------------------------------------------
    def announce(self, kind: str, name: str, nick: str, port: int, members: int = 0) -> bool:
        """Start (or update) announcing a room (``kind`` "room") or UDP peer ("udp")."""
        announcement = Announce(kind, name, nick, port, members, self.instance)
        return self.call_soon(self._set_announcement, announcement)

    def withdraw(self) -> bool:
        """Stop announcing."""
        return self.call_soon(self._set_announcement, None)

    # ----- loop hooks ---------------------------------------------------------------------
    def open(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if hasattr(socket, "SO_REUSEPORT"):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        try:
            sock.bind(("", self.config.port))
        except OSError as exc:
            # Still able to query and to hear the answers, just not others' broadcasts.
            sock.bind(("", 0))
            self.emit(
                Notice(
                    f"discovery port {self.config.port} is unavailable "
                    f"({exc.strerror}); only answers to our own searches are heard",
                    warning=True,
                )
            )
        sock.setblocking(False)
        self._sock = sock
        self.watch(sock, selectors.EVENT_READ, self._read)
        self._broadcast(Query(self.instance))

    def on_tick(self, now: float) -> None:
        if self._announcement is not None and now >= self._next_announcement:
            self._broadcast(self._announcement)
            self._next_announcement = now + self.config.interval
        for key, (_found, last_heard) in list(self._seen.items()):
            if now - last_heard > self.config.forget_after:
                del self._seen[key]
                self.emit(PeerGone(key))

    def shutdown(self, stopped_by_user: bool) -> None:
        if self._sock is not None:
            self._sock.close()

    # ----- sending ------------------------------------------------------------------------
    def _set_announcement(self, announcement: Announce | None) -> None:
        changed = announcement != self._announcement
        self._announcement = announcement
        if announcement is not None and changed:
            self._broadcast(announcement)
            self._next_announcement = time.monotonic() + self.config.interval

    def _broadcast(self, message: Announce | Query) -> None:
        assert self._sock is not None
        datagram = encode_datagram(message)
        targets = self.config.broadcast_to
        if targets is None:
            targets = tuple(broadcast_addresses())
        for address in targets:
            try:
                self._sock.sendto(datagram, (address, self.config.port))
            except OSError as exc:  # e.g. an interface went down a moment ago
                log.debug("discovery broadcast to %s failed: %s", address, exc)

    # ----- receiving ----------------------------------------------------------------------
    def _read(self, _mask: int) -> None:
        assert self._sock is not None
        for _ in range(500):
            try:
                datagram, sender = self._sock.recvfrom(2048)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                continue
            try:
                message = decode_datagram(datagram)
            except RemoteProtocolError:
                continue  # not ours: discovery ports hear all sorts of things
            if isinstance(message, Query) and message.instance != self.instance:
                if self._announcement is not None:
                    try:
                        self._sock.sendto(encode_datagram(self._announcement), sender)
                    except OSError as exc:
                        log.debug("answering %s failed: %s", sender, exc)
            elif isinstance(message, Announce) and message.instance != self.instance:
                self._heard(message, sender[0])

    def _heard(self, announce: Announce, host: str) -> None:
        if announce.kind not in ("room", "udp") or not 0 < announce.port < 65536:
            return
        key = f"{announce.instance}@{format_address(host, announce.port)}"
        found = PeerFound(
            key,
            announce.kind,
            normalize_nick(announce.name),
            normalize_nick(announce.nick),
            host,
            announce.port,
            max(0, announce.members),
        )
        previous = self._seen.get(key)
        self._seen[key] = (found, time.monotonic())
        if previous is None or previous[0] != found:
            self.emit(found)
