"""Unit names as people type them: prefixes, tone placement, NFC/NFD, 'Đăk'/'Đắk'.

Workbooks name the same unit many ways ("TP. Pleiku", "Thành phố Pleiku", "Vị Thuỷ",
"Vị Thủy", decomposed Unicode from macOS). Matching on a key that erases those
differences — but keeps the prefix apart, because the prefix is part of a unit's identity
(Huyện Cao Lãnh ≠ Thành phố Cao Lãnh) — is what lets a workbook's row find its unit.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from warehouse.sqlfiles import read_sql

from rapidfuzz import fuzz, process

__all__ = ["normalise_name", "fold_name", "split_prefix", "Match", "UnitMatcher", "UnitIndex", "ProvinceScope", "PREFIX_TYPES", "TYPE_PREFIX"]

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


@functools.lru_cache(maxsize=1 << 16)  # a load matches the same names period after period
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


@functools.lru_cache(maxsize=1 << 16)  # a load matches the same names period after period
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


@functools.lru_cache(maxsize=1 << 16)  # a load matches the same names period after period
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
class ProvinceScope:
    """The province a table is about: per era, the provinces (root unit keys) whose units are
    the only candidates, so namesakes elsewhere in the country are not."""

    name: str  # "Tỉnh Cao Bằng" (several joined by ", ")
    roots: tuple[tuple[str, frozenset[str]], ...]  # (era, {'old:04'}), (era, {'new:04'})
    new_codes: frozenset[str]  # the new provinces it lies in, to compare two scopes

    def roots_of(self, era: str) -> frozenset[str]:
        return next((keys for name, keys in self.roots if name == era), frozenset())

    def label(self, lang: str = "vi") -> str:
        """Gives where the search looked: "tỉnh Cao Bằng" / "the province of Cao Bằng"."""
        if lang == "vi":
            return self.name[:1].lower() + self.name[1:]
        return ", ".join(f"the province of {split_prefix(part)[1]}" for part in self.name.split(", "))


@dataclass(frozen=True)
class _Unit:
    key: str
    name: str
    unit_type: str
    level: str
    is_root: bool
    where: str  # the parent's name, to tell two same-named candidates apart
    province: str = ""  # the root's name: tables of one old province name its units without it
    era: str = ""
    province_key: str = ""  # the root of its own era ('old:04')
    new_root: str = ""  # its province on the new map ('new:04'), for old units too
    valid_from: date = date.min
    valid_to: date = date.max


_INDEX_CACHE_SIZE = 4


class UnitIndex:
    """Every unit of the warehouse, both eras, in dicts by code, name key, folded key and alias.

    Built once per warehouse content (the fingerprint of its units) and shared by every period
    and every load in the process: a period only filters the few candidates a key finds.
    `builds` counts the indexes built, so a test can tell a rebuild from a reuse."""

    builds = 0
    _cache: "OrderedDict[tuple, UnitIndex]" = OrderedDict()

    @classmethod
    def of(cls, con) -> "UnitIndex":
        """Gives the index of this warehouse's units, reused while the units are unchanged."""
        version = tuple(con.execute(read_sql("etl/sql/unit_index_version.sql")).fetchone())
        index = cls._cache.get(version)
        if index is None:
            index = cls(con.execute(read_sql("etl/sql/unit_index.sql")).fetchall())
            cls._cache[version] = index
            while len(cls._cache) > _INDEX_CACHE_SIZE:
                cls._cache.popitem(last=False)
        cls._cache.move_to_end(version)
        return index

    def __init__(self, rows: list[tuple]) -> None:
        UnitIndex.builds += 1
        self.names: dict[str, list[_Unit]] = defaultdict(list)
        self.folded: dict[str, list[_Unit]] = defaultdict(list)
        self.aliases: dict[str, list[_Unit]] = defaultdict(list)
        self.codes: dict[str, list[_Unit]] = defaultdict(list)
        self.bare_codes: dict[str, list[_Unit]] = defaultdict(list)
        # What the fuzzy search of the error path looks through, precomputed per province and era.
        self.keys_by_root: dict[str, dict[str, None]] = defaultdict(dict)
        self.keys_by_new_root: dict[str, dict[str, None]] = defaultdict(dict)
        self.keys_by_era: dict[str, dict[str, None]] = defaultdict(dict)
        self.era_spans: dict[str, tuple[date, date]] = {}
        self.new_provinces: dict[str, str] = {}  # 'new:52' -> 'Tỉnh Gia Lai'
        for (key, code, name, short, unit_type, level, is_root, parent, province_name, name_key, fold_key,
             era, valid_from, valid_to, province_key, new_root) in rows:
            unit = _Unit(key, name, unit_type, level, bool(is_root), parent, province_name, era,
                         province_key, new_root, valid_from, valid_to)
            name_key = name_key or normalise_name(short)
            self.names[name_key].append(unit)
            self.folded[fold_key or fold_name(short).replace(" ", "")].append(unit)
            self.codes[code.upper()].append(unit)
            if code.isdigit():
                self.bare_codes[code.lstrip("0") or "0"].append(unit)
            if unit_type == "agency":
                agency_code = code.split("-", 1)[1].upper()
                self.codes[agency_code].append(unit)
                self.aliases[normalise_name(agency_code)].append(unit)
                self.aliases[normalise_name(_initials(short))].append(unit)
            self.keys_by_root[province_key][name_key] = None
            self.keys_by_new_root[new_root][name_key] = None
            self.keys_by_era[era][name_key] = None
            first, last = self.era_spans.get(era, (valid_from, valid_to))
            self.era_spans[era] = (min(first, valid_from), max(last, valid_to))
            if is_root and era == "new":
                self.new_provinces[key] = name


