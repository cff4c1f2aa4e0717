"""Unit names as people type them: prefixes, tone placement, NFC/NFD, 'Đăk'/'Đắk'.

Workbooks name the same unit many ways ("TP. Pleiku", "Thành phố Pleiku", "Vị Thuỷ",
"Vị Thủy", decomposed Unicode from macOS). Matching on a key that erases those
differences — but keeps the prefix apart, because the prefix is part of a unit's identity
(Huyện Cao Lãnh ≠ Thành phố Cao Lãnh) — is what lets a workbook's row find its unit.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

__all__ = ["normalise_name", "fold_name", "split_prefix", "Match", "UnitMatcher", "PREFIX_TYPES", "TYPE_PREFIX"]

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


@dataclass(frozen=True)
class Match:
    """What a code or name found: a unit_key, or None with a reason and the names to offer."""

    unit_key: str | None
    candidates: list[str] = field(default_factory=list)
    reason: str | None = None  # 'not_found', 'ambiguous', 'prefix_mismatch'


@dataclass(frozen=True)
class _Unit:
    key: str
    name: str
    unit_type: str
    level: str
    is_root: bool
    where: str  # the parent's name, to tell two same-named candidates apart
    province: str = ""  # the root's name: tables of one old province name its units without it


_ACTIVE_UNITS = """
SELECT u.unit_key, u.unit_code, u.unit_name, u.short_name, u.unit_type, u.level, u.is_root,
       coalesce(p.unit_name, '') AS parent_name, coalesce(r.unit_name, '') AS province_name,
       u.name_key, u.fold_key
FROM units u LEFT JOIN units p ON p.unit_key = u.parent_key LEFT JOIN units r ON r.unit_key = u.province_key
WHERE u.valid_from <= $end AND u.valid_to >= $start
  AND ($province IS NULL OR EXISTS (
      SELECT 1 FROM unit_ancestors a WHERE a.unit_key = u.unit_key AND a.ancestor_key = 'new:' || $province))
"""


class UnitMatcher:
    """Finds the unit a workbook means, among the units active on any day of a period.

    GSO reused codes and names across the 2025 reform, so a code or name names a unit only
    together with a date: the matcher is built for one period. Its lookups are dicts built
    once, so matching a few thousand rows takes milliseconds.
    """

    def __init__(self, con, start: date, end: date, province: str | None = None) -> None:
        """Loads the units active in [start, end]; `province` (a new GSO code) keeps one province's."""
        rows = con.execute(_ACTIVE_UNITS, {"start": start, "end": end, "province": province}).fetchall()
        self._names: dict[str, list[_Unit]] = defaultdict(list)
        self._folded: dict[str, list[_Unit]] = defaultdict(list)
        self._aliases: dict[str, list[_Unit]] = defaultdict(list)
        self._codes: dict[str, list[_Unit]] = defaultdict(list)
        self._bare_codes: dict[str, list[_Unit]] = defaultdict(list)
        for key, code, name, short, unit_type, level, is_root, parent, province_name, name_key, fold_key in rows:
            unit = _Unit(key, name, unit_type, level, bool(is_root), parent, province_name)
            self._names[name_key or normalise_name(short)].append(unit)
            self._folded[fold_key or fold_name(short).replace(" ", "")].append(unit)
            self._codes[code.upper()].append(unit)
            if code.isdigit():
                self._bare_codes[code.lstrip("0") or "0"].append(unit)
            if unit_type == "agency":
                agency_code = code.split("-", 1)[1].upper()
                self._codes[agency_code].append(unit)
                self._aliases[normalise_name(agency_code)].append(unit)
                self._aliases[normalise_name(_initials(short))].append(unit)
        self._closest_keys = list(self._names)

    def match_code(self, code: object, within: tuple[str, ...] = ()) -> Match:
        """Gives the unit with this code: GSO code with or without leading zeros, or agency code.
        `within` names the district or province the table is about (its header, a group row),
        which tells apart agency codes that every province shares."""
        text = unicodedata.normalize("NFC", str(code)).strip().upper()
        if re.fullmatch(r"\d+\.0+", text):
            text = text.split(".")[0]
        units = self._codes.get(text) or (self._bare_codes.get(text.lstrip("0") or "0") if text.isdigit() else None)
        return self._decide(_narrow(units or [], within), lambda: [])

    def match_name(self, name: str, level_hint: str | None = None, within: tuple[str, ...] = ()) -> Match:
        """Gives the unit a written name means; a prefix, when written, must be the unit's type.
        `within` names the district or province the row sits under, which tells apart communes
        of one name in two districts ("Xã Ia Băng" of Đăk Đoa and of Chư Prông)."""
        prefix, short = split_prefix(name)
        norm = normalise_name(short)
        units = self._names.get(norm) or self._folded.get(fold_name(short).replace(" ", "")) or self._aliases.get(norm) or []
        if level_hint:
            units = [u for u in units if u.level == level_hint]
        if prefix and units:
            typed = [u for u in units if u.unit_type in PREFIX_TYPES[prefix]]
            if not typed:
                return Match(None, _labels(units), "prefix_mismatch")
            units = typed
        return self._decide(_narrow(units, within), lambda: self._closest(norm, level_hint))

    def _decide(self, units: list[_Unit], closest: Callable[[], list[str]]) -> Match:
        if not units:
            return Match(None, closest(), "not_found")
        if len(units) > 1:
            # The province itself reports nothing: a bare name meaning both it and a unit is the unit.
            units = [u for u in units if not u.is_root] or units
        if len({u.key for u in units}) == 1:
            return Match(units[0].key)
        return Match(None, _labels(units), "ambiguous")

    def _closest(self, norm: str, level_hint: str | None) -> list[str]:
        keys = difflib.get_close_matches(norm, self._closest_keys, n=12, cutoff=0)
        names: list[str] = []
        for key in keys:
            for unit in self._names[key]:
                if (level_hint is None or unit.level == level_hint) and unit.name not in names:
                    names.append(unit.name)
        return names[:3]


def _narrow(units: list[_Unit], within: tuple[str, ...]) -> list[_Unit]:
    """Keeps the candidates under a named district or province, when that leaves any."""
    if len(units) < 2 or not within:
        return units
    wanted = {normalise_name(split_prefix(hint)[1]) for hint in within if hint}
    kept = [u for u in units if {normalise_name(split_prefix(u.where)[1]), normalise_name(split_prefix(u.province)[1])} & wanted]
    return kept or units


def _labels(units: list[_Unit]) -> list[str]:
    """Gives candidate names, each with its parent's name where two would read the same."""
    names = [u.name for u in units]
    return [f"{u.name} ({u.where})" if names.count(u.name) > 1 and u.where else u.name for u in units]


def _initials(name: str) -> str:
    """Gives an agency's short form: "Sở Thông tin và Truyền thông" → "Sở TTTT" (as "Sở TT&TT")."""
    words = [w for w in re.split(r"[\s,\-]+", name) if w]
    if len(words) < 2:
        return name
    rest = [w for w in words[1:] if w.lower() != "và"]
    return words[0] + " " + "".join(w[0] for w in rest)
