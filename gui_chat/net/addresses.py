"""Resolving and binding addresses, with errors in plain words."""

from __future__ import annotations

import os
import socket

from gui_chat.net.errors import translate


def resolve(host: str, port: int, kind: int, passive: bool = False) -> tuple:
    """The first address ``getaddrinfo`` gives for ``host:port`` (raises NetError)."""
    flags = socket.AI_PASSIVE if passive else 0
    try:
        infos = socket.getaddrinfo(host or None, port, type=kind, flags=flags)
    except OSError as exc:
        raise translate(exc, host, port) from None
    # Prefer IPv4: LAN peers and most devices speak it.
    infos.sort(key=lambda info: info[0] != socket.AF_INET)
    return infos[0]


def bound_socket(host: str, port: int, kind: int) -> socket.socket:
    """A socket of ``kind`` bound to ``host:port``; restarts never hit TIME_WAIT."""
    family, _, proto, _, sockaddr = resolve(host, port, kind, passive=True)
    sock = socket.socket(family, kind, proto)
    try:
        if os.name == "nt":
            # On Windows SO_REUSEADDR lets another program steal the port.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)  # type: ignore[attr-defined]
        elif kind == socket.SOCK_STREAM:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(sockaddr)
    except OSError as exc:
        sock.close()
        raise translate(exc, host, port) from None
    sock.setblocking(False)
    return sock


def sockname(sock: socket.socket) -> tuple[str, int]:
    """The ``(host, port)`` a socket is bound to."""
    address = sock.getsockname()
    return address[0], address[1]
