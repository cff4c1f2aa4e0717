"""The steering committee's deck: 16:9, on the shipped template, with native (editable) charts
whose data are the views' numbers, the finding as each slide's title, and the numbers behind
every chart in the speaker notes."""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_LABEL_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import PP_ALIGN, MSO_ANCHOR
from pptx.util import Emu, Inches, Pt

from vocab.levels import STATUS_COLOURS, grade_colour, grade_name
from exports.model import STATUS_ORDER, IndexReport, IndicatorReport, ReportModel
from exports.text import (LEVEL_COLOURS, TARGET_COLOUR, TARGET_OUTLINE_PT, level_label, number_formats,
                          partial_line, short_period, status_name, words)
from vocab.vnformat import fmt_date_long, fmt_int, fmt_pct, fmt_rank_change, fmt_rate, fmt_score

TEMPLATE = files("exports").joinpath("templates", "govkpi.pptx")
LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5
LAGGING_ROWS = 10
MISSING_ROWS = 36
# Number formats carry the language's locale id (exports.text.number_formats): viewers then print 78,5%.
GREY = RGBColor(0x59, 0x59, 0x59)
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"


def write_deck(model: ReportModel, out_path: str | Path) -> Path:
    """Writes the deck and gives its path."""
    prs = Presentation(str(TEMPLATE))
    _title_slide(prs, model)
    _summary_slide(prs, model)
    for indicator in model.indicators:
        if indicator.has_data:
            _indicator_slide(prs, model, indicator)
    _lagging_slide(prs, model)
    _missing_slide(prs, model)
    for index in model.indices:
        for level in index.levels():
            _index_level_slide(prs, model, index, level)
        _index_groups_slide(prs, model, index)
    out = Path(out_path)
    prs.save(str(out))
    return out


# Slides -------------------------------------------------------------------------------------

def _title_slide(prs, model: ReportModel) -> None:
    w = words(model.lang)
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE])
    slide.shapes.title.text = w["deck_title"]
    _fit(slide.shapes.title.text_frame, 36)
    made = fmt_date_long(model.made_on) if model.lang == "vi" else model.made_on.isoformat()
    lines = [f"{model.province_name} – {model.period_label}", model.agency.title, f"{model.agency.place}, {made}"]
    if model.lock_line():
        lines.append(model.lock_line())
    body = slide.placeholders[1].text_frame
    body.text = lines[0]
    for line in lines[1:]:
        body.add_paragraph().text = line
    _fit(body, 22)
    body.paragraphs[0].runs[0].font.bold = True
    slide.notes_slide.notes_text_frame.text = "\n".join(lines)


