"""The .docx reader: body order, Word automatic numbering, revisions, merged table cells, bad files."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from fazhi.errors import CorruptDocument, EncryptedDocument, TooLarge
from fazhi.model import BlockKind
from fazhi.read import limits, read_bytes, repair
from fazhi.read.docx import read
from fazhi.read.wordnum import chinese_number, format_number

W_NS = nsdecls("w")

# Two lists in the style of a county plan: 一、 / （一） / ① levels, and a 1. list bound to a style.
NUMBERING = f"""
<w:root {W_NS}>
  <w:abstractNum w:abstractNumId="10">
    <w:multiLevelType w:val="multilevel"/>
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
    <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/><w:lvlText w:val="%3"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="11">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="20"><w:abstractNumId w:val="10"/></w:num>
  <w:num w:numId="21"><w:abstractNumId w:val="11"/></w:num>
  <w:num w:numId="22"><w:abstractNumId w:val="10"/>
    <w:lvlOverride w:ilvl="0"><w:startOverride w:val="9"/></w:lvlOverride>
  </w:num>
</w:root>
"""

TASK_STYLE = f"""
<w:style {W_NS} w:type="paragraph" w:customStyle="1" w:styleId="PlanTask">
  <w:name w:val="Plan Task"/>
  <w:basedOn w:val="Normal"/>
  <w:pPr><w:numPr><w:numId w:val="21"/></w:numPr></w:pPr>
