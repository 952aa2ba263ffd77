"""What the user chose in the connection panel, and the session it starts."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gui_chat.net.loop import EventSink, SessionLoop
    from gui_chat.net.room import Keepalive

DEFAULT_ROOM_PORT = 50007
DEFAULT_UDP_PORT = 50008


class Mode(enum.Enum):
    HOST = "host"
    JOIN = "join"
    UDP = "udp"


@dataclass(frozen=True)
class SessionSettings:
    mode: Mode
    nick: str
    local_host: str = "0.0.0.0"
    local_port: int = DEFAULT_ROOM_PORT
    remote_host: str = "127.0.0.1"
    remote_port: int = DEFAULT_ROOM_PORT
    #: Raw bytes (for netcat, tutorial scripts, devices) instead of gui_chat messages.
    raw: bool = False
    #: Python codec for raw mode text.
    encoding: str = "utf-8"
    #: None: the default timing.
    keepalive: Keepalive | None = None

    @property
    def conversation(self) -> str:
        """The history key of the conversation these settings open."""
        from gui_chat.net.errors import format_address

        prefix = "raw " if self.raw else ""
        if self.mode is Mode.HOST:
            return f"{prefix}room hosted on {format_address(self.local_host, self.local_port)}"
        address = format_address(self.remote_host, self.remote_port)
        return f"{prefix}{'room' if self.mode is Mode.JOIN else 'udp'} {address}"

    @property
    def room_name(self) -> str:
        from gui_chat.protocol import normalize_nick

        return f"{normalize_nick(self.nick)}'s room"

    def problem(self) -> str:
        """What is missing before these settings can start a session, or ``""``."""
        if self.mode is Mode.JOIN and not self.remote_host:
            return "Enter the address of the room to join."
        if self.mode is Mode.JOIN and not self.remote_port:
            return "Enter the port of the room to join (1–65535)."
        if self.mode is Mode.UDP and self.remote_port and not self.remote_host:
            return "Enter the host to send to, or set its port to 0 to only listen."
        return ""

    def make_session(self, sink: EventSink) -> SessionLoop:
        """The net session these settings describe, reporting to ``sink``."""
        from gui_chat.net.client import ClientConfig, RoomClient
        from gui_chat.net.raw import (
            RawClientConfig,
            RawServerConfig,
            RawTcpClient,
            RawTcpServer,
            RawUdpPeer,
        )
        from gui_chat.net.room import Keepalive, RoomConfig, RoomServer
        from gui_chat.net.udp import UdpConfig, UdpPeer

        keepalive = self.keepalive or Keepalive()
        if self.mode is Mode.HOST:
            if self.raw:
                config = RawServerConfig(self.local_host, self.local_port, self.encoding)
                return RawTcpServer(config, sink)
            room = RoomConfig(
                self.local_host,
                self.local_port,
                self.nick,
                self.room_name,
                keepalive=keepalive,
            )
            return RoomServer(room, sink)
        if self.mode is Mode.JOIN:
            if self.raw:
                config = RawClientConfig(self.remote_host, self.remote_port, self.encoding)
                return RawTcpClient(config, sink)
            client = ClientConfig(
                self.remote_host, self.remote_port, self.nick, keepalive=keepalive
            )
            return RoomClient(client, sink)
        udp = UdpConfig(
            self.local_host, self.local_port, self.remote_host, self.remote_port, self.nick
        )
        return RawUdpPeer(udp, sink, self.encoding) if self.raw else UdpPeer(udp, sink)
