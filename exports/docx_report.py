"""The quarterly report (báo cáo) in the administrative format of Decree 30/2020/NĐ-CP: agency
header, national motto, number and date line, title, sections written from the data with the
dashboard's own sentences, tables and chart pictures, recipients and signature. Editable."""
from __future__ import annotations

from copy import deepcopy
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from exports.fonts import REPORT_FONT
from exports.model import IndexReport, IndicatorReport, ReportModel
from exports.text import level_label, partial_line, status_name, words
from vocab.periods import parse_code
from vocab.vnformat import fmt_date, fmt_date_long, fmt_int, fmt_pct, fmt_rate, fmt_score

FONT = REPORT_FONT
BODY_PT = 14
TABLE_PT = 12
LAGGING_ROWS = 20
MISSING_LISTED = 60
ROMAN = ["I", "II", "III", "IV", "V", "VI"]


def write_report(model: ReportModel, out_path: str | Path, charts: bool = True, pictures=None) -> Path:
    """Writes the report and gives its path; charts=False leaves the pictures out. `pictures`
    (exports.charts.Pictures, started before the model was read) draws the charts beside the
    writing; without it they are drawn here."""
    slots: list[tuple[object, int]] = []  # (the run each chart goes into, its group's index among those drawn)
    if charts:
        from exports.charts import Pictures, drawn_text, group_bars

        drawn = [indicators for _, indicators in model.groups() if any(i.has_data for i in indicators)]
        bars = [group_bars(indicators, model.lang) for indicators in drawn]
        pictures = pictures or Pictures()
        pictures.draw(bars, model.lang)
    elif pictures is not None:
        pictures.close()
    doc = Document()
    _page_setup(doc)
    _styles(doc)
    _header_block(doc, model)
    _title(doc, model)
    sections = [_overall, _results, _lagging, _proposals]
    for number, section in enumerate(sections):
        section(doc, model, ROMAN[number], slots if charts else None)
    _closing(doc, model)
    if charts:
        _place_pictures(slots, pictures.result(), [drawn_text(group, model.lang) for group in bars])
    doc.core_properties.title = f"{words(model.lang)['report_subject']} {model.period_label}"
    doc.core_properties.author = model.agency.title
    doc.core_properties.language = "vi-VN"
    out = Path(out_path)
    doc.save(str(out))
    return out


def title_line(model: ReportModel) -> str:
    """'Kết quả thực hiện các chỉ tiêu … quý III/2025' (the period in running-text case)."""
    label = model.period_label
    if model.lang == "vi":
        label = label[0].lower() + label[1:]
    return f"{words(model.lang)['report_subject']} {label}"


# The administrative header and closing (Decree 30/2020/NĐ-CP, Appendix I) ----------------------

def _header_block(doc, model: ReportModel) -> None:
    table = doc.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = (Cm(7.0), Cm(9.5))
    _set_widths(table, widths)
    left, right = table.cell(0, 0), table.cell(0, 1)
    _cell_line(left, model.agency.parent, size=12, first=True)
    _cell_line(left, model.agency.name, size=12, bold=True)
    _rule(left.add_paragraph(), Cm(2.2), widths[0])
    _cell_line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True, first=True)
    _cell_line(right, "Độc lập - Tự do - Hạnh phúc", size=14, bold=True)
    _rule(right.add_paragraph(), Cm(6.0), widths[1])
    _cell_line(table.cell(1, 0), f"Số:        /BC-{model.agency.short}", size=13, first=True)
    _cell_line(table.cell(1, 1), f"{model.agency.place}, {fmt_date_long(model.made_on)}", size=14,
               italic=True, first=True)


