"""Broadcast addresses of this machine's IPv4 interfaces, without Qt.

Linux asks the kernel per interface; elsewhere the limited broadcast address is used
(the window passes Qt's interface list instead, which works everywhere).
"""

from __future__ import annotations

import socket
import struct
import sys

LIMITED_BROADCAST = "255.255.255.255"

_SIOCGIFFLAGS = 0x8913
_SIOCGIFBRDADDR = 0x8919
_IFF_UP = 0x1
_IFF_BROADCAST = 0x2


def broadcast_addresses() -> list[str]:
    """The broadcast address of every IPv4 interface that is up and can broadcast."""
    if not sys.platform.startswith("linux"):
        return [LIMITED_BROADCAST]
    import fcntl

    found: list[str] = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _, name in socket.if_nameindex():
            request = struct.pack("256s", name.encode()[:15])
            try:
                flags = struct.unpack_from("H", fcntl.ioctl(probe, _SIOCGIFFLAGS, request), 16)[0]
                if not flags & _IFF_UP or not flags & _IFF_BROADCAST:
                    continue
                reply = fcntl.ioctl(probe, _SIOCGIFBRDADDR, request)
            except OSError:  # no IPv4 address on this interface
                continue
            address = socket.inet_ntoa(reply[20:24])
            if address not in found and address != "0.0.0.0":
                found.append(address)
    return found
