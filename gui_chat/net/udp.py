"""The UDP peer: one socket, sends to a chosen peer, hears from anyone.

Each chat datagram is acknowledged by its receiver. The sender retransmits with
backoff until the acknowledgement comes or the tries run out, then marks the message
failed; the receiver drops the duplicates that retransmission causes.
"""

from __future__ import annotations

import logging
import selectors
import socket
import sys
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from gui_chat.net.addresses import bound_socket, resolve, sockname
from gui_chat.net.errors import NetError, format_address, translate
from gui_chat.net.events import ChatDelivered, ChatFailed, ChatReceived, Listening, Notice
from gui_chat.net.loop import EventSink, SessionLoop
from gui_chat.protocol import (
    Ack,
    Chat,
    LocalProtocolError,
    Ping,
    Pong,
    RemoteProtocolError,
    decode_datagram,
    encode_chat,
    encode_datagram,
    fit_datagram,
    normalize_nick,
)

log = logging.getLogger("gui_chat.net.udp")

RECV_SIZE = 65536
MAX_DATAGRAMS_PER_TURN = 2000
REMEMBERED_IDS = 4096
NOTICE_EVERY = 5.0  # seconds between two "bad datagram" notices about one address

# Linux only tells an unconnected UDP socket that a datagram was refused ("port
# unreachable") when asked to queue such errors; each one names its destination.
_RECEIVE_ERRORS = sys.platform.startswith("linux")
_IP_RECVERR = 11
_IPV6_RECVERR = 25
_MSG_ERRQUEUE = 0x2000


@dataclass(frozen=True)
class Retransmit:
    """First wait for an acknowledgement, its growth and cap, and how many sends in all."""

    first_wait: float = 0.25
    factor: float = 2.0
    max_wait: float = 2.0
    tries: int = 8


@dataclass(frozen=True)
class UdpConfig:
    local_host: str = "0.0.0.0"
    local_port: int = 0
    remote_host: str = "127.0.0.1"
    remote_port: int = 0
    nick: str = "guest"
    retransmit: Retransmit = Retransmit()


@dataclass
class _Outgoing:
    datagram: bytes
    target: tuple
    target_text: str
    tries: int = 1
    wait: float = 0.0
    due: float = field(default=0.0)


