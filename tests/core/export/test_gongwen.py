"""The house typography: fonts with their fallbacks, page set-up, repeated header rows, and a PDF of it."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from fazhi.export.gongwen import FONTS, OfficialDocument, fontconfig_aliases
from printed import needs_libreoffice, printed_pages


def sample(landscape: bool = False) -> bytes:
    document = OfficialDocument(landscape=landscape)
    document.title("某县2025年法治政府建设年度报告")
    document.heading("一、主要举措和成效", 1)
    document.heading("（一）健全行政决策制度", 2)
    document.paragraph("全年审查规范性文件12件，审查率100%。\n第二段。")
    table = document.table(["序号", "事项", "单位"], [15, 100, 40])
    document.spanning_row(table, "一、全面优化政府职能")
    for n in range(60):
        document.row(table, [str(n + 1), "严格落实重大行政决策程序规定" * 2, "县司法局"], centred=[0])
    return document.to_bytes()


def test_body_title_and_headings_name_their_official_fonts() -> None:
    read = Document(BytesIO(sample()))
    fonts = [p.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) for p in read.paragraphs if p.runs]
    assert fonts[:4] == ["方正小标宋简体", "黑体", "楷体_GB2312", "仿宋_GB2312"]
    assert read.paragraphs[0].runs[0].font.size.pt == 22
    assert read.paragraphs[3].runs[0].font.size.pt == 16


def test_the_font_table_gives_each_font_the_fallback_windows_ships() -> None:
    read = Document(BytesIO(sample()))
    table = next(r.target_part for r in read.part.rels.values() if r.reltype.endswith("/fontTable"))
    xml = table.blob.decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in xml
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="华文中宋"/>' in xml


def test_portrait_page_has_official_margins_and_landscape_turns_them() -> None:
    portrait = Document(BytesIO(sample())).sections[0]
    assert (round(portrait.top_margin / Mm(1)), round(portrait.left_margin / Mm(1))) == (37, 28)
    assert portrait.page_width < portrait.page_height
    landscape = Document(BytesIO(sample(landscape=True))).sections[0]
    assert landscape.page_width > landscape.page_height
    assert round(landscape.top_margin / Mm(1)) == 28


def test_the_table_header_repeats_and_section_rows_span_the_table() -> None:
    table = Document(BytesIO(sample())).tables[0]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    section = table.rows[1]
    assert len({id(c._tc) for c in section.cells}) == 1
    assert section.cells[0].text == "一、全面优化政府职能"


def test_fontconfig_aliases_map_every_document_font_to_its_fallbacks() -> None:
    conf = fontconfig_aliases()
    for names in FONTS.values():
        assert f"<family>{names[0]}</family><prefer><family>{names[1]}</family>" in conf


@needs_libreoffice
def test_the_document_prints_as_pdf_with_its_table_over_several_pages() -> None:
    pages = printed_pages(sample(), "gongwen-sample", page=0)
    assert len(pages) >= 2
    assert "年度报告" in pages[0]
    assert "序号" in pages[1]  # the header row repeated on the next page