def _title(doc, model: ReportModel) -> None:
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.space_before = Pt(18)
    para.paragraph_format.first_line_indent = Cm(0)
    run = para.add_run("BÁO CÁO")
    run.bold, run.font.size = True, Pt(14)
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.first_line_indent = Cm(0)
    para.paragraph_format.space_after = Pt(0)
    head, _, tail = title_line(model).partition(", ")
    run = para.add_run(head + ("," if tail else ""))
    run.bold, run.font.size = True, Pt(14)
    if tail:  # the period on the second line, never split from its quarter
        run.add_break()
        run = para.add_run(tail)
        run.bold, run.font.size = True, Pt(14)
    _rule(doc.add_paragraph(), Cm(6.5), Cm(16.5))
    if model.lock_line():  # a locked period's figures no longer move: the report says so
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.paragraph_format.first_line_indent = Cm(0)
        run = para.add_run(f"({model.lock_line()})")
        run.italic, run.font.size = True, Pt(13)


def _closing(doc, model: ReportModel) -> None:
    doc.add_paragraph(f"Trên đây là báo cáo {title_line(model)[0].lower()}{title_line(model)[1:]} "
                             f"của {model.agency.title}./.")
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.cell(0, 0), table.cell(0, 1)
    _set_widths(table, (Cm(8.5), Cm(8.0)))
    _cell_line(left, "Nơi nhận:", size=12, bold=True, italic=True, first=True, align="left")
    ministry = "Bộ Thông tin và Truyền thông" if model.era == "old" else "Bộ Khoa học và Công nghệ"
    recipients = ["- UBND tỉnh (b/c);", f"- {ministry} (b/c);", "- Các sở, ban, ngành;",
                  "- UBND các xã, phường;", f"- Lưu: VT, {model.agency.short}."]
    for line in recipients:
        _cell_line(left, line, size=11, align="left")
    _cell_line(right, "GIÁM ĐỐC", size=14, bold=True, first=True)
    right.paragraphs[0].paragraph_format.space_before = Pt(6)
    for _ in range(4):
        _cell_line(right, "", size=14)


# Sections ----------------------------------------------------------------------------------

def _overall(doc, model: ReportModel, number: str, slots: list | None) -> None:
    _heading(doc, f"{number}. ĐÁNH GIÁ CHUNG")
    lang = model.lang
    period = model.period_label[0].lower() + model.period_label[1:]
    if model.targets_total:
        doc.add_paragraph(
            f"Trong {period}, trên địa bàn {model.province_name[0].lower()}{model.province_name[1:]} có "
            f"{model.targets_total} chỉ tiêu (tính theo từng cấp) được giao theo các văn bản của Trung ương "
            f"và của tỉnh; trong đó {model.count('met')} chỉ tiêu đạt, {model.count('near')} chỉ tiêu gần đạt "
            f"(thấp hơn chỉ tiêu dưới 10 điểm phần trăm), {model.count('behind')} chỉ tiêu chưa đạt"
            + (f", {model.count('no_data')} chỉ tiêu chưa có số liệu" if model.count("no_data") else "")
            + (f", {model.count('expired')} chỉ tiêu đã hết hạn (quá thời hạn, chưa có kế hoạch mới)"
               if model.count("expired") else "") + ".")
    else:
        doc.add_paragraph(f"Trong {period}, chưa có chỉ tiêu nào có số liệu để đánh giá.")
    if partial_line(model):
        doc.add_paragraph(partial_line(model))
    empty = [i.name for i in model.indicators if not i.has_data]
    if empty:
        doc.add_paragraph(words(lang)["no_data_list"] + "; ".join(empty) + ".")
    total = model.completeness_total()
    if total is not None:
        parts = [f"{level_label(r.level, lang).lower()} {fmt_int(r.units_reported)}/{fmt_int(r.units_expected)} "
                 f"({fmt_pct(r.rate)})" for r in model.completeness if r.level != "total"]
        doc.add_paragraph(
            # the on-time share is of the units expected, as the rate is: both say their base
            f"Về tình hình gửi báo cáo, {fmt_int(total.units_reported)}/{fmt_int(total.units_expected)} đơn vị "
            f"đã gửi báo cáo ({fmt_pct(total.rate)}), {fmt_int(total.units_on_time)}/{fmt_int(total.units_expected)} "
            f"đơn vị gửi đúng hạn ({fmt_pct(total.on_time_rate)}); "
            f"theo cấp: {', '.join(parts)}.")


