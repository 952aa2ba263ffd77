"""This machine's LAN addresses, to tell others where to connect."""

from __future__ import annotations

from PySide6.QtNetwork import QAbstractSocket, QNetworkInterface


def lan_ipv4_addresses() -> list[str]:
    """IPv4 addresses of interfaces that are up, loopback last."""
    found: list[str] = []
    loopback: list[str] = []
    for interface in QNetworkInterface.allInterfaces():
        flags = interface.flags()
        if not flags & QNetworkInterface.InterfaceFlag.IsUp:
            continue
        for entry in interface.addressEntries():
            ip = entry.ip()
            if ip.protocol() != QAbstractSocket.NetworkLayerProtocol.IPv4Protocol:
                continue
            target = loopback if ip.isLoopback() else found
            target.append(ip.toString())
    return found + loopback


def lan_broadcast_addresses() -> list[str]:
    """Broadcast addresses of the IPv4 networks this machine is on (no loopback)."""
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