def _summary_slide(prs, model: ReportModel) -> None:
    w = words(model.lang)
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    counts = {s: model.count(s) for s in STATUS_ORDER}
    if model.targets_total:
        by_level = ", ".join(f"{level_label(level, model.lang).lower()} {met}/{total}"
                             for level, met, total in model.met_by_level())
        title = w["summary_title"].format(by_level=by_level, period=model.period_label)
    else:
        title = w["summary_no_targets"].format(period=model.period_label)
    _set_title(slide, title)
    left, top = Inches(0.67), Inches(1.7)
    # An expired target gets a tile only when there is one: five tiles take a third, lower row.
    shown = [s for s in STATUS_ORDER if s != "expired" or counts[s]]
    tile_w, tile_h, gap = Inches(2.6), Inches(1.35 if len(shown) <= 4 else 0.85), Inches(0.2)
    for i, status in enumerate(shown):
        x = left + (i % 2) * (tile_w + gap)
        y = top + (i // 2) * (tile_h + gap)
        tile = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, x, y, tile_w, tile_h)
        tile.fill.solid()
        tile.fill.fore_color.rgb = RGBColor.from_string(STATUS_COLOURS[status][1:])
        tile.line.fill.background()
        frame = tile.text_frame
        frame.text = str(counts[status])
        frame.paragraphs[0].runs[0].font.size = Pt(40 if len(shown) <= 4 else 26)
        frame.paragraphs[0].runs[0].font.bold = True
        para = frame.add_paragraph()
        para.text = status_name(status, model.lang)
        para.runs[0].font.size = Pt(16)
        for p in frame.paragraphs:
            p.alignment = PP_ALIGN.CENTER
            for r in p.runs:
                r.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    caption = slide.shapes.add_textbox(left, top + (len(shown) + 1) // 2 * (tile_h + gap), 2 * tile_w + gap, Inches(2.0))
    caption.text_frame.word_wrap = True
    lines = [w["counted_as"].format(total=model.targets_total), _status_caption(model), partial_line(model)]
    empty = [i for i in model.indicators if not i.has_data]
    if empty:
        docs = lambda i: ", ".join(sorted({r.doc_number for r in i.levels if r.doc_number}))
        lines.append(w["no_data_list"] + "; ".join(f"{i.name} ({docs(i)})" for i in empty))
    lines = [line for line in lines if line]  # no reporting row in a period nobody reported for
    for i, line in enumerate(lines):
        para = caption.text_frame.paragraphs[0] if i == 0 else caption.text_frame.add_paragraph()
        para.text = line
        para.runs[0].font.size = Pt(13)
        para.runs[0].font.color.rgb = GREY

    # Reporting completeness, per level and for the province.
    x = Inches(6.6)
    head = slide.shapes.add_textbox(x, top - Inches(0.1), Inches(6.1), Inches(0.5))
    head.text_frame.text = f"{w['completeness']} {model.period_label}"
    head.text_frame.paragraphs[0].runs[0].font.size = Pt(18)
    head.text_frame.paragraphs[0].runs[0].font.bold = True
    rows = [[w["level"], w["expected"], w["reported"], w["rate"], w["on_time_rate"]]]
    for row in model.completeness:
        rows.append([level_label(row.level, model.lang), fmt_int(row.units_expected, model.lang),
                     fmt_int(row.units_reported, model.lang), fmt_pct(row.rate, model.lang),
                     fmt_pct(row.on_time_rate, model.lang)])
    _table(slide, rows, x, top + Inches(0.5), Inches(6.1), [1.7, 1.1, 1.1, 1.0, 1.2], font=14,
           bold_last=True)
    notes = [w["notes_summary"].format(total=model.targets_total, **counts)]
    for row in model.completeness:
        notes.append(f"{level_label(row.level, model.lang)}: " + w["completeness_line"].format(
            reported=fmt_int(row.units_reported, model.lang), expected=fmt_int(row.units_expected, model.lang),
            rate=fmt_pct(row.rate, model.lang), on_time=fmt_pct(row.on_time_rate, model.lang),
            on_time_units=fmt_int(row.units_on_time, model.lang)))
    for indicator in model.indicators:
        notes.append(f"{indicator.name}: {indicator.finding(model.lang)}")
    slide.notes_slide.notes_text_frame.text = "\n".join(notes)


def _indicator_slide(prs, model: ReportModel, indicator: IndicatorReport) -> None:
    w, lang = words(model.lang), model.lang
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    _set_title(slide, indicator.finding(lang))
    docs = sorted({r.doc_number for r in indicator.levels if r.doc_number})
    sub = slide.shapes.add_textbox(Inches(0.67), Inches(1.3), Inches(12), Inches(0.7))
    sub.name = "indicator basis"
    sub.text_frame.word_wrap = True
    # Every figure says its period and how many units it stands on, beside the target's text.
    coverage = ", ".join(f"{level_label(r.level, lang).lower()} {fmt_int(r.units_reporting, lang)}/"
                         f"{fmt_int(r.units_expected, lang)}" for r in indicator.levels if r.units_expected)
    lines = [indicator.name + (f" ({', '.join(docs)})" if docs else ""),
             w["slide_basis"].format(period=model.period_label, coverage=coverage or "–")]
    for number, line in enumerate(lines):
        para = sub.text_frame.paragraphs[0] if number == 0 else sub.text_frame.add_paragraph()
        run = para.add_run()
        run.text = line
        run.font.size, run.font.color.rgb = Pt(16 if number == 0 else 13), GREY

    top, height = Inches(2.0), Inches(4.65)
    bar = _bar_chart(slide, indicator, lang, Inches(0.5), top, Inches(5.6), height)
    bar.chart.has_title = True
    bar.chart.chart_title.text_frame.text = w["actual_vs_target"]
    _title_size(bar.chart, 14)
    _status_key(slide, lang, Inches(0.9), top + height, Inches(5.2), indicator)
    if indicator.trend:
        line = _trend_chart(slide, indicator, lang, Inches(6.3), top, Inches(6.6), height)
        line.chart.has_title = True
        line.chart.chart_title.text_frame.text = w["trend"]
        _title_size(line.chart, 14)
    slide.notes_slide.notes_text_frame.text = _indicator_notes(indicator, lang, model)


def _lagging_slide(prs, model: ReportModel) -> None:
    w, lang = words(model.lang), model.lang
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    lagging = model.lagging
    _set_title(slide, w["lagging_title"].format(count=len(lagging)) if lagging else w["lagging_none"])
    if not lagging:
        return
    rows = [[w["unit"], w["level"], w["indicators_behind"], w["worst"], w["value"], w["target"]]]
    for unit in lagging[:LAGGING_ROWS]:
        rows.append([unit.unit_name, level_label(unit.level, lang), str(unit.indicators_behind),
                     unit.worst_indicator_name, fmt_rate(unit.worst_value, unit.worst_target, lang),
                     fmt_pct(unit.worst_target, lang, digits=0)])
    if len(lagging) > LAGGING_ROWS:
        rows.append([w["and_more"].format(count=len(lagging) - LAGGING_ROWS), "", "", "", "", ""])
    shape = _table(slide, rows, Inches(0.5), Inches(1.55), Inches(12.3), [2.7, 1.1, 1.3, 5.4, 0.9, 0.9], font=12)
    if len(lagging) > LAGGING_ROWS:  # the '… and N more' line spans the table
        last = len(rows) - 1
        shape.table.cell(last, 0).merge(shape.table.cell(last, len(rows[0]) - 1))
    notes = [f"{u.unit_name} ({level_label(u.level, lang)}): {u.indicators_behind} – {u.worst_indicator_name} "
             f"{fmt_rate(u.worst_value, u.worst_target, lang)} / {fmt_pct(u.worst_target, lang)}" for u in lagging]
    slide.notes_slide.notes_text_frame.text = "\n".join(notes)


def _missing_slide(prs, model: ReportModel) -> None:
    w, lang = words(model.lang), model.lang
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    missing = model.missing
    if not missing:
        _set_title(slide, w["missing_none"].format(period=model.period_label))
        return
    _set_title(slide, w["missing_title"].format(count=len(missing), period=model.period_label))
    names = [f"{m.unit_name}" + (f" ({m.parent_name})" if m.level == "commune" and m.parent_name else "")
             for m in missing]
    shown = names[:MISSING_ROWS]
    columns = 3
    per_column = -(-len(shown) // columns)
    for c in range(columns):
        chunk = shown[c * per_column:(c + 1) * per_column]
        if not chunk:
            continue
        box = slide.shapes.add_textbox(Inches(0.6 + c * 4.15), Inches(1.6), Inches(4.0), Inches(5.2))
        box.text_frame.word_wrap = True
        for i, name in enumerate(chunk):
            para = box.text_frame.paragraphs[0] if i == 0 else box.text_frame.add_paragraph()
            para.text = "• " + name
            para.runs[0].font.size = Pt(13)
    if len(names) > MISSING_ROWS:
        more = slide.shapes.add_textbox(Inches(0.6), Inches(6.75), Inches(12), Inches(0.4))
        more.text_frame.text = w["and_more"].format(count=len(names) - MISSING_ROWS)
        more.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
    slide.notes_slide.notes_text_frame.text = "\n".join(
        f"{m.period} – {level_label(m.level, lang)}: {m.unit_name}" for m in missing)


INDEX_ENDS = 5  # the best and the worst five units of a level


def _index_level_slide(prs, model: ReportModel, index: IndexReport, level: str) -> None:
    """A level on a composite index: the grade distribution (or the ungraded sentence) and its
    best and worst units with their movement; the period, coverage and version under the title."""
    w, lang = words(model.lang), model.lang
    units = index.of_level(level)
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    mean = sum(u.score for u in units) / len(units)
    _set_title(slide, w["index_slide_title"].format(index=index.code.upper(), level=level_label(level, lang),
                                                     period=index.period_label, scored=fmt_int(len(units), lang),
                                                     expected=fmt_int(index.expected_in(level), lang),
                                                     mean=fmt_score(mean, lang)))
    _index_subtitle(slide, index, w)
    counts = index.grade_counts(level)
    data = CategoryChartData(number_format="0")
    data.categories = [grade_name(g, lang) or w["index_ungraded_short"] for g, _ in counts]
    data.add_series(w["index_units"], [n for _, n in counts])
    frame = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(0.5), Inches(2.1), Inches(5.0), Inches(4.3), data)
    chart = frame.chart
    _vietnamese(chart, lang)
    chart.has_legend = False
    chart.has_title = True
    chart.chart_title.text_frame.text = w["index_grades"]
    _title_size(chart, 14)
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.font.size = Pt(12)
    for i, (grade, _) in enumerate(counts):
        point = plot.series[0].points[i]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = RGBColor.from_string(grade_colour(grade)[1:])
    said = w["index_ungraded"].format(index=index.code) if index.has_grades and not index.graded else index.grade_legend
    if said:  # why there are no grades, or the thresholds they come from and who set them
        note = slide.shapes.add_textbox(Inches(0.5), Inches(6.45), Inches(5.0), Inches(0.7))
        note.text_frame.word_wrap = True
        note.text_frame.text = said
        note.text_frame.paragraphs[0].runs[0].font.size = Pt(11 if not index.graded else 9)
    head = [w["index_rank"], w["index_movement"], w["unit"], w["index_score"]]
    top = [head] + [[str(u.rank_in_level), fmt_rank_change(u.rank_change), u.unit_name, fmt_score(u.score, lang, fixed=True)]
                    for u in units[:INDEX_ENDS]]
    bottom = [head] + [[str(u.rank_in_level), fmt_rank_change(u.rank_change), u.unit_name, fmt_score(u.score, lang, fixed=True)]
                       for u in units[-INDEX_ENDS:]] if len(units) > INDEX_ENDS else None
    for y, label, rows in ((2.1, w["index_top"], top), (4.55, w["index_bottom"], bottom)):
        if not rows:
            continue
        box = slide.shapes.add_textbox(Inches(5.9), Inches(y - 0.35), Inches(6.9), Inches(0.35))
        box.text_frame.text = label
        box.text_frame.paragraphs[0].runs[0].font.size = Pt(13)
        box.text_frame.paragraphs[0].runs[0].font.bold = True
        _table(slide, rows, Inches(5.9), Inches(y), Inches(6.9), [0.7, 1.0, 4.2, 1.0], font=11)
    slide.notes_slide.notes_text_frame.text = "\n".join(
        f"{u.rank_in_level}. {u.unit_name}: {fmt_score(u.score, lang)} ({fmt_rank_change(u.rank_change)})" for u in units)


def _index_groups_slide(prs, model: ReportModel, index: IndexReport) -> None:
    """Each group's (DTI: pillar's) mean score per level against its maximum."""
    w, lang = words(model.lang), model.lang
    levels = [lv for lv in index.levels() if index.group_means(lv)]
    if not levels:
        return
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    _set_title(slide, w["index_groups_slide"].format(name=index.name, period=index.period_label))
    _index_subtitle(slide, index, w)
    first = index.group_means(levels[0])
    data = CategoryChartData(number_format="0.00")
    data.categories = [name for name, _, _ in first]
    data.add_series(w["index_max"], [top for _, _, top in first])
    for level in levels:
        means = dict((name, mean) for name, mean, _ in index.group_means(level))
        data.add_series(level_label(level, lang), [means.get(name) for name, _, _ in first])
    frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, Inches(0.5), Inches(2.1), Inches(12.3), Inches(4.9), data)
    chart = frame.chart
    _vietnamese(chart, lang)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.category_axis.reverse_order = True
    chart.category_axis.tick_labels.font.size = Pt(12)
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.font.size = Pt(10)
    plot.data_labels.number_format, plot.data_labels.number_format_is_linked = number_formats(lang).score1, False
    series = list(plot.series)
    series[0].format.fill.solid()
    series[0].format.fill.fore_color.rgb = RGBColor(0xD9, 0xD9, 0xD9)
    for level, one in zip(levels, series[1:]):
        one.format.fill.solid()
        one.format.fill.fore_color.rgb = RGBColor.from_string(LEVEL_COLOURS[level][1:])


