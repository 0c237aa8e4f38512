"""Official-document (公文) typography for the Word files fazhi writes, after GB/T 9704-2012.

One place for the conventions every printed form shares, so a supervision order, a scorecard, a task
division table and an annual report look like documents from the same office:

* A4; margins 37 mm top, 35 mm bottom, 28 mm left (the binding side), 26 mm right; landscape tables
  turn the same margins with the page.
* Title in 方正小标宋简体 二号 (22 pt), centred; body in 仿宋_GB2312 三号 (16 pt), fixed line pitch so a
  page holds 22 lines, first lines indented two characters; headings of the first level (一、) in 黑体,
  of the second (（一）) in 楷体_GB2312, of the third (1.) in 仿宋 bold, all 三号.
* Page numbers "— 1 —" at the foot of the page in 宋体 四号.

Fonts are named with fallbacks. A Word file names one font per run; when that font is missing Word
uses the ``altName`` the font table gives for it, so 仿宋_GB2312 (not shipped with Windows 10 and later)
falls back to 仿宋 (which is), and 方正小标宋简体 to 华文中宋 then 宋体. LibreOffice substitutes through
fontconfig. The table is written into the document's own fontTable part.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

__all__ = ["FONTS", "SIZES", "OfficialDocument", "Style", "chinese_date"]

# role → the font named in the document, then its fallbacks in order: the second is what Word uses
# when the first is missing (altName); the free fonts at the end are what a Linux server renders with
# when it makes a PDF (fontconfig aliases, written by ``fontconfig_aliases``)
FONTS: dict[str, tuple[str, ...]] = {
    "title": ("方正小标宋简体", "华文中宋", "宋体", "Noto Serif CJK SC"),
    "body": ("仿宋_GB2312", "仿宋", "FangSong", "Noto Serif CJK SC"),
    "heading1": ("黑体", "SimHei", "Noto Sans CJK SC"),
    "heading2": ("楷体_GB2312", "楷体", "KaiTi", "AR PL UKai CN", "Noto Serif CJK SC"),
    "plain": ("宋体", "SimSun", "Noto Serif CJK SC"),
}
HEAVY = {"title"}  # typefaces drawn heavy (小标宋): a free fallback is set in bold to look alike
LATIN = "Times New Roman"  # figures and Latin letters in the body, as offices set them

# Chinese type sizes in points
SIZES = {"二号": 22.0, "三号": 16.0, "小三": 15.0, "四号": 14.0, "小四": 12.0, "五号": 10.5, "小五": 9.0}

BODY_PITCH = Pt(28.95)  # 225 mm of type area / 22 lines
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}


def chinese_date(day: date) -> str:
    """A date as official documents print it: 2026年1月5日."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class Style:
    font: str = "body"  # a key of FONTS
    size: str = "三号"  # a key of SIZES
    bold: bool = False


def _font_table_xml() -> bytes:
    entries = "".join(
        f'<w:font w:name="{names[0]}">'
        + (f'<w:altName w:val="{names[1]}"/>' if len(names) > 1 else "")
        + '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
        for names in FONTS.values())
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts {nsdecls("w")}>'
            f'<w:font w:name="{LATIN}"><w:charset w:val="00"/><w:family w:val="roman"/>'
            f'<w:pitch w:val="variable"/></w:font>{entries}</w:fonts>').encode()


def fontconfig_aliases() -> str:
    """A fontconfig file that includes the system's and maps each document font to its fallbacks."""
    aliases = "".join(
        f"<alias binding=\"same\"><family>{names[0]}</family><prefer>"
        + "".join(f"<family>{name}</family>" for name in names[1:]) + "</prefer></alias>"
        for names in FONTS.values())
    heavy = "".join(
        f'<match target="pattern"><test name="family"><string>{FONTS[role][0]}</string></test>'
        '<edit name="weight" mode="assign"><const>bold</const></edit></match>' for role in HEAVY)
    return ('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
            f'<include ignore_missing="yes">/etc/fonts/fonts.conf</include>{heavy}{aliases}</fontconfig>')


