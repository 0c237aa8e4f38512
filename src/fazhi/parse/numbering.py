"""Numbering markers at the start of a paragraph: 一、 （一） 1. （1） ① 第一部分, and their damaged forms."""

from __future__ import annotations

from dataclasses import dataclass

import cn2an

from fazhi import rules
from fazhi.numerals import to_int

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


@dataclass(frozen=True)
class Marker:
    style: str  # name from rules/numbering.toml
    rank: int
    value: int | None  # None when the number was lost (")推进…")
    end: int  # offset where the text after the marker starts
    dotless: bool = False  # "15 构建": accepted only when it continues a sequence

    def label(self, value: int | None = None) -> str:
        """The number as a path element: 一, （一）, 1, （1）, ①, 第一部分."""
        v = self.value if value is None else value
        if v is None:
            return "?"
        if self.style in ("cn_paren", "lost"):
            return f"（{to_chinese(v)}）"
        if self.style == "cn":
            return to_chinese(v)
        if self.style == "arabic_paren":
            return f"（{v}）"
        if self.style == "circled":
            return _CIRCLED[v - 1] if 0 < v <= len(_CIRCLED) else str(v)
        if self.style == "part":
            return f"第{to_chinese(v)}部分"
        return str(v)


def find_marker(text: str) -> Marker | None:
    for style in rules.numbering_styles():
        match = style.pattern.match(text)
        if not match:
            continue
        printed = next((g for g in match.groups() if g), None)
        if style.name == "lost":
            return Marker("lost", style.rank, None, match.end())
        value = _to_int(printed or "")
        if value is None:
            continue
        dotless = style.name == "arabic" and not any(c in match.group() for c in ".．、")
        return Marker(style.name, style.rank, value, match.end(), dotless)
    return None


def _to_int(printed: str) -> int | None:
    if printed in _CIRCLED:
        return _CIRCLED.index(printed) + 1
    return to_int(printed)


def to_chinese(value: int) -> str:
    text: str = cn2an.an2cn(value)
    return text