def _index_subtitle(slide, index: IndexReport, w: dict) -> None:
    sub = slide.shapes.add_textbox(Inches(0.67), Inches(1.35), Inches(12), Inches(0.5))
    sub.text_frame.word_wrap = True
    sub.text_frame.text = w["index_head"].format(name=index.name, period=index.period_label,
                                                 as_of=f"{index.as_of:%d/%m/%Y}", version=index.version,
                                                 source=index.version_source)
    sub.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
    sub.text_frame.paragraphs[0].runs[0].font.color.rgb = GREY


# Charts -------------------------------------------------------------------------------------

def _bar_chart(slide, indicator: IndicatorReport, lang: str, x, y, cx, cy):
    w, fmt = words(lang), number_formats(lang)
    data = CategoryChartData(number_format=fmt.pct)
    data.categories = [level_label(r.level, lang) for r in indicator.levels]
    data.add_series(w["value"], [r.value for r in indicator.levels], number_format=fmt.pct)
    data.add_series(w["target"], [r.target for r in indicator.levels], number_format=fmt.pct0)
    frame = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, x, y, cx, cy, data)
    chart = frame.chart
    _vietnamese(chart, lang)
    # No chart legend: it gives "Thực hiện" one colour while each bar wears its status's colour.
    # The key under the chart (_status_key) names every colour the bars and the target use.
    chart.has_legend = False
    axis = chart.value_axis
    axis.minimum_scale, axis.maximum_scale = 0, 1
    axis.tick_labels.number_format, axis.tick_labels.number_format_is_linked = fmt.pct0, False
    axis.tick_labels.font.size = Pt(11)
    axis.has_major_gridlines = True
    chart.category_axis.tick_labels.font.size = Pt(13)
    plot = chart.plots[0]
    plot.gap_width, plot.overlap = 60, -10
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format, labels.number_format_is_linked = fmt.pct, False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    labels.font.size = Pt(12)
    actual, target = plot.series
    for i, row in enumerate(indicator.levels):
        point = actual.points[i]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = RGBColor.from_string(STATUS_COLOURS[row.status][1:])
    actual.format.fill.solid()
    actual.format.fill.fore_color.rgb = RGBColor.from_string(LEVEL_COLOURS["province"][1:])
    target.format.fill.background()  # an outline (TARGET_OUTLINE_PT): never mistaken for an expired value's grey
    target.format.line.color.rgb = RGBColor.from_string(TARGET_COLOUR[1:])
    target.format.line.width = Pt(TARGET_OUTLINE_PT)
    target.data_labels.number_format, target.data_labels.number_format_is_linked = fmt.pct0, False
    target.data_labels.font.size = Pt(12)
    target.data_labels.show_value = True
    target.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
    return frame


