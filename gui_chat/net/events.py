"""What a session reports to its owner; dataclasses, delivered in lists.

Events are slotted and not frozen: a room creates one per relayed chat, and a frozen
dataclass costs four times as much to build. Nobody changes an event once it is sent.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class SessionEvent:
    """Base of every session event."""


@dataclass(slots=True)
class Listening(SessionEvent):
    """A room or UDP peer has bound its socket; ``port`` is the real port."""

    host: str
    port: int


@dataclass(slots=True)
class Connecting(SessionEvent):
    host: str
    port: int


@dataclass(slots=True)
class Connected(SessionEvent):
    """A client is in the room; ``nick`` is the name the room gave it."""

    host: str
    port: int
    nick: str
    room: str


@dataclass(slots=True)
class ChatReceived(SessionEvent):
    """A chat message from someone else; ``address`` is set for UDP."""

    id: str
    sender: str
    text: str
    ts: float
    address: str = ""

    @property
    def texts(self) -> tuple[str]:
        """Its text, as :class:`ChatsReceived` gives its texts."""
        return (self.text,)


@dataclass(slots=True)
class ChatsReceived(SessionEvent):
    """Chats of one sender that a room read and relayed together: what a
    :class:`ChatReceived` for each says, with ``ids[i]`` the id of ``texts[i]``."""

    sender: str
    ids: list[str]
    texts: list[str]
    ts: float
    address: str = ""

    def split(self, count: int) -> tuple[ChatsReceived, ChatsReceived]:
        """The first ``count`` chats, and the others."""
        sender, ids, texts, ts, address = self.sender, self.ids, self.texts, self.ts, self.address
        return (
            ChatsReceived(sender, ids[:count], texts[:count], ts, address),
            ChatsReceived(sender, ids[count:], texts[count:], ts, address),
        )

    def each(self) -> list[ChatReceived]:
        """The chats as a :class:`ChatReceived` each, in order."""
        return [
            ChatReceived(message_id, self.sender, text, self.ts, self.address)
            for message_id, text in zip(self.ids, self.texts, strict=True)
        ]


#: The events that bring chats from others; ``texts`` of each gives them.
CHAT_EVENTS = (ChatReceived, ChatsReceived)


@dataclass(slots=True)
class ChatDelivered(SessionEvent):
    """Our message ``id`` was taken by the room or acknowledged by the UDP peer."""

    id: str


@dataclass(slots=True)
class ChatFailed(SessionEvent):
    """Our message ``id`` was not sent or not confirmed; ``reason`` says why."""

    id: str
    reason: str


@dataclass(slots=True)
class PeerJoined(SessionEvent):
    nick: str
    address: str = ""


@dataclass(slots=True)
class PeerLeft(SessionEvent):
    nick: str
    reason: str = ""


@dataclass(slots=True)
class MembersChanged(SessionEvent):
    members: tuple[str, ...]


@dataclass(slots=True)
class Notice(SessionEvent):
    """Something the user should know that does not end the session."""

    text: str
    warning: bool = False


@dataclass(slots=True)
class SessionEnded(SessionEvent):
    """The last event of a session: ``reason`` is empty after a plain stop."""

    reason: str = ""
    error: bool = False


@dataclass(slots=True)
class RawReceived(SessionEvent):
    """Bytes from a raw-mode peer, and their text in the session's encoding."""

    source: str
    data: bytes
    text: str


@dataclass(slots=True)
class Reconnecting(SessionEvent):
    """The connection was lost (``reason``); the next attempt is in ``delay`` seconds."""

    reason: str
    delay: float
    attempt: int


@dataclass(slots=True)
class PeerFound(SessionEvent):
    """Discovery heard a room (``kind`` "room") or a UDP peer ("udp"), or news of one."""

    key: str  # stays the same while it keeps announcing
    kind: str
    name: str
    nick: str
    host: str
    port: int
    members: int


@dataclass(slots=True)
class PeerGone(SessionEvent):
    """A room or peer found earlier stopped announcing itself."""

    key: str
