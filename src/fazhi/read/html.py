"""Web page → ``Text``: the article of a government page, without its navigation and noise.

Nothing is fetched and nothing is executed: the markup is parsed by lxml, scripts and
page furniture (navigation, share bars, headers, footers, forms) are removed, and the
main container is chosen by the amount of Chinese text in its paragraphs (link text
counts against it). Block-level elements become PARAGRAPH blocks, ``<br>`` starts a
new block, table rows become ROW blocks. The 发文字号/发文机关/成文日期 box that many
government pages print before the article is read into ``metadata`` and also emitted
as blocks, so the parser sees everything.
"""

from __future__ import annotations

import html as entities
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from fazhi.errors import CorruptDocument, EmptyDocument, FazhiError, TooLarge
from fazhi.model import Block, BlockKind, Repair, Text, Warning
from fazhi.read import limits, repair

Element = Any  # lxml element; lxml ships no type information

_DROP_TAGS = ("script", "style", "noscript", "iframe", "nav", "form", "aside", "template", "svg",
              "object", "embed", "canvas", "button", "select", "textarea", "input", "map")
_FURNITURE_TAGS = ("header", "footer")  # dropped unless they hold the article
_NOISE_WORDS = ("nav", "menu", "footer", "header", "share", "breadcrumb", "sidebar", "toolbar", "print",
                "login", "search", "copyright", "bdshare", "fenxiang", "分享", "打印", "关闭")
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
               "blockquote", "section", "article", "main", "center", "pre", "address", "figure",
               "figcaption", "caption", "hr", "body", "html", "tr", "td", "th", "tbody", "thead", "tfoot"}
_CONTAINERS = {"div", "td", "article", "section", "main", "body", "center", "blockquote"}
_LAYOUT_CHILDREN = ("table", "div", "section", "article", "h1", "h2", "h3")
_SUBSTANTIAL = 200  # Chinese characters: a "print" or "header" box this large is the article itself
_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
_SPACE = re.compile(r"[ \t\r\n\f\v\xa0]+")
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")

# Labels of the metadata box → metadata keys.
_LABELS = {
    "发文字号": "doc_number", "文号": "doc_number",
    "发文机关": "issuer", "发布机构": "issuer", "发布机关": "issuer", "制发机关": "issuer",
    "成文日期": "date", "成文时间": "date",
    "发布日期": "published", "发布时间": "published",
    "标题": "title", "名称": "title", "文件名称": "title",
    "索引号": "index_number", "主题分类": "category",
}
_LABEL = "|".join(sorted(_LABELS, key=len, reverse=True))
_PAIR = re.compile(rf"({_LABEL})\s*[:：]\s*(.+?)(?=\s+(?:{_LABEL})\s*[:：]|$)")
_BARE_LABEL = re.compile(rf"^({_LABEL})\s*[:：]?$")
_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_DATE_KEYS = ("date", "published")


def read_markup(text: str, source: str, warnings: list[Warning]) -> Text:
    if len(text) > limits.MAX_HTML_BYTES:
        raise TooLarge(f"网页过大，上限为 {limits.MAX_HTML_BYTES // 1024 // 1024} MB", source=source)
    root = _parse(text, source)
    try:
        metadata = _head_metadata(root)
        emitter = _Emitter()
        for element in _article_parts(root):
            emitter.walk(element)
        emitter.flush()
    except FazhiError:
        raise
    except Exception as exc:  # pathological nesting and the like
        raise CorruptDocument("网页结构异常，无法读取", source=source) from exc
    if not emitter.blocks:
        raise EmptyDocument("网页中没有可读取的正文", source=source)
    metadata = {**metadata, **_box_metadata(emitter.blocks)}
    cleaned = repair.clean_blocks(emitter.blocks)
    return Text(blocks=tuple(cleaned.blocks), source=source, format="html", metadata=_fallbacks(metadata),
                repairs=tuple(emitter.repairs + cleaned.repairs),
                warnings=tuple(list(warnings) + cleaned.warnings))


def _parse(text: str, source: str) -> Element:
    import lxml.html
    from lxml import etree

    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str input with an encoding declaration
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    try:
        return lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise EmptyDocument("网页中没有可读取的内容", source=source) from exc


# ---------------------------------------------------------------- text helpers


def _tag(element: Element) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _han(text: str) -> int:
    return len(_HAN.findall(text))


def _text(element: Element) -> str:
    return str(element.text_content())


def _link_han(element: Element) -> int:
    return sum(_han(_text(link)) for link in element.iter("a"))


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


# ---------------------------------------------------------------- page furniture


def _head_metadata(root: Element) -> dict[str, str]:
    metadata: dict[str, str] = {}
    title = root.find(".//title")
    if title is not None and _clean(_text(title)):
        metadata["page_title"] = _clean(_text(title))
    for name, key in (("ArticleTitle", "meta_title"), ("PubDate", "meta_published")):
        for meta in root.iter("meta"):
            if (meta.get("name") or "").lower() == name.lower() and _clean(meta.get("content") or ""):
                metadata[key] = _clean(meta.get("content") or "")
    return metadata


