"""The exports' words, Vietnamese first, English second; level and status names come from
vocab.findings so every output says what the dashboard says."""
from __future__ import annotations

from typing import NamedTuple

from vocab.levels import LEVEL_COLOURS, STATUS_NAMES, level_name  # noqa: F401 (the deck draws levels in the dashboard's colours)
from vocab.periods import parse_code
from vocab.vnformat import fmt_int

WORDS = {
    "vi": {
        "deck_title": "Kết quả thực hiện các chỉ tiêu\nChính quyền điện tử, chuyển đổi số",
        "report_subject": "Kết quả thực hiện các chỉ tiêu Chính quyền điện tử, chuyển đổi số",
        "summary_title": "Chỉ tiêu đạt: {by_level} – {period}",
        "counted_as": "Đếm theo từng chỉ tiêu ở từng cấp: {total} lượt chỉ tiêu × cấp.",
        "summary_no_targets": "Chưa có chỉ tiêu nào có số liệu – {period}",
        "completeness": "Tình hình gửi báo cáo",
        "no_data_list": "Chưa có số liệu: ",
        "partial_line": "Số liệu một phần (chưa đủ đơn vị báo cáo): {parts}.",
        "units_of": "{reporting}/{expected} đơn vị",
        "no_data_levels": "Chưa đơn vị nào báo cáo: {levels}.",
        "completeness_line": "Đã báo cáo {reported}/{expected} đơn vị ({rate}), đúng hạn {on_time_units}/{expected} ({on_time})",
        "level": "Cấp",
        "unit": "Đơn vị",
        "unit_code": "Mã",
        "parent": "Trực thuộc",
        "expected": "Phải báo cáo",
        "reported": "Đã báo cáo",
        "on_time": "Đúng hạn",
        "rate": "Tỷ lệ",
        "on_time_rate": "Tỷ lệ đúng hạn",
        "total": "Toàn tỉnh",
        "indicator": "Chỉ tiêu",
        "value": "Thực hiện",
        "target": "Chỉ tiêu",
        "status": "Đánh giá",
        "plan": "Văn bản giao chỉ tiêu",
        "deadline": "Thời hạn",
        "numerator": "Tử số",
        "denominator": "Mẫu số",
        "units_reporting": "Đơn vị có số liệu",
        "period": "Kỳ",
        "due_date": "Hạn báo cáo",
        "actual_vs_target": "Thực hiện so với chỉ tiêu theo cấp",
        "slide_basis": "{period} · đơn vị có số liệu: {coverage}",
        "trend": "Diễn biến theo quý",
        "target_of": "Chỉ tiêu {level}",
        "lagging_title": "{count} đơn vị chưa đạt ít nhất một chỉ tiêu",
        "lagging_none": "Không có đơn vị nào chưa đạt chỉ tiêu",
        "indicators_behind": "Số chỉ tiêu chưa đạt",
        "worst": "Chỉ tiêu cách xa nhất",
        "gap": "Còn thiếu",
        "and_more": "… và {count} đơn vị khác (xem bảng tính)",
        "missing_title": "{count} đơn vị chưa gửi báo cáo {period}",
        "missing_none": "Tất cả đơn vị đã gửi báo cáo {period}",
        "summary_sheet": "Tổng hợp",
        "completeness_sheet": "Gửi báo cáo",
        "missing_sheet": "Chưa báo cáo",
        "lagging_sheet": "Đơn vị chưa đạt",
        "comments_sheet": "Ghi chú",
        "index_sheet": "Chỉ số {index}",
        "index_groups_sheet": "Chỉ số {index} - nhóm",
        "index_head": "{name}, {period} (số liệu tính đến ngày {as_of}); phiên bản {version}: {source}",
        "index_columns": ["Cấp", "Mã đơn vị", "Đơn vị", "Điểm", "Điểm tối đa", "Xếp loại", "Hạng trong cấp", "Thay đổi hạng"],
        "index_group_columns": ["Cấp", "Mã đơn vị", "Đơn vị", "Nhóm", "Điểm", "Điểm tối đa", "Nguồn"],
        "index_coverage": "{level}: {scored}/{expected} đơn vị được chấm điểm",
        "index_ungraded": "Chưa xếp loại: tỉnh chưa điền ngưỡng xếp loại (govkpi index-settings).",
        "index_ungraded_short": "chưa xếp loại",
        "index_slide_title": "Chỉ số {index} {level}, {period}: {scored}/{expected} đơn vị, điểm trung bình {mean}",
        "index_grades": "Phân bố xếp loại",
        "index_top": "Cao nhất",
        "index_bottom": "Thấp nhất",
        "index_groups_slide": "{name}, {period}: điểm từng nhóm so với điểm tối đa",
        "index_rank": "Hạng",
        "index_movement": "Thay đổi",
        "index_score": "Điểm",
        "index_group": "Nhóm",
        "index_max": "Tối đa",
        "index_units": "Số đơn vị",
        "comments_head": "Ghi chú về số liệu",
        "comments_columns": ["Chỉ tiêu", "Mã đơn vị", "Đơn vị", "Cấp", "Ghi chú", "Người ghi", "Thời điểm"],
        "made_on": "Ngày lập",
        "province": "Tỉnh",
        "source_note": "Số liệu từ kho dữ liệu govkpi (các view công khai level_progress, target_progress, reporting_completeness, missing_reports).",
        "era_note": "Các kỳ trước và sau ngày 01/7/2025 thuộc hai hệ thống đơn vị hành chính khác nhau, nên không ghép chung.",
        "notes_level": "{level}: {value} ({numerator}/{denominator}); chỉ tiêu {target} ({doc}); {status}; {reporting}/{expected} đơn vị có số liệu.",
        "notes_trend": "Diễn biến theo quý:",
        "notes_summary": "Số chỉ tiêu theo cấp: đạt {met}, gần đạt {near}, chưa đạt {behind}, chưa có số liệu {no_data}, hết hạn {expired} (tổng {total}).",
        "status_names": STATUS_NAMES["vi"],
    },
    "en": {
        "deck_title": "E-government and digital transformation\ntargets: results",
        "report_subject": "Results against the e-government and digital transformation targets",
        "summary_title": "Targets met: {by_level} – {period}",
        "counted_as": "Counted per indicator and level: {total} indicator × level pairs.",
        "summary_no_targets": "No target has data yet – {period}",
        "completeness": "Reporting",
        "no_data_list": "No data: ",
        "partial_line": "Partial data (too few units reported): {parts}.",
        "units_of": "{reporting}/{expected} units",
        "no_data_levels": "No unit reported: {levels}.",
        "completeness_line": "{reported}/{expected} units reported ({rate}), on time {on_time_units}/{expected} ({on_time})",
        "level": "Level",
        "unit": "Unit",
        "unit_code": "Code",
        "parent": "Under",
        "expected": "Expected",
        "reported": "Reported",
        "on_time": "On time",
        "rate": "Rate",
        "on_time_rate": "On-time rate",
        "total": "Whole province",
        "indicator": "Indicator",
        "value": "Actual",
        "target": "Target",
        "status": "Status",
        "plan": "Plan",
        "deadline": "Deadline",
        "numerator": "Numerator",
        "denominator": "Denominator",
        "units_reporting": "Units with data",
        "period": "Period",
        "due_date": "Due date",
        "actual_vs_target": "Actual against target by level",
        "slide_basis": "{period} · units with data: {coverage}",
        "trend": "Quarterly trend",
        "target_of": "Target, {level}",
        "lagging_title": "{count} units behind on at least one target",
        "lagging_none": "No unit is behind its targets",
        "indicators_behind": "Targets behind",
        "worst": "Furthest target",
        "gap": "Gap",
        "and_more": "… and {count} more units (see the workbook)",
        "missing_title": "{count} units have not reported for {period}",
        "missing_none": "Every unit has reported for {period}",
        "summary_sheet": "Summary",
        "completeness_sheet": "Reporting",
        "missing_sheet": "Not reported",
        "lagging_sheet": "Units behind",
        "comments_sheet": "Comments",
        "index_sheet": "Index {index}",
        "index_groups_sheet": "Index {index} - groups",
        "index_head": "{name}, {period} (as of {as_of}); version {version}: {source}",
        "index_columns": ["Level", "Unit code", "Unit", "Score", "Maximum", "Grade", "Rank in level", "Movement"],
        "index_group_columns": ["Level", "Unit code", "Unit", "Group", "Score", "Maximum", "Source"],
        "index_coverage": "{level}: {scored}/{expected} units scored",
        "index_ungraded": "Not graded: the province has not filled in the grade thresholds (govkpi index-settings).",
        "index_ungraded_short": "not graded",
        "index_slide_title": "Index {index}, {level}, {period}: {scored}/{expected} units, mean score {mean}",
        "index_grades": "Grades",
        "index_top": "Best",
        "index_bottom": "Worst",
        "index_groups_slide": "{name}, {period}: each group against its maximum",
        "index_rank": "Rank",
        "index_movement": "Movement",
        "index_score": "Score",
        "index_group": "Group",
        "index_max": "Maximum",
        "index_units": "Units",
        "comments_head": "Comments on the figures",
        "comments_columns": ["Indicator", "Unit code", "Unit", "Level", "Comment", "By", "When"],
        "made_on": "Made on",
        "province": "Province",
        "source_note": "Figures from the govkpi warehouse (public views level_progress, target_progress, reporting_completeness, missing_reports).",
        "era_note": "Periods before and after 1 July 2025 belong to two different sets of administrative units and are not joined.",
        "notes_level": "{level}: {value} ({numerator}/{denominator}); target {target} ({doc}); {status}; {reporting}/{expected} units with data.",
        "notes_trend": "Quarterly trend:",
        "notes_summary": "Targets by level: met {met}, near {near}, behind {behind}, no data {no_data}, expired {expired} (total {total}).",
        "status_names": STATUS_NAMES["en"],
    },
}