</w:style>
"""


def _add_numbering(document: docx.Document) -> None:
    numbering = document.part.numbering_part.element
    definitions = parse_xml(NUMBERING)
    first_num = numbering.find(f"{{{W_NS.split(chr(34))[1]}}}num")
    for child in list(definitions):
        if child.tag.endswith("abstractNum") and first_num is not None:
            first_num.addprevious(child)
        else:
            numbering.append(child)
    document.styles.element.append(parse_xml(TASK_STYLE))


def _numbered(document: docx.Document, text: str, num_id: int, ilvl: int) -> None:
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {W_NS}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def _to_bytes(document: docx.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _plan_document() -> bytes:
    document = docx.Document()
    _add_numbering(document)
    core = document.core_properties
    core.title = "某县2024年法治政府建设工作要点"
    core.author = "县司法局"
    core.created = datetime(2024, 3, 15, 9, 30)
    document.add_paragraph("某县2024年法治政府建设工作要点")
    document.add_paragraph("为深入推进依法行政，加快建设法治政府，结合我县实际，制定本要点。")
    _numbered(document, "深化行政执法体制改革", 20, 0)
    _numbered(document, "推进综合执法。整合执法队伍，年底前完成乡镇综合执法改革。〔责任单位：县司法局，县市场监管局〕", 20, 1)
    _numbered(document, "规范执法程序。全面推行行政执法三项制度。〔责任单位：县司法局〕", 20, 1)
    _numbered(document, "全面履行政府职能", 20, 0)
    _numbered(document, "优化营商环境。", 20, 1)
    _numbered(document, "压减审批时限；", 20, 2)
    _numbered(document, "推行证明事项告知承诺制。", 20, 2)
    document.add_paragraph("建立重大决策目录管理制度。", style="Plan Task")
    document.add_paragraph("定期开展合法性审查培训。", style="Plan Task")
    _numbered(document, "附则", 22, 0)
    return _to_bytes(document)


def test_automatic_numbering_is_rendered_and_prepended() -> None:
    text = read(_plan_document(), "要点.docx")
    assert text.format == "docx"
    assert [block.text for block in text.blocks] == [
        "某县2024年法治政府建设工作要点",
        "为深入推进依法行政，加快建设法治政府，结合我县实际，制定本要点。",
        "一、深化行政执法体制改革",
        "（一）推进综合执法。整合执法队伍，年底前完成乡镇综合执法改革。〔责任单位：县司法局，县市场监管局〕",
        "（二）规范执法程序。全面推行行政执法三项制度。〔责任单位：县司法局〕",
        "二、全面履行政府职能",
        "（一）优化营商环境。",
        "①压减审批时限；",
        "②推行证明事项告知承诺制。",
        "1.建立重大决策目录管理制度。",
        "2.定期开展合法性审查培训。",
        "九、附则",
    ]
    assert [block.numbering for block in text.blocks][2:6] == ["一、", "（一）", "（二）", "二、"]
    assert text.blocks[0].numbering == ""
    assert [block.line for block in text.blocks] == list(range(1, 13))
    assert all(block.kind is BlockKind.PARAGRAPH for block in text.blocks)


def test_core_properties_become_metadata() -> None:
    text = read(_plan_document(), "要点.docx")
    assert text.metadata == {"title": "某县2024年法治政府建设工作要点", "author": "县司法局", "created": "2024-03-15"}


def _revised_document() -> bytes:
    document = docx.Document()
    paragraph = document.add_paragraph("（三）加强行政复议工作，")
    paragraph._p.append(parse_xml(
        f'<w:del {W_NS} w:id="1" w:author="审核人" w:date="2024-01-01T00:00:00Z">'
        f"<w:r><w:delText>2023年底前</w:delText></w:r></w:del>"))
    paragraph._p.append(parse_xml(
        f'<w:ins {W_NS} w:id="2" w:author="审核人" w:date="2024-01-01T00:00:00Z">'
        f"<w:r><w:t>2024年6月底前</w:t></w:r></w:ins>"))
    paragraph._p.append(parse_xml(f'<w:bookmarkStart {W_NS} w:id="0" w:name="_GoBack"/>'))
    paragraph._p.append(parse_xml(f'<w:r {W_NS}><w:t>完成案件办理系统建设。</w:t></w:r>'))
    paragraph._p.append(parse_xml(f'<w:bookmarkEnd {W_NS} w:id="0"/>'))
    paragraph._p.append(parse_xml(f'<w:r {W_NS}><w:rPr><w:vanish/></w:rPr><w:t>隐藏批注</w:t></w:r>'))
    broken = document.add_paragraph("县人民政府办公室")
    broken.runs[0].add_break()
    broken.add_run("2024年3月1日")
    return _to_bytes(document)


def test_deleted_text_skipped_inserted_kept_soft_breaks_split() -> None:
    text = read(_revised_document(), "修订稿.docx")
    assert [(block.text, block.line) for block in text.blocks] == [
        ("（三）加强行政复议工作，2024年6月底前完成案件办理系统建设。", 1),
        ("县人民政府办公室", 2),
        ("2024年3月1日", 2),
    ]


def _task_table_document() -> bytes:
    document = docx.Document()
    document.add_paragraph("附件：任务分工表")
    table = document.add_table(rows=5, cols=4)
    for cell, value in zip(table.rows[0].cells, ["序号", "工作任务", "牵头单位", "完成时限"], strict=True):
        cell.text = value
    section = table.cell(1, 0).merge(table.cell(1, 3))
    section.text = "一、深化行政执法体制改革"
    for row, values in ((2, ["1", "推进乡镇综合执法改革", "县司法局", "2024年6月底前"]),
                        (3, ["2", "全面推行行政执法三项制度", "", "2024年12月底前"])):
        for column, value in enumerate(values):
            if value:
                table.cell(row, column).text = value
    table.cell(2, 2).merge(table.cell(3, 2))  # 牵头单位 merged vertically over two rows
    table.cell(4, 0).text = "3"
    table.cell(4, 1).text = "开展执法案卷评查"
    inner = table.cell(4, 2).add_table(rows=2, cols=2)
    for (r, c), value in {(0, 0): "牵头", (0, 1): "县司法局", (1, 0): "配合", (1, 1): "县直各执法部门"}.items():
        inner.cell(r, c).text = value
    table.cell(4, 3).text = "每年11月"
    document.add_paragraph("以上任务按季度报送进展情况。")
    return _to_bytes(document)


def test_table_rows_in_body_order_with_merged_cells() -> None:
    text = read(_task_table_document(), "分工表.docx")
    kinds = [block.kind for block in text.blocks]
    assert kinds == [BlockKind.PARAGRAPH] + [BlockKind.ROW] * 5 + [BlockKind.PARAGRAPH]
    rows = [block.cells for block in text.blocks[1:6]]
    assert rows[0] == ("序号", "工作任务", "牵头单位", "完成时限")
    assert rows[1] == ("一、深化行政执法体制改革",)  # gridSpan: the spanning cell appears once
    assert rows[2] == ("1", "推进乡镇综合执法改革", "县司法局", "2024年6月底前")
    assert rows[3] == ("2", "全面推行行政执法三项制度", "县司法局", "2024年12月底前")  # vMerge repeated
    assert rows[4] == ("3", "开展执法案卷评查", "牵头 县司法局\n配合 县直各执法部门", "每年11月")
    assert text.blocks[3].text == "1\t推进乡镇综合执法改革\t县司法局\t2024年6月底前"
    assert [block.line for block in text.blocks] == [1, 2, 3, 4, 5, 6, 7]
    assert text.blocks[-1].text == "以上任务按季度报送进展情况。"


@pytest.mark.parametrize(("value", "fmt", "expected"), [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"),
    (20, "chineseCountingThousand", "二十"), (35, "chineseCounting", "三十五"),
    (105, "chineseCounting", "一百〇五"), (110, "chineseCounting", "一百一十"),
    (3, "ideographTraditional", "丙"), (12, "chineseLegalSimplified", "壹拾贰"),
    (3, "decimalEnclosedCircle", "③"), (21, "decimalEnclosedCircleChinese", "㉑"),
    (12, "decimalFullWidth", "１２"), (28, "upperLetter", "BB"), (2, "lowerLetter", "b"),
    (14, "upperRoman", "XIV"), (7, "decimal", "7"), (7, "somethingNew", "7"),
])
def test_number_formats(value: int, fmt: str, expected: str) -> None:
    assert format_number(value, fmt) == expected


def test_chinese_number_hundreds() -> None:
    assert chinese_number(100) == "一百"
    assert chinese_number(1001) == "一千〇一"


def _is_chinese(message: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", message))


def test_truncated_docx_is_corrupt() -> None:
    data = _plan_document()
    with pytest.raises(CorruptDocument) as caught:
        read_bytes(data[: len(data) // 2], "截断.docx")
    assert _is_chinese(caught.value.message)
    assert caught.value.source == "截断.docx"


def test_docx_missing_document_part_is_corrupt() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<not-closed")
    with pytest.raises(CorruptDocument) as caught:
        read(buffer.getvalue(), "坏.docx")
    assert "Word 文档" in caught.value.message


def _bomb(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * size)
    return buffer.getvalue()


def test_zip_bomb_refused_by_compression_ratio() -> None:
    data = _bomb(20 * 1024 * 1024)
    assert len(data) < 100_000
    with pytest.raises(TooLarge) as caught:
        read_bytes(data, "炸弹.docx")
    assert "压缩比" in caught.value.message


def test_declared_size_beyond_limit_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_UNCOMPRESSED_BYTES", 10_000)
    with pytest.raises(TooLarge) as caught:
        read(_plan_document(), "大.docx")
    assert "解压后过大" in caught.value.message


def test_encrypted_docx_refused() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512
    with pytest.raises(EncryptedDocument) as caught:
        read_bytes(data, "加密.docx")
    assert "密码" in caught.value.message


HEADING_NUMBERING = f"""
<w:root {W_NS}>
  <w:abstractNum w:abstractNumId="30">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%1部分"/>
      <w:pStyle w:val="Heading1"/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/>
      <w:lvlRestart w:val="0"/><w:pStyle w:val="Heading2"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="40"><w:abstractNumId w:val="30"/></w:num>
