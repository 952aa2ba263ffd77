"""Nicknames and message text: what a peer may call itself and say."""

from __future__ import annotations

import functools
import re
import unicodedata

MAX_NICK_LENGTH = 32
MAX_TEXT_LENGTH = 32_000
DEFAULT_NICK = "guest"
#: Longest reason (for leaving, refusing) shown from a peer.
MAX_REASON_SHOWN = 120
_ANSI_ESCAPE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|[@-_])")


def _is_invisible(char: str) -> bool:
    """Control, format (bidi marks, zero-width), surrogate and unassigned characters."""
    return unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def clean_line(raw: str, limit: int) -> str:
    """``raw`` as one short, safe line of text.

    Terminal escape sequences, bidi marks and other invisible characters go, runs of
    white space (new lines too) become one space, and the result is cut to ``limit``
    characters.
    """
    text = _ANSI_ESCAPE.sub("", raw[: limit * 8])
    text = "".join(
        " " if char.isspace() else char
        for char in text
        if char.isspace() or not _is_invisible(char)
    )
    text = unicodedata.normalize("NFC", text)  # after filtering, so no mark hides in between
    return " ".join(text.split())[:limit].strip()


@functools.lru_cache(maxsize=1024)  # a client cleans the sender of every chat it receives
def normalize_nick(raw: str) -> str:
    """Make ``raw`` a safe, short, one-line nickname (:data:`DEFAULT_NICK` if empty)."""
    return clean_line(raw, MAX_NICK_LENGTH) or DEFAULT_NICK


def clean_reason(raw: str) -> str:
    """A peer's reason for leaving or refusing, made one short, safe line."""
    return clean_line(raw, MAX_REASON_SHOWN)


def unique_nick(nick: str, taken: set[str]) -> str:
    """Return ``nick``, or ``nick (2)``, ``nick (3)``… whichever is not in ``taken``."""
    if nick not in taken:
        return nick
    number = 2
    while True:
        suffix = f" ({number})"
        candidate = nick[: MAX_NICK_LENGTH - len(suffix)].rstrip() + suffix
        if candidate not in taken:
            return candidate
        number += 1
