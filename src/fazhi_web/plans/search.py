"""Full-text search over plans and tasks.

Text is folded once when saved (traditional → simplified, full-width → half-width, lower case) into a
``search_text`` column; a query is folded the same way and every term must occur. A substring match
needs no tokenizer, so one- and two-character queries (复议, 督办) work on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re
import unicodedata

from fazhi.script import to_simplified


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", to_simplified(text)).lower()


def terms(query: str) -> list[str]:
    """The folded terms of a query, longest first; at most eight."""
    found = [t for t in re.split(r"\s+", fold(query).strip()) if t]
    return sorted(dict.fromkeys(found), key=len, reverse=True)[:8]