def _results(doc, model: ReportModel, number: str, slots: list | None) -> None:
    """`slots` (None: no charts) collects the empty run each chart picture goes into once drawn."""
    _heading(doc, f"{number}. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU")
    groups = model.groups()
    drawn = [g for g, (_, indicators) in enumerate(groups, start=1) if any(i.has_data for i in indicators)]
    for g, (group, indicators) in enumerate(groups, start=1):
        _heading(doc, f"{g}. {group}", upper=False)
        for indicator in indicators:
            for sentence in indicator.sentences(model.lang):
                doc.add_paragraph(f"- {sentence}")
        _caption(doc, f"Bảng {g}. Kết quả thực hiện nhóm chỉ tiêu {group.lower()}, {model.period_label}")
        _results_table(doc, indicators, model.lang)
        if slots is not None and g in drawn:
            para = doc.add_paragraph()
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            para.paragraph_format.first_line_indent = Cm(0)
            slots.append((para.add_run(), drawn.index(g)))
            _caption(doc, f"Biểu đồ {drawn.index(g) + 1}. Thực hiện so với chỉ tiêu, nhóm {group.lower()}, {model.period_label}")
    if model.indices:
        _heading(doc, f"{len(groups) + 1}. Chỉ số, xếp hạng", upper=False)
        for index in model.indices:
            doc.add_paragraph(index_paragraph(index))


def _place_pictures(slots: list, pngs: list[bytes], alt_texts: list[str]) -> None:
    for run, n in slots:
        picture = run.add_picture(BytesIO(pngs[n]), width=Cm(16))
        picture._inline.docPr.set("descr", alt_texts[n])  # alt text: the values drawn, as the PNG's Description


def index_paragraph(index: IndexReport) -> str:
    """The report's paragraph on a composite index: its period and version, then per level the
    units scored of those expected, the mean, the best and the worst unit, and the grades (or
    why there are none)."""
    parts = []
    for level in index.levels():
        units = index.of_level(level)
        mean = sum(u.score for u in units) / len(units)
        top = f"/{fmt_score(units[0].max_score)}" if units[0].max_score else ""
        text = (f"{level_label(level, 'vi').lower()} {fmt_int(len(units))}/{fmt_int(index.expected_in(level))} đơn vị "
                f"được chấm điểm, điểm trung bình {fmt_score(mean)}{top}, cao nhất {units[0].unit_name} "
                f"({fmt_score(units[0].score)}), thấp nhất {units[-1].unit_name} ({fmt_score(units[-1].score)})")
        if index.graded:
            text += ", xếp loại " + ", ".join(f"{grade} {n}" for grade, n in index.grade_counts(level) if grade)
        parts.append(text)
    sentence = (f"{index.name}, {index.period_label.lower()} (số liệu tính đến ngày {index.as_of:%d/%m/%Y}; "
                f"phiên bản {index.version}): " + "; ".join(parts) + ".")
    if index.has_grades and not index.graded:
        sentence += " Chưa xếp loại: tỉnh chưa điền ngưỡng xếp loại (govkpi index-settings)."
    elif index.grade_legend:
        sentence += " " + index.grade_legend
    return sentence


