"""Detecting and repairing damaged Chinese text.

Three kinds of damage are repaired because the repair can be verified:

* text decoded with the wrong codec as a whole (GBK bytes read as Latin-1, UTF-8 read
  as GBK): re-encoding and decoding again must succeed strictly and give common text;
* GBK text in which one byte was lost, so that the decoder paired bytes off by one
  until it resynchronised on an ASCII-range trail byte or an unpairable byte ("?").
  The run after such a "?" is re-encoded, a lead byte is put back in front and the
  bytes are decoded again; the lead byte is chosen by how ordinary the result is and
  how often its first character pair occurs elsewhere in the same document;
* CJK radicals that PDF text layers use for look-alike ideographs (⾏ for 行).

Anything else that looks garbled is kept and reported.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from fazhi.script import to_simplified

_RADICALS = re.compile(r"[\u2e80-\u2fdf]")
_PUA = re.compile(r"[\ue000-\uf8ff]")
_ODD = re.compile(r"[\ue000-\uf8ff\u3100-\u312f\u2500-\u257f\ufffd]")  # PUA, bopomofo, box drawing
_MAX_RUN = 60
LOST = "□"


def fold_radicals(text: str) -> str:
    """Kangxi radicals and CJK radical supplements → the ideographs they stand for."""
    if not _RADICALS.search(text):
        return text
    return _RADICALS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def looks_garbled(text: str) -> bool:
    odd = len(_ODD.findall(text))
    return odd >= 2 or (odd == 1 and len(text) < 40)


def repair_misdecoded(text: str) -> str | None:
    """Whole-line mojibake: GBK read as Latin-1/cp1252, or UTF-8 read as GBK."""
    if re.search(r"[\u0080-\u00ff]{4,}", text):
        for codec in ("latin-1", "cp1252"):
            fixed = _redecode(text, codec, "gb18030")
            if fixed is not None:
                return fixed
    if re.search(r"[鍙鏈浜璁绛锛銆]", text) and _quality(text) < 0.6:
        fixed = _redecode(text, "gb18030", "utf-8")
        if fixed is not None and _quality(fixed) > _quality(text) + 0.3:
            return fixed
    return None


def _redecode(text: str, wrong: str, right: str) -> str | None:
    try:
        fixed = text.encode(wrong).decode(right)
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    return fixed if _quality(fixed) >= 0.8 else None


@dataclass(frozen=True)
class Shifted:
    text: str
    lost_chars: int = 0


class ShiftRepairer:
    """Repairs GBK byte-shift runs, using the document's own character pairs as evidence."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines
        self._pair_counts: Counter[str] | None = None

    @property
    def _pairs(self) -> Counter[str]:
        """Character pairs of the undamaged lines, counted only when a repair needs the evidence."""
        if self._pair_counts is None:
            self._pair_counts = Counter()
            for line in self._lines:
                if "?" not in line:
                    self._pair_counts.update(line[i : i + 2] for i in range(len(line) - 1))
        return self._pair_counts

    def repair(self, text: str) -> Shifted:
        if "?" not in text:
            return Shifted(text)
        out, lost, i = [], 0, 0
        while i < len(text):
            fixed = self._try_at(text, i) if text[i] == "?" else None
            if fixed is None:
                out.append(text[i])
                i += 1
                continue
            replacement, consumed, lost_here = fixed
            out.append(replacement)
            lost += lost_here
            i += consumed
        return Shifted("".join(out), lost)

    def _try_at(self, text: str, at: int) -> tuple[str, int, int] | None:
        run, end, ends_on_orphan = _shifted_run(text, at + 1)
        if not run or not _suspicious(run):
            return None
        raw = _encode_run(run)
        if raw is None:
            return None
        previous = text[at - 1] if at else ""
        best = self._best_decoding(raw, previous)
        if best is None:
            return None
        decoded, lost = best
        consumed = end - at + (1 if ends_on_orphan else 0)
        return decoded + (LOST if lost else ""), consumed, int(lost)

    def _best_decoding(self, raw: bytes, previous: str) -> tuple[str, bool] | None:
        scored = []
        for lead in range(0x81, 0xFF):
            data = bytes([lead]) + raw
            lost = len(data) % 2 == 1 and not data[-1] < 0x80
            decoded = _strict_gbk(data[:-1] if lost else data)
            if decoded is None or _ODD.search(decoded):
                continue
            score = _quality(decoded) + 0.5 * min(1.0, self._pairs[previous + decoded[0]] / 2)
            scored.append((score + (0.01 if lead == 0xA1 else 0.0), decoded, lost))
        if not scored:
            return None
        score, decoded, lost = max(scored)
        return (decoded, lost) if score >= 0.85 else None


def _shifted_run(text: str, start: int) -> tuple[str, int, bool]:
    """The characters decoded out of step: up to and including the first ASCII trail byte,
    or up to the next "?" (an orphaned byte). Full-width ！？ appear narrowed to ASCII."""
    run: list[str] = []
    i = start
    while i < len(text) and len(run) < _MAX_RUN:
        ch = text[i]
        if ch in "!?" and not run:
            run.append("！" if ch == "!" else "？")
        elif ch == "?":
            return "".join(run), i, True
        elif ord(ch) < 0x80:
            if 0x40 <= ord(ch) <= 0x7E and run:
                run.append(ch)
                return "".join(run), i + 1, False
            return "".join(run), i, False
        else:
            run.append(ch)
        i += 1
    return "".join(run), i, False


def _suspicious(run: str) -> bool:
    ascii_inside = any(ord(c) < 0x80 for c in run)
    return bool(_ODD.search(run)) or ascii_inside or run[0] in "！？" or _quality(run) < 0.7


def _encode_run(run: str) -> bytes | None:
    out = bytearray()
    for ch in run:
        code = ord(ch)
        if 0xE815 <= code <= 0xE864:
            # GBK user-defined area FE50–FEA0: Python's gb18030 (2005 mapping) encodes these PUA
            # points as four bytes, so map them back by hand (FE7F is not a valid trail byte).
            trail = 0x50 + (code - 0xE815)
            out += bytes([0xFE, trail + 1 if trail >= 0x7F else trail])
            continue
        try:
            out += ch.encode("gb18030")
        except UnicodeEncodeError:
            return None
    return bytes(out)


def _strict_gbk(data: bytes) -> str | None:
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return None


def _quality(text: str) -> float:
    """Share of characters that are ordinary: common hanzi, CJK punctuation, digits, letters."""
    if not text:
        return 0.0
    simplified = to_simplified(text)
    good = sum(1 for c in simplified if _ordinary(c))
    return good / len(text)


def _ordinary(c: str) -> bool:
    if c.isascii():
        return c.isalnum() or c in " ,.;:()%-"
    if c in "　，。、；：（）《》〈〉“”‘’！？—…【】〔〕":
        return True
    try:
        encoded = c.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and 0xB0 <= encoded[0] <= 0xF7
