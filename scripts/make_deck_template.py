"""Writes exports/templates/govkpi.pptx, the clean 16:9 template the deck is built on (run once; the .pptx is
committed). python-pptx's own default is 4:3 Calibri: we widen it, move the placeholders,
and set Arial (rendered by Liberation Sans where Arial is absent; both carry Vietnamese)."""
from __future__ import annotations

import copy
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu, Inches, Pt

from exports.fonts import DECK_FONT

OUT = Path(__file__).resolve().parents[1] / "exports" / "templates" / "govkpi.pptx"  # run from a checkout
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
ACCENT = RGBColor(0x0B, 0x4F, 0x8A)  # a deep administrative blue
FONT = DECK_FONT
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def make_template(out: Path = OUT) -> Path:
    """Gives the path of the freshly written template."""
    prs = Presentation()
    old_width = prs.slide_width
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    scale = WIDTH / old_width
    master = prs.slide_master
    for holder in [*master.placeholders, *(p for layout in master.slide_layouts for p in layout.placeholders)]:
        if holder._element.spPr.xfrm is not None:  # only own positions; inherited ones follow
            holder.left, holder.width = Emu(int(holder.left * scale)), Emu(int(holder.width * scale))
    _set_theme_fonts(master)
    _title_style(master)
    _accent_bar(prs)
    prs.core_properties.title = "govkpi"
    prs.core_properties.author = "govkpi"
    prs.core_properties.language = "vi-VN"
    prs.save(out)
    return out


def _accent_bar(prs) -> None:
    """A thin accent bar along the bottom of every slide, behind the placeholders. The master's
    shape collection cannot add shapes, so the bar is drawn on a scratch slide and moved."""
    scratch = prs.slides.add_slide(prs.slide_layouts[6])
    bar = scratch.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, HEIGHT - Inches(0.12), WIDTH, Inches(0.12))
    bar.fill.solid()
    bar.fill.fore_color.rgb = ACCENT
    bar.line.fill.background()
    bar.name = "govkpi accent bar"
    element = copy.deepcopy(bar._element)
    prs.slide_master.shapes._spTree.insert(2, element)
    slide_ids = prs.slides._sldIdLst
    rel_id = slide_ids[0].rId
    prs.part.drop_rel(rel_id)
    slide_ids.remove(slide_ids[0])


def _set_theme_fonts(master) -> None:
    theme_part = master.part.part_related_by(RT.THEME)
    root = etree.fromstring(theme_part.blob)
    for tag in ("majorFont", "minorFont"):
        for latin in root.iter(f"{{{_A}}}{tag}"):
            latin.find(f"{{{_A}}}latin").set("typeface", FONT)
    for scheme in root.iter(f"{{{_A}}}clrScheme"):
        accent = scheme.find(f"{{{_A}}}accent1")
        for child in list(accent):
            accent.remove(child)
        colour = etree.SubElement(accent, f"{{{_A}}}srgbClr")
        colour.set("val", str(ACCENT))
    theme_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _title_style(master) -> None:
    """Titles left-aligned, 28 pt, accent colour: a slide title is a finding, read as a sentence."""
    ns = {"p": "http://schemas.openxmlformats.org/presentationml/2006/main", "a": _A}
    level = master._element.find(".//p:txStyles/p:titleStyle/a:lvl1pPr", ns)
    level.set("algn", "l")
    rpr = level.find("a:defRPr", ns)
    rpr.set("sz", str(int(Pt(28).pt * 100)))
    rpr.set("b", "1")
    for child in list(rpr):
        if child.tag == f"{{{_A}}}solidFill":
            rpr.remove(child)
    fill = etree.Element(f"{{{_A}}}solidFill")
    colour = etree.SubElement(fill, f"{{{_A}}}srgbClr")
    colour.set("val", str(ACCENT))
    rpr.insert(0, copy.deepcopy(fill))


if __name__ == "__main__":
    print(make_template())