def _trend_chart(slide, indicator: IndicatorReport, lang: str, x, y, cx, cy):
    w, fmt = words(lang), number_formats(lang)
    periods = indicator.trend_periods()
    levels = indicator.trend_levels()
    by_key = {(p.period, p.level): p for p in indicator.trend}
    data = CategoryChartData(number_format=fmt.pct)
    data.categories = [short_period(p, lang) for p in periods]
    for level in levels:
        data.add_series(level_label(level, lang),
                        [_attr(by_key.get((p, level)), "value") for p in periods], number_format=fmt.pct)
    # a level's target line only where some target is in force: an expired one is not drawn,
    # and a legend entry with no line would name nothing
    targeted = [level for level in levels if any(_attr(by_key.get((p, level)), "target_in_force") is not None
                                                 for p in periods)]
    for level in targeted:
        data.add_series(w["target_of"].format(level=level_label(level, lang).lower()),
                        [_attr(by_key.get((p, level)), "target_in_force") for p in periods], number_format=fmt.pct0)
    frame = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, x, y, cx, cy, data)
    chart = frame.chart
    _vietnamese(chart, lang)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(11)
    axis = chart.value_axis
    axis.minimum_scale, axis.maximum_scale = 0, 1
    axis.tick_labels.number_format, axis.tick_labels.number_format_is_linked = fmt.pct0, False
    axis.tick_labels.font.size = Pt(11)
    chart.category_axis.tick_labels.font.size = Pt(11)
    for i, (series, level) in enumerate(zip(chart.plots[0].series, levels + targeted)):
        colour = RGBColor.from_string(LEVEL_COLOURS[level][1:])
        series.smooth = False
        series.format.line.color.rgb = colour
        series.format.line.width = Pt(2.5 if i < len(levels) else 1.5)
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = colour
        series.marker.format.line.color.rgb = colour
        if i >= len(levels):
            series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
            series.marker.style = None
            from pptx.enum.chart import XL_MARKER_STYLE
            series.marker.style = XL_MARKER_STYLE.NONE
    return frame


