"""Numbers as printed in Chinese documents: 12, １２, 十二, 两, 二〇二四 → int."""

from __future__ import annotations

import cn2an

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_DIGIT_BY_DIGIT = "〇一二三四五六七八九"


def to_int(printed: str) -> int | None:
    """The value of a printed number, or None when it is not one."""
    text = printed.strip().translate(_FULLWIDTH_DIGITS)
    if not text:
        return None
    if text.isdigit():
        return int(text)
    text = text.replace("两", "二").replace("○", "〇").replace("零", "〇")
    if len(text) == 4 and "十" not in text and all(c in _DIGIT_BY_DIGIT for c in text):
        return int("".join(str(_DIGIT_BY_DIGIT.index(c)) for c in text))  # 二〇二四: a year, digit by digit
    try:
        return int(cn2an.cn2an(text.replace("〇", "零"), "smart"))
    except (ValueError, KeyError, TypeError):
        return None
