"""Vietnamese text helpers: diacritic-insensitive folding and Vietnamese collation.

Pure module (no Django): search keys are stored folded so that "lang son", "Lang Son" and
"Lạng Sơn" all match, and lists sort in the Vietnamese alphabet (a ă â b c d đ e ê …), with
tones as a secondary key in dictionary order (ngang, huyền, hỏi, ngã, sắc, nặng).
"""

from __future__ import annotations

import unicodedata

_TONE_MARKS = {
    "\u0300": 1,  # huyền
    "\u0309": 2,  # hỏi
    "\u0303": 3,  # ngã
    "\u0301": 4,  # sắc
    "\u0323": 5,  # nặng
}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}


def fold(text: str | None) -> str:
    """Lower-case, strip every diacritic (đ → d) and squeeze white space."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.split())


def _split_letter(ch: str) -> tuple[str, int]:
    """Return the base letter (keeping ă â ê ô ơ ư đ) and the tone number of one character."""
    decomposed = unicodedata.normalize("NFD", ch)
    base = decomposed[0]
    tone = 0
    letter_marks = ""
    for mark in decomposed[1:]:
        if mark in _TONE_MARKS:
            tone = _TONE_MARKS[mark]
        elif mark in _LETTER_MARKS:
            letter_marks += mark
    letter = unicodedata.normalize("NFC", base + letter_marks)
    return letter, tone


def sort_key(text: str | None) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A key that orders strings as a Vietnamese dictionary does. Total over any Unicode text."""
    if not text:
        return ((), ())
    primary: list[int] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFC", text.lower()):
        letter, tone = _split_letter(ch)
        # Only decimal digits have a value: "²" or "Ⅻ" answer isdigit() yet int() refuses them.
        digit = unicodedata.decimal(letter, None) if len(letter) == 1 else None
        if letter in _RANK:
            primary.append(100 + _RANK[letter])
        elif digit is not None:
            primary.append(10 + digit)
        elif letter.isspace():
            primary.append(1)
        else:
            # A letter mark on a non-Vietnamese base ("x̂") stays two code points after NFC.
            primary.extend(200 + ord(c) for c in letter)
        tones.append(tone)
    return tuple(primary), tuple(tones)


def matches(query: str, *texts: str | None) -> bool:
    """True when every folded word of the query occurs in one of the folded texts."""
    words = fold(query).split()
    haystack = " ".join(fold(t) for t in texts)
    return all(w in haystack for w in words)
