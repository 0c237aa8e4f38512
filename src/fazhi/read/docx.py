"""Word .docx → ``Text``: body paragraphs and table rows in document order.

Word's automatic numbering (numbering.xml) is not part of the paragraph text, yet a
plan's structure lives in it ("一、", "（三）"); ``wordnum`` resolves it and we prepend
the number as printed. Tracked changes read as accepted: deleted text is skipped,
inserted text kept. Table rows are complete: a horizontally merged cell appears once,
a vertically merged one repeats the text of the cell above.

The zip container is checked before anything is inflated (``check_zip``), which the
.xlsx reader shares.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fazhi.errors import CorruptDocument, FazhiError, TooLarge, UnsupportedFormat
from fazhi.model import Block, BlockKind, Text
from fazhi.read import limits, repair
from fazhi.read.sniff import MAX_ZIP_MEMBERS, declared_members
from fazhi.read.wordnum import Element, Numbering, Styles, W, to_int, val

MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"

_RATIO_FLOOR = 1024 * 1024  # small members may compress well; only large ones can be bombs
_DTD_SCAN_BYTES = 8192  # the XML declaration, comments and a DOCTYPE come first
# Containers whose children belong to the surrounding flow (content controls, custom XML, smart tags).
_WRAPPERS = {W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag"}
# Subtrees that hold no printed text, or text that is not printed (deleted, fallback copies).
_NO_TEXT = {W + "del", W + "moveFrom", W + "pPr", W + "rPr", W + "sdtPr", W + "instrText",
            W + "delText", MC + "Fallback", W + "fldData", W + "commentReference"}


# ---------------------------------------------------------------- zip container


def check_zip(data: bytes, source: str, label: str) -> None:
    """Refuse a damaged container, one whose declared contents are too large, one with part names that point
    outside it, or one whose XML declares a DTD, before inflating anything but the start of each XML part."""
    declared = declared_members(data)
    if declared > MAX_ZIP_MEMBERS:  # before zipfile spends seconds parsing a directory of that size
        raise TooLarge(f"{label}包含的部件过多（{declared} 个），可能是恶意构造的文件", source=source)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise CorruptDocument(f"{label}已损坏或不完整，无法打开", source=source) from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise TooLarge(f"{label}包含的部件过多（{len(members)} 个），可能是恶意构造的文件", source=source)
    total = sum(member.file_size for member in members)
    if total > limits.MAX_UNCOMPRESSED_BYTES:
        raise TooLarge(f"{label}解压后过大（{_mb(total)} MB），上限为 {_mb(limits.MAX_UNCOMPRESSED_BYTES)} MB",
                       source=source)
    for member in members:
        if member.file_size > _RATIO_FLOOR and member.file_size > member.compress_size * limits.MAX_COMPRESSION_RATIO:
            raise TooLarge(f"{label}中的部件 {member.filename} 压缩比异常，可能是压缩炸弹，已拒绝打开",
                           source=source)
        if _unsafe_name(member.filename):
            raise CorruptDocument(f"{label}中有异常的部件名称（{member.filename[:60]}），可能是恶意构造的文件，已拒绝打开",
                                  source=source)
    _refuse_dtds(data, members, source, label)


def _unsafe_name(name: str) -> bool:
    """A part name that would land outside the folder when unpacked: absolute, a drive, or with a .. step.
    Office never writes such names."""
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":") or "\x00" in name


def _refuse_dtds(data: bytes, members: list[zipfile.ZipInfo], source: str, label: str) -> None:
    """Office never writes a DTD; one in an XML part is an entity attack (billion laughs, external entities).
    Only the start of each part is inflated: a DTD must come before the root element."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in members:
            if not member.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with archive.open(member) as part:
                    head = part.read(_DTD_SCAN_BYTES)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError) as exc:
                raise CorruptDocument(f"{label}已损坏或不完整，无法打开", source=source) from exc
            if b"<!DOCTYPE" in head.upper() or b"<\x00!\x00D\x00O\x00C\x00" in head.upper():
                raise CorruptDocument(f"{label}中的部件 {member.filename} 含有 DTD 实体声明（Office 不会生成），"
                                      "可能是恶意构造的文件，已拒绝打开", source=source)


def _mb(size: int) -> int:
    return size // 1024 // 1024


# ---------------------------------------------------------------- reading


def read(data: bytes, source: str) -> Text:
    check_zip(data, source, "Word 文档")
    document = _open(data, source)
    try:
        numbering = Numbering.from_part(_related_element(document.part, RT_NUMBERING))
        styles = Styles.from_part(_related_element(document.part, RT_STYLES))
        walker = _Walker(numbering, styles)
        blocks = list(walker.body(document.element.body))
        metadata = _metadata(document)
    except FazhiError:
        raise
    except Exception as exc:  # malformed XML values deep inside the document
        raise CorruptDocument("Word 文档内容有损坏，无法读取", source=source) from exc
    cleaned = repair.clean_blocks(blocks)
    return Text(blocks=tuple(cleaned.blocks), source=source, format="docx", metadata=metadata,
                repairs=tuple(cleaned.repairs), warnings=tuple(cleaned.warnings))


