"""Quantitative targets: metric, operator, value and unit."""

from __future__ import annotations

import pytest

from fazhi.parse.targets import find_targets

CASES = [
    ("rate-reaches", "逐一严格审查，审查率达100%。", [(">=", 100, "%")]),
    ("three-rates-one-value", "实现报备率、及时率、规范率达100%", [(">=", 100, "%")] * 3),
    ("two-rates-both", "出庭率、参加听证率均达到 100%", [(">=", 100, "%")] * 2),
    ("not-below", "参考率不低于 90%", [(">=", 90, "%")]),
    ("not-fewer-times", "年度会前学法不少于6次", [(">=", 6, "次")]),
    ("at-least-above", "年内至少通过考试获得行政执法资格 3 人以上", [(">=", 3, "人")]),
    ("percent-above", "满意度达 95%以上", [(">=", 95, "%")]),
    ("range", "每年选树 3—5 个示范单位", [("range", (3, 5), "个")]),
    ("chinese-numeral-above", "每年应当举办两期以上法治专题讲座", [(">=", 2, "期")]),
    ("at-least-once", "任期内至少接受一次法治专题脱产培训", [(">=", 1, "次")]),
    ("hours-per-person", "每人每年接受不少于60学时的业务培训", [(">=", 60, "学时")]),
    ("share-of-total", "法制审核人员不少于执法人员总数的5%", [(">=", 5, "%")]),
    ("bare-rate", "平台实名认证率100%", [(">=", 100, "%")]),
    ("not-more-than", "办理时限不超过15个工作日", [("<=", 15, "个工作日")]),
    ("kept-within", "差错率控制在5%以内", [("<=", 5, "%")]),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_targets_are_read_with_operator_value_and_unit(text: str, expected: list[tuple[str, object, str]]) -> None:
    found = [(t.op, t.value, t.unit) for t in find_targets(text)]
    assert found == [(op, tuple(float(v) for v in value) if isinstance(value, tuple) else float(value), unit)
                     for op, value, unit in expected]


def test_listed_rates_each_become_a_metric() -> None:
    assert [t.metric for t in find_targets("按期办结率、回复率达100%")] == ["按期办结率", "回复率"]


NOT_TARGETS = [
    ("condition", "编制核定数量为 70 人及以下的镇（街道）"),
    ("descriptive-levels", "建成州、县两级平台"),
    ("three-systems", "全面落实行政执法三项制度"),
    ("domains", "深化“8+1”领域综合行政执法改革"),
    ("quoted-slogan", "推动高频事项基本实现“一件事一次办”"),
    ("counted-word", "逐步实现执法信息一次采集"),
    ("no-number", "推动监管事项全覆盖"),
    ("year-range", "（2023—2025年）"),
]


@pytest.mark.parametrize("text", [c[1] for c in NOT_TARGETS], ids=[c[0] for c in NOT_TARGETS])
def test_numbers_that_describe_or_name_are_not_targets(text: str) -> None:
    assert find_targets(text) == []


def test_a_time_limit_before_the_metric_is_not_part_of_its_name() -> None:
    from fazhi.parse.targets import find_targets

    (target,) = find_targets("加强规范性文件管理，2025年底前审核率达100%。")
    assert (target.metric, target.text, target.value) == ("审核率", "审核率达100%", 100)


def test_a_long_rate_name_is_read_whole() -> None:
    from fazhi.parse import read_targets

    found = read_targets("一体化政务服务平台基础配置实名认证率100%，行政机关负责人出庭应诉率达100%。")
    assert [t.metric for t in found] == ["一体化政务服务平台基础配置实名认证率", "行政机关负责人出庭应诉率"]