def _status_key(slide, lang: str, x, y, cx, indicator: IndicatorReport | None = None) -> None:
    """The bar chart's legend: 'Thực hiện' in each status colour its columns wear (met, near,
    behind, and expired or no data when a level has them), then the target's colour."""
    w = words(lang)
    box = slide.shapes.add_textbox(x, y, cx, Inches(0.3))
    box.name = "status key"
    box.text_frame.word_wrap = True
    para = box.text_frame.paragraphs[0]
    present = {row.status for row in indicator.levels} if indicator else set()
    shown = [s for s in STATUS_ORDER if s in ("met", "near", "behind") or s in present]
    keys = [(STATUS_COLOURS[s], status_name(s, lang)) for s in shown] + [(TARGET_COLOUR, w["target"])]
    lead = para.add_run()
    lead.text = w["value"] + ": "
    lead.font.color.rgb = GREY
    lead.font.size = Pt(11)
    for i, (colour, label) in enumerate(keys):
        mark = para.add_run()
        mark.text = ("  |  □ " if i == len(keys) - 1 else "■ ")  # the target: an outline, as drawn
        mark.font.color.rgb = RGBColor.from_string(colour[1:])
        name = para.add_run()
        name.text = label.replace(" ", "\u00a0") + "   "  # a key wraps between entries, never inside one
        name.font.color.rgb = GREY
        mark.font.size = name.font.size = Pt(11)


