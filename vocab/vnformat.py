"""Vietnamese numbers and text: NFC, "1.937" for 1937, "8,5%" for 8.5%, parse and print."""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, format_decimal, parse_pattern

LOCALES = {"vi": "vi_VN", "en": "en_US"}
# Parsed once: babel parses a locale's name and a pattern's text on every call given strings,
# two thirds of a call's time, and a page of a thousand units formats tens of thousands of cells.
_LOCALE_DATA = {lang: Locale.parse(code) for lang, code in LOCALES.items()}


def load_locale_data() -> None:
    """Reads babel's data of both languages now (~0.1 s in a server's process): a server calls it
    as it starts, so a committee member's first page does not wait for it."""
    for lang in LOCALES:
        fmt_points(0.0, lang)


@lru_cache(maxsize=64)
def _pattern(text: str) -> NumberPattern:
    return parse_pattern(text)


# The grouped patterns every rate and count is printed in, by their decimals: drawn without
# babel (fmt_decimal), which costs ~25 µs a number, ~20 ms of a page of a thousand units' cells.
_GROUPED = {"#,##0": 0, "#,##0.0": 1, "#,##0.00": 2}
# (group, decimal) marks, as babel's locale data gives them (tests/test_vnformat.py holds them equal)
_MARKS = {"vi": (".", ","), "en": (",", ".")}


def fmt_decimal(value: float, pattern: str, lang: str = "vi") -> str:
    """Gives a number in a babel pattern ('#,##0.0', '0.0000') as the language writes it."""
    digits = _GROUPED.get(pattern)
    if digits is not None and isinstance(value, (int, float)) and math.isfinite(value):
        return _grouped(value, digits, lang)
    return format_decimal(value, format=_pattern(pattern), locale=_LOCALE_DATA[lang])


def _grouped(value: float, digits: int, lang: str) -> str:
    """'#,##0' with `digits` zeros after the point, exactly as babel draws it: the number as
    written (str), rounded half-even, sign kept (-0,0 too), thousands grouped by three."""
    number = Decimal(str(value))
    rounded = abs(number).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)
    whole, _, fraction = f"{rounded:f}".partition(".")
    group, point = _MARKS[lang]
    text = f"{int(whole):,}".replace(",", group) + (point + fraction if digits else "")
    return "-" + text if number.is_signed() else text


def fmt_fixed(value: float, digits: int, lang: str = "vi") -> str:
    """Gives a number with `digits` decimals and no grouping (a coordinate: 13,7843), rounded as
    fmt_decimal rounds (half-even on the number as written); ~20× cheaper, for a map's thousand rows."""
    text = str(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN))
    return text.replace(".", ",") if lang == "vi" else text


def nfc(text: str) -> str:
    """Gives the text in Unicode NFC, the form every output uses."""
    return unicodedata.normalize("NFC", text)


def fmt_int(value: float | int | None, lang: str = "vi") -> str:
    """Gives a count as Vietnamese write it: 1.937 (English: 1,937); '–' for no value."""
    if value is None or value != value:
        return "–"
    grouped = f"{round(value):,}"  # what babel's '#,##0' gives in both locales, ~20× cheaper
    return grouped.replace(",", ".") if lang == "vi" else grouped


@lru_cache(maxsize=65536)
def fmt_pct(fraction: float | None, lang: str = "vi", digits: int = 1) -> str:
    """Gives a fraction as a percentage: 0.085 → '8,5%' (English '8.5%'); '–' for no value.
    Remembered: a page's table and chart print the same rates many times."""
    if fraction is None or fraction != fraction:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return fmt_decimal(fraction * 100, pattern, lang) + "%"


