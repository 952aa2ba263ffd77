"""Choices made on the command line that shape every window."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class AppOptions:
    #: Announce and look for rooms and peers on the LAN (UDP broadcast).
    discovery: bool = False
    #: Keepalive interval in seconds (None: the default of 10 s).
    keepalive: float | None = None
    #: Where settings and history are kept; None keeps nothing (a throwaway window).
    state_dir: Path | None = None