def apply_font(run: Any, style: Style) -> None:
    """Set a run's Chinese and Latin fonts, size and weight."""
    font = run.font
    font.name = LATIN
    font.size = Pt(SIZES[style.size])
    font.bold = style.bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), FONTS[style.font][0])
    fonts.set(qn("w:hint"), "eastAsia")


class OfficialDocument:
    """A Word document being written in the house typography; ``save`` or ``to_bytes`` when done."""

    def __init__(self, *, landscape: bool = False) -> None:
        self.doc = Document()
        self.landscape = landscape
        self._replace_font_table()
        self._set_normal_style()
        self._set_page(self.doc.sections[0], landscape)
        self._add_page_numbers()

    # -- page and styles -------------------------------------------------------------------------
    def _replace_font_table(self) -> None:
        for rel in self.doc.part.rels.values():
            if rel.reltype.endswith("/fontTable"):
                # python-docx keeps the font table as an opaque part: its bytes are the one place to
                # declare each font's fallback (altName), which Word reads when the font is missing
                rel.target_part._blob = _font_table_xml()

    def _set_normal_style(self) -> None:
        normal = self.doc.styles["Normal"]
        normal.font.name = LATIN
        normal.font.size = Pt(SIZES["三号"])
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONTS["body"][0])
        layout = normal.paragraph_format
        layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        layout.line_spacing = BODY_PITCH
        layout.space_before = Pt(0)
        layout.space_after = Pt(0)

    @staticmethod
    def _set_page(section: Any, landscape: bool) -> None:
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
        if landscape:  # the portrait page turned: the binding margin (left) is now at the top
            section.top_margin, section.bottom_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
            section.left_margin, section.right_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        else:
            section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
            section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        section.footer_distance = Mm(18)

    def _add_page_numbers(self) -> None:
        paragraph = self.doc.sections[0].footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        number = Style("plain", "四号")
        apply_font(paragraph.add_run("— "), number)
        field = paragraph.add_run()
        apply_font(field, number)
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
            if kind:
                mark = OxmlElement("w:fldChar")
                mark.set(qn("w:fldCharType"), kind)
                field._element.append(mark)
            elif text == " PAGE ":
                instruction = OxmlElement("w:instrText")
                instruction.set(qn("xml:space"), "preserve")
                instruction.text = text
                field._element.append(instruction)
            else:
                shown = OxmlElement("w:t")
                shown.text = text
                field._element.append(shown)
        apply_font(paragraph.add_run(" —"), number)

    @property
    def text_width_mm(self) -> float:
        if self.landscape:
            return float(297 - MARGINS_MM["top"] - MARGINS_MM["bottom"])
        return float(210 - MARGINS_MM["left"] - MARGINS_MM["right"])

    # -- text ------------------------------------------------------------------------------------
    def title(self, text: str, *, subtitle: str = "") -> None:
        """The document's title, centred, with one blank line after (and a 楷体 subtitle if given)."""
        self._line(text, Style("title", "二号"), align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        if subtitle:
            self._line(subtitle, Style("heading2", "三号"), align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        self.blank()

    def heading(self, text: str, level: int = 1) -> None:
        style = {1: Style("heading1"), 2: Style("heading2")}.get(level, Style("body", bold=True))
        self._line(text, style, keep_with_next=True)

    def paragraph(self, text: str, *, bold: bool = False, indent: bool = True) -> None:
        """Body text; a text of several lines becomes several paragraphs."""
        for line in text.splitlines() or [""]:
            if line.strip():
                self._line(line.strip(), Style(bold=bold), indent=indent)

    def lead_in(self, label: str, text: str, *, style: Style | None = None) -> None:
        """A paragraph whose opening words stand out: "督办事由：…" in 黑体 as forms print their fields, or
        "1.标题。正文" with the title in bold (``style``) as reports print a numbered point."""
        paragraph = self._line(label, style or Style("heading1"), indent=True)
        run = paragraph.add_run(text)
        apply_font(run, Style())

    def signature(self, issuer: str, dated: str) -> None:
        """The issuing office and date, right-aligned, four characters from the edge."""
        self.blank()
        for line in (issuer, dated):
            paragraph = self._line(line, Style(), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
            paragraph.paragraph_format.right_indent = Pt(SIZES["三号"] * 4)

    def blank(self) -> None:
        self.doc.add_paragraph()

    def _line(self, text: str, style: Style, *, align: Any = None, indent: bool = True,
              keep_with_next: bool = False) -> Any:
        paragraph = self.doc.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(SIZES[style.size] * 2)
        paragraph.paragraph_format.keep_with_next = keep_with_next
        apply_font(paragraph.add_run(text), style)
        return paragraph

    # -- tables ----------------------------------------------------------------------------------
    def grid(self, widths_mm: Sequence[float]) -> Any:
        """A bordered table with no rows yet (a form's grid); widths are scaled to the text width."""
        table = self.doc.add_table(rows=0, cols=len(widths_mm))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        scale = self.text_width_mm / sum(widths_mm)
        self._widths = [Mm(w * scale) for w in widths_mm]
        for column, width in zip(table.columns, self._widths, strict=True):
            column.width = width  # the grid: LibreOffice lays out by it, Word by the cells' widths
        return table

    def table(self, header: Sequence[str], widths_mm: Sequence[float], *, size: str = "小四") -> Any:
        """A bordered table whose header row repeats on every page."""
        table = self.grid(widths_mm)
        row = table.add_row()
        _repeat_as_header(row)
        for cell, text in zip(row.cells, header, strict=True):
            self.cell(cell, text, Style("heading1", size), align=WD_ALIGN_PARAGRAPH.CENTER)
            cell._tc.get_or_add_tcPr().append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:fill="E7E6E6"/>'))
        self._fix_widths(row)
        return table

    def row(self, table: Any, values: Sequence[str], *, size: str = "小四", centred: Sequence[int] = ()) -> Any:
        row = table.add_row()
        for index, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            align = WD_ALIGN_PARAGRAPH.CENTER if index in centred else WD_ALIGN_PARAGRAPH.LEFT
            self.cell(cell, text, Style("body", size), align=align)
        self._fix_widths(row)
        return row

    def spanning_row(self, table: Any, text: str, *, level: int = 1, size: str = "小四") -> Any:
        """A row merged across the whole table (a section of a task division table)."""
        row = table.add_row()
        self._fix_widths(row)
        merged = row.cells[0].merge(row.cells[-1])
        font = "heading1" if level == 1 else "heading2"
        self.cell(merged, text, Style(font, size), align=WD_ALIGN_PARAGRAPH.LEFT)
        _keep_row_whole(row)
        return row

    @staticmethod
    def cell(cell: Any, text: str, style: Style, *, align: Any = WD_ALIGN_PARAGRAPH.LEFT) -> None:
        """Write text into a cell (one paragraph per line), single-spaced as tables are."""
        lines = text.splitlines() or [""]
        first = cell.paragraphs[0]
        for index, line in enumerate(lines):
            paragraph = first if index == 0 else cell.add_paragraph()
            paragraph.alignment = align
            layout = paragraph.paragraph_format
            layout.line_spacing_rule = WD_LINE_SPACING.SINGLE
            layout.first_line_indent = Pt(0)
            apply_font(paragraph.add_run(line), style)

    def _fix_widths(self, row: Any) -> None:
        for cell, width in zip(row.cells, self._widths, strict=False):
            cell.width = width

    # -- output ----------------------------------------------------------------------------------
    def save(self, target: str | Path | IO[bytes]) -> None:
        self.doc.save(str(target) if isinstance(target, Path) else target)

    def to_bytes(self) -> bytes:
        stream = BytesIO()
        self.doc.save(stream)
        return stream.getvalue()


def _repeat_as_header(row: Any) -> None:
    properties = row._tr.get_or_add_trPr()
    properties.append(parse_xml(f'<w:tblHeader {nsdecls("w")} w:val="true"/>'))
    _keep_row_whole(row)


def _keep_row_whole(row: Any) -> None:
    row._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit {nsdecls("w")} w:val="true"/>'))
