"""Clean-up that keeps provenance: artefacts dropped, damaged text repaired, broken lines joined.

Every change is recorded as a ``Repair`` (with its source line) or, where the text
cannot be repaired reliably, as a ``Warning``: nothing is dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from fazhi import rules
from fazhi.model import Block, BlockKind, Repair, Warning
from fazhi.read import mojibake

_TERMINAL = set("。！？!?…”’」』）)〕］]》〉】>；;:：")
_OPENERS = "（(《〈“‘「『〔［[【"
_CLOSERS = "）)》〉”’」』〕］]】"
_LABEL_START = re.compile(r"^[〔（(【\[]?\s*(?:责任|牵头|配合|参加|参与|协办|主责|责任|牽頭|責任|參加|協辦)")
_DATE_LINE = re.compile(r"^\s*(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年.{1,8}日\s*$")
_ANNEX_MARK = re.compile(r"^附\s*件\s*\d*\s*[:：]?$")
# Lines that end where they end: a document number, a date, a metadata field, a signature.
_SELF_CONTAINED = re.compile(
    r"〔\d{4}〕\s*\d+\s*号$|\[\d{4}\]\s*\d+\s*号$|^\s*(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年.{1,8}日\s*$"
    r"|(?:索引号|发文字号|發文字號|成文(?:日期|时间)|发布(?:日期|时间)|发文机关)\s*[:：]"
)


@dataclass
class Cleaned:
    blocks: list[Block] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)


def clean_blocks(blocks: list[Block]) -> Cleaned:
    """Strip, drop artefacts, repair mojibake, fold look-alike radicals, join broken lines."""
    out = Cleaned()
    decoder = mojibake.ShiftRepairer([b.text for b in blocks])
    for block in blocks:
        cleaned = _clean_one(block, decoder, out)
        if cleaned is not None:
            out.blocks.append(cleaned)
    out.blocks = _join_broken_lines(out.blocks, out.repairs)
    return out


def _clean_one(block: Block, decoder: mojibake.ShiftRepairer, out: Cleaned) -> Block | None:
    if block.kind is BlockKind.ROW:
        cells = tuple(_fold_spaces(c) for c in block.cells)
        return replace(block, cells=cells, text="\t".join(cells)) if any(cells) else None
    text = _fold_spaces(block.text)
    text = _drop_inline_artefacts(text, block.line, out.repairs)
    if not text or _is_furniture(text, block.line, out.repairs):
        return None
    text = _repair_mojibake(text, block.line, decoder, out)
    text = _fold_radicals(text, block.line, out.repairs)
    text = _drop_inline_artefacts(text, block.line, out.repairs).strip()
    return replace(block, text=text) if text else None


def _fold_spaces(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\ufeff", "").strip(" \t\r\n\u3000")


def _drop_inline_artefacts(text: str, line: int, repairs: list[Repair]) -> str:
    for pattern in rules.compiled_list("artefacts", "inline"):
        new = pattern.sub("", text)
        if new != text:
            repairs.append(Repair("artefact", line, text, new))
            text = new
    return text.strip(" \t\u3000")


def _is_furniture(text: str, line: int, repairs: list[Repair]) -> bool:
    if any(p.match(text) for p in rules.compiled_list("artefacts", "lines")):
        repairs.append(Repair("artefact", line, text, ""))
        return True
    return False


def _repair_mojibake(text: str, line: int, decoder: mojibake.ShiftRepairer, out: Cleaned) -> str:
    repaired = mojibake.repair_misdecoded(text)
    if repaired is not None:
        out.repairs.append(Repair("mojibake", line, text, repaired))
        text = repaired
    shifted = decoder.repair(text)
    if shifted.text != text:
        out.repairs.append(Repair("gbk-shift", line, text, shifted.text))
        if shifted.lost_chars:
            out.warnings.append(Warning(
                "repair.lost-char",
                f"第 {line} 行乱码已修复，但有 {shifted.lost_chars} 个字无法恢复（以 □ 标出）", line))
        text = shifted.text
    if mojibake.looks_garbled(text):
        out.warnings.append(Warning("read.garbled", f"第 {line} 行疑似乱码，无法可靠修复，已保留原文", line))
    return text


def _fold_radicals(text: str, line: int, repairs: list[Repair]) -> str:
    folded = mojibake.fold_radicals(text)
    if folded != text:
        repairs.append(Repair("kangxi", line, text, folded))
    return folded


# --- joining lines broken by page breaks -------------------------------------------------


def _join_broken_lines(blocks: list[Block], repairs: list[Repair]) -> list[Block]:
    joined: list[Block] = []
    for block in blocks:
        if joined and _continues(joined[-1], block):
            head = joined[-1]
            repairs.append(Repair("joined-lines", head.line, f"{head.text[-12:]}⏎{block.text[:12]}",
                                  f"{head.text[-12:]}{block.text[:12]}"))
            joined[-1] = replace(head, text=head.text + block.text,
                                 extra_lines=(*head.extra_lines, block.line, *block.extra_lines))
        else:
            joined.append(block)
    return joined


def _continues(head: Block, tail: Block) -> bool:
    """True when ``tail`` is the rest of ``head``, cut by a page or line break."""
    if BlockKind.ROW in (head.kind, tail.kind) or "\t" in head.text or tail.numbering:
        return False
    a, b = head.text, tail.text
    if (_starts_new_unit(b) or _ANNEX_MARK.match(a) or _DATE_LINE.match(b) or _SELF_CONTAINED.search(a)
            or _SELF_CONTAINED.search(b) or a.endswith("文件")):
        return False
    if _has_open_bracket(a) or a[-1] in "、，,":
        return True
    if a[-1] in _TERMINAL:
        return False
    if _is_prose(a) and not _is_numbered_heading(a) and not _LABEL_START.match(a):
        return True
    return _is_heading_fragment(a, b)


def _starts_new_unit(text: str) -> bool:
    return any(s.pattern.match(text) for s in rules.numbering_styles()) or bool(_LABEL_START.match(text))


def _has_open_bracket(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS and depth:
            depth -= 1
    return depth > 0


def _is_prose(text: str) -> bool:
    """A body paragraph (it has sentence punctuation), as opposed to a title or heading line."""
    return any(p in text for p in "，。,；;")


def _is_numbered_heading(text: str) -> bool:
    return "。" not in text and any(s.pattern.match(text) for s in rules.numbering_styles())


def _is_heading_fragment(head: str, tail: str) -> bool:
    """A heading or title line whose last words fell onto the next line."""
    if _LABEL_START.match(head):
        return False
    return len(tail) <= 20 and not re.search(r"[，。,；;：:]", tail) and len(head) + len(tail) <= 60