def _strip_noise(root: Element) -> None:
    for element in list(root.iter(*_DROP_TAGS)):
        _drop(element)
    for element in list(root.iter()):
        if element.getparent() is None or not isinstance(element.tag, str):
            continue
        if (_tag(element) in _FURNITURE_TAGS or _noisy_name(element)) and not _is_article(element):
            _drop(element)


def _noisy_name(element: Element) -> bool:
    names = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return any(word in names for word in _NOISE_WORDS)


def _is_article(element: Element) -> bool:
    """A box named "print" or "header" may wrap the article itself (``id="printContent"``) or
    its title (``class="article-header"``)."""
    han = _han(_text(element))
    if han >= _SUBSTANTIAL and _link_han(element) < han / 2:
        return True
    return any(_han(_text(heading)) > _link_han(heading) for heading in element.iter("h1", "h2"))


def _drop(element: Element) -> None:
    if element.getparent() is not None:
        element.drop_tree()  # keeps the tail text, which belongs to the parent


# ---------------------------------------------------------------- choosing the article


def _article_parts(root: Element) -> list[Element]:
    """The metadata box (when it lies outside the article) and the article, in page order."""
    _strip_noise(root)
    body = root.find("body")
    body = root if body is None else body
    main = _expand(_main_container(body))
    box = _metadata_box(body)
    if box is None or _contains(main, box) or _contains(box, main):
        return [main]
    order = {element: index for index, element in enumerate(body.iter())}
    return sorted([box, main], key=lambda element: order.get(element, 0))


def _main_container(body: Element) -> Element:
    scores: dict[Element, float] = {}
    for element in body.iter():
        own = _own_han(element)
        if own:
            weight = -2.0 if _in_link(element) else 1.0
            _credit(scores, element, own * weight)
    best = max(scores, key=lambda element: scores[element], default=body)
    return best if scores.get(best, 0) > 0 else body


def _own_han(element: Element) -> int:
    """Chinese characters written directly in ``element`` (its text and its children's tails)."""
    if not isinstance(element.tag, str):
        return 0
    parts = [element.text or ""] + [child.tail or "" for child in element]
    return _han("".join(parts))


def _in_link(element: Element) -> bool:
    return any(_tag(ancestor) == "a" for ancestor in element.iterancestors()) or _tag(element) == "a"


def _credit(scores: dict[Element, float], element: Element, score: float) -> None:
    """Text counts for its nearest container; a table cell's text also half for the table's container."""
    container = _container(element)
    scores[container] = scores.get(container, 0.0) + score
    if _tag(container) == "td":
        outer = _container(container.getparent())
        scores[outer] = scores.get(outer, 0.0) + score / 2


def _container(element: Element) -> Element:
    for candidate in [element, *element.iterancestors()]:
        if _tag(candidate) in _CONTAINERS:
            return candidate
    return element


