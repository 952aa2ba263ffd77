"""Socket errors turned into named errors that say what happened in plain words."""

from __future__ import annotations

import errno
import socket


class NetError(Exception):
    """A network failure; ``str(err)`` is a sentence for the user."""


class AddressInUseError(NetError):
    pass


class AddressNotAvailableError(NetError):
    pass


class HostNotFoundError(NetError):
    pass


class ConnectionRefusedByPeerError(NetError):
    pass


class ConnectTimeoutError(NetError):
    pass


class UnreachableError(NetError):
    pass


class PermissionDeniedError(NetError):
    pass


_BY_ERRNO: dict[int, tuple[type[NetError], str]] = {
    errno.EADDRINUSE: (
        AddressInUseError,
        "port {port} is already in use on {host} — another program (or another room) has it; "
        "pick another port or 0 for any free one",
    ),
    errno.EADDRNOTAVAIL: (
        AddressNotAvailableError,
        "{host} is not an address of this machine",
    ),
    errno.ECONNREFUSED: (
        ConnectionRefusedByPeerError,
        "connection refused by {address} — nothing is listening on that port",
    ),
    errno.ETIMEDOUT: (ConnectTimeoutError, "connecting to {address} timed out"),
    errno.EHOSTUNREACH: (UnreachableError, "{host} is unreachable from this machine"),
    errno.ENETUNREACH: (UnreachableError, "the network of {host} is unreachable"),
    errno.EACCES: (
        PermissionDeniedError,
        "permission denied for {address} (ports below 1024 need administrator rights)",
    ),
}


def format_address(host: str, port: int) -> str:
    """``host:port``, with IPv6 hosts in brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def translate(exc: OSError, host: str, port: int) -> NetError:
    """The named error for ``exc`` raised while using ``host:port``."""
    address = format_address(host, port)
    if isinstance(exc, socket.gaierror):
        return HostNotFoundError(f"no such host: {host!r} could not be resolved")
    if isinstance(exc, TimeoutError) and exc.errno is None:
        return ConnectTimeoutError(f"connecting to {address} timed out")
    if exc.errno in _BY_ERRNO:
        cls, text = _BY_ERRNO[exc.errno]
        return cls(text.format(host=host, port=port, address=address))
    reason = exc.strerror or str(exc) or type(exc).__name__
    return NetError(f"{address}: {reason}")
