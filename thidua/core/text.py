"""Vietnamese text helpers: diacritic-insensitive folding and Vietnamese collation.

Pure module (no Django): search keys are stored folded so that "lang son", "Lang Son" and
"Lạng Sơn" all match, and lists sort in the Vietnamese alphabet (a ă â b c d đ e ê …), with
tones as a secondary key in dictionary order (ngang, huyền, hỏi, ngã, sắc, nặng).
"""

from __future__ import annotations

import re
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


# --------------------------------------------------------------------------- legacy encodings

# Latin-1 letters that Vietnamese written in Unicode never uses: text typed in a legacy
# Vietnamese font and read as Latin-1 / Windows-1252 is full of them. TCVN3 (ABC, fonts .VnTime…)
# puts ă â ê ô ơ ư đ and the toned lower-case letters at 0xA1–0xFE, so "Đoàn" reads "§oµn" and
# "Việt" "ViÖt"; VNI (fonts VNI-Times…) writes the marks as separate letters after the vowel, so
# "Việt" reads "Vieät" and "Đoàn" "Ñoaøn".
_NOT_VIETNAMESE_LATIN1 = frozenset(
    chr(c) for c in range(0xA1, 0x100) if chr(c) not in "àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ×÷"
) - {"\xad", "°", "±", "²", "³", "´", "·", "º", "ª", "«", "»", "¼", "½", "¾", "§", "©", "®", "¿", "¡"}
_TCVN3_ONLY = frozenset("¡¢£¤¥¦§¨©ª«¬®µ¶·¸¹»¼½¾")
_VIETNAMESE_ONLY = frozenset("ăđơưĂĐƠƯ") | frozenset(chr(c) for c in range(0x1EA0, 0x1EFA))


# VNI writes a mark as a letter after its vowel: pairs no Vietnamese word has in Unicode
# ("Nguyeãn", "Vaên", "hoaù"), even where each letter alone is a Vietnamese one.
_VNI_PAIRS = re.compile(r"[aeoAEO][âêôÂÊÔ]|[aeiouyAEIOUY][ùõÙÕ]")


def _tells(text: str) -> tuple[int, int, bool, str]:
    """(legacy marks, real Vietnamese letters, any TCVN3-only symbol, a sample word) of one text."""
    odd = real = 0
    tcvn3 = False
    sample = ""
    for word in text.split():
        pairs = len(_VNI_PAIRS.findall(word))
        odd += pairs
        if pairs:
            sample = sample or word
        for i, ch in enumerate(word):
            if ch in _VIETNAMESE_ONLY:
                real += 1
                continue
            if ch not in _NOT_VIETNAMESE_LATIN1 and ch not in _TCVN3_ONLY:
                continue
            before = word[i - 1] if i else ""
            after = word[i + 1] if i + 1 < len(word) else ""
            if (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha()):
                odd += 1
                tcvn3 = tcvn3 or ch in _TCVN3_ONLY
                sample = sample or word
    return odd, real, tcvn3, sample


def legacy_vietnamese(texts: list[str] | tuple[str, ...]) -> tuple[str, str] | None:
    """("TCVN3" or "VNI", a sample word) when `texts` (cells, or lines) look like Vietnamese typed
    in a legacy 8-bit font, None otherwise.

    The tells are a symbol or a non-Vietnamese Latin-1 letter glued to ASCII letters ("ViÖt",
    "§oµn", "Ñoaøn") and VNI's impossible vowel pairs ("Vieät", "Nguyeãn"). Legacy text is found
    when two cells are each full of tells with no real Vietnamese letter (data typed in a legacy
    font under the template's Unicode headers), or when the tells outnumber the real letters of
    the whole file; a foreign name like "Müller" among Vietnamese names does not trip it."""
    odd = real = legacy_cells = 0
    tcvn3 = False
    sample = ""
    for text in texts:
        cell_odd, cell_real, cell_tcvn3, cell_sample = _tells(text)
        odd, real = odd + cell_odd, real + cell_real
        if cell_odd:
            tcvn3 = tcvn3 or cell_tcvn3
            sample = sample or cell_sample
        if cell_odd >= 2 and not cell_real:
            legacy_cells += 1
    if legacy_cells >= 2 or (odd >= 3 and odd > real):
        return ("TCVN3" if tcvn3 else "VNI"), sample[:40]
    return None


# --------------------------------------------------------------------------- look-alike codes


def code_problem(code: str) -> str | None:
    """Why `code` cannot be a code (None when it can): codes are compared as typed, so a hidden
    character, a letter from another script that looks Latin (Cyrillic "А", Greek "Ο") or a
    full-width form would make a second code that reads the same as an existing one."""
    for ch in code:
        category = unicodedata.category(ch)
        if category in {"Cf", "Cc", "Co", "Cn", "Zs", "Zl", "Zp"}:
            return "hidden"
        if category.startswith("L") and not unicodedata.name(ch, "").startswith("LATIN"):
            return "script"
        if category.startswith("N") and not ch.isascii():
            return "script"
    if unicodedata.normalize("NFKC", code) != code:
        return "compat"
    return None
