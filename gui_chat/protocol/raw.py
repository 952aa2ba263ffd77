"""Raw mode: plain bytes for netcat, tutorial scripts and devices — no framing at all.

Text is decoded incrementally, so a character whose bytes arrive in two reads is
still one character; bytes that do not decode are shown as ``\\xNN``, never dropped.
"""

from __future__ import annotations

import codecs
import re

from gui_chat.protocol.errors import LocalProtocolError

#: Encodings offered to the user: label -> Python codec name.
ENCODINGS: dict[str, str] = {
    "UTF-8": "utf-8",
    "GBK": "gbk",
    "GB18030": "gb18030",
    "Latin-1": "latin-1",
}

#: Line endings appended on send: label -> bytes.
LINE_ENDINGS: dict[str, bytes] = {"none": b"", "\\n": b"\n", "\\r\\n": b"\r\n"}

_HEX_SEPARATORS = re.compile(r"[\s,;:]+|0[xX]|\\x")


class TextDecoder:
    """Decodes a byte stream piece by piece; undecodable bytes become ``\\xNN``."""

    def __init__(self, encoding: str = "utf-8") -> None:
        self.encoding = encoding
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="backslashreplace")

    def feed(self, data: bytes) -> str:
        """The text ``data`` completes; an unfinished character waits for the next call."""
        return self._decoder.decode(data)

    def flush(self) -> str:
        """Whatever is left, at the end of the stream (an unfinished character as bytes)."""
        return self._decoder.decode(b"", final=True)


def decode_bytes(data: bytes, encoding: str = "utf-8") -> str:
    """``data`` as text, undecodable bytes as ``\\xNN`` (for whole datagrams)."""
    return data.decode(encoding, errors="backslashreplace")


def encode_text(text: str, encoding: str = "utf-8", line_ending: bytes = b"") -> bytes:
    """``text`` in ``encoding`` with ``line_ending`` appended.

    Raises :class:`LocalProtocolError` naming the first character the encoding lacks.
    """
    try:
        return text.encode(encoding) + line_ending
    except UnicodeEncodeError as exc:
        bad = text[exc.start]
        raise LocalProtocolError(
            f"the character {bad!r} (U+{ord(bad):04X}) cannot be written in {encoding}"
        ) from None


def parse_hex(text: str) -> bytes:
    """Bytes from hex such as ``48 65 6c``, ``48656c``, ``0x48,0x65`` or ``\\x48\\x65``."""
    digits = _HEX_SEPARATORS.sub(" ", text).split()
    out = bytearray()
    for group in digits:
        if len(group) % 2:
            raise LocalProtocolError(f"{group!r} is not whole bytes of hex (odd number of digits)")
        try:
            out += bytes.fromhex(group)
        except ValueError:
            raise LocalProtocolError(f"{group!r} is not hexadecimal") from None
    return bytes(out)


def hex_dump(data: bytes, width: int = 16) -> str:
    """Classic hex dump: offset, hex bytes, printable ASCII."""
    lines = []
    for offset in range(0, len(data), width):
        chunk = data[offset : offset + width]
        hex_part = " ".join(f"{byte:02x}" for byte in chunk)
        text_part = "".join(chr(byte) if 32 <= byte < 127 else "." for byte in chunk)
        lines.append(f"{offset:08x}  {hex_part:<{width * 3 - 1}}  {text_part}")
    return "\n".join(lines)
