"""Files kept as they are (佐证材料, evidence): their content must be what the extension says, and not a bomb;
a .docx/.xlsx must also be a complete, unencrypted container. Nothing is parsed beyond the container, so this
is quick for any size."""

from __future__ import annotations

from fazhi.errors import EmptyDocument, EncryptedDocument, UnsupportedFormat
from fazhi.read.sniff import Format, sniff

_IMAGES = {".png": b"\x89PNG\r\n\x1a\n", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff"}
_DOCUMENTS = {".pdf": (Format.PDF, "PDF 文件"), ".docx": (Format.DOCX, "Word 文档"), ".xlsx": (Format.XLSX, "Excel 表格")}
SUFFIXES = tuple(_DOCUMENTS) + tuple(_IMAGES)


def check_attachment(data: bytes, source: str, suffix: str) -> None:
    """Raise a ``ReadError`` (Chinese message) unless ``data`` is a file of the type ``suffix`` names."""
    if not data:
        raise EmptyDocument("文件是空的", source=source)
    if suffix in _IMAGES:
        if not data.startswith(_IMAGES[suffix]):
            raise UnsupportedFormat(f"文件内容与扩展名“{suffix}”不符，可能已损坏或被改名", source=source)
        return
    if suffix not in _DOCUMENTS:
        raise UnsupportedFormat(f"不接受“{suffix or '无扩展名'}”类型的文件", source=source)
    expected, label = _DOCUMENTS[suffix]
    found = sniff(data)
    if found is Format.OLE_ENCRYPTED:
        raise EncryptedDocument("文档设有打开密码，请取消密码后再上传", source=source)
    if found is not expected:
        raise UnsupportedFormat(f"文件内容与扩展名“{suffix}”不符，可能已损坏或被改名", source=source)
    if expected is Format.PDF:
        _check_pdf(data, source)
    else:
        from fazhi.read.docx import check_zip

        check_zip(data, source, label)


def _check_pdf(data: bytes, source: str) -> None:
    """Only bombs are refused: a PDF is kept as it is and never opened here (a damaged or password-protected
    one is the office's to judge when it opens it)."""
    from fazhi.read.pdf import check_streams

    check_streams(data, source)