class NumberFormats(NamedTuple):
    """Office number formats tagged with the language's locale, so a viewer that honours the tag
    prints a Vietnamese file "1.937" and "8,5%" (LCID 0x042A) and an English one "1,937" and
    "8.5%" (0x0409), whatever the viewer's own language."""

    count: str
    pct: str   # one decimal: a value
    pct0: str  # none: a target
    score: str
    score1: str  # a score on a chart, one decimal


def number_formats(lang: str) -> NumberFormats:
    tag = "[$-409]" if lang == "en" else "[$-42A]"
    return NumberFormats(f"{tag}#,##0", f"{tag}0.0%", f"{tag}0%", f"{tag}#,##0.00", f"{tag}0.0")


TARGET_COLOUR = "#595959"
# A target is drawn as an outline in TARGET_COLOUR, not a filled bar: the value of an expired
# target is filled in STATUS_COLOURS['expired'], another dark grey, and must not pass for one.
TARGET_OUTLINE_PT = 2.0


def words(lang: str) -> dict:
    return WORDS["vi" if lang not in WORDS else lang]


def status_name(status: str | None, lang: str) -> str:
    return words(lang)["status_names"].get(status or "no_data", status or "")


def level_label(level: str, lang: str) -> str:
    """'Cấp tỉnh'; 'Toàn tỉnh' for the total row."""
    if level == "total":
        return words(lang)["total"]
    return level_name(level, lang, capitalise=True)


def partial_line(model) -> str:
    """'Số liệu một phần (…): cấp xã 1/149 đơn vị. Chưa đơn vị nào báo cáo: cấp tỉnh.', or ''
    when every level is covered."""
    w = words(model.lang)
    levels = model.partial_levels()
    parts = [f"{level_label(level, model.lang).lower()} " + w["units_of"].format(
                 reporting=fmt_int(reporting, model.lang), expected=fmt_int(expected, model.lang))
             for level, reporting, expected in levels if reporting]
    silent = [level_label(level, model.lang).lower() for level, reporting, _ in levels if not reporting]
    lines = [w["partial_line"].format(parts="; ".join(parts))] if parts else []
    lines += [w["no_data_levels"].format(levels=", ".join(silent))] if silent else []
    return " ".join(lines)


def short_period(code: str, lang: str) -> str:
    """'III/2025' for 2025Q3 (axis labels); other periods by their label."""
    label = parse_code(code).label(lang)
    return label.removeprefix("Quý ") if lang == "vi" else label