def _lagging(doc, model: ReportModel, number: str, slots: list | None) -> None:
    _heading(doc, f"{number}. ĐƠN VỊ CHƯA ĐẠT CHỈ TIÊU, CHƯA GỬI BÁO CÁO")
    lang = model.lang
    if model.lagging:
        doc.add_paragraph(f"Có {len(model.lagging)} đơn vị chưa đạt ít nhất một chỉ tiêu; các đơn vị "
                          f"cách xa chỉ tiêu nhất như sau:")
        rows = [["TT", "Đơn vị", "Cấp", "Số chỉ tiêu chưa đạt", "Chỉ tiêu cách xa nhất", "Thực hiện", "Chỉ tiêu"]]
        for i, u in enumerate(model.lagging[:LAGGING_ROWS], start=1):
            rows.append([str(i), u.unit_name, level_label(u.level, lang), str(u.indicators_behind),
                         u.worst_indicator_name, fmt_rate(u.worst_value, u.worst_target), fmt_pct(u.worst_target, digits=0)])
        _table(doc, rows, [1.0, 3.7, 1.9, 1.9, 4.5, 1.8, 1.7], left_cols=(1, 4))
        if len(model.lagging) > LAGGING_ROWS:
            doc.add_paragraph(f"(Danh sách đầy đủ {len(model.lagging)} đơn vị tại bảng tính kèm theo.)")
    else:
        doc.add_paragraph("Không có đơn vị nào chưa đạt chỉ tiêu được giao.")
    if model.missing:
        names = [m.unit_name for m in model.missing]
        listed = ", ".join(names[:MISSING_LISTED]) + (f" và {len(names) - MISSING_LISTED} đơn vị khác"
                                                       if len(names) > MISSING_LISTED else "")
        doc.add_paragraph(f"Có {len(model.missing)} đơn vị chưa gửi báo cáo {model.period_label}: {listed}.")
    else:
        doc.add_paragraph(f"Tất cả các đơn vị đã gửi báo cáo {model.period_label}.")


def _proposals(doc, model: ReportModel, number: str, slots: list | None) -> None:
    _heading(doc, f"{number}. ĐỀ XUẤT, KIẾN NGHỊ")
    lang = model.lang
    behind = [(i, r) for i in model.indicators for r in i.levels if r.status in ("behind", "near")]
    period_end = parse_code(model.period).end
    for indicator, r in behind:
        deadline = ""
        if r.deadline and r.deadline >= period_end:
            deadline = f" trước {fmt_date(r.deadline)}"
        elif r.deadline:  # past its deadline, the target stays in force: say so
            deadline = f" (thời hạn {fmt_date(r.deadline)} đã qua)"
        doc.add_paragraph(
            f"- Đề nghị các đơn vị {level_label(r.level, lang).lower()} tập trung nâng "
            f"{indicator.name[0].lower()}{indicator.name[1:]} (hiện đạt {fmt_rate(r.value, r.target)}) để đạt chỉ tiêu "
            f"{fmt_pct(r.target, digits=0)}{deadline}.")
    if model.missing:
        doc.add_paragraph(f"- Đề nghị {len(model.missing)} đơn vị chưa gửi báo cáo {model.period_label} "
                          f"hoàn thành việc gửi báo cáo theo quy định.")
    doc.add_paragraph(f"- {model.agency.title} tiếp tục theo dõi, đôn đốc các đơn vị thực hiện và tổng hợp, "
                      f"báo cáo kết quả định kỳ.")


# Helpers ------------------------------------------------------------------------------------

def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.different_first_page_header_footer = True
    para = section.header.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(para, "PAGE")


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    lang = normal.element.get_or_add_rPr()
    tag = OxmlElement("w:lang")
    tag.set(qn("w:val"), "vi-VN")
    lang.append(tag)
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Cm(1)
    fmt.space_before, fmt.space_after = Pt(6), Pt(0)
    fmt.line_spacing = 1.15


def _heading(doc, text: str, upper: bool = True) -> None:
    para = doc.add_paragraph()
    para.paragraph_format.space_before = Pt(12)
    para.paragraph_format.keep_with_next = True
    run = para.add_run(text)
    run.bold = True


def _caption(doc, text: str) -> None:
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.first_line_indent = Cm(0)
    para.paragraph_format.keep_with_next = True
    run = para.add_run(text)
    run.italic, run.font.size = True, Pt(13)