def fmt_rate(fraction: float | None, target: float | None, lang: str = "vi", digits: int = 1) -> str:
    """Gives a rate printed beside its target so that rounding never flips the comparison: a
    rate below its target never prints equal to or above it (0.5996 against 0.6 is '59,9%',
    not '60,0%'); otherwise as fmt_pct."""
    shown = fmt_pct(fraction, lang, digits)
    if fraction is None or fraction != fraction or target is None or target != target:
        return shown
    scale = 100 * 10 ** digits
    if fraction < target - 1e-9 and round(fraction * scale) >= round(target * scale):
        return fmt_pct(math.floor(fraction * scale + 1e-7) / scale, lang, digits)
    return shown


def fmt_points(delta: float | None, lang: str = "vi", digits: int = 1) -> str:
    """Gives a change of a rate in percentage points with its sign: '+2,3 điểm %'."""
    if delta is None or delta != delta:
        return "–"
    pattern = "+#,##0.0;-#,##0.0" if digits == 1 else "+#,##0;-#,##0"
    text = fmt_decimal(delta * 100, pattern, lang)
    return text + (" điểm %" if lang == "vi" else " pp")


def fmt_date(day: date, lang: str = "vi") -> str:
    """Gives a date as written in reports: 23/11/2026."""
    return format_date(day, format="dd/MM/yyyy", locale=LOCALES[lang])


def fmt_date_long(day: date) -> str:
    """Gives the administrative date line form: 'ngày 23 tháng 11 năm 2026'."""
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


@dataclass(frozen=True)
class ParsedCount:
    """A cell read as a count: value None with problem None means a blank cell."""

    value: int | None
    problem: str | None = None  # 'text', 'negative', 'fraction'


_BLANK = {"", "-", "–", "—"}
_GROUPED_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_GROUPED_COMMA = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$")
_GROUPED_SPACE = re.compile(r"^[+-]?\d{1,3}( \d{3})+$")


def parse_count(raw: object) -> ParsedCount:
    """Reads a cell as a whole count ≥ 0, accepting Vietnamese digit grouping ("12.500")."""
    if raw is None or isinstance(raw, bool):
        return ParsedCount(None, "text" if isinstance(raw, bool) else None)
    if type(raw) is float and raw.is_integer() and raw >= 0:  # the common case, read without Decimal
        return ParsedCount(int(raw))
    if type(raw) is int and raw >= 0:
        return ParsedCount(raw)
    if isinstance(raw, (int, float)):
        number = Decimal(str(raw))
    else:
        number = _parse_number_text(str(raw))
        if number is None:
            return ParsedCount(None, None if nfc(str(raw)).strip() in _BLANK else "text")
    if number < 0:
        return ParsedCount(None, "negative")
    if number != number.to_integral_value():
        return ParsedCount(None, "fraction")
    return ParsedCount(int(number))


