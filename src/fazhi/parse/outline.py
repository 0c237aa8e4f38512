"""Blocks → the outline: numbered items in a tree, the body text of each, and the passages between.

The tree is built with a stack ordered by the usual rank of each numbering style
(一、 > （一） > 1. > （1） > ①), so documents that skip a level still nest correctly.
Damaged numbering is mended from the sequence around it: a number printed without
its dot ("15 构建") counts only where it continues the sequence, and a number lost
altogether (")推进") takes the value its neighbours leave for it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from fazhi import rules
from fazhi.model import Block, BlockKind, Passage, Warning
from fazhi.parse.numbering import Marker, find_marker
from fazhi.parse.table import TableRow, read_table
from fazhi.script import to_simplified


@dataclass
class Body:
    """Text assembled from several source lines, with a map from offsets back to lines."""

    text: str = ""
    segments: list[tuple[int, int]] = field(default_factory=list)  # (offset, source line)

    def add(self, text: str, line: int, extra_lines: tuple[int, ...] = ()) -> None:
        if self.text:
            self.text += "\n"
        self.segments.append((len(self.text), line))
        self.segments.extend((len(self.text), extra) for extra in extra_lines)
        self.text += text

    def line_at(self, offset: int) -> int:
        line = self.segments[0][1] if self.segments else 0
        for start, number in self.segments:
            if start > offset:
                break
            line = number
        return line

    @property
    def lines(self) -> tuple[int, ...]:
        return tuple(sorted({line for _, line in self.segments}))


@dataclass
class Item:
    marker: Marker | None
    value: int | None
    part: str
    line: int
    head: str  # the numbered paragraph's text after its marker
    parent: Item | None = None
    children: list[Item] = field(default_factory=list)
    body: Body = field(default_factory=Body)
    table_row: TableRow | None = None
    label_override: str | None = None

    @property
    def label(self) -> str:
        if self.label_override is not None:
            return self.label_override
        return self.marker.label(self.value) if self.marker else "?"

    @property
    def rank(self) -> int:
        return self.marker.rank if self.marker else 99

    @property
    def path(self) -> tuple[str, ...]:
        labels = []
        node: Item | None = self
        while node is not None:
            labels.append(node.label)
            node = node.parent
        return tuple(reversed(labels))

    @property
    def ancestors(self) -> list[Item]:
        out, node = [], self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out


@dataclass
class Outline:
    items: list[Item]
    preamble: list[Block]
    passages: list[Passage]
    warnings: list[Warning]


class _Builder:
    def __init__(self) -> None:
        self.items: list[Item] = []
        self.stack: list[Item] = []
        self.part = "body"
        self.preamble: list[Block] = []
        self.passages: list[Passage] = []
        self.warnings: list[Warning] = []
        self.last_value: dict[tuple[str, str], int] = {}
        self.table_columns: dict[str, int] | None = None
        self._annex_patterns = rules.compiled_list("outline", "annex_start")

    def feed(self, blocks: list[Block]) -> Outline:
        i = 0
        while i < len(blocks):
            if blocks[i].kind is BlockKind.ROW:
                j = i
                while j < len(blocks) and blocks[j].kind is BlockKind.ROW:
                    j += 1
                self._add_table(blocks[i:j])
                i = j
                continue
            self._add_paragraph(blocks[i])
            i += 1
        _infer_lost_numbers(self.items)
        _relabel_misnumbered_tops(self.items)
        return Outline(self.items, self.preamble, self.passages, self.warnings)

    def _add_paragraph(self, block: Block) -> None:
        view = to_simplified(block.text)
        if self.items and self._starts_annex(view):
            self.part, self.stack = "annex", []
            self.passages.append(Passage(block.text, block.line, "annex-title"))
            return
        marker = find_marker(view)
        if marker and marker.dotless and not self._continues_sequence(marker):
            marker = None
        if marker is None:
            self._attach(block)
            return
        self._open(marker, block, block.text[marker.end :])

    def _starts_annex(self, view: str) -> bool:
        has_task = any(item.part == "body" for item in self.items)
        return self.part == "body" and has_task and any(p.search(view) for p in self._annex_patterns)

    def _continues_sequence(self, marker: Marker) -> bool:
        last = self.last_value.get((self.part, marker.style))
        return marker.value == (last or 0) + 1

    def _open(self, marker: Marker, block: Block, head: str) -> None:
        while self.stack and self.stack[-1].rank >= marker.rank:
            self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        item = Item(marker, marker.value, self.part, block.line, head.strip(), parent)
        item.body.add(item.head, block.line, block.extra_lines)
        if parent:
            parent.children.append(item)
        self.items.append(item)
        self.stack.append(item)
        if marker.value is not None:
            self.last_value[(self.part, marker.style)] = marker.value

    def _attach(self, block: Block) -> None:
        if not self.stack:
            if self.items:
                self.passages.append(Passage(block.text, block.line, "between-parts"))
            else:
                self.preamble.append(block)
            return
        self.stack[-1].body.add(block.text, block.line, block.extra_lines)

    def _add_table(self, rows: list[Block]) -> None:
        table = read_table(rows, self.table_columns)
        self.table_columns = table.columns or self.table_columns
        self.warnings.extend(table.warnings)
        self.passages.extend(table.passages)
        if table.rows and self.items and self.part == "body":
            self.part = "annex"
        for row in table.rows:
            self._add_table_row(row)

    def _add_table_row(self, row: TableRow) -> None:
        section = self._section_for(row)
        item = Item(None, row.number, self.part, row.line, row.task_text, section, table_row=row,
                    label_override=row.label)
        item.body.add(row.task_text, row.line)
        if section:
            section.children.append(item)
        self.items.append(item)

    def _section_for(self, row: TableRow) -> Item | None:
        if row.section is None:
            return self.stack[0] if self.stack else None
        top = self.stack[0] if self.stack else None
        if top is None or top.head != row.section.title or top.table_row is not None:
            marker = find_marker(to_simplified(row.section.printed))
            top = Item(marker, marker.value if marker else None, self.part, row.section.line, row.section.title)
            if marker is None:
                top.label_override = row.section.title
            self.items.append(top)
            self.stack = [top]
        return top


def build_outline(blocks: list[Block]) -> Outline:
    return _Builder().feed(blocks)


def _infer_lost_numbers(items: list[Item]) -> None:
    """A number lost in print (")推进…") takes the value between its neighbours of the same rank."""
    for index, item in enumerate(items):
        if item.marker is None or item.marker.style != "lost":
            continue
        following = next((o for o in items[index + 1 :] if o.rank == item.rank and o.value), None)
        preceding = next((o for o in reversed(items[:index]) if o.rank == item.rank and o.value), None)
        if following is not None and following.value is not None:
            item.value = following.value - 1
        elif preceding is not None and preceding.value is not None:
            item.value = preceding.value + 1
        item.marker = Marker("cn_paren", item.rank, item.value, item.marker.end)


def _relabel_misnumbered_tops(items: list[Item]) -> None:
    """"1、 总体要求" before "二、工作任务": the first top-level item was printed in the wrong style."""
    tops = [i for i in items if i.parent is None and i.table_row is None]
    for first, second in itertools.pairwise(tops):
        if (first.marker and second.marker and first.marker.style != second.marker.style
                and first.value == 1 and second.value == 2 and not first.children):
            first.marker = Marker(second.marker.style, second.marker.rank, 1, first.marker.end)
            break


# --- which items are tasks ------------------------------------------------------------------


def is_guidance(item: Item) -> bool:
    words = rules.words("outline", "guidance")
    for node in (item, *item.ancestors):
        title = _first_phrase(node.head)
        if len(title) > 12:
            continue
        simplified = to_simplified(title)
        if any(w in simplified for w in words):
            return True
    return False


def _first_phrase(text: str) -> str:
    return re.split(r"[。：:，,\n]", text, maxsplit=1)[0]


def is_task(item: Item) -> bool:
    if item.children or is_guidance(item):
        return False
    if item.table_row is not None:
        return bool(item.head.strip())
    return _has_content(item) and not _is_section_text(item)


def _is_section_text(item: Item) -> bool:
    """"三、重点任务" followed by a paragraph of prose: a top-level section that describes rather than
    assigns (no responsibility clause anywhere in it) is section text, not a task."""
    from fazhi.parse.units import find_clauses

    heading_only = "。" not in item.head and len(item.head) <= 30
    return item.rank <= 1 and heading_only and not find_clauses(to_simplified(item.body.text))


def _has_content(item: Item) -> bool:
    """A leaf that is only a short heading with nothing under it groups nothing and asks nothing."""
    text = item.body.text
    return "。" in text or "\n" in text or len(text) > 40 or "；" in text
