"""Unit names as people type them: prefixes, tone placement, NFC/NFD, 'Đăk'/'Đắk'.

Workbooks name the same unit many ways ("TP. Pleiku", "Thành phố Pleiku", "Vị Thuỷ",
"Vị Thủy", decomposed Unicode from macOS). Matching on a key that erases those
differences — but keeps the prefix apart, because the prefix is part of a unit's identity
(Huyện Cao Lãnh ≠ Thành phố Cao Lãnh) — is what lets a workbook's row find its unit.
"""
from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise_name", "fold_name", "split_prefix", "PREFIX_TYPES", "TYPE_PREFIX"]

# unit_type -> the prefix written in front of the short name in official names.
TYPE_PREFIX: dict[str, str] = {
    "tinh": "Tỉnh",
    "thanh_pho_tw": "Thành phố",
    "thanh_pho": "Thành phố",
    "huyen": "Huyện",
    "thi_xa": "Thị xã",
    "quan": "Quận",
    "xa": "Xã",
    "phuong": "Phường",
    "thi_tran": "Thị trấn",
    "dac_khu": "Đặc khu",
}

# A prefix as written -> the unit types it may name ("Thành phố" is both a provincial
# city under the centre and a city inside a province).
PREFIX_TYPES: dict[str, frozenset[str]] = {
    "tinh": frozenset({"tinh"}),
    "thanh_pho": frozenset({"thanh_pho", "thanh_pho_tw"}),
    "huyen": frozenset({"huyen"}),
    "thi_xa": frozenset({"thi_xa"}),
    "quan": frozenset({"quan"}),
    "xa": frozenset({"xa"}),
    "phuong": frozenset({"phuong"}),
    "thi_tran": frozenset({"thi_tran"}),
    "dac_khu": frozenset({"dac_khu"}),
}

# Matched on the lower-cased NFC text. Full words need their diacritics, because
# "Quan Hóa" and "Quan Sơn" are real district names, not "Quận ...".
_PREFIX_RE = re.compile(
    r"^\s*(?:"
    r"(?P<thanh_pho>thành\s+phố\s+|t\.?p\.\s*|tp\s+)|"
    r"(?P<thi_xa>thị\s+xã\s+|t\.?x\.\s*|tx\s+)|"
    r"(?P<thi_tran>thị\s+trấn\s+|t\.?t\.\s*|tt\s+)|"
    r"(?P<dac_khu>đặc\s+khu\s+)|"
    r"(?P<tinh>tỉnh\s+)|"
    r"(?P<huyen>huyện\s+|h\.\s*)|"
    r"(?P<quan>quận\s+|q\.\s*|q(?=\d))|"
    r"(?P<phuong>phường\s+|p\.\s*|p(?=\d))|"
    r"(?P<xa>xã\s+|x\.\s*)"
    r")(?=\S)"
)

_TONES = {"\u0300": "2", "\u0301": "1", "\u0303": "4", "\u0309": "3", "\u0323": "5"}
_STOP_FINAL = re.compile(r"(?:p|t|c|k|ch)$")
_HAS_VOWEL = re.compile(r"[aeiouy]")
_LONE_Y = re.compile(r"^(?:qu|[bcdghklmnprstvx]+)y$")
# Central-Highlands names transcribed from minority languages: "Đăk", "Đắk", "Đắc",
# "Dak" are one syllable in official and everyday writing.
_DAK_BASES = {"đăk", "đăc", "dak", "đak", "dăk", "đac"}
# "Xã Tam Xuân I" is written "Tam Xuân 1" as often; "vi" and "xi" are left out: syllables.
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vii": 7, "viii": 8, "ix": 9, "x": 10}
# Abbreviations written inside names: "Thị trấn NT Mộc Châu" = "Thị trấn Nông trường Mộc Châu".
_WORD_ALIASES = {"nt": "nông trường"}


def split_prefix(text: str) -> tuple[str | None, str]:
    """Gives (unit_type of the prefix or None, the short name) of a written unit name.

    "TP. Pleiku" → ("thanh_pho", "Pleiku"); "Chư Sê" → (None, "Chư Sê"). The type is the
    prefix's own ('thanh_pho' also stands for a centrally run city: see PREFIX_TYPES).
    """
    clean = " ".join(unicodedata.normalize("NFC", text).split())
    found = _PREFIX_RE.match(clean.lower())
    if not found:
        return None, clean
    return found.lastgroup, clean[found.end():].strip()


def normalise_name(text: str) -> str:
    """Gives a comparison key of a name: same key despite case, spacing, NFC/NFD, tone placement.

    The key is not for display. Each word keeps its vowel marks (ă, â, ê, ô, ơ, ư, đ) and
    carries its tone as a trailing digit, so "Hoà"/"Hòa" and "Thuỷ"/"Thủy" meet; numbers
    lose leading zeros ("Phường 01" = "Phường 1"); punctuation becomes space, '&' vanishes
    ("TT&TT" = "TTTT"), dots vanish ("N.T" = "NT" = "Nông trường"); a lone final y after a
    consonant is i ("Quý" = "Quí").
    """
    decomposed = unicodedata.normalize("NFD", text.lower()).replace("&", "").replace(".", "")
    words = re.sub(r"[^\w\u0300-\u036f]+", " ", decomposed).split()
    words = [part for word in words for part in _WORD_ALIASES.get(word, word).split()]
    return " ".join(_word_key(unicodedata.normalize("NFD", word)) for word in words)


def fold_name(text: str) -> str:
    """Gives the name with no diacritics at all: the key of last resort for typed ASCII."""
    key = normalise_name(text)
    plain = unicodedata.normalize("NFD", key).replace("đ", "d")
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(re.sub(r"(?<=[a-z])[1-5]$", "", word) for word in plain.split())


def _word_key(word: str) -> str:
    """Gives one word's key: its letters without tone, then the tone's digit."""
    if word.isdigit():
        return str(int(word))
    if word in _ROMAN:
        return str(_ROMAN[word])
    tone = ""
    letters = []
    for ch in word:
        if ch in _TONES:
            tone = _TONES[ch]
        else:
            letters.append(ch)
    base = unicodedata.normalize("NFC", "".join(letters))
    if base in _DAK_BASES and tone in ("", "1"):
        return "đăk1"
    ascii_base = _ascii(base)
    # Old and new spelling of a lone final i/y after a consonant: "Quí"/"Quý", "Kì"/"Kỳ", "Lí"/"Lý".
    if _LONE_Y.match(ascii_base):
        base, ascii_base = base[:-1] + "i", ascii_base[:-1] + "i"
    # A syllable closed by p/t/c/ch/k only takes the sắc or nặng tone in Vietnamese, so an
    # unmarked one ("Đăk Lăk") is a spelling of sắc ("Đắk Lắk").
    if not tone and _STOP_FINAL.search(ascii_base) and _HAS_VOWEL.search(ascii_base):
        tone = "1"
    return base + tone


def _ascii(text: str) -> str:
    """Gives the text without any diacritic, đ as d."""
    plain = unicodedata.normalize("NFD", text).replace("đ", "d")
    return "".join(ch for ch in plain if not unicodedata.combining(ch))
