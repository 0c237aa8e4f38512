"""Word automatic numbering (numbering.xml) resolved and rendered as printed.

A plan's structure often lives outside its text: "一、" and "（三）" are produced by
Word from a numbering definition. ``Numbering`` reads the definitions (abstract
lists, their levels, ``w:num`` instances with start overrides), keeps counters the
way Word does (per list, deeper levels restarting when a shallower one advances) and
renders a level's ``w:lvlText`` with each counter in its ``w:numFmt``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Element = Any  # lxml element; lxml ships no type information

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def val(element: Element | None, child: str, default: str | None = None) -> str | None:
    """The ``w:val`` of ``element``'s child ``w:<child>``."""
    if element is None:
        return default
    node = element.find(W + child)
    if node is None:
        return default
    value = node.get(W + "val")
    return default if value is None else str(value)


def to_int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default



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
        parent = val(style, "basedOn")
        if parent:
            self.based_on[style_id] = parent
        num_pr = style.find(f"{W}pPr/{W}numPr")
        if num_pr is not None:
            self.num_pr[style_id] = (val(num_pr, "numId"), val(num_pr, "ilvl"))

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
    restart = val(lvl, "lvlRestart")
    return Level(fmt=val(lvl, "numFmt", "decimal") or "decimal",
                 text=val(lvl, "lvlText", "") or "",
                 start=to_int(val(lvl, "start"), 1),
                 restart=to_int(restart, 0) if restart is not None else None,
                 style=val(lvl, "pStyle"),
                 legal=lvl.find(W + "isLgl") is not None)


def _levels(parent: Element) -> dict[int, Level]:
    return {to_int(lvl.get(W + "ilvl"), 0): _level(lvl) for lvl in parent.findall(W + "lvl")}


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
            link = val(abstract, "numStyleLink")
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
    instance = Instance(abstract=val(num, "abstractNumId", "") or "")
    for override in num.findall(W + "lvlOverride"):
        ilvl = to_int(override.get(W + "ilvl"), 0)
        start = val(override, "startOverride")
        if start is not None:
            instance.starts[ilvl] = to_int(start, 1)
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
