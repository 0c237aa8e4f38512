"""Word .docx → ``Text``: body paragraphs and table rows in document order.

Word's automatic numbering (numbering.xml) is not part of the paragraph text, yet a
plan's structure lives in it ("一、", "（三）"); we resolve it ourselves and prepend
the number as printed. Tracked changes read as accepted: deleted text is skipped,
inserted text kept. Table rows are complete: a horizontally merged cell appears once,
a vertically merged one repeats the text of the cell above.

The zip container is checked before anything is inflated (``check_zip``), which the
.xlsx reader shares.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from fazhi.errors import CorruptDocument, FazhiError, TooLarge, UnsupportedFormat
from fazhi.model import Block, BlockKind, Text
from fazhi.read import limits, repair

Element = Any  # lxml element; lxml ships no type information

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"

MAX_ZIP_MEMBERS = 10_000
_RATIO_FLOOR = 1024 * 1024  # small members may compress well; only large ones can be bombs
# Containers whose children belong to the surrounding flow (content controls, custom XML, smart tags).
_WRAPPERS = {W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag"}
# Subtrees that hold no printed text, or text that is not printed (deleted, fallback copies).
_NO_TEXT = {W + "del", W + "moveFrom", W + "pPr", W + "rPr", W + "sdtPr", W + "instrText",
            W + "delText", MC + "Fallback", W + "fldData", W + "commentReference"}


# ---------------------------------------------------------------- zip container


def check_zip(data: bytes, source: str, label: str) -> None:
    """Refuse a damaged container, or one whose declared contents are too large, before inflating."""
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


def _val(element: Element | None, child: str, default: str | None = None) -> str | None:
    """The ``w:val`` of ``element``'s child ``w:<child>``."""
    if element is None:
        return default
    node = element.find(W + child)
    if node is None:
        return default
    value = node.get(W + "val")
    return default if value is None else str(value)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


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


# ---------------------------------------------------------------- styles and numbering


@dataclass
class Styles:
    """Paragraph styles' numbering (``w:numPr``) and inheritance (``w:basedOn``)."""

    num_pr: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    based_on: dict[str, str] = field(default_factory=dict)
    default: str | None = None

    @classmethod
    def from_part(cls, root: Element | None) -> Styles:
        styles = cls()
        for style in [] if root is None else root.iter(W + "style"):
            style_id = style.get(W + "styleId")
            if style_id is None or style.get(W + "type") not in (None, "paragraph", "numbering"):
                continue
            styles._add(style, style_id)
        return styles

    def _add(self, style: Element, style_id: str) -> None:
        if style.get(W + "default") in ("1", "true") and style.get(W + "type") == "paragraph":
            self.default = style_id
        parent = _val(style, "basedOn")
        if parent:
            self.based_on[style_id] = parent
        num_pr = style.find(f"{W}pPr/{W}numPr")
        if num_pr is not None:
            self.num_pr[style_id] = (_val(num_pr, "numId"), _val(num_pr, "ilvl"))

    def numbering(self, style_id: str | None) -> tuple[str | None, str | None]:
        """(numId, ilvl) a style gives, looking up its ``basedOn`` chain."""
        num_id, ilvl = None, None
        for _ in range(20):  # chains are short; a cycle must not hang us
            if style_id is None:
                break
            own_num, own_lvl = self.num_pr.get(style_id, (None, None))
            num_id, ilvl = num_id or own_num, ilvl or own_lvl
            style_id = self.based_on.get(style_id)
        return num_id, ilvl


@dataclass(frozen=True)
class Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    restart: int | None = None  # w:lvlRestart: restarts after levels shallower than this; 0 never
    style: str | None = None
    legal: bool = False  # w:isLgl: every placeholder printed as decimal


def _level(lvl: Element) -> Level:
    restart = _val(lvl, "lvlRestart")
    return Level(fmt=_val(lvl, "numFmt", "decimal") or "decimal",
                 text=_val(lvl, "lvlText", "") or "",
                 start=_int(_val(lvl, "start"), 1),
                 restart=_int(restart, 0) if restart is not None else None,
                 style=_val(lvl, "pStyle"),
                 legal=lvl.find(W + "isLgl") is not None)


def _levels(parent: Element) -> dict[int, Level]:
    return {_int(lvl.get(W + "ilvl"), 0): _level(lvl) for lvl in parent.findall(W + "lvl")}


@dataclass
class Instance:
    """A ``w:num``: an abstract definition plus its overrides."""

    abstract: str
    starts: dict[int, int] = field(default_factory=dict)
    levels: dict[int, Level] = field(default_factory=dict)


