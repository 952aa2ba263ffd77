"""Nicknames: one short, visible line; duplicates get a number."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gui_chat.protocol import MAX_NICK_LENGTH, normalize_nick, unique_nick
from gui_chat.protocol.names import DEFAULT_NICK

FUZZ = settings(max_examples=300, deadline=None, database=None)


def test_limits() -> None:
    assert MAX_NICK_LENGTH == 32
    assert DEFAULT_NICK == "guest"


@pytest.mark.parametrize("raw", ["", " ", "   \u3000 ", "\x00\x01", "\u200b\u200d", "\x1b[0m"])
def test_empty_becomes_guest(raw: str) -> None:
    assert normalize_nick(raw) == "guest"


def test_plain_nick_unchanged() -> None:
    assert normalize_nick("alice") == "alice"
    assert normalize_nick("Bob Smith") == "Bob Smith"
    assert normalize_nick("<b>x</b>") == "<b>x</b>"  # markup is the UI's business


def test_cjk_kept() -> None:
    assert normalize_nick("张三") == "张三"
    assert normalize_nick("山田 太郎") == "山田 太郎"
    assert normalize_nick("김철수") == "김철수"
    assert normalize_nick("emoji 🎉") == "emoji 🎉"


def test_long_nick_cut_to_the_limit() -> None:
    assert normalize_nick("a" * 10_000) == "a" * MAX_NICK_LENGTH
    assert normalize_nick("字" * 10_000) == "字" * MAX_NICK_LENGTH
    assert len(normalize_nick("ab " * 10_000)) <= MAX_NICK_LENGTH


def test_exactly_at_the_limit_kept() -> None:
    assert normalize_nick("n" * MAX_NICK_LENGTH) == "n" * MAX_NICK_LENGTH
    assert normalize_nick("n" * (MAX_NICK_LENGTH + 1)) == "n" * MAX_NICK_LENGTH


def test_cut_does_not_leave_trailing_space() -> None:
    assert normalize_nick("a" * (MAX_NICK_LENGTH - 1) + " bcd") == "a" * (MAX_NICK_LENGTH - 1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\x00b", "ab"),
        ("a\x07b\x08c", "abc"),
        ("a\x7fb", "ab"),
        ("a\x9bb", "ab"),  # C1 control
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b[1;32;40mgreen\x1b[m", "green"),
        ("x\x1b[2Jy", "xy"),
        ("x\x1bcy", "xcy"),  # lone ESC goes, the letter stays
        ("\x1b", "guest"),
        ("evil\u202etxt.exe", "eviltxt.exe"),  # right-to-left override
        ("\u202ded\u202c", "ed"),
        ("a\u200fb\u200ec", "abc"),  # RLM, LRM
        ("a\u2066b\u2069", "ab"),  # isolates
        ("a\u200bb", "ab"),  # zero-width space
        ("a\u200cb\u200dc", "abc"),  # ZWNJ, ZWJ
        ("\ufeffbom", "bom"),
        ("a\u2060b", "ab"),  # word joiner
        ("a\u00adb", "ab"),  # soft hyphen
        ("a\ue000b", "ab"),  # private use
        ("a\U000e0001b", "ab"),  # language tag
    ],
)
def test_invisible_characters_removed(raw: str, expected: str) -> None:
    assert normalize_nick(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a   b", "a b"),
        ("  padded  ", "padded"),
        ("a\u00a0b", "a b"),  # no-break space
        ("a\u3000\u3000b", "a b"),  # ideographic space
        ("a\u2003 \u2009b", "a b"),
    ],
)
def test_spaces_collapse(raw: str, expected: str) -> None:
    assert normalize_nick(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\nb", "a b"),
        ("a\tb", "a b"),
        ("a\r\n\tb", "a b"),
        ("first\nsecond\nthird", "first second third"),
        ("a\u2028b", "a b"),  # line separator
    ],
)
def test_newlines_and_tabs_become_one_space(raw: str, expected: str) -> None:
    assert normalize_nick(raw) == expected


def test_newlines_and_tabs_never_survive() -> None:
    for raw in ("a\nb", "a\tb", "a\r\nb", "\n\n", "x\vy\fz"):
        result = normalize_nick(raw)
        assert not any(c in result for c in "\n\r\t\v\f")


def test_nfc_composition() -> None:
    assert normalize_nick("Jose\u0301") == "José"
    assert normalize_nick("Jose\u0301") == normalize_nick("José")


def test_invisible_character_cannot_dodge_nfc() -> None:
    # "Jose\u200b\u0301" looks like "José" once the zero-width space is gone.
    assert normalize_nick("Jose\u200b\u0301") == normalize_nick("José")


@FUZZ
@given(st.text(max_size=400))
def test_normalize_nick_output_is_one_short_visible_line(raw: str) -> None:
    nick = normalize_nick(raw)
    assert 1 <= len(nick) <= MAX_NICK_LENGTH
    assert nick == nick.strip()
    assert "  " not in nick
    for char in nick:
        assert unicodedata.category(char) not in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
        assert not char.isspace() or char == " "
    assert "\x1b" not in nick


@FUZZ
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=100))
def test_normalize_nick_keeps_ordinary_text(raw: str) -> None:
    ordinary = "".join(c for c in raw if c.isalnum())
    # letters and digits that are already NFC come through untouched, cut to the limit
    if ordinary and unicodedata.is_normalized("NFC", ordinary):
        assert normalize_nick(ordinary) == ordinary[:MAX_NICK_LENGTH]


# --- unique_nick ------------------------------------------------------------------


def test_free_nick_unchanged() -> None:
    assert unique_nick("a", set()) == "a"
    assert unique_nick("a", {"b", "a (2)"}) == "a"


def test_taken_nick_gets_a_number() -> None:
    taken = {"a"}
    assert unique_nick("a", taken) == "a (2)"
    taken.add("a (2)")
    assert unique_nick("a", taken) == "a (3)"
    taken.add("a (3)")
    assert unique_nick("a", taken) == "a (4)"


def test_gap_is_reused() -> None:
    assert unique_nick("a", {"a", "a (3)"}) == "a (2)"


def test_does_not_modify_taken() -> None:
    taken = {"a"}
    unique_nick("a", taken)
    assert taken == {"a"}


def test_nick_at_max_length_stays_within_the_limit() -> None:
    nick = "x" * MAX_NICK_LENGTH
    taken = {nick}
    for number in range(2, 120):
        result = unique_nick(nick, taken)
        assert result.endswith(f" ({number})")
        assert len(result) == MAX_NICK_LENGTH
        assert result not in taken
        taken.add(result)


def test_cjk_nick_at_max_length() -> None:
    nick = "张" * MAX_NICK_LENGTH
    result = unique_nick(nick, {nick})
    assert result == "张" * (MAX_NICK_LENGTH - 4) + " (2)"


def test_many_duplicates_all_distinct() -> None:
    taken: set[str] = set()
    for _ in range(200):
        taken.add(unique_nick("bob", taken))
    assert len(taken) == 200
    assert "bob" in taken
    assert "bob (200)" in taken


@FUZZ
@given(
    st.text(min_size=1, max_size=MAX_NICK_LENGTH),
    st.sets(st.text(max_size=MAX_NICK_LENGTH), max_size=20),
)
def test_unique_nick_result_is_free_and_short(nick: str, others: set[str]) -> None:
    nick = normalize_nick(nick)  # the room only ever passes normalised nicknames
    taken = {nick} | others
    result = unique_nick(nick, taken)
    assert result not in taken
    assert len(result) <= MAX_NICK_LENGTH
    assert result.startswith(nick[: MAX_NICK_LENGTH - 5].rstrip())