def _open(data: bytes, source: str) -> Any:
    import docx

    try:
        return docx.Document(io.BytesIO(data))
    except ValueError as exc:
        if "content type" in str(exc):
            raise UnsupportedFormat("这不是普通的 Word 文档（可能是模板或启用宏的文档），请另存为 .docx 后导入",
                                    source=source) from exc
        raise CorruptDocument("Word 文档已损坏或不完整，无法打开", source=source) from exc
    except Exception as exc:
        raise CorruptDocument("Word 文档已损坏或不完整，无法打开", source=source) from exc


def _related_element(part: Any, reltype: str) -> Element | None:
    for rel in part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            target = rel.target_part
            element = getattr(target, "element", None)
            return element if element is not None else _parse_xml(target.blob)
    return None


def _parse_xml(blob: bytes) -> Element:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(blob, parser)


def _metadata(document: Any) -> dict[str, str]:
    package = document.part.package
    if not any(rel.reltype == RT_CORE for rel in package.rels.values()):
        return {}  # python-docx would invent a default title ("Word Document")
    core = document.core_properties
    metadata = {"title": (core.title or "").strip(), "author": (core.author or "").strip()}
    if core.created is not None:
        metadata["created"] = core.created.date().isoformat()
    return {key: value for key, value in metadata.items() if value}


def _children(element: Element) -> Iterator[Element]:
    """Children, looking through content controls and custom XML wrappers."""
    for child in element:
        if child.tag in _WRAPPERS:
            yield from _children(child)
        else:
            yield child


# ---------------------------------------------------------------- text of runs


def _text(element: Element) -> str:
    """Printed text under ``element``: deleted, hidden and fallback copies skipped."""
    parts: list[str] = []
    for child in element:
        tag = child.tag
        if tag in _NO_TEXT or (tag == W + "r" and _hidden(child)):
            continue
        if tag == W + "t":
            parts.append(child.text or "")
        elif tag in (W + "tab", W + "ptab"):
            parts.append(" ")
        elif tag in (W + "br", W + "cr"):
            parts.append("" if child.get(W + "type") == "page" else "\n")
        elif tag == W + "noBreakHyphen":
            parts.append("-")
        else:
            parts.append(_text(child))
    return "".join(parts)


def _hidden(run: Element) -> bool:
    props = run.find(W + "rPr")
    vanish = None if props is None else props.find(W + "vanish")
    return vanish is not None and vanish.get(W + "val") not in ("0", "false", "off")



# ---------------------------------------------------------------- body walk


@dataclass
class _Walker:
    numbering: Numbering
    styles: Styles
    line: int = 0

    def body(self, body: Element) -> Iterator[Block]:
        for child in _children(body):
            if child.tag == W + "p":
                self.line += 1
                yield from self._paragraph_blocks(child)
            elif child.tag == W + "tbl":
                yield from self._table(child)

    def _paragraph_blocks(self, p: Element) -> Iterator[Block]:
        number = self._number(p)
        lines = (number + _text(p)).split("\n")
        for index, text in enumerate(lines):
            yield Block(text=text, line=self.line, numbering=number if index == 0 else "")

    def _number(self, p: Element) -> str:
        """The rendered automatic number of paragraph ``p``, or ``""``."""
        num_pr = p.find(f"{W}pPr/{W}numPr")
        style_id = val(p.find(W + "pPr"), "pStyle") or self.styles.default
        style_num, style_lvl = self.styles.numbering(style_id)
        num_id = val(num_pr, "numId") or style_num
        if not num_id or num_id == "0":
            return ""
        ilvl = val(num_pr, "ilvl") or style_lvl
        level = to_int(ilvl, 0) if ilvl is not None else self.numbering.level_for_style(num_id, style_id)
        return self.numbering.next(num_id, level or 0, self.styles)

    def _table(self, tbl: Element) -> Iterator[Block]:
        above: dict[int, str] = {}  # grid column → text of the cell that starts a vertical merge
        for tr in _children(tbl):
            if tr.tag != W + "tr":
                continue
            self.line += 1
            cells = self._row_cells(tr, above)
            if any(cell.strip() for cell in cells):
                yield Block(text="\t".join(cells), line=self.line, kind=BlockKind.ROW, cells=tuple(cells))

    def _row_cells(self, tr: Element, above: dict[int, str]) -> list[str]:
        column = max(to_int(val(tr.find(W + "trPr"), "gridBefore"), 0), 0)
        cells = [""] * min(column, 64)  # grid columns skipped before the first cell stay aligned
        for tc in _children(tr):
            if tc.tag != W + "tc":
                continue
            props = tc.find(W + "tcPr")
            merge = None if props is None else props.find(W + "vMerge")
            if merge is not None and merge.get(W + "val") != "restart":
                text = above.get(column, "")
            else:
                text = self._cell_text(tc)
                above[column] = text
            cells.append(text)
            column += max(to_int(val(props, "gridSpan"), 1), 1)
        return cells

    def _cell_text(self, tc: Element) -> str:
        lines: list[str] = []
        for child in _children(tc):
            if child.tag == W + "p":
                lines.append(self._number(child) + _text(child))
            elif child.tag == W + "tbl":
                lines.extend(self._nested_rows(child))
        return "\n".join(line.strip() for line in lines if line.strip())

    def _nested_rows(self, tbl: Element) -> Iterator[str]:
        """An inner table flattened into its cell: one line per row, cells separated by spaces."""
        for tr in _children(tbl):
            if tr.tag == W + "tr":
                texts = [self._cell_text(tc) for tc in _children(tr) if tc.tag == W + "tc"]
                yield " ".join(text.replace("\n", " ") for text in texts if text)