@dataclass
class Numbering:
    """Numbering definitions and the running counters, as Word keeps them."""

    abstracts: dict[str, dict[int, Level]] = field(default_factory=dict)
    style_links: dict[str, str] = field(default_factory=dict)  # abstractNumId → numbering style
    instances: dict[str, Instance] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def from_part(cls, root: Element | None) -> Numbering:
        numbering = cls()
        if root is None:
            return numbering
        for abstract in root.iter(W + "abstractNum"):
            abstract_id = abstract.get(W + "abstractNumId") or ""
            numbering.abstracts[abstract_id] = _levels(abstract)
            link = _val(abstract, "numStyleLink")
            if link:
                numbering.style_links[abstract_id] = link
        for num in root.iter(W + "num"):
            numbering.instances[num.get(W + "numId") or ""] = _instance(num)
        return numbering

    def level_for_style(self, num_id: str, style_id: str | None) -> int | None:
        """Multilevel lists bound to heading styles name the style in ``w:lvl/w:pStyle``."""
        for ilvl, level in self._levels(num_id).items():
            if style_id is not None and level.style == style_id:
                return ilvl
        return None

    def next(self, num_id: str, ilvl: int, styles: Styles) -> str:
        """Advance the counter of (list, level) and render the number as printed."""
        instance = self._resolve(num_id, styles)
        if instance is None:
            return ""
        levels = {**self.abstracts.get(instance.abstract, {}), **instance.levels}
        key = num_id if instance.starts or instance.levels else instance.abstract
        counters = self.counters.setdefault(key, {})
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else self._start(instance, levels, ilvl)
        for deeper in [lvl for lvl in counters if lvl > ilvl and _restarts(levels.get(lvl), ilvl)]:
            del counters[deeper]
        return _render(levels, ilvl, counters, lambda lvl: self._start(instance, levels, lvl))

    def _resolve(self, num_id: str, styles: Styles) -> Instance | None:
        """The instance, following a ``w:numStyleLink`` to the list style that really defines it."""
        instance = self.instances.get(num_id)
        for _ in range(5):
            link = None if instance is None else self.style_links.get(instance.abstract)
            if link is None or instance is None:
                return instance
            linked_id, _ = styles.numbering(link)
            linked = self.instances.get(linked_id or "")
            if linked is None or linked is instance:
                return instance
            instance = Instance(linked.abstract, {**linked.starts, **instance.starts},
                                {**linked.levels, **instance.levels})
        return instance

    def _levels(self, num_id: str) -> dict[int, Level]:
        instance = self.instances.get(num_id)
        return {} if instance is None else self.abstracts.get(instance.abstract, {})

    @staticmethod
    def _start(instance: Instance, levels: dict[int, Level], ilvl: int) -> int:
        return instance.starts.get(ilvl, levels.get(ilvl, Level()).start)


def _instance(num: Element) -> Instance:
    instance = Instance(abstract=_val(num, "abstractNumId", "") or "")
    for override in num.findall(W + "lvlOverride"):
        ilvl = _int(override.get(W + "ilvl"), 0)
        start = _val(override, "startOverride")
        if start is not None:
            instance.starts[ilvl] = _int(start, 1)
        lvl = override.find(W + "lvl")
        if lvl is not None:
            instance.levels[ilvl] = _level(lvl)
    return instance


def _restarts(level: Level | None, advanced: int) -> bool:
    """Whether a deeper level starts over when level ``advanced`` (0-based) moves on."""
    if level is None or level.restart is None:
        return True
    return level.restart != 0 and advanced < level.restart


def _render(levels: dict[int, Level], ilvl: int, counters: dict[int, int],
            start: Callable[[int], int]) -> str:
    level = levels.get(ilvl, Level())
    if level.fmt == "bullet":
        return ""  # bullet glyphs live in symbol fonts; they are not numbers

    def placeholder(match: re.Match[str]) -> str:
        target = int(match.group(1)) - 1
        target_level = levels.get(target, Level())
        value = counters.get(target, start(target))
        fmt = "decimal" if level.legal and target < ilvl else target_level.fmt
        return format_number(value, fmt)

    return re.sub(r"%([1-9])", placeholder, level.text)


# ---------------------------------------------------------------- number formats

