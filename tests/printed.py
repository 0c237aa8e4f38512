"""Checks on printed output shared by the export tests: a Word file turned into PDF by LibreOffice,
its pages' text, and a PNG of one page kept in test-artifacts/renderings/ to be looked at."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from fazhi.export.pdf import converter, docx_to_pdf

RENDERINGS = Path(__file__).resolve().parent.parent / "test-artifacts" / "renderings"

needs_libreoffice = pytest.mark.skipif(converter() is None and not __import__("os").environ.get("CI"),
                                       reason="LibreOffice is not installed (make test installs it)")


def page_texts(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def printed_pages(docx: bytes, name: str, *, page: int = 0) -> list[str]:
    """Convert to PDF, keep a PNG of one page, and return every page's text; no page may be empty."""
    pdf = docx_to_pdf(docx)
    texts = page_texts(pdf)
    empty = [i + 1 for i, text in enumerate(texts) if not text.strip()]
    assert not empty, f"{name}: empty pages {empty} of {len(texts)}"
    keep_png(pdf, name, page=page)
    return texts


def keep_png(pdf: bytes, name: str, *, page: int = 0) -> Path:
    RENDERINGS.mkdir(parents=True, exist_ok=True)
    document = pdfium.PdfDocument(pdf)
    try:
        target = RENDERINGS / f"{name}.png"
        document[min(page, len(document) - 1)].render(scale=1.5).to_pil().save(target)
        return target
    finally:
        document.close()
