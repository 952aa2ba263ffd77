"""A framed message connection without the socket (the h11 shape)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from gui_chat.protocol.chat_runs import ChatRun, read_chat_run
from gui_chat.protocol.errors import RemoteProtocolError
from gui_chat.protocol.framing import MAX_FRAME_SIZE, FrameDecoder, encode_frame
from gui_chat.protocol.messages import Message, decode_message, encode_chat, encode_message


class Connection:
    """Feed received bytes in, take messages out; turn messages into bytes to send.

    ``receive_data`` only buffers; ``next_event`` returns the next whole message, or
    ``None`` when more bytes are needed. After a :class:`RemoteProtocolError` the
    stream cannot be trusted and the connection should be closed.
    """

    def __init__(self, max_frame_size: int = MAX_FRAME_SIZE) -> None:
        self._decoder = FrameDecoder(max_frame_size)
        self._frames: deque[bytes] = deque()
        self._unread = bytearray()
        self.broken: RemoteProtocolError | None = None

    @property
    def max_frame_size(self) -> int:
        return self._decoder.max_size

    @property
    def pending_bytes(self) -> int:
        """Bytes received that do not make a whole message yet."""
        return len(self._unread) + self._decoder.pending

    def receive_data(self, data: bytes) -> None:
        """Buffer ``data``; nothing is parsed until :meth:`next_event`."""
        self._unread += data

    def payloads(self, data: bytes, runs: bool = False) -> Iterator[bytes | ChatRun]:
        """Take ``data`` and yield the payload of every message it completes, undecoded.

        For a reader that decodes payloads itself (:func:`decode_message` or faster).
        With ``runs``, frames of usual chats that follow one another come as a
        :class:`ChatRun` (read at once, see :func:`read_chat_run`) instead.
        Raises :class:`RemoteProtocolError` for an oversized frame, after the whole
        frames before it; don't mix with :meth:`receive_data`/:meth:`next_event`.
        """
        if self.broken is not None:
            raise self.broken
        try:
            yield from self._decoder.feed(data, read_chat_run if runs else None)
            if self._decoder.failed:
                self._decoder.feed(b"")  # raises the error found after those frames
        except RemoteProtocolError as exc:
            self.broken = exc
            raise

    def next_event(self) -> Message | None:
        """The next message, ``None`` if incomplete; raises on a protocol violation."""
        if self.broken is not None:
            raise self.broken
        if not self._frames and (self._unread or self._decoder.failed):
            data, self._unread = bytes(self._unread), bytearray()
            try:
                self._frames.extend(self._decoder.feed(data))
            except RemoteProtocolError as exc:
                self.broken = exc
                raise
        if not self._frames:
            return None
        try:
            return decode_message(self._frames.popleft())
        except RemoteProtocolError as exc:
            self.broken = exc
            raise

    def send(self, message: Message) -> bytes:
        """The bytes that carry ``message``."""
        return encode_frame(encode_message(message), self._decoder.max_size)

    def send_chat(self, message_id: str, text: str) -> bytes:
        """The bytes that carry a chat the user typed (as ``send(Chat(...))``, sooner)."""
        return encode_frame(encode_chat(message_id, text), self._decoder.max_size)