</w:root>
"""


def test_heading_styles_bound_to_list_levels(monkeypatch: pytest.MonkeyPatch) -> None:
    """Multilevel lists tied to heading styles: numId from the style, level from ``w:lvl/w:pStyle``;
    ``lvlRestart 0`` keeps the second level counting across parts; ``numId 0`` switches numbering off;
    ``%1`` in a deeper level prints in the first level's format (Word does the same without ``isLgl``)."""
    monkeypatch.setattr(repair, "clean_blocks", lambda blocks: repair.Cleaned(blocks=list(blocks)))
    document = docx.Document()
    numbering = document.part.numbering_part.element
    for child in list(parse_xml(HEADING_NUMBERING)):
        numbering.insert(0, child) if child.tag.endswith("abstractNum") else numbering.append(child)
    for style_id in ("Heading1", "Heading2"):
        style = document.styles.element.get_by_id(style_id)
        style.get_or_add_pPr().append(parse_xml(f'<w:numPr {W_NS}><w:numId w:val="40"/></w:numPr>'))
    document.add_paragraph("总体要求", style="Heading 1")
    document.add_paragraph("指导思想", style="Heading 2")
    document.add_paragraph("主要任务", style="Heading 1")
    document.add_paragraph("健全依法决策机制", style="Heading 2")
    unnumbered = document.add_paragraph("（本节不编号）", style="Heading 2")
    unnumbered._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {W_NS}><w:numId w:val="0"/></w:numPr>'))
    text = read(_to_bytes(document), "标题编号.docx")
    assert [block.text for block in text.blocks] == [
        "第一部分总体要求", "一.1指导思想", "第二部分主要任务", "二.2健全依法决策机制", "（本节不编号）"]
    assert [block.numbering for block in text.blocks] == ["第一部分", "一.1", "第二部分", "二.2", ""]


def test_content_controls_and_grid_before() -> None:
    document = docx.Document()
    document.element.body.insert(0, parse_xml(
        f"<w:sdt {W_NS}><w:sdtPr><w:alias w:val=\"标题\"/></w:sdtPr><w:sdtContent>"
        f"<w:p><w:r><w:t>某县2025年法治政府建设工作要点</w:t></w:r></w:p></w:sdtContent></w:sdt>"))
    table = document.add_table(rows=2, cols=3)
    for (row, column), value in {(0, 0): "序号", (0, 1): "任务", (0, 2): "责任单位",
                                 (1, 1): "落实行政执法责任制", (1, 2): "县司法局"}.items():
        table.cell(row, column).text = value
    tr = table.rows[1]._tr
    tr.remove(tr.tc_lst[0])  # the row starts one grid column in (w:gridBefore)
    tr.insert(0, parse_xml(f'<w:trPr {W_NS}><w:gridBefore w:val="1"/></w:trPr>'))
    text = read(_to_bytes(document), "控件.docx")
    assert text.blocks[0].text == "某县2025年法治政府建设工作要点"
    assert [block.cells for block in text.blocks[1:]] == [
        ("序号", "任务", "责任单位"), ("", "落实行政执法责任制", "县司法局")]