def parse_rate(raw: object) -> float | None:
    """Reads '8,5%' or 0.085 as the fraction 0.085; None when it is no rate."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return float(raw)
    text = nfc(str(raw)).strip().replace("\u00a0", "")
    if not text.endswith("%"):
        return None
    number = _parse_number_text(text[:-1])
    return None if number is None else float(number) / 100


def _parse_number_text(text: str) -> Decimal | None:
    """Reads '1.937', '12 500', '8,5', '1937.0' as a number; a lone '.' or ',' before three
    digits is a thousands separator, the Vietnamese way."""
    text = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    if not text:
        return None
    if _GROUPED_DOT.match(text):
        text = text.replace(".", "")
    elif _GROUPED_SPACE.match(text):
        text = text.replace(" ", "")
    elif _GROUPED_COMMA.match(text) and text.count(",") > 1:
        text = text.replace(",", "")
    elif "," in text and "." in text:
        # 1.234,5 (Vietnamese) or 1,234.5 (English): the last separator is the decimal one.
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


_LETTERS = "a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z".split()
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_LETTERS)}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền, hỏi, ngã, sắc, nặng


_NUMBER_RANK = -10**15  # a run of digits ranks as its number, below every letter: Quận 2 < Quận 10
_OTHER_RANK = -2 * 10**15  # spaces and punctuation, by code point, below numbers


@lru_cache(maxsize=65536)
def vn_sort_key(text: str) -> tuple:
    """Gives a key that sorts names in Vietnamese alphabetical order (a < ă < â < b … d < đ),
    numbers by value (Quận 2 before Quận 10), tones deciding only between otherwise equal names;
    Python's byte order puts 'Ân' after 'Z'. Remembered: the same units are sorted on every page."""
    letters, tones = [], []
    for char in unicodedata.normalize("NFD", str(text).lower()):
        if char in _LETTER_MARKS and letters and isinstance(letters[-1], tuple):
            base = unicodedata.normalize("NFC", letters[-1][1] + char)
            letters[-1] = (_LETTER_RANK.get(base, 100), base)
        elif char in _TONES:
            tones.append(_TONES[char])
        elif char == "đ":
            letters.append((_LETTER_RANK["đ"], "đ"))
        elif char.isalpha():
            letters.append((_LETTER_RANK.get(char, 100 + ord(char)), char))
        elif char.isdecimal():
            if letters and isinstance(letters[-1], int):  # the run goes on: one number
                letters[-1] = letters[-1] * 10 + int(char)
            else:
                letters.append(int(char))
                tones.append(0)
        else:
            letters.append((_OTHER_RANK + ord(char), char))
            tones.append(0)
    return tuple(_NUMBER_RANK + item if isinstance(item, int) else item[0] for item in letters), tuple(tones)


@lru_cache(maxsize=16384)
def wrap(text: str, width: int = 22, most_lines: int | None = None) -> str:
    """Breaks a chart label into lines of about `width` characters (plotly's <br>), the same
    on a page and in an exported chart. The lines are balanced: as few lines as a greedy break
    gives, at the narrowest width that keeps that count, so no word ("60%") is left alone.
    With `most_lines`, a longer label keeps that many full lines and ends in "…" (a column
    header that must not run into its neighbour). Remembered: the same names and findings are
    wrapped on every page."""
    lines = _greedy_lines(text.split(), width)
    if most_lines and len(lines) > most_lines:
        return "<br>".join(lines[:most_lines - 1] + [lines[most_lines - 1] + "…"])
    narrowest = width
    while narrowest > 1 and len(_greedy_lines(text.split(), narrowest - 1)) == len(lines):
        narrowest -= 1
    return "<br>".join(_greedy_lines(text.split(), narrowest))


def _greedy_lines(words: list[str], width: int) -> list[str]:
    lines, line = [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return lines


def parse_score(raw: object) -> float | None:
    """Reads a published score: 86.94, '86,94', '1.000' (a thousand, the Vietnamese way); None
    when the cell holds no number."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return float(raw)
    number = _parse_number_text(nfc(str(raw or "")))
    return None if number is None else float(number)


SCORE_DECIMALS = 2  # as the national portal publishes a 766 score


def fmt_score(value: float, lang: str = "vi", fixed: bool = False) -> str:
    """Writes a score with up to two decimals: 83,63 (vi), 83.63 (en); 1.000 for a thousand.
    `fixed`: always two (79,20 beside 98,61), for a column or a ranking read down."""
    text = f"{value:,.{SCORE_DECIMALS}f}"
    if not fixed:
        text = text.rstrip("0").rstrip(".")
    return text.translate(str.maketrans(",.", ".,")) if lang == "vi" else text


def fmt_rank_change(places: float | None) -> str:
    """Gives a rank's movement since the previous period: ↑3 (three places up), ↓2, = (same);
    '–' when there was no previous rank (None, NaN, or pandas' NA of a nullable column)."""
    try:
        if places is None or math.isnan(places):
            return "–"
    except TypeError:  # pandas' NA: the first period scored has no movement
        return "–"
    places = int(round(places))
    return "=" if places == 0 else (f"↑{places}" if places > 0 else f"↓{-places}")
