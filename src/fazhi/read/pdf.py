"""PDF → ``Text``: the text layer, one PARAGRAPH block per printed line, ``line`` = page number.

PDF fonts often map characters to Kangxi radicals or radical-supplement look-alikes
(⾏ U+2F8F for 行); those are folded to the unified ideographs, and only those, since
NFKC on the whole text would also flatten full-width brackets and digits. A PDF with
no text layer (a scan) is refused with ``NeedsOCR``; a page without text among pages
with text is reported as a warning.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from fazhi.errors import CorruptDocument, EncryptedDocument, FazhiError, NeedsOCR, TooLarge
from fazhi.model import Block, Repair, Text, Warning
from fazhi.read import limits, repair

MIN_CHARS_PER_PAGE = 20  # below this on average the document is a scan
_FPDF_ERR_PASSWORD = 4
_FPDF_ERR_SECURITY = 6
_FPDF_PAGEOBJ_IMAGE = 3
# Kangxi radicals, CJK radicals supplement and CJK compatibility ideographs: look-alikes of unified ideographs.
_LOOKALIKE = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf\uf900-\ufaff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_LOCK = threading.Lock()  # PDFium is not thread-safe
_STREAM = re.compile(rb"(?<!end)stream\r?\n")  # where a stream's data begins
_DICT_WINDOW = 1024  # a stream's dictionary is in the bytes just before it
_MAX_STREAMS = 200_000  # a 2,000-page plan has a few thousand
_INFLATE_STEP = 64 * 1024


@dataclass
class _Pages:
    blocks: list[Block] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    chars: int = 0


def read(data: bytes, source: str) -> Text:
    check_streams(data, source)
    with _LOCK:
        document = _open(data, source)
        try:
            pages, metadata = _read_document(document, source)
        except FazhiError:
            raise
        except Exception as exc:  # a page or text layer PDFium cannot load
            raise CorruptDocument("PDF 文件内容有损坏，无法读取", source=source) from exc
        finally:
            document.close()
    cleaned = repair.clean_blocks(pages.blocks)
    return Text(blocks=tuple(cleaned.blocks), source=source, format="pdf", metadata=metadata,
                repairs=tuple(pages.repairs + cleaned.repairs),
                warnings=tuple(pages.warnings + cleaned.warnings))


def check_streams(data: bytes, source: str) -> None:
    """Refuse a PDF whose compressed streams inflate beyond the limits (a decompression bomb), before PDFium
    inflates them in memory. Images are skipped: reading text never decodes them. Only plain Flate streams
    are measured, each inflated piece by piece and dropped, so the check costs little memory; the scan is
    linear in the file's size (each stream's dictionary is looked for in a bounded window before it)."""
    total = 0
    for count, match in enumerate(_STREAM.finditer(data)):
        if count > _MAX_STREAMS:
            raise TooLarge("PDF 结构异常（对象过多），可能是恶意构造的文件，已拒绝打开", source=source)
        window = data[max(0, match.start() - _DICT_WINDOW):match.start()]
        dictionary = window[window.rfind(b"obj") + 1:]
        if b"/FlateDecode" not in dictionary or b"/Image" in dictionary:
            continue
        size = _inflated_size(data, match.end(), limits.MAX_PDF_STREAM_BYTES)
        total += size
        if size > limits.MAX_PDF_STREAM_BYTES or total > limits.MAX_UNCOMPRESSED_BYTES:
            raise TooLarge("PDF 中的压缩内容解压后过大，可能是压缩炸弹，已拒绝打开", source=source)


def _inflated_size(data: bytes, start: int, limit: int) -> int:
    """How many bytes the zlib stream at ``start`` inflates to, counting no further than just past ``limit``."""
    inflater = zlib.decompressobj()
    size, position = 0, start
    try:
        while not inflater.eof and size <= limit and position < len(data):
            chunk = inflater.unconsumed_tail or data[position:position + _INFLATE_STEP]
            if not inflater.unconsumed_tail:
                position += _INFLATE_STEP
            size += len(inflater.decompress(chunk, _INFLATE_STEP * 16))
    except zlib.error:
        pass  # not a plain zlib stream (or damaged): PDFium decides
    return size


def _open(data: bytes, source: str) -> Any:
    import pypdfium2

    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        if exc.err_code in (_FPDF_ERR_PASSWORD, _FPDF_ERR_SECURITY):
            raise EncryptedDocument("PDF 设有打开密码，请取消密码后再导入", source=source) from exc
        raise CorruptDocument("PDF 文件已损坏或不完整，无法打开", source=source) from exc
    except Exception as exc:
        raise CorruptDocument("PDF 文件已损坏或不完整，无法打开", source=source) from exc


def _read_document(document: Any, source: str) -> tuple[_Pages, dict[str, str]]:
    count = len(document)
    if count > limits.MAX_PDF_PAGES:
        raise TooLarge(f"PDF 页数过多（{count} 页），上限为 {limits.MAX_PDF_PAGES} 页", source=source)
    if count == 0:
        raise CorruptDocument("PDF 文件没有任何页面", source=source)
    pages = _Pages()
    for number in range(1, count + 1):
        _read_page(document, number, pages)
    if pages.chars < MIN_CHARS_PER_PAGE * count:
        raise NeedsOCR("PDF 没有文字层（可能是扫描件），需要先进行文字识别（OCR）", source=source)
    return pages, _metadata(document, count)


def _read_page(document: Any, number: int, pages: _Pages) -> None:
    page = document[number - 1]
    try:
        text = _page_text(page)
        if not text.strip() and _has_images(page):
            pages.warnings.append(Warning("read.pdf-image-page",
                                          f"第 {number} 页只有图片没有文字（可能是扫描页），该页内容未读取", number))
    finally:
        page.close()
    for line in _lines(text):
        pages.chars += sum(1 for char in line if not char.isspace())
        folded = fold_lookalikes(line)
        if folded != line:
            pages.repairs.append(Repair(kind="kangxi", line=number, before=line, after=folded))
        pages.blocks.append(Block(text=folded, line=number))


def _page_text(page: Any) -> str:
    textpage = page.get_textpage()
    try:
        return str(textpage.get_text_range())
    finally:
        textpage.close()


def _has_images(page: Any) -> bool:
    return any(obj.type == _FPDF_PAGEOBJ_IMAGE for obj in page.get_objects(max_depth=2))


def _lines(text: str) -> Iterator[str]:
    for line in re.split(r"\r\n|\r|\n", _CONTROL.sub("", text)):
        line = line.rstrip()
        if line.strip():
            yield line


def fold_lookalikes(text: str) -> str:
    """⾏ (Kangxi radical) → 行, ⺟ → 母, 﨑 → 崎; every other character untouched."""
    return _LOOKALIKE.sub(lambda match: unicodedata.normalize("NFKC", match.group()), text)


def _metadata(document: Any, count: int) -> dict[str, str]:
    metadata = {"pages": str(count)}
    try:
        info = document.get_metadata_dict(skip_empty=True)
    except Exception:  # an unreadable info dictionary is no reason to refuse the text
        return metadata
    for key, name in (("title", "Title"), ("author", "Author")):
        value = str(info.get(name, "")).strip()
        if value:
            metadata[key] = value
    created = re.match(r"D:(\d{4})(\d{2})(\d{2})", str(info.get("CreationDate", "")))
    if created:
        metadata["created"] = "-".join(created.groups())
    return metadata
