"""Plain text in any common Chinese encoding → ``Text`` (one block per non-empty line)."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from fazhi.errors import UnsupportedFormat
from fazhi.model import Block, BlockKind, Text, Warning
from fazhi.read import repair

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HTML_START = re.compile(r"^\s*(<!doctype html|<html|<head|<body|<meta|<div|<p[\s>])", re.I)


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[Warning] = field(default_factory=list)


def decode(data: bytes, source: str) -> Decoded:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(encoding, errors="replace"), encoding)
    for encoding in ("utf-8",):
        try:
            return Decoded(data.decode(encoding), encoding)
        except UnicodeDecodeError:
            pass
    utf16 = _bomless_utf16(data)
    if utf16 is not None:
        return utf16
    return _decode_legacy_chinese(data, source)


def _bomless_utf16(data: bytes) -> Decoded | None:
    if data.count(0) < len(data) // 20:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _chinese_quality(text) > 0.5:
            return Decoded(text, encoding)
    return None


def _decode_legacy_chinese(data: bytes, source: str) -> Decoded:
    """GB18030 decodes almost any byte string, Big5 text included; keep the reading whose
    characters are common Chinese ones (judged on its simplified form)."""
    candidates = []
    for encoding in ("gb18030", "big5hkscs"):
        text = data.decode(encoding, errors="replace")
        candidates.append((_chinese_quality(text) - text.count("\ufffd") / max(len(text), 1), encoding, text))
    candidates.sort(reverse=True)
    quality, encoding, text = candidates[0]
    if quality < 0.2:
        guess = _charset_normalizer_guess(data)
        if guess is None:
            raise UnsupportedFormat("无法识别文本编码，内容可能不是中文文档", source=source)
        return guess
    warnings = []
    bad = text.count("\ufffd")
    if bad:
        warnings.append(Warning("read.undecodable", f"按 {encoding} 解码时有 {bad} 处字节无法识别，已替换为 �"))
    return Decoded(text, encoding, warnings)


def _charset_normalizer_guess(data: bytes) -> Decoded | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    return Decoded(str(best), best.encoding)


def _chinese_quality(text: str) -> float:
    """Share of CJK characters (after simplification) that are common Chinese characters."""
    from fazhi.script import to_simplified

    sample = to_simplified(text[:20000])
    cjk = [c for c in sample if "\u4e00" <= c <= "\u9fff"]
    if not cjk:
        return 0.0
    return sum(1 for c in cjk if _is_common_hanzi(c)) / len(cjk)


def _is_common_hanzi(char: str) -> bool:
    """GB2312 level-1 characters (lead byte B0–D7) are the 3,755 most frequent simplified hanzi."""
    try:
        encoded = char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return 0xB0 <= encoded[0] <= 0xD7


def _block(line: str, number: int) -> Block:
    """A line with two or more tabs is a table row written as text (a task-division table pasted
    from Word or Excel); anything else is a paragraph."""
    if line.count("\t") >= 2:
        cells = tuple(c.strip() for c in line.rstrip("\r\n").split("\t"))
        return Block(text=line, line=number, kind=BlockKind.ROW, cells=cells)
    return Block(text=line, line=number)


def looks_like_html(text: str) -> bool:
    return bool(_HTML_START.match(text[:512]))


def read_decoded(decoded: Decoded, source: str) -> Text:
    raw = [_block(line, number) for number, line in enumerate(decoded.text.splitlines(), start=1)]
    cleaned = repair.clean_blocks(raw)
    return Text(
        blocks=tuple(cleaned.blocks),
        source=source,
        format="txt",
        metadata={"encoding": decoded.encoding},
        repairs=tuple(cleaned.repairs),
        warnings=tuple(decoded.warnings + cleaned.warnings),
    )