class UnitMatcher:
    """Finds the unit a workbook means, among the units active on any day of a period.

    GSO reused codes and names across the 2025 reform, so a code or name names a unit only
    together with a date: the matcher is one period's view of the warehouse's UnitIndex
    (built once, shared), keeping the candidates active in the period and, when the table
    names its province, in that province."""

    def __init__(self, con, start: date, end: date, province: str | None = None,
                 scope: ProvinceScope | None = None, index: UnitIndex | None = None) -> None:
        """`province` (a new GSO code) keeps one new province's units, old and new;
        `scope` keeps the units of the province a table names, per era."""
        self.index = index or UnitIndex.of(con)
        self.start, self.end, self.scope = start, end, scope
        self._new_root = f"new:{province}" if province else None
        self._eras = [era for era, (first, last) in self.index.era_spans.items() if first <= end and last >= start]
        # the scope's provinces per era, looked up once (every candidate of every row asks)
        self._scope_roots = {era: scope.roots_of(era) for era in self.index.era_spans} if scope else {}

    def match_code(self, code: object, within: tuple[str, ...] = ()) -> Match:
        """Gives the unit with this code: GSO code with or without leading zeros, or agency code.
        `within` names the district or province the table is about (its header, a group row),
        which tells apart agency codes that every province shares."""
        text = unicodedata.normalize("NFC", str(code)).strip().upper()
        if re.fullmatch(r"\d+\.0+", text):
            text = text.split(".")[0]
        units = self._keep(self.index.codes.get(text)) or \
            (self._keep(self.index.bare_codes.get(text.lstrip("0") or "0")) if text.isdigit() else [])
        return self._decide(_narrow(units, within), lambda: [])

    def match_name(self, name: str, level_hint: str | None = None, within: tuple[str, ...] = ()) -> Match:
        """Gives the unit a written name means; a prefix, when written, must be the unit's type.
        `within` names the district or province the row sits under, which tells apart communes
        of one name in two districts ("Xã Ia Băng" of Đăk Đoa and of Chư Prông)."""
        prefix, short = split_prefix(name)
        norm = normalise_name(short)
        index = self.index
        units = self._keep(index.names.get(norm)) or self._keep(index.folded.get(fold_name(short).replace(" ", ""))) \
            or self._keep(index.aliases.get(norm))
        if level_hint:
            units = [u for u in units if u.level == level_hint]
        if prefix and units:
            typed = [u for u in units if u.unit_type in PREFIX_TYPES[prefix]]
            if not typed:
                return Match(None, _labels(units), "prefix_mismatch")
            units = typed
        return self._decide(_narrow(units, within), lambda: self._closest(norm, level_hint))

    def _keep(self, units: list[_Unit] | None) -> list[_Unit]:
        """Keeps the candidates active in the period and inside the scope."""
        if not units:
            return []
        start, end, scope, new_root = self.start, self.end, self.scope, self._new_root
        units = [u for u in units if u.valid_from <= end and u.valid_to >= start
                 and (new_root is None or u.new_root == new_root)]
        if scope is None or not units:
            return units
        # The province of that name in the unit's era first; else the new province it lies in
        # (the merged Gia Lai's department writes "TỈNH GIA LAI" over old Bình Định's history too).
        roots = self._scope_roots
        return [u for u in units if u.province_key in roots.get(u.era, ())] or \
            [u for u in units if u.new_root[4:] in scope.new_codes]

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
        """Gives the three nearest names among the keys of the scope searched (a province's few
        hundred when the table names one), not of the whole country."""
        index = self.index
        if self.scope is not None:
            buckets = [index.keys_by_root.get(root, {}) for era in self._eras for root in self.scope.roots_of(era)]
        elif self._new_root:
            buckets = [index.keys_by_new_root.get(self._new_root, {})]
        else:
            buckets = [index.keys_by_era.get(era, {}) for era in self._eras]
        keys = list(buckets[0]) if len(buckets) == 1 else list(dict.fromkeys(k for b in buckets for k in b))
        names: list[str] = []
        for key in _close_keys(norm, keys):
            for unit in self._keep(index.names[key]):
                if (level_hint is None or unit.level == level_hint) and unit.name not in names:
                    names.append(unit.name)
            if len(names) >= 3:
                break
        return names[:3]


def _close_keys(norm: str, keys: list[str], n: int = 12) -> list[str]:
    """Gives the n keys most like `norm` (the Indel ratio, as difflib's but in C: the whole
    country's ~11,000 names in milliseconds), best first."""
    return [key for key, _score, _i in process.extract(norm, keys, scorer=fuzz.ratio, limit=n)]


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