def _indicator_notes(indicator: IndicatorReport, lang: str, model: ReportModel | None = None) -> str:
    w = words(lang)
    lines = [indicator.name]
    if model is not None and model.lock_line():
        lines.append(model.lock_line())
    for r in indicator.levels:
        lines.append(w["notes_level"].format(
            level=level_label(r.level, lang), value=fmt_rate(r.value, r.target, lang),
            numerator=fmt_int(r.numerator, lang), denominator=fmt_int(r.denominator, lang),
            target=fmt_pct(r.target, lang, digits=0), doc=r.doc_number or "–",
            status=status_name(r.status, lang),
            reporting=fmt_int(r.units_reporting, lang), expected=fmt_int(r.units_expected, lang)))
    if indicator.trend:
        lines.append(w["notes_trend"])
        by_key = {(p.period, p.level): p for p in indicator.trend}
        for period in indicator.trend_periods():
            cells = []
            for level in indicator.trend_levels():
                point = by_key.get((period, level))
                if point is not None:
                    cells.append(f"{level_label(level, lang)} {fmt_rate(point.value, point.target, lang)}"
                                 f" / {fmt_pct(point.target, lang, digits=0)}")
            lines.append(f"{short_period(period, lang)}: " + "; ".join(cells))
    comments = model.comments_on(indicator.code) if model is not None else []
    if comments:  # what the units and the reviewers said about these figures
        lines.append(w["comments_head"])
        lines += [f"– {c.line(lang)}" for c in comments]
    return "\n".join(lines)


