"""Sentences that state a finding, shared by chart titles, slide titles and the report,
so the dashboard and the exports say the same thing in the same words."""
from __future__ import annotations

from datetime import date

from vocab.levels import grade_name, level_name
from vocab.vnformat import fmt_date, fmt_pct, fmt_rate, fmt_score


def level_finding(level: str, value: float | None, target: float | None, lang: str = "vi",
                  expired_on: date | None = None) -> str:
    """'Cấp huyện đạt 72,4%, chưa đạt chỉ tiêu 80%' — a level's value against its target; a target
    that expired on `expired_on` is said to be expired, never met."""
    who = level_name(level, lang, capitalise=True)
    if value is None:
        return f"{who}: chưa có số liệu" if lang == "vi" else f"{who}: no data"
    reached = fmt_rate(value, target, lang)
    if target is None:
        return f"{who} đạt {reached}" if lang == "vi" else f"{who} at {reached}"
    goal = fmt_pct(target, lang, digits=0 if round(target * 100, 6).is_integer() else 1)
    if expired_on is not None:
        if lang == "vi":
            return f"{who} đạt {reached}; chỉ tiêu {goal} đã hết hạn {fmt_date(expired_on, lang)}"
        return f"{who} at {reached}; the {goal} target expired {fmt_date(expired_on, lang)}"
    if lang == "vi":
        verdict = "đạt" if value >= target else "chưa đạt"
        return f"{who} đạt {reached}, {verdict} chỉ tiêu {goal}"
    verdict = "meets" if value >= target else "below"
    return f"{who} at {reached}, {verdict} the {goal} target"


def indicator_sentence(
    indicator_name: str,
    level: str,
    value: float | None,
    target: float | None,
    doc_number: str | None,
    lang: str = "vi",
    expired_on: date | None = None,
) -> str:
    """A report sentence: 'Tỷ lệ ... cấp huyện đạt 72,4%, chưa đạt chỉ tiêu 80% của Kế hoạch
    648/KH-UBND.'; a target that expired on `expired_on` is said to be expired, never met."""
    where = level_name(level, lang)
    if value is None:
        if lang == "vi":
            return f"{indicator_name} {where}: chưa có số liệu."
        return f"{indicator_name} at {where}: no data."
    reached = fmt_rate(value, target, lang)
    if target is None:
        return f"{indicator_name} {where} đạt {reached}." if lang == "vi" else f"{indicator_name} at {where}: {reached}."
    goal = fmt_pct(target, lang, digits=0 if round(target * 100, 6).is_integer() else 1)
    source = f" của {document_kind(doc_number)} {doc_number}" if doc_number and lang == "vi" else ""
    if expired_on is not None:
        if lang == "vi":
            return f"{indicator_name} {where} đạt {reached}; chỉ tiêu {goal}{source} đã hết hạn ngày {fmt_date(expired_on, lang)}."
        return f"{indicator_name} at {where} is {reached}; the {goal} target of {doc_number} expired on {fmt_date(expired_on, lang)}."
    if lang == "vi":
        verdict = "đạt" if value >= target else "chưa đạt"
        return f"{indicator_name} {where} đạt {reached}, {verdict} chỉ tiêu {goal}{source}."
    verdict = "meeting" if value >= target else "below"
    return f"{indicator_name} at {where} is {reached}, {verdict} the {goal} target of {doc_number}."


def document_kind(doc_number: str) -> str:
    """Names the kind of document from its number: 648/KH-UBND is a Kế hoạch."""
    upper = doc_number.upper()
    if "/KH" in upper:
        return "Kế hoạch"
    if "/NQ" in upper:
        return "Nghị quyết"
    if "/QĐ" in upper or "/QD" in upper:
        return "Quyết định"
    return "văn bản"


def grade_legend(bands: list[dict], lang: str = "vi") -> str:
    """'Ngưỡng xếp loại: Xuất sắc từ 90 điểm; …; Yếu từ 0 điểm. Ngưỡng do tỉnh điền: <who> (<file>,
    mục 1, 2, 3, 4).' — the thresholds grades were given by, and who filled them in where no
    decision's text gives them (bands: the index_grade_bands query's rows, best first)."""
    given = [b for b in bands if _known(b.get("province_set_by"))]
    if lang == "en":
        text = "Grade thresholds: " + "; ".join(f"{grade_name(b['grade'], 'en')} from {fmt_score(b['min_score'], 'en')} points"
                                                for b in bands) + "."
        if given:
            entries = ", ".join(str(int(b["province_entry"])) for b in given)
            text += f" Thresholds set by the province: {given[0]['province_set_by']} ({given[0]['province_file']}, entries {entries})."
        return text
    text = "Ngưỡng xếp loại: " + "; ".join(f"{b['grade']} từ {fmt_score(b['min_score'])} điểm" for b in bands) + "."
    if given:
        entries = ", ".join(str(int(b["province_entry"])) for b in given)
        text += f" Ngưỡng do tỉnh điền: {given[0]['province_set_by']} ({given[0]['province_file']}, mục {entries})."
    return text


def _known(value) -> bool:
    return value is not None and value == value  # NaN: a column pandas read with no value