_CN_DIGITS = "〇一二三四五六七八九"
_CN_UNITS = ("", "十", "百", "千")
_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_LEGAL_UNITS = ("", "拾", "佰", "仟")
_LEGAL_TRAD_DIGITS = "零壹貳參肆伍陸柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def chinese_number(value: int, digits: str = _CN_DIGITS, units: tuple[str, ...] = _CN_UNITS,
                   short_ten: bool = True) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百〇五 (up to 9999)."""
    if not 0 < value < 10000:
        return str(value)
    text, zero = "", False
    for power in range(3, -1, -1):
        digit = value // 10**power % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += digits[0]
            zero = False
        text += digits[digit] + units[power]
    if short_ten and 10 <= value < 20:
        text = text[1:]  # 一十一 → 十一
    return text


def _enclosed(value: int) -> str:
    """①–⑳, ㉑–㉟, ㊱–㊿; beyond 50 plain digits."""
    if 1 <= value <= 20:
        return chr(0x2460 + value - 1)
    if 21 <= value <= 35:
        return chr(0x3251 + value - 21)
    if 36 <= value <= 50:
        return chr(0x32B1 + value - 36)
    return str(value)


def _letters(value: int, alphabet: str) -> str:
    """Word repeats the letter: 1 → A, 26 → Z, 27 → AA, 28 → BB."""
    if value < 1:
        return str(value)
    return alphabet[(value - 1) % 26] * ((value - 1) // 26 + 1)


def _roman(value: int) -> str:
    if not 0 < value < 4000:
        return str(value)
    text = ""
    for amount, symbol in _ROMAN:
        count, value = divmod(value, amount)
        text += symbol * count
    return text


def _cyclic(value: int, signs: str) -> str:
    return signs[(value - 1) % len(signs)] if value >= 1 else str(value)


def _in_range(value: int, first: int, count: int) -> str:
    return chr(first + value - 1) if 1 <= value <= count else str(value)


_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda v: f"{v:02d}",
    "decimalFullWidth": lambda v: "".join(chr(0xFF10 + int(d)) for d in str(v)) if v >= 0 else str(v),
    "decimalFullWidth2": lambda v: "".join(chr(0xFF10 + int(d)) for d in str(v)) if v >= 0 else str(v),
    "decimalHalfWidth": str,
    "decimalEnclosedCircle": _enclosed,
    "decimalEnclosedCircleChinese": _enclosed,
    "decimalEnclosedParen": lambda v: _in_range(v, 0x2474, 20),
    "decimalEnclosedFullstop": lambda v: _in_range(v, 0x2488, 20),
    "chineseCounting": chinese_number,
    "chineseCountingThousand": chinese_number,
    "taiwaneseCounting": chinese_number,
    "taiwaneseCountingThousand": chinese_number,
    "japaneseCounting": chinese_number,
    "ideographDigital": lambda v: "".join(_CN_DIGITS[int(d)] for d in str(v)) if v >= 0 else str(v),
    "taiwaneseDigital": lambda v: "".join(_CN_DIGITS[int(d)] for d in str(v)) if v >= 0 else str(v),
    "chineseLegalSimplified": lambda v: chinese_number(v, _LEGAL_DIGITS, _LEGAL_UNITS, short_ten=False),
    "ideographLegalTraditional": lambda v: chinese_number(v, _LEGAL_TRAD_DIGITS, _LEGAL_UNITS, short_ten=False),
    "ideographTraditional": lambda v: _cyclic(v, _TIANGAN),
    "ideographZodiac": lambda v: _cyclic(v, _DIZHI),
    "upperLetter": lambda v: _letters(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    "lowerLetter": lambda v: _letters(v, "abcdefghijklmnopqrstuvwxyz"),
    "upperRoman": _roman,
    "lowerRoman": lambda v: _roman(v).lower(),
    "none": lambda v: "",
}


def format_number(value: int, fmt: str) -> str:
    """Render a counter in a ``w:numFmt`` format; unknown formats fall back to decimal."""
    return _FORMATS.get(fmt, str)(value)


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
        style_id = _val(p.find(W + "pPr"), "pStyle") or self.styles.default
        style_num, style_lvl = self.styles.numbering(style_id)
        num_id = _val(num_pr, "numId") or style_num
        if not num_id or num_id == "0":
            return ""
        ilvl = _val(num_pr, "ilvl") or style_lvl
        level = _int(ilvl, 0) if ilvl is not None else self.numbering.level_for_style(num_id, style_id)
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
        column = _int(_val(tr.find(W + "trPr"), "gridBefore"), 0)
        cells: list[str] = []
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
            column += max(_int(_val(props, "gridSpan"), 1), 1)
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