def _expand(main: Element) -> Element:
    """Climb to a parent that adds little besides the article: its title and information box."""
    han = _han(_text(main))
    while (parent := main.getparent()) is not None and _tag(parent) not in ("body", "html"):
        extra = _han(_text(parent)) - han
        links = _link_han(parent) - _link_han(main)
        if extra > max(300, han // 4) or (extra and links > extra / 2):
            break
        main, han = parent, han + extra
    return main


def _metadata_box(body: Element) -> Element | None:
    for element in body.iter("table", "div", "ul", "dl", "section"):
        text = _text(element)
        if len(text) < 800 and len({_LABELS[label] for label in re.findall(_LABEL, text)}) >= 3:
            return element
    return None


def _contains(outer: Element, inner: Element) -> bool:
    return outer is inner or any(ancestor is outer for ancestor in inner.iterancestors())


# ---------------------------------------------------------------- blocks


@dataclass
class _Emitter:
    blocks: list[Block] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    buffer: list[str] = field(default_factory=list)

    def walk(self, element: Element) -> None:
        tag = _tag(element)
        if not tag:
            return
        if tag == "br":
            self.flush()
        elif tag == "table" and not _is_layout(element):
            self.flush()
            for cells in _rows(element):
                self._add(BlockKind.ROW, cells)
        else:
            self._inline_or_block(element, tag in _BLOCK_TAGS or tag == "table")

    def _inline_or_block(self, element: Element, block: bool) -> None:
        if block:
            self.flush()
        self.buffer.append(element.text or "")
        for child in element:
            self.walk(child)
            self.buffer.append(child.tail or "")
        if block:
            self.flush()

    def flush(self) -> None:
        text = _clean("".join(self.buffer))
        self.buffer.clear()
        if text:
            self._add(BlockKind.PARAGRAPH, [text])

    def _add(self, kind: BlockKind, cells: list[str]) -> None:
        line = len(self.blocks) + 1
        cells = [self._unescape(cell, line) for cell in cells]
        if kind is BlockKind.ROW:
            self.blocks.append(Block("\t".join(cells), line, BlockKind.ROW, tuple(cells)))
        else:
            self.blocks.append(Block(cells[0], line))

    def _unescape(self, text: str, line: int) -> str:
        """Entities escaped twice by the publishing system print as "&ldquo;"; decode them."""
        if not _ENTITY.search(text):
            return text
        decoded = entities.unescape(text)
        if decoded != text:
            self.repairs.append(Repair(kind="html-entity", line=line, before=text, after=decoded))
        return decoded


def _is_layout(table: Element) -> bool:
    """A table used to lay out the page (one column, or cells holding blocks), not data."""
    rows = list(_table_rows(table))
    if not rows or all(len(_cells(row)) <= 1 for row in rows):
        return True
    return any(cell.find(f".//{tag}") is not None for row in rows for cell in _cells(row)
               for tag in _LAYOUT_CHILDREN)


def _table_rows(table: Element) -> Iterator[Element]:
    for child in table:
        if _tag(child) == "tr":
            yield child
        elif _tag(child) in ("thead", "tbody", "tfoot"):
            yield from (row for row in child if _tag(row) == "tr")


def _cells(row: Element) -> list[Element]:
    return [cell for cell in row if _tag(cell) in ("td", "th")]


def _rows(table: Element) -> Iterator[list[str]]:
    """Each row's cells; a cell spanning rows (rowspan) repeats in the rows below, so each row is complete."""
    pending: dict[int, tuple[int, str]] = {}  # column → (rows still covered, text)
    for row in _table_rows(table):
        cells: list[str] = []
        column = 0
        for cell in _cells(row):
            column = _fill_spanned(pending, cells, column)
            text = _cell_text(cell)
            cells.append(text)
            span = _span(cell, "rowspan")
            if span > 1:
                pending[column] = (span - 1, text)
            column += _span(cell, "colspan")
        _fill_spanned(pending, cells, column, to_end=True)
        if any(cells):
            yield cells


def _fill_spanned(pending: dict[int, tuple[int, str]], cells: list[str], column: int,
                  to_end: bool = False) -> int:
    while column in pending or (to_end and any(key >= column for key in pending)):
        left, text = pending.pop(column, (0, ""))
        cells.append(text)  # a gap before a spanned column stays an empty cell
        if left > 1:
            pending[column] = (left - 1, text)
        column += 1
    return column


def _span(cell: Element, attribute: str) -> int:
    digits = re.match(r"\s*(\d+)", cell.get(attribute) or "")
    return min(max(int(digits.group(1)), 1), 1000) if digits else 1


def _cell_text(cell: Element) -> str:
    """A cell's text; its paragraphs and line breaks on separate lines, nested tables flattened."""
    inner = _Emitter()
    inner._inline_or_block(cell, block=True)
    return "\n".join(block.text.replace("\t", " ") for block in inner.blocks)


# ---------------------------------------------------------------- metadata box


def _box_metadata(blocks: list[Block]) -> dict[str, str]:
    metadata: dict[str, str] = {}
    for block in blocks:
        if len(block.text) <= 300:
            for key, value in _pairs(block):
                _set(metadata, key, value)
    return metadata


def _pairs(block: Block) -> Iterator[tuple[str, str]]:
    """Label/value pairs: "发文字号：x" inside one cell or line, or a label cell followed by its value."""
    cells = block.cells or (block.text,)
    for index, cell in enumerate(cells):
        bare = _BARE_LABEL.match(cell.strip())
        if bare and index + 1 < len(cells):
            yield _LABELS[bare.group(1)], cells[index + 1]
            continue
        for match in _PAIR.finditer(cell.strip()):
            if match.start() == 0 or cell[match.start() - 1].isspace():
                yield _LABELS[match.group(1)], match.group(2)


def _set(metadata: dict[str, str], key: str, value: str) -> None:
    value = _clean(value)
    if key in _DATE_KEYS:
        value = _iso_date(value)
    if value and _BARE_LABEL.match(value) is None and key not in metadata:
        metadata[key] = value


def _iso_date(text: str) -> str:
    match = _DATE.search(text)
    if match is None:
        return ""
    year, month, day = (int(part) for part in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else ""


def _fallbacks(metadata: dict[str, str]) -> dict[str, str]:
    """The ``<meta name="ArticleTitle">``/``PubDate`` of many government sites fill gaps in the box."""
    fill: dict[str, Callable[[str], str]] = {"meta_title": _clean, "meta_published": _iso_date}
    result = {key: value for key, value in metadata.items() if key not in fill}
    for meta_key, convert in fill.items():
        key = meta_key.removeprefix("meta_")
        if key not in result and meta_key in metadata and convert(metadata[meta_key]):
            result[key] = convert(metadata[meta_key])
    return result
