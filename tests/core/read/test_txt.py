"""Plain text in any common Chinese encoding."""

from __future__ import annotations

import codecs

import pytest

from fazhi.read import read_bytes

PLAN = "一、健全行政執法體制\n1.推進綜合執法改革。加強監督。〔責任單位：縣司法局〕\n"

ENCODINGS = [
    ("utf-8", PLAN.encode("utf-8")),
    ("utf-8-bom", codecs.BOM_UTF8 + PLAN.encode("utf-8")),
    ("gb18030", "一、健全行政执法体制\n1.推进综合执法改革。〔责任单位：县司法局〕\n".encode("gb18030")),
    ("big5", PLAN.encode("big5")),
    ("utf-16", PLAN.encode("utf-16")),
]


@pytest.mark.parametrize("data", [e[1] for e in ENCODINGS], ids=[e[0] for e in ENCODINGS])
def test_text_in_common_chinese_encodings_is_decoded(data: bytes) -> None:
    text = read_bytes(data, "plan.txt")
    assert text.blocks[0].text in ("一、健全行政執法體制", "一、健全行政执法体制")
    assert "司法局" in text.blocks[1].text


def test_gbk_bytes_read_as_latin1_are_repaired() -> None:
    garbled = "推进综合执法改革，加强监督。".encode("gb18030").decode("latin-1")
    text = read_bytes(garbled.encode("utf-8"), "plan.txt")
    assert text.blocks[0].text == "推进综合执法改革，加强监督。"
    assert [r.kind for r in text.repairs] == ["mojibake"]