class UdpPeer(SessionLoop):
    """Peer-to-peer chat over UDP."""

    tick_interval = 0.1

    def __init__(self, config: UdpConfig, sink: EventSink) -> None:
        super().__init__(sink)
        self.config = config
        self.nick = normalize_nick(config.nick)
        self._sock: socket.socket | None = None
        self._target: tuple | None = None
        self._target_text = ""
        self._outgoing: dict[str, _Outgoing] = {}
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._last_notice: dict[str, float] = {}

    # ----- commands (any thread) ----------------------------------------------------------
    def send_chat(self, message_id: str, text: str) -> bool:
        return self.send_soon(message_id, self._send_chat, text)

    def set_target(self, host: str, port: int) -> bool:
        """Send the next messages to ``host:port``."""
        return self.call_soon(self._set_target, host, port)

    # ----- loop hooks ---------------------------------------------------------------------
    def open(self) -> None:
        config = self.config
        self._sock = bound_socket(config.local_host, config.local_port, socket.SOCK_DGRAM)
        if _RECEIVE_ERRORS:
            if self._sock.family == socket.AF_INET6:
                self._sock.setsockopt(socket.IPPROTO_IPV6, _IPV6_RECVERR, 1)
            else:
                self._sock.setsockopt(socket.IPPROTO_IP, _IP_RECVERR, 1)
        self.watch(self._sock, selectors.EVENT_READ, self._read)
        host, port = sockname(self._sock)
        log.info("UDP bound to %s", format_address(host, port))
        self.emit(Listening(host, port))
        if config.remote_port:
            self._set_target(config.remote_host, config.remote_port)

    def on_tick(self, now: float) -> None:
        for message_id, item in list(self._outgoing.items()):
            if now < item.due:
                continue
            if item.tries >= self.config.retransmit.tries:
                del self._outgoing[message_id]
                self.emit(
                    ChatFailed(
                        message_id,
                        f"no confirmation from {item.target_text} "
                        f"after {item.tries} tries — is anyone listening?",
                    )
                )
                continue
            item.tries += 1
            item.wait = min(
                item.wait * self.config.retransmit.factor, self.config.retransmit.max_wait
            )
            item.due = now + item.wait
            self._sendto(item.datagram, item.target)

    def shutdown(self, stopped_by_user: bool) -> None:
        for message_id in self._outgoing:
            self.emit(ChatFailed(message_id, "not confirmed before UDP was stopped"))
        self._outgoing.clear()
        if self._sock is not None:
            self._sock.close()

    # ----- sending ------------------------------------------------------------------------
    def _set_target(self, host: str, port: int) -> None:
        try:
            family, _, _, _, sockaddr = resolve(host, port, socket.SOCK_DGRAM)
        except NetError as exc:
            self._target = None
            self.emit(Notice(f"cannot send to {host}: {exc}", warning=True))
            return
        assert self._sock is not None
        if family != self._sock.family:
            self._target = None
            self.emit(
                Notice(
                    f"cannot send to {format_address(host, port)} from a socket "
                    "bound to another address family",
                    warning=True,
                )
            )
            return
        self._target = sockaddr
        self._target_text = format_address(host, port)

    def _send_chat(self, message_id: str, text: str) -> None:
        if self._target is None:
            self.emit(ChatFailed(message_id, "no peer to send to: enter its host and port"))
            return
        try:
            datagram = fit_datagram(encode_chat(message_id, text, self.nick, time.time()))
        except LocalProtocolError as exc:
            self.emit(ChatFailed(message_id, str(exc)))
            return
        error = self._sendto(datagram, self._target)
        if error:
            self.emit(ChatFailed(message_id, error))
            return
        wait = self.config.retransmit.first_wait
        self._outgoing[message_id] = _Outgoing(
            datagram, self._target, self._target_text, wait=wait, due=time.monotonic() + wait
        )

    def _sendto(self, datagram: bytes, target: tuple) -> str:
        """Send one datagram; the error in plain words, or ``""``."""
        assert self._sock is not None
        try:
            self._sock.sendto(datagram, target)
        except (BlockingIOError, InterruptedError):
            return ""  # the retransmission will carry it
        except OSError as exc:
            return str(translate(exc, str(target[0]), int(target[1])))
        return ""

    # ----- receiving ----------------------------------------------------------------------
    def _read(self, _mask: int) -> None:
        assert self._sock is not None
        for _ in range(MAX_DATAGRAMS_PER_TURN):
            try:
                datagram, sender = self._sock.recvfrom(RECV_SIZE)
            except (BlockingIOError, InterruptedError):
                return
            except (ConnectionRefusedError, ConnectionResetError):
                # The peer's machine answered an earlier datagram with "port unreachable".
                self._refused(self._drain_error_queue())
                continue
            except OSError as exc:
                self.emit(Notice(f"receiving failed: {exc.strerror or exc}", warning=True))
                return
            self._handle(datagram, sender)

    def _drain_error_queue(self) -> set[tuple]:
        """Linux: the destinations whose datagrams came back as errors (and clear them)."""
        refused: set[tuple] = set()
        if not _RECEIVE_ERRORS:
            return refused
        assert self._sock is not None
        for _ in range(MAX_DATAGRAMS_PER_TURN):
            try:
                _data, _ancillary, _flags, destination = self._sock.recvmsg(1, 512, _MSG_ERRQUEUE)
            except OSError:  # empty (BlockingIOError) or not supported
                break
            refused.add(tuple(destination[:2]))
        return refused

    def _refused(self, destinations: set[tuple]) -> None:
        """Fail at once what waits for a peer whose machine says nobody listens there."""
        if not destinations and self._target is not None:
            destinations = {tuple(self._target[:2])}
        for destination in destinations:
            text = format_address(str(destination[0]), int(destination[1]))
            reason = f"nobody is listening at {text} (port unreachable)"
            waiting = [
                i for i, item in self._outgoing.items() if tuple(item.target[:2]) == destination
            ]
            for message_id in waiting:
                del self._outgoing[message_id]
                self.emit(ChatFailed(message_id, reason))
            if not waiting:
                self._notice_once(text, reason)

    def _handle(self, datagram: bytes, sender: tuple) -> None:
        address = format_address(sender[0], sender[1])
        try:
            message = decode_datagram(datagram)
        except RemoteProtocolError as exc:
            self._notice_once(address, f"ignored a datagram from {address}: {exc}")
            return
        if isinstance(message, Chat):
            self._sendto(encode_datagram(Ack(message.id)), sender)
            key = (address, message.id)
            if key in self._seen:
                return  # a retransmission of a message already shown
            self._seen[key] = None
            if len(self._seen) > REMEMBERED_IDS:
                self._seen.popitem(last=False)
            self.emit(
                ChatReceived(
                    message.id, normalize_nick(message.sender), message.text, message.ts, address
                )
            )
        elif isinstance(message, Ack):
            if self._outgoing.pop(message.id, None) is not None:
                self.emit(ChatDelivered(message.id))
        elif isinstance(message, Ping):
            self._sendto(encode_datagram(Pong()), sender)
        elif not isinstance(message, Pong):
            self._notice_once(address, f"ignored a {message.TYPE!r} datagram from {address}")

    def _notice_once(self, address: str, text: str) -> None:
        now = time.monotonic()
        if now - self._last_notice.get(address, -NOTICE_EVERY) >= NOTICE_EVERY:
            self._last_notice[address] = now
            self.emit(Notice(text, warning=True))
