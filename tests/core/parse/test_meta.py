"""Metadata of the document itself, not of the documents it cites."""

from __future__ import annotations

from datetime import date

import fazhi
from fazhi.model import Level

COVER = """平昌府办发〔2024〕29号

平昌县人民政府办公室
关于印发《平昌县人民政府2024年法治政府
建设重点工作安排》的通知

《平昌县人民政府2024年法治政府建设重点工作安排》已经县政府同意，现印发你们。

平昌县人民政府办公室

2024年7月12日

一、优化职能
1.推进改革。内容。
"""


def test_a_cover_notice_gives_title_number_issuer_and_date() -> None:
    meta = fazhi.parse_text(COVER).meta
    assert meta.title == "平昌县人民政府2024年法治政府建设重点工作安排"
    assert (meta.doc_number, meta.issuers, meta.date) == ("平昌府办发〔2024〕29号", ("平昌县人民政府办公室",), date(2024, 7, 12))
    assert (meta.jurisdiction, meta.level, meta.period) == ("平昌县", Level.COUNTY, (2024, 2024))


def test_a_number_cited_in_the_preamble_is_not_the_documents_own() -> None:
    text = ("甘孜藏族自治州法治政府建设实施方案\n\n（2021—2025年）\n\n根据《法治政府建设实施纲要（2021—2025年）》（中发〔2021〕33 号）"
            "和《中共四川省委、四川省人民政府关于印发〈四川省法治政府建设实施方案（2021—2025年）〉的通知》精神，制定本方案。\n一、任务\n1.推进改革。内容。")
    meta = fazhi.parse_text(text).meta
    assert meta.doc_number is None
    assert meta.title == "甘孜藏族自治州法治政府建设实施方案（2021—2025年）"
    assert (meta.jurisdiction, meta.level, meta.period) == ("甘孜藏族自治州", Level.PREFECTURE, (2021, 2025))
    assert meta.parents == ("法治政府建设实施纲要（2021—2025年）", "四川省法治政府建设实施方案（2021—2025年）")


def test_a_web_pages_header_fields_saved_as_text_are_read() -> None:
    text = ("发文字号: 泾发〔2022〕15号 发文机关: 中共泾川县委 泾川县人民政府\n成文时间: 2022-09-21 发布时间: 2022-10-28\n"
            "泾川县法治政府建设实施方案(2022-2025年)\n一、任务\n(一)推进改革。内容。")
    meta = fazhi.parse_text(text).meta
    assert (meta.doc_number, meta.date, meta.issuers) == ("泾发〔2022〕15号", date(2022, 9, 21), ("中共泾川县委", "泾川县人民政府"))


def test_a_province_name_containing_zhou_is_a_province() -> None:
    meta = fazhi.parse_text("貴州省法治政府建設實施方案(2021—2025年)\n一、任務\n1.推進改革。內容。").meta
    assert (meta.jurisdiction, meta.level) == ("貴州省", Level.PROVINCE)


def test_a_date_in_chinese_numerals_is_read() -> None:
    text = "一、任务\n1.推进改革。内容。〔责任单位：区司法局〕\n东湖区人民政府办公室\n二〇二四年二月二十六日"
    meta = fazhi.parse_text(text).meta
    assert meta.date == date(2024, 2, 26) and meta.issuers == ("东湖区人民政府办公室",)