def _results_table(doc, indicators: list[IndicatorReport], lang: str) -> None:
    # Each figure with the units it stands on: "Cấp xã (129/135)", the level's units with data.
    rows = [["TT", "Chỉ tiêu", "Cấp (đơn vị có số liệu)", "Thực hiện", "Chỉ tiêu giao", "Đánh giá", "Văn bản"]]
    n = 0
    for indicator in indicators:
        for r in indicator.levels:
            n += 1
            level = level_label(r.level, lang)
            if r.units_expected:
                level += f" ({fmt_int(r.units_reporting or 0)}/{fmt_int(r.units_expected)})"
            rows.append([str(n), indicator.name, level, fmt_rate(r.value, r.target, lang),
                         fmt_pct(r.target, lang, digits=0), status_name(r.status, lang), r.doc_number or ""])
    _table(doc, rows, [1.0, 4.4, 2.4, 1.9, 1.8, 2.0, 3.0])  # the level's column holds "(129/135)" whole


def _table(doc, rows: list[list[str]], widths_cm: list[float], left_cols: tuple[int, ...] = (1,)) -> None:
    # The header row and the first data row are formatted cell by cell; every further row is a
    # copy of the first data row with its own text (python-docx's per-cell formatting was most
    # of the report's writing time: a lagging-units table has 20 rows of 7 cells).
    table = doc.add_table(rows=min(len(rows), 2), cols=len(rows[0]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = [Cm(w) for w in widths_cm]
    _set_widths(table, widths, cells=False)
    # One pass over rows and their cells: python-docx's table.cell(i, j) rescans the table.
    for i, (row, values) in enumerate(zip(table.rows, rows[:2])):
        _row_flags(row, header=i == 0)
        for j, (cell, value) in enumerate(zip(row.cells, values)):
            cell.width = widths[j]
            para = cell.paragraphs[0]
            fmt = para.paragraph_format
            fmt.first_line_indent = Cm(0)
            fmt.space_before = Pt(2)
            fmt.line_spacing = 1.0
            left = i > 0 and j in left_cols
            para.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
            run = para.add_run(value)
            run.font.size = Pt(TABLE_PT)
            run.bold = i == 0
    if len(rows) > 2:
        template = table.rows[1]._tr
        for values in rows[2:]:
            tr = deepcopy(template)
            for tc, value in zip(tr.tc_lst, values):
                tc.p_lst[0].r_lst[0].text = value
            table._tbl.append(tr)
    doc.add_paragraph().paragraph_format.space_before = Pt(0)


def _cell_line(cell, text: str, size: int, bold: bool = False, italic: bool = False,
               first: bool = False, align: str = "center") -> None:
    para = cell.paragraphs[0] if first else cell.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER if align == "center" else WD_ALIGN_PARAGRAPH.LEFT
    fmt = para.paragraph_format
    fmt.first_line_indent = Cm(0)
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    fmt.line_spacing = 1.0
    run = para.add_run(text)
    run.font.size, run.bold, run.italic = Pt(size), bold, italic


def _rule(para, width, container) -> None:
    """A short centred solid line (the rule under the agency name and the motto): an empty
    paragraph with a bottom border, narrowed by indents to `width` within `container`."""
    fmt = para.paragraph_format
    fmt.first_line_indent = Cm(0)
    fmt.space_before, fmt.space_after = Pt(0), Pt(6)
    fmt.line_spacing = Pt(4)
    side = max(0, int((container - width) / 2))
    fmt.left_indent = fmt.right_indent = side
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    para._p.get_or_add_pPr().append(border)


def _row_flags(row, header: bool) -> None:
    """Rows never split across pages; the header row repeats on each page."""
    properties = row._tr.get_or_add_trPr()
    flags = ["w:cantSplit"] + (["w:tblHeader"] if header else [])
    for flag in flags:
        properties.append(OxmlElement(flag))


def _set_widths(table, widths, cells: bool = True) -> None:
    """Sets column widths where both Word (cell widths) and LibreOffice (the grid) read them."""
    table.autofit = False
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths):
        column.w = width
    if cells:
        for row in table.rows:
            for cell, width in zip(row.cells, widths):
                cell.width = width


def _field(paragraph, code: str) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == code:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {code} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)
    run.font.size = Pt(13)
