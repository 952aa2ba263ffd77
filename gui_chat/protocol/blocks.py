"""The ``chats`` block: the chats a room relays in one turn, as compact as JSON allows.

A ``chat`` relayed on its own spells out its field names, sender, id, time and number:
138 bytes with a 49-character text, its length included. In a block the time and the
first number are said once, a sender once for its chats in a row (a group
``["alice","text","text"]``), and the ids not at all (the room acknowledges its chats
to their sender): such a chat costs its text, two quotes and a comma, 52 bytes.
:class:`ChatBlockWriter` writes each chat once, as the room relays it, from its text as
JSON spells it (a client's usual chat as it came, see ``plain_chat``), and builds the
frames once, so the same bytes go to every member.
"""

from __future__ import annotations

from json.encoder import encode_basestring  # the C encoder of JSON strings, if there is one

from gui_chat.protocol.errors import LocalProtocolError
from gui_chat.protocol.framing import HEADER, MAX_FRAME_SIZE

_END = "]]}"  # closes the last group, the list and the block


def json_content(text: str) -> str:
    """``text`` as JSON spells it between the quotes of a string."""
    return encode_basestring(text)[1:-1]


def group_start(sender: str) -> str:
    """How a group of ``sender``'s chats begins (``["alice",``): encoded once per sender."""
    return f'["{json_content(sender)}",'


def ack_frame(message_id: str) -> bytes:
    """The frame of an ``ack`` of ``message_id``, given as JSON spells it: how a room
    confirms a turn's chats to their sender, as cheaply as it relays them."""
    payload = f'{{"t":"ack","id":"{message_id}"}}'.encode()
    return HEADER.pack(len(payload)) + payload


def _size(piece: str) -> int:
    """Bytes of ``piece`` in UTF-8."""
    return len(piece) if piece.isascii() else len(piece.encode())


class ChatBlockWriter:
    """Collects relayed chats and turns them into ``chats`` frames, none over the limit.

    A block holds chats numbered one after the other, with one time stamp; a chat that
    does not follow on (another number or time) or does not fit starts the next block.
    A sender's chats that follow one another go in one group. The strings must be valid
    (checked on the way in) and given as JSON spells them (:func:`json_content`): they
    are not checked again.
    """

    def __init__(self, max_frame_size: int = MAX_FRAME_SIZE) -> None:
        self.max_frame_size = max_frame_size
        #: Bytes of the chats added since the last :meth:`take`.
        self.size = 0
        self._frames: list[bytes] = []  # blocks that are full
        self._pieces: list[str] = []  # the block being filled, its last group left open
        self._head = ""
        self._room = 0  # bytes the block being filled may still take
        self._next_seq = 0
        self._ts = 0.0
        self._start = ""  # the group_start of the open group

    def add(self, start: str, text: str, seq: int, ts: float) -> None:
        """Add the chat numbered ``seq``, stamped ``ts``, of the sender of ``start``
        (from :func:`group_start`); ``text`` as JSON spells it."""
        self.add_run(start, [text], seq, ts)

    def add_run(self, start: str, texts: list[str], seq: int, ts: float) -> None:
        """Add chats of one sender numbered from ``seq``, as :meth:`add` adds each, with
        their texts joined and measured together."""
        body = '","'.join(texts) + '"'
        follows = seq == self._next_seq and ts == self._ts
        # more of the open group, or another group after it
        piece = ',"' + body if follows and start == self._start else "]," + start + '"' + body
        size = _size(piece)
        if not (follows and size <= self._room):
            self._open(seq, ts)
            piece = start + '"' + body
            size = _size(piece)
            if size > self._room:  # more than a frame: each goes where it fits
                if len(texts) == 1:  # the field limits keep every chat well under it
                    raise LocalProtocolError(f"a chat of {size:,} bytes does not fit in a frame")
                for number, text in enumerate(texts, seq):
                    self.add_run(start, [text], number, ts)
                return
        self._pieces.append(piece)
        self._room -= size
        self._next_seq = seq + len(texts)
        self._start = start
        self.size += size

    def _open(self, seq: int, ts: float) -> None:
        """Close the block being filled and open one for chats from ``seq``."""
        self._close()
        self._head = f'{{"t":"chats","ts":{float(ts)!r},"seq":{seq},"chats":['
        self._room = self.max_frame_size - len(self._head) - len(_END)
        self._ts = ts

    def take(self) -> list[bytes]:
        """The frames of every chat added since the last call, in order (often one)."""
        self._close()
        frames, self._frames = self._frames, []
        self.size = 0
        self._next_seq = 0  # the next chat starts a block
        return frames

    def _close(self) -> None:
        """Make the block being filled a frame."""
        if not self._pieces:
            return
        payload = f"{self._head}{''.join(self._pieces)}{_END}".encode()  # once per block
        self._pieces = []
        self._start = ""
        self._frames.append(HEADER.pack(len(payload)) + payload)
