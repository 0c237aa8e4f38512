"""The PDF reader: lines of the text layer per page, Kangxi look-alikes folded, scans and locks refused."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from fazhi.errors import CorruptDocument, EncryptedDocument, NeedsOCR, TooLarge
from fazhi.model import BlockKind
from fazhi.read import limits, read_bytes
from fazhi.read.pdf import fold_lookalikes, read

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

PAGE_ONE = [
    "某县法治政府建设实施方案（２０２１—２０２５年）",
    "一、深化行政执法体制改革",
    "（一）推进综合执法。整合执法队伍，2022年底前完成改革。",
    "〔责任单位：县司法局，县市场监管局〕",
]
PAGE_TWO = [
    "（二）规范执法程序。全面推\u2f8f行政执法三项制度。",  # ⾏ is the Kangxi radical, not 行
    "〔责任单位：县司法局〕",
]


def _pdf(pages: list[list[str]], encrypt: str | None = None) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, encrypt=encrypt)
    pdf.setTitle("某县法治政府建设实施方案")
    pdf.setAuthor("某县人民政府")
    for lines in pages:
        pdf.setFont(FONT, 12)
        for index, line in enumerate(lines):
            pdf.drawString(60, 780 - 24 * index, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _image_page(pdf: canvas.Canvas) -> None:
    scan = Image.new("RGB", (200, 280), "white")
    pdf.drawImage(ImageReader(scan), 50, 300, width=400, height=500)
    pdf.showPage()


def _is_chinese(message: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", message))


def test_lines_per_page_with_page_numbers() -> None:
    text = read(_pdf([PAGE_ONE, PAGE_TWO]), "方案.pdf")
    assert text.format == "pdf"
    assert [(block.line, block.text) for block in text.blocks] == [
        (1, "某县法治政府建设实施方案（２０２１—２０２５年）"),  # full-width digits and brackets untouched
        (1, "一、深化行政执法体制改革"),
        (1, "（一）推进综合执法。整合执法队伍，2022年底前完成改革。"),
        (1, "〔责任单位：县司法局，县市场监管局〕"),
        (2, "（二）规范执法程序。全面推行行政执法三项制度。"),
        (2, "〔责任单位：县司法局〕"),
    ]
    assert all(block.kind is BlockKind.PARAGRAPH for block in text.blocks)


def test_kangxi_radical_folded_and_recorded() -> None:
    text = read(_pdf([PAGE_ONE, PAGE_TWO]), "方案.pdf")
    kangxi = [repair for repair in text.repairs if repair.kind == "kangxi"]
    assert len(kangxi) == 1
    assert kangxi[0].line == 2
    assert kangxi[0].before == PAGE_TWO[0]
    assert kangxi[0].after == "（二）规范执法程序。全面推行行政执法三项制度。"


def test_metadata_from_info_dictionary() -> None:
    text = read(_pdf([PAGE_ONE]), "方案.pdf")
    assert text.metadata["title"] == "某县法治政府建设实施方案"
    assert text.metadata["author"] == "某县人民政府"
    assert text.metadata["pages"] == "1"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.metadata["created"])


def test_fold_lookalikes_only_touches_radicals() -> None:
    # ⾏ ⼈ ⼯ (Kangxi), ⺟ (supplement), 不 (compatibility ideograph) → unified ideographs
    assert fold_lookalikes("\u2f8f政\u2f08员\u2f2f作\u2e9f\uf967") == "行政人员工作母不"
    # full-width brackets, digits and 〔〕 are the document's own; NFKC would flatten them
    assert fold_lookalikes("（一）２０２５年〔责任单位〕") == "（一）２０２５年〔责任单位〕"
    # a supplement radical without a unified counterpart stays as printed
    assert fold_lookalikes("\u2ee8") == "\u2ee8"


def test_scanned_pdf_needs_ocr() -> None:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    _image_page(pdf)
    pdf.rect(50, 50, 200, 100)  # a drawn page with no text either
    pdf.showPage()
    pdf.save()
    with pytest.raises(NeedsOCR) as caught:
        read_bytes(buffer.getvalue(), "扫描件.pdf")
    assert caught.value.message == "PDF 没有文字层（可能是扫描件），需要先进行文字识别（OCR）"
    assert caught.value.source == "扫描件.pdf"


def test_scanned_page_among_text_pages_is_a_warning() -> None:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setFont(FONT, 12)
    for index, line in enumerate(PAGE_ONE * 3):
        pdf.drawString(60, 780 - 24 * index, line)
    pdf.showPage()
    _image_page(pdf)
    pdf.save()
    text = read(buffer.getvalue(), "部分扫描.pdf")
    assert {block.line for block in text.blocks} == {1}
    assert [(warning.code, warning.line) for warning in text.warnings] == [("read.pdf-image-page", 2)]
    assert "第 2 页" in text.warnings[0].message


def test_encrypted_pdf_refused() -> None:
    with pytest.raises(EncryptedDocument) as caught:
        read_bytes(_pdf([PAGE_ONE], encrypt="pw"), "加密.pdf")
    assert "密码" in caught.value.message


def test_too_many_pages_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_PDF_PAGES", 2)
    with pytest.raises(TooLarge) as caught:
        read(_pdf([PAGE_ONE, PAGE_TWO, PAGE_ONE]), "长.pdf")
    assert "3 页" in caught.value.message


def test_broken_pdf_is_corrupt() -> None:
    with pytest.raises(CorruptDocument) as caught:
        read_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n" + b"\x00garbage" * 50, "坏.pdf")
    assert _is_chinese(caught.value.message)


def test_truncated_pdf_is_corrupt() -> None:
    data = _pdf([PAGE_ONE, PAGE_TWO])
    with pytest.raises(CorruptDocument) as caught:
        read_bytes(data[: len(data) // 2], "截断.pdf")
    assert caught.value.message == "PDF 文件已损坏或不完整，无法打开"
