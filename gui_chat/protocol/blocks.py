"""The ``chats`` block: the chats a room relays in one turn, as compact as JSON allows.

A ``chat`` relayed on its own spells out its field names, sender, time and number:
138 bytes with a 49-character text, its length included. In a block the time and the
first number are said once and each chat is an array ``[sender, id, text]``: 71 bytes.
:class:`ChatBlockWriter` writes each chat once, as the room relays it, from its strings
as JSON spells them (a client's usual chat as it came, see ``plain_chat``), and builds
the frames once, so the same bytes go to every member.
"""

from __future__ import annotations

from json.encoder import encode_basestring  # the C encoder of JSON strings, if there is one

from gui_chat.protocol.errors import LocalProtocolError
from gui_chat.protocol.framing import HEADER, MAX_FRAME_SIZE

_END = "]}"
_ID_TO_TEXT = '","'  # between the id and the text of an item


def json_content(text: str) -> str:
    """``text`` as JSON spells it between the quotes of a string."""
    return encode_basestring(text)[1:-1]


def item_start(sender: str) -> str:
    """How every item of ``sender`` begins (``["alice",``): encoded once per sender."""
    return f'["{json_content(sender)}",'


def _size(items: str) -> int:
    """Bytes of ``items`` in a block, with the comma after them."""
    return (len(items) if items.isascii() else len(items.encode())) + 1


class ChatBlockWriter:
    """Collects relayed chats and turns them into ``chats`` frames, none over the limit.

    A block holds chats numbered one after the other, with one time stamp; a chat that
    does not follow on (another number or time) or does not fit starts the next block.
    The strings must be valid (checked on the way in) and given as JSON spells them
    (:func:`json_content`): they are not checked again.
    """

    def __init__(self, max_frame_size: int = MAX_FRAME_SIZE) -> None:
        self.max_frame_size = max_frame_size
        #: Bytes of the chats added since the last :meth:`take`.
        self.size = 0
        self._frames: list[bytes] = []  # blocks that are full
        self._items: list[str] = []  # the block being filled
        self._head = ""
        self._room = 0  # bytes the block being filled may still take
        self._next_seq = 0
        self._ts = 0.0

    def add(self, start: str, message_id: str, text: str, seq: int, ts: float) -> None:
        """Add the chat numbered ``seq``, stamped ``ts``, of the sender of ``start``
        (from :func:`item_start`); ``message_id`` and ``text`` as JSON spells them."""
        item = f'{start}"{message_id}","{text}"]'
        size = _size(item)
        if not self._fits(size, seq, ts):
            self._open(seq, ts)
            if size > self._room:  # the field limits keep every chat well under it
                raise LocalProtocolError(f"a chat of {size - 1:,} bytes does not fit in a frame")
        self._append(item, size, seq + 1)

    def add_run(self, start: str, ids: list[str], texts: list[str], seq: int, ts: float) -> None:
        """Add chats of one sender numbered from ``seq``, as :meth:`add` adds each, with
        their items made and measured together."""
        pairs = map(_ID_TO_TEXT.join, zip(ids, texts, strict=True))
        items = start + '"' + f'"],{start}"'.join(pairs) + '"]'
        size = _size(items)
        if not self._fits(size, seq, ts):
            self._open(seq, ts)
            if size > self._room:  # more than a frame: each goes where it fits
                for number, (message_id, text) in enumerate(zip(ids, texts, strict=True), seq):
                    self.add(start, message_id, text, number, ts)
                return
        self._append(items, size, seq + len(ids))

    def _fits(self, size: int, seq: int, ts: float) -> bool:
        """Whether items of ``size`` bytes numbered from ``seq`` go in the open block."""
        return size <= self._room and seq == self._next_seq and ts == self._ts

    def _open(self, seq: int, ts: float) -> None:
        """Close the block being filled and open one for chats from ``seq``."""
        self._close()
        self._head = f'{{"t":"chats","ts":{float(ts)!r},"seq":{seq},"chats":['
        # the first item goes without a comma
        self._room = self.max_frame_size - len(self._head) - len(_END) + 1
        self._ts = ts

    def _append(self, items: str, size: int, next_seq: int) -> None:
        self._items.append(items)
        self._room -= size
        self._next_seq = next_seq
        self.size += size

    def take(self) -> list[bytes]:
        """The frames of every chat added since the last call, in order (often one)."""
        self._close()
        frames, self._frames = self._frames, []
        self.size = 0
        self._next_seq = 0  # the next chat starts a block
        return frames

    def _close(self) -> None:
        """Make the block being filled a frame."""
        if not self._items:
            return
        payload = f"{self._head}{','.join(self._items)}{_END}".encode()  # once per block
        self._items = []
        self._frames.append(HEADER.pack(len(payload)) + payload)
