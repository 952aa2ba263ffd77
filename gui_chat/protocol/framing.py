"""Length-prefixed frames: TCP is a byte stream, so each message carries its size.

A frame is a 4-byte unsigned big-endian length followed by that many payload bytes.
The length is checked against the limit as soon as the 4 header bytes are in, before
anything is allocated for the payload, so a hostile "4 GB follows" costs nothing.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

from gui_chat.protocol.errors import FrameTooLargeError, LocalProtocolError

HEADER = struct.Struct("!I")
HEADER_SIZE = HEADER.size
MAX_FRAME_SIZE = 256 * 1024


def encode_frame(payload: bytes, max_size: int = MAX_FRAME_SIZE) -> bytes:
    """Prefix ``payload`` with its length; refuse payloads over ``max_size``."""
    if len(payload) > max_size:
        raise LocalProtocolError(
            f"message is {len(payload):,} bytes, more than the {max_size:,} bytes a frame may carry"
        )
    return HEADER.pack(len(payload)) + payload


#: Reads the frames of a run from an offset of a buffer (none over the size given;
#: whether it is the first look at the buffer): where they end and what they hold, or
#: ``None`` if the frame there begins none.
RunReader = Callable[[Any, int, int, bool], tuple[int, list[Any]] | None]


class FrameDecoder:
    """Turns a stream of byte chunks into whole payloads, however the chunks were cut."""

    def __init__(self, max_size: int = MAX_FRAME_SIZE) -> None:
        self.max_size = max_size
        self._buffer = bytearray()
        self._offset = 0  # start of unread data in _buffer
        self._error: FrameTooLargeError | None = None

    @property
    def failed(self) -> bool:
        """An oversized frame was announced; the next :meth:`feed` raises it."""
        return self._error is not None

    @property
    def pending(self) -> int:
        """Bytes received that do not yet make a whole frame."""
        return len(self._buffer) - self._offset

    def feed(self, data: bytes, read_run: RunReader | None = None) -> list[Any]:
        """Add ``data`` and return every payload it completes, in order.

        With ``read_run``, the frames of a run it reads (tried where a whole frame with
        more bytes after it begins) come as what it makes of them, in the place of their
        payloads.

        Raises :class:`FrameTooLargeError` when a header announces more than the limit
        (after returning the whole frames that came before it, if any); the decoder is
        then unusable, as the stream has lost its frame boundaries.
        """
        if self._error is not None:
            raise self._error
        # nothing left over: the frames are read from ``data`` itself
        direct = self._offset == len(self._buffer) and type(data) is bytes
        if direct:
            buffer: bytes | bytearray = data
            offset = 0
        else:
            self._buffer += data
            buffer, offset = self._buffer, self._offset
        frames: list[Any] = []
        end = len(buffer)
        first = True  # the first look for a run in this buffer
        unpack_from, max_size = HEADER.unpack_from, self.max_size
        while end - offset >= HEADER_SIZE:
            (size,) = unpack_from(buffer, offset)
            if size > max_size:
                self._error = FrameTooLargeError(
                    f"peer announced a {size:,}-byte message; the limit is {max_size:,} bytes"
                )
                self._buffer.clear()
                self._offset = 0
                if not frames:
                    raise self._error
                return frames
            start = offset + HEADER_SIZE
            if end - start < size:
                break
            # runs begin at whole frames with more after them: a frame alone costs no
            # look for one, and one arriving a byte at a time is not scanned again and again
            if read_run is not None and start + size < end:
                run = read_run(buffer, offset, max_size, first)
                first = False
                if run is not None:
                    offset, parts = run
                    frames += parts
                    continue
            offset = start + size
            piece = buffer[start:offset]
            frames.append(piece if direct else bytes(piece))
        if direct:
            self._buffer.clear()
            self._buffer += data[offset:]
            offset = 0
        elif offset == end:
            self._buffer.clear()
            offset = 0
        elif offset > 65536 and offset * 2 > end:
            del self._buffer[:offset]
            offset = 0
        self._offset = offset
        return frames
