"""This machine's LAN addresses, to tell others where to connect.

On Linux the kernel is asked directly (the window lists them at start-up, and loading
QtNetwork for that would delay the window); elsewhere Qt's interface list is used.
"""

from __future__ import annotations

import sys

_SIOCGIFFLAGS = 0x8913
_SIOCGIFADDR = 0x8915
_IFF_UP = 0x1


def lan_ipv4_addresses() -> list[str]:
    """IPv4 addresses of interfaces that are up, each once, loopback last."""
    addresses = _kernel_ipv4_addresses() if sys.platform.startswith("linux") else None
    if addresses is None:
        addresses = _qt_ipv4_addresses()
    unique = dict.fromkeys(addresses)
    loopback = [address for address in unique if address.startswith("127.")]
    return [address for address in unique if address not in loopback] + loopback


def _kernel_ipv4_addresses() -> list[str] | None:
    """The IPv4 address of every interface that is up (Linux ioctls); None if unavailable.

    Uses ``_socket``, the C module behind :mod:`socket`: building ``socket``'s enums
    would take longer than the lookup itself.
    """
    import _socket
    import fcntl
    import struct

    found: list[str] = []
    try:
        probe = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    except OSError:
        return None
    try:
        for _, name in _socket.if_nameindex():
            request = struct.pack("256s", name.encode()[:15])
            try:
                reply = fcntl.ioctl(probe, _SIOCGIFFLAGS, request)
                if not struct.unpack_from("H", reply, 16)[0] & _IFF_UP:
                    continue
                reply = fcntl.ioctl(probe, _SIOCGIFADDR, request)
            except OSError:  # no IPv4 address on this interface
                continue
            found.append(_socket.inet_ntoa(reply[20:24]))
    except OSError:
        return None
    finally:
        probe.close()
    return found


def _qt_ipv4_addresses() -> list[str]:
    """The IPv4 addresses of every interface that is up, as Qt lists them."""
    from PySide6.QtNetwork import QAbstractSocket, QNetworkInterface

    found: list[str] = []
    for interface in QNetworkInterface.allInterfaces():
        if not interface.flags() & QNetworkInterface.InterfaceFlag.IsUp:
            continue
        for entry in interface.addressEntries():
            ip = entry.ip()
            if ip.protocol() == QAbstractSocket.NetworkLayerProtocol.IPv4Protocol:
                found.append(ip.toString())
    return found


def lan_broadcast_addresses() -> list[str]:
    """Broadcast addresses of the IPv4 networks this machine is on (no loopback)."""
    from PySide6.QtNetwork import QAbstractSocket, QNetworkInterface

    found: list[str] = []
    for interface in QNetworkInterface.allInterfaces():
        flags = interface.flags()
        if not flags & QNetworkInterface.InterfaceFlag.IsUp:
            continue
        if not flags & QNetworkInterface.InterfaceFlag.CanBroadcast:
            continue
        for entry in interface.addressEntries():
            broadcast = entry.broadcast()
            if broadcast.isNull() or entry.ip().isLoopback():
                continue
            if broadcast.protocol() == QAbstractSocket.NetworkLayerProtocol.IPv4Protocol:
                address = broadcast.toString()
                if address not in found:
                    found.append(address)
    return found
