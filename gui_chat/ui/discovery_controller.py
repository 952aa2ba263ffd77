"""Runs LAN discovery for a window: what is out there, and what we announce."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

if TYPE_CHECKING:
    from gui_chat.net.events import SessionEvent
    from gui_chat.net.loop import EventSink
    from gui_chat.workers import SessionWorker


class DiscoveryController(QObject):
    """Starts discovery (if allowed) and relays what it finds as signals.

    The network side is loaded when discovery first starts.
    """

    found = Signal(object)  # PeerFound
    gone = Signal(str)  # key
    #: A sentence about discovery itself (e.g. its port is unavailable, or it stopped).
    notice = Signal(str)

    def __init__(self, allowed: bool, parent: QObject | None = None) -> None:
        """``allowed`` False: discovery never runs (command line, tests)."""
        super().__init__(parent)
        self._allowed = allowed
        self._worker: SessionWorker | None = None
        self._announcement: tuple[str, str, str, int, int] | None = None

    @property
    def allowed(self) -> bool:
        return self._allowed

    @property
    def enabled(self) -> bool:
        return self._worker is not None

    def start(self) -> None:
        """Start announcing and looking (if allowed and not yet running)."""
        if not self._allowed or self._worker is not None:
            return
        from gui_chat.net.discovery import Discovery, DiscoveryConfig
        from gui_chat.ui.lan import lan_broadcast_addresses
        from gui_chat.workers import SessionWorker

        config = DiscoveryConfig(broadcast_to=tuple(lan_broadcast_addresses()))

        def make(sink: EventSink) -> Discovery:
            return Discovery(config, sink)

        self._worker = SessionWorker(make, self._on_events, "discovery")
        self._worker.start()
        if self._announcement is not None:
            self.announce(*self._announcement)

    def announce(self, kind: str, name: str, nick: str, port: int, members: int) -> None:
        self._announcement = (kind, name, nick, port, members)
        if self._worker is not None:
            self._worker.session.announce(kind, name, nick, port, members)  # type: ignore[attr-defined]

    def withdraw(self) -> None:
        self._announcement = None
        if self._worker is not None:
            self._worker.session.withdraw()  # type: ignore[attr-defined]

    def stop(self) -> None:
        """Stop discovery and join its thread (it can be started again)."""
        if self._worker is not None:
            self._worker.stop()
            self._worker = None

    def thread_alive(self) -> bool:
        return self._worker is not None and self._worker.is_running()

    @Slot(object)
    def _on_events(self, events: list[SessionEvent]) -> None:
        from gui_chat.net.events import Notice, PeerFound, PeerGone, SessionEnded
        from gui_chat.ui.net_text import translate_net_text

        for event in events:
            if isinstance(event, PeerFound):
                self.found.emit(event)
            elif isinstance(event, PeerGone):
                self.gone.emit(event.key)
            elif isinstance(event, Notice):
                self.notice.emit(event.text)
            elif isinstance(event, SessionEnded) and event.error:
                reason = translate_net_text(event.reason)
                self.notice.emit(self.tr("Discovery stopped: {0}").format(reason))
