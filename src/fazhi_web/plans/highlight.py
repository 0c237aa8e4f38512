"""Marking values inside text for display — always escaping the text itself, never trusting it as HTML."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .search import fold


def mark_spans(text: str, spans: Iterable[tuple[int, int, str]]) -> SafeString:
    """``text`` with each (start, end, css class) wrapped in <mark>; overlapping spans keep the first."""
    pieces, position = [], 0
    for start, end, css in sorted(spans):
        if start < position or end <= start:
            continue
        pieces += [escape(text[position:start]), f'<mark class="{escape(css)}">', escape(text[start:end]), "</mark>"]
        position = end
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))


def find_all(text: str, needles: Iterable[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """Spans of each (needle, css class) in ``text``, matched on folded text (simplified finds traditional)."""
    folded = fold(text)
    haystack = folded if len(folded) == len(text) else text
    spans = []
    for needle, css in needles:
        key = fold(needle) if haystack is folded else needle
        if not key:
            continue
        start = haystack.find(key)
        while start >= 0:
            spans.append((start, start + len(key), css))
            start = haystack.find(key, start + len(key))
    return spans


def mark_terms(text: str, needles: Iterable[tuple[str, str]]) -> SafeString:
    return mark_spans(text, find_all(text, needles))
