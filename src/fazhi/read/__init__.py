"""Readers: file bytes → ``Text`` (blocks in document order, with repairs and warnings).

``read_file`` and ``read_bytes`` decide the format from the content, not the file
name, so a .docx renamed .txt is still read as Word and a binary renamed .docx is
refused with a clear message.
"""

from __future__ import annotations

from pathlib import Path

from fazhi.errors import EmptyDocument, EncryptedDocument, TooLarge, UnsupportedFormat
from fazhi.model import Text
from fazhi.read.limits import MAX_FILE_BYTES
from fazhi.read.sniff import Format, sniff

__all__ = ["read_bytes", "read_file"]


def read_file(path: str | Path) -> Text:
    """Read a plan document from disk; raises a ``fazhi.errors.ReadError`` with a Chinese message."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise TooLarge(f"文件过大（{size // 1024 // 1024} MB），上限为 {MAX_FILE_BYTES // 1024 // 1024} MB",
                       source=path.name)
    return read_bytes(path.read_bytes(), path.name)


def read_bytes(data: bytes, source: str = "") -> Text:
    text = _read_by_format(data, source)
    if not text.blocks:
        raise EmptyDocument("文件中没有可读取的文字内容", source=source)
    return text


def _read_by_format(data: bytes, source: str) -> Text:
    if not data.strip():
        raise EmptyDocument("文件是空的，没有可读取的内容", source=source)
    if len(data) > MAX_FILE_BYTES:
        raise TooLarge(f"文件过大，上限为 {MAX_FILE_BYTES // 1024 // 1024} MB", source=source)
    fmt = sniff(data)
    if fmt is Format.DOCX:
        from fazhi.read import docx

        return docx.read(data, source)
    if fmt is Format.XLSX:
        from fazhi.read import xlsx

        return xlsx.read(data, source)
    if fmt is Format.PDF:
        from fazhi.read import pdf

        return pdf.read(data, source)
    if fmt is Format.OLE_ENCRYPTED:
        raise EncryptedDocument("文档设有打开密码，请取消密码后再导入", source=source)
    if fmt is Format.OLE_LEGACY:
        raise UnsupportedFormat("这是旧版 Word/Excel 格式（.doc/.xls），请在 Office 中另存为 .docx 或 .xlsx 后导入",
                                source=source)
    if fmt is Format.ZIP_OTHER:
        raise UnsupportedFormat("这是一个压缩包或其他 Office 文档，不是 .docx/.xlsx 方案文件", source=source)
    if fmt is Format.BINARY:
        raise UnsupportedFormat("无法识别的文件：内容不是文本、Word、Excel、PDF 或网页", source=source)
    from fazhi.read import txt

    decoded = txt.decode(data, source)
    if fmt is Format.HTML or txt.looks_like_html(decoded.text):
        from fazhi.read import html

        return html.read_markup(decoded.text, source, decoded.warnings)
    return txt.read_decoded(decoded, source)