# Helpers ------------------------------------------------------------------------------------

def _set_title(slide, text: str) -> None:
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = Inches(0.5), Inches(0.3), Inches(12.3), Inches(1.15)
    title.text = text
    size = 28 if len(text) <= 70 else 24 if len(text) <= 110 else 20 if len(text) <= 160 else 18
    _fit(title.text_frame, size)
    title.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE


def _fit(frame, size: int) -> None:
    frame.word_wrap = True
    for para in frame.paragraphs:
        for run in para.runs:
            run.font.size = Pt(size)


def _table(slide, rows: list[list[str]], x, y, width, col_inches: list[float], font: int = 12,
           bold_last: bool = False):
    shape = slide.shapes.add_table(len(rows), len(rows[0]), x, y, width, Emu(Inches(0.4) * len(rows)))
    table = shape.table
    scale = width / sum(Inches(c) for c in col_inches)
    for j, inches in enumerate(col_inches):
        table.columns[j].width = Emu(int(Inches(inches) * scale))
    for i, row in enumerate(rows):
        table.rows[i].height = Inches(0.36)
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.text = value
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            para = cell.text_frame.paragraphs[0]
            para.alignment = PP_ALIGN.LEFT if j == 0 or not _numeric(value) else PP_ALIGN.RIGHT
            for run in para.runs:
                run.font.size = Pt(font)
                if bold_last and i == len(rows) - 1:
                    run.font.bold = True
    return shape


def _numeric(text: str) -> bool:
    return bool(text) and (text[0].isdigit() or text == "–") and not any(c.isalpha() for c in text)


def _title_size(chart, size: int) -> None:
    for para in chart.chart_title.text_frame.paragraphs:
        for run in para.runs:
            run.font.size = Pt(size)
            run.font.bold = True


def _vietnamese(chart, lang: str) -> None:
    """Declares the chart's language (c:lang), so a viewer may print 72,4% for 0.724."""
    space = chart._chartSpace
    existing = space.find(f"{{{_C}}}lang")
    if existing is None:
        existing = etree.SubElement(space, f"{{{_C}}}lang")
        space.remove(existing)
        space.insert(0, existing)
    existing.set("val", "vi-VN" if lang == "vi" else "en-US")


def _attr(point, name: str):
    return None if point is None else getattr(point, name)


def _status_caption(model: ReportModel) -> str:
    total = model.completeness_total()
    w = words(model.lang)
    if total is None:
        return ""
    return w["completeness_line"].format(
        reported=fmt_int(total.units_reported, model.lang), expected=fmt_int(total.units_expected, model.lang),
        rate=fmt_pct(total.rate, model.lang), on_time=fmt_pct(total.on_time_rate, model.lang),
        on_time_units=fmt_int(total.units_on_time, model.lang))
