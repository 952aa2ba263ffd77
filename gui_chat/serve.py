"""``gui_chat serve``: a room without a window, for a server or a spare machine.

No Qt is imported: the room and discovery run on threads of their own and report to
the terminal through logging. Ctrl+C (or SIGTERM) stops both and exits cleanly.
"""

from __future__ import annotations

import logging
import signal
import threading

from gui_chat.net.discovery import Discovery, DiscoveryConfig
from gui_chat.net.events import (
    CHAT_EVENTS,
    Listening,
    MembersChanged,
    Notice,
    PeerJoined,
    PeerLeft,
    SessionEnded,
    SessionEvent,
)
from gui_chat.net.loop import SessionLoop
from gui_chat.net.room import RoomConfig, RoomServer

log = logging.getLogger("gui_chat.serve")


class _Reporter:
    """Logs a room's events and keeps discovery's announcement up to date."""

    def __init__(self, discovery: Discovery | None, config: RoomConfig) -> None:
        self.discovery = discovery
        self.config = config
        self.port = 0
        self.ended = threading.Event()
        self.failure = ""

    def __call__(self, events: list[SessionEvent]) -> None:
        for event in events:
            if isinstance(event, Listening):
                self.port = event.port
                log.info(
                    "room %r open on %s port %d", self.config.room_name, event.host, event.port
                )
            elif isinstance(event, CHAT_EVENTS):
                for text in event.texts:
                    log.info("<%s> %s", event.sender, text)
            elif isinstance(event, PeerJoined):
                log.info("%s joined from %s", event.nick, event.address)
            elif isinstance(event, PeerLeft):
                log.info("%s left (%s)", event.nick, event.reason)
            elif isinstance(event, MembersChanged):
                if self.discovery is not None and self.port:
                    self.discovery.announce(
                        "room",
                        self.config.room_name,
                        self.config.nick,
                        self.port,
                        len(event.members),
                    )
            elif isinstance(event, Notice):
                log.log(logging.WARNING if event.warning else logging.INFO, "%s", event.text)
            elif isinstance(event, SessionEnded):
                if event.error:
                    self.failure = event.reason
                    log.error("room stopped: %s", event.reason)
                self.ended.set()


def serve(config: RoomConfig, discovery: DiscoveryConfig | None) -> int:
    """Run a room until Ctrl+C or SIGTERM; 0 after a clean stop, 1 if it failed."""
    finder = None
    if discovery is not None:
        finder = Discovery(discovery, _log_discovery)
    reporter = _Reporter(finder, config)
    room = RoomServer(config, reporter)
    loops: list[SessionLoop] = [room] + ([finder] if finder else [])
    threads = [
        threading.Thread(target=loop.run, name=f"gui_chat-{type(loop).__name__}") for loop in loops
    ]

    def stop(*_signal_args: object) -> None:
        for loop in loops:
            loop.stop()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for thread in threads:
            thread.start()
        while not reporter.ended.wait(0.5):  # wakes for signals between waits
            pass
    finally:
        stop()
        for thread in threads:
            thread.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("stopped")
    return 1 if reporter.failure else 0


def _log_discovery(events: list[SessionEvent]) -> None:
    for event in events:
        if isinstance(event, Notice):
            log.warning("discovery: %s", event.text)
