"""A Word document as PDF, converted by LibreOffice running headless on this machine.

Offices print the forms fazhi writes (督办单, 考核评分表); a PDF prints the same on every machine.
LibreOffice is the one converter that runs offline and reads what python-docx writes. Each
conversion gets its own LibreOffice profile directory, so two conversions at once do not fight over
the default profile's lock, and a time limit, so a stuck conversion cannot hold a web worker. The
document's fonts (仿宋_GB2312, 黑体 …) are rarely on a server: a fontconfig file maps each to the free
font nearest in style (``gongwen.FONTS``), so the PDF keeps the difference between title, headings
and body.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from fazhi.errors import FazhiError
from fazhi.export.gongwen import fontconfig_aliases

__all__ = ["ConversionError", "converter", "docx_to_pdf"]

TIME_LIMIT = 120  # seconds; a first start of LibreOffice takes a few


class ConversionError(FazhiError):
    """The PDF could not be made; the Word version can still be downloaded and printed."""


def converter() -> str | None:
    """The LibreOffice program on PATH, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(document: bytes) -> bytes:
    program = converter()
    if program is None:
        raise ConversionError("本机未安装 LibreOffice，无法生成 PDF；请下载 Word 版本后打印")
    with tempfile.TemporaryDirectory(prefix="fazhi-pdf-") as folder:
        work = Path(folder)
        source = work / "document.docx"
        source.write_bytes(document)
        fonts = work / "fonts.conf"
        fonts.write_text(fontconfig_aliases(), encoding="utf-8")
        environment = {**os.environ, "FONTCONFIG_FILE": str(fonts)}
        command = [program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                   "--norestore", "--convert-to", "pdf", "--outdir", str(work), str(source)]
        try:
            subprocess.run(command, capture_output=True, timeout=TIME_LIMIT, check=False,
                           env=environment)
        except subprocess.TimeoutExpired as error:
            raise ConversionError(f"生成 PDF 超过 {TIME_LIMIT} 秒未完成；请下载 Word 版本后打印") from error
        result = work / "document.pdf"
        if not result.exists() or result.stat().st_size == 0:
            raise ConversionError("LibreOffice 未能生成 PDF；请下载 Word 版本后打印")
        return result.read_bytes()
