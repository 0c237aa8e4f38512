"""Traditional ↔ simplified script, offset-preserving.

The parser analyses a simplified view of the text and reports values by offsets
into the original, so the view must have exactly the same length. OpenCC's
phrase conversion can change length; when it does, convert character by character.
"""

from __future__ import annotations

from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    # tw2s rather than t2s: t2s misses variants such as 著→着.
    return opencc.OpenCC("tw2s")


@lru_cache(maxsize=1)
def _to_traditional() -> opencc.OpenCC:
    return opencc.OpenCC("s2tw")


def to_simplified(text: str) -> str:
    """The simplified view of ``text``, with the same length."""
    converted: str = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(_char(c) for c in text)


@lru_cache(maxsize=8192)
def _char(c: str) -> str:
    out: str = _converter().convert(c)
    return out if len(out) == 1 else c


def to_traditional(text: str) -> str:
    converted: str = _to_traditional().convert(text)
    return converted


def is_traditional(text: str) -> bool:
    """True when a noticeable share of the characters change under simplification."""
    sample = text[:20000]
    cjk = sum(1 for c in sample if "\u4e00" <= c <= "\u9fff")
    if cjk == 0:
        return False
    changed = sum(1 for a, b in zip(sample, to_simplified(sample), strict=True) if a != b)
    return changed / cjk > 0.05
