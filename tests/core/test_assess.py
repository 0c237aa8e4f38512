"""Assessment (考核): scores from facts by a yearly rule set or an indicator system, every point explained."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fazhi.assess import (
    COUNTS,
    Adjustment,
    AssessmentError,
    ManualScore,
    UnitFacts,
    load_rules,
    rules_for,
    score_by_rules,
)
from fazhi.indicators import load_indicators, load_indicators_xlsx, sample_indicators, score_by_indicators

D = Decimal


def refs(kind: str, n: int, start: int = 1) -> tuple[str, ...]:
    return tuple(f"{kind}:{i}" for i in range(start, start + n))


RULES = """
[[ruleset]]
from_year = 2024
name = "测试规则"
base = 0
floor = 0

  [[ruleset.item]]
  id = "on-time"
  label = "按时报送"
  kind = "rate"
  measure = "report_on_time_rate"
  points = 40

  [[ruleset.item]]
  id = "orders"
  label = "督办按期回复"
  kind = "rate"
  measure = "order_on_time_rate"
  points = 10
  when_empty = "zero"

  [[ruleset.item]]
  id = "missing"
  label = "未报送"
  kind = "per"
  measure = "reports_missing"
  points = -3
  cap = 5

  [[ruleset.item]]
  id = "bonus"
  label = "加分"
  kind = "manual"
  measure = "bonus"
  cap = 2

  [[ruleset.item]]
  id = "deduction"
  label = "扣分"
  kind = "manual"
  measure = "deduction"
"""


def unit(key: str, *, due: int = 4, on_time: int = 4, missing: int = 0, orders: int = 0,
         adjustments: tuple[Adjustment, ...] = ()) -> UnitFacts:
    return UnitFacts(f"unit:{key}", key, counts={
        "reports_due": refs("report", due), "reports_on_time": refs("report", on_time),
        "reports_missing": refs("missing", missing), "orders_due": refs("order", orders),
        "orders_on_time": refs("order", orders)}, adjustments=adjustments)


def lines_of(score: object) -> dict[str, list[object]]:
    found: dict[str, list[object]] = {}
    for line in score.lines:  # type: ignore[attr-defined]
        found.setdefault(line.rule, []).append(line)
    return found


# ------------------------------------------------------------------------------------------ rule sets


def test_a_rate_item_gives_its_points_times_the_rate_and_names_the_records_counted() -> None:
    score = score_by_rules(load_rules(RULES)[0], [unit("a", due=4, on_time=3)]).scores[0]
    line = lines_of(score)["on-time"][0]
    assert (line.quantity, line.points, line.refs, line.of, line.note) == (
        D("0.75"), D("30.00"), refs("report", 3), refs("report", 4), "3/4")


def test_an_empty_rate_counts_as_full_or_zero_as_the_rule_says() -> None:
    score = score_by_rules(load_rules(RULES)[0], [unit("a", due=0, on_time=0, orders=0)]).scores[0]
    found = lines_of(score)
    assert found["on-time"][0].points == D("40.00") and "满分" in found["on-time"][0].note
    assert found["orders"][0].points == D("0.00") and "零分" in found["orders"][0].note


def test_a_deduction_per_record_stops_at_its_cap_with_a_line_that_says_so() -> None:
    score = score_by_rules(load_rules(RULES)[0], [unit("a", missing=3)]).scores[0]
    missing = lines_of(score)["missing"]
    assert [(line.quantity, line.points) for line in missing] == [(D(3), D("-9.00")), (D(0), D("4.00"))]
    assert missing[0].refs == refs("missing", 3)
    assert "上限 5" in missing[1].label
    assert score.total == D("40.00") - 5


def test_manual_bonuses_and_deductions_keep_their_reasons_and_the_bonus_cap() -> None:
    adjustments = (Adjustment("bonus", D("1.5"), "经验做法被省级推广", ("doc:1",)),
                   Adjustment("bonus", D(1), "获评示范单位", ("doc:2",)),
                   Adjustment("deduction", D("0.5"), "被通报批评", ("doc:3",)))
    score = score_by_rules(load_rules(RULES)[0], [unit("a", adjustments=adjustments)]).scores[0]
    found = lines_of(score)
    assert [(line.label, line.points, line.refs) for line in found["bonus"][:2]] == [
        ("加分：经验做法被省级推广", D("1.50"), ("doc:1",)), ("加分：获评示范单位", D("1.00"), ("doc:2",))]
    assert found["bonus"][2].points == D("-0.50")  # 2.5 capped at 2
    assert found["deduction"][0].points == D("-0.50")
    assert score.total == D(40) + 2 - D("0.5")


def test_the_total_never_falls_below_the_floor_and_the_line_shows_it() -> None:
    rules = load_rules(RULES.replace("cap = 5", "cap = 100"))[0]
    score = score_by_rules(rules, [unit("a", due=20, on_time=0, missing=20)]).scores[0]
    assert score.total == 0
    assert lines_of(score)["floor"][0].points == D(60)


@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12), st.integers(0, 6)), min_size=1, max_size=6))
def test_a_units_total_is_the_exact_sum_of_its_lines(rows: list[tuple[int, int, int]]) -> None:
    facts = [unit(str(i), due=max(a, b), on_time=min(a, b), missing=m) for i, (a, b, m) in enumerate(rows)]
    for score in score_by_rules(load_rules(RULES)[0], facts).scores:
        assert score.total == sum(line.points for line in score.lines)


def test_ties_share_a_rank_and_keep_the_order_they_came_in() -> None:
    facts = [unit("b", on_time=2), unit("a", on_time=4), unit("c", on_time=2), unit("d", on_time=1)]
    result = score_by_rules(load_rules(RULES)[0], facts)
    assert [(s.name, s.rank) for s in result.scores] == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]


def test_the_same_facts_give_the_same_result_every_time() -> None:
    def compute() -> str:
        facts = [unit("a", on_time=3, missing=1, adjustments=(Adjustment("bonus", D(1), "获奖", ("doc:1",)),)),
                 unit("b", on_time=1, orders=2)]
        return score_by_rules(rules_for(2025), facts, year=2025).digest()

    assert compute() == compute()
    other = score_by_rules(rules_for(2025), [unit("a", on_time=2)], year=2025).digest()
    assert other != compute()


def test_each_year_uses_the_latest_rule_set_starting_in_or_before_it() -> None:
    assert rules_for(2024).from_year == 2024
    assert rules_for(2025).from_year == rules_for(2030).from_year == 2025
    with pytest.raises(AssessmentError, match="2019"):
        rules_for(2019)


@pytest.mark.parametrize(("change", "message"), [
    pytest.param(('measure = "reports_missing"', 'measure = "reports_forgotten"'), "不能使用", id="unknown-measure"),
    pytest.param(('kind = "per"', 'kind = "rate"'), "不能使用", id="count-used-as-rate"),
    pytest.param(('points = -3', 'points = "three"'), "不是数字", id="points-not-a-number"),
    pytest.param(('when_empty = "zero"', 'when_empty = "not-applicable"'), "不适用", id="rule-not-applicable"),
    pytest.param(('id = "missing"', 'id = "on-time"'), "重复", id="duplicate-item"),
    pytest.param(('from_year = 2024', 'from_year = 2024\nfrom_year = 2025'), "格式错误", id="bad-toml"),
    pytest.param(('kind = "per"', 'kind = "each"'), "kind“each”无效，可用：per", id="unknown-kind"),
    pytest.param(('when_empty = "zero"', 'when_empty = "nothing"'), "when_empty“nothing”无效", id="unknown-when-empty"),
])
def test_a_broken_rule_file_is_refused_with_a_message(change: tuple[str, str], message: str) -> None:
    with pytest.raises(AssessmentError, match=message):
        load_rules(RULES.replace(*change))


def test_the_default_rules_use_only_known_measures_and_add_up_to_a_hundred() -> None:
    for year in (2024, 2025):
        rules = rules_for(year)
        rates = sum(i.points for i in rules.items if i.kind == "rate")
        assert rates + rules.base == 100
        assert all(i.measure in COUNTS or i.kind != "per" for i in rules.items)


# ------------------------------------------------------------------------------------------ indicator systems

SYSTEM = """
name = "测试指标体系"
[[indicator]]
code = "1"
name = "任务落实"
weight = 60
[[indicator]]
code = "1.1"
name = "按期完成"
weight = 40
[[checkpoint]]
code = "1.1.1"
name = "任务按期完成率"
weight = 40
measure = "task_done_rate"
[[indicator]]
code = "1.2"
name = "报送"
weight = 20
[[checkpoint]]
code = "1.2.1"
name = "按时报送率"
weight = 20
measure = "report_on_time_rate"
[[indicator]]
code = "2"
name = "行政执法"
weight = 40
[[checkpoint]]
code = "2.1"
name = "执法公示"
weight = 30
[[checkpoint]]
code = "2.2"
name = "法制审核"
weight = 10
"""


def facts(**not_applicable: str) -> UnitFacts:
    return UnitFacts("unit:1", "甲", counts={"tasks_due": refs("task", 4), "tasks_done": refs("task", 2),
                                             "reports_due": refs("report", 2), "reports_on_time": refs("report", 2)},
                     manual={"2.1": ManualScore(D("0.5"), "公示不全", ("doc:9",))},
                     not_applicable={k.replace("_", "."): v for k, v in not_applicable.items()})


def by_code(score: object) -> dict[str, object]:
    return {line.rule: line for line in score.lines}  # type: ignore[attr-defined]


def test_checkpoints_score_weight_times_rate_or_the_manual_share() -> None:
    score = score_by_indicators(load_indicators(SYSTEM), [facts()], year=2025).scores[0]
    lines = by_code(score)
    assert (lines["1.1.1"].points, lines["1.1.1"].refs, lines["1.1.1"].of) == (D("20.00"), refs("task", 2),
                                                                               refs("task", 4))
    assert lines["1.2.1"].points == D("20.00")
    assert (lines["2.1"].points, lines["2.1"].refs) == (D("15.00"), ("doc:9",))
    assert (lines["2.2"].points, lines["2.2"].note) == (D("0.00"), "待人工评分")
    assert score.total == D(55)


def test_a_not_applicable_indicator_gives_its_weight_to_its_siblings_in_proportion() -> None:
    score = score_by_indicators(load_indicators(SYSTEM), [facts(**{"2_2": "本单位无重大执法决定"})], year=2025).scores[0]
    lines = by_code(score)
    assert lines["2.1"].weight == D("40.00") and lines["2.1"].points == D("20.00")
    assert lines["2.2"].points == 0 and "本单位无重大执法决定" in lines["2.2"].note


def test_when_every_child_is_not_applicable_the_parent_is_too_and_its_weight_moves_up() -> None:
    score = score_by_indicators(load_indicators(SYSTEM), [facts(**{"2_1": "无执法权", "2_2": "无执法权"})],
                                year=2025).scores[0]
    lines = by_code(score)
    assert "下设指标均不适用" in lines["2"].note
    assert (lines["1.1.1"].weight, lines["1.2.1"].weight) == (D("66.67"), D("33.33"))
    assert score.total == D("66.66")  # half of 66.67 (33.33, rounded to the cent) + all of 33.33


def test_a_checkpoint_with_nothing_to_count_is_not_applicable_by_default() -> None:
    empty = UnitFacts("unit:2", "乙", counts={"reports_due": refs("report", 1), "reports_on_time": refs("report", 1)},
                      manual={"2.1": ManualScore(D(1), "好", ()), "2.2": ManualScore(D(1), "好", ())})
    score = score_by_indicators(load_indicators(SYSTEM), [empty], year=2025).scores[0]
    assert "无应计记录" in by_code(score)["1.1"].note  # its only checkpoint, so the indicator above it
    assert score.total == 100


def test_an_unknown_indicator_marked_not_applicable_is_refused() -> None:
    with pytest.raises(AssessmentError, match=r"9\.9"):
        score_by_indicators(load_indicators(SYSTEM), [facts(**{"9_9": "?"})], year=2025)


def test_indicator_results_are_the_same_every_time() -> None:
    system = sample_indicators()
    first = score_by_indicators(system, [facts(**{"4": "乡镇"}), facts()], year=2025)
    again = score_by_indicators(sample_indicators(), [facts(**{"4": "乡镇"}), facts()], year=2025)
    assert first == again and first.digest() == again.digest()


@pytest.mark.parametrize(("change", "message"), [
    pytest.param(("weight = 30", "weight = 31"), "不等", id="weights-do-not-add-up"),
    pytest.param(('measure = "task_done_rate"', 'measure = "happiness"'), "未定义", id="unknown-measure"),
    pytest.param(('code = "2.2"', 'code = "3.2"'), "找不到上级", id="orphan"),
    pytest.param(('code = "1.2.1"', 'code = "1.1.1"'), "重复", id="duplicate-code"),
    pytest.param(('code = "1.1"\n', 'code = "1.1.1.1.1"\n'), "超过三级", id="four-levels"),
    pytest.param(('code = "2.1"', 'code = "2-1"'), "形式", id="bad-code"),
    pytest.param(('measure = "task_done_rate"', 'measure = "task_done_rate"\nwhen_empty = "never"'), "when_empty“never”无效",
                 id="unknown-when-empty"),
])
def test_a_broken_indicator_system_is_refused_with_a_message(change: tuple[str, str], message: str) -> None:
    with pytest.raises(AssessmentError, match=message):
        load_indicators(SYSTEM.replace(*change, 1))


def test_the_sample_system_adds_up_to_a_hundred_on_three_levels() -> None:
    system = sample_indicators()
    assert system.total == 100
    assert {n.level_label for n in system.nodes()} == {"一级指标", "二级指标", "三级指标", "观测点"}
    assert all(n.children or n.checkpoint for n in system.nodes())


def test_an_indicator_system_loads_from_a_spreadsheet_with_merged_cells() -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["样例指标"])
    sheet.append(["一级指标", "二级指标", "观测点", "分值", "计分依据"])
    sheet.append(["任务落实（60分）", "按期完成（40分）", "任务按期完成率", 40, "任务按期完成率"])
    sheet.append([None, "报送（20分）", "按时报送率", 20, "report_on_time_rate"])
    sheet.append(["行政执法（40分）", "三项制度（40分）", "执法公示", 30, "人工评分"])
    sheet.append([None, None, "法制审核", 10, None])
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("A5:A6")
    sheet.merge_cells("B5:B6")
    data = io.BytesIO()
    book.save(data)
    system = load_indicators_xlsx(data.getvalue(), "样例.xlsx")
    assert [(n.code, n.name, n.weight, n.measure) for n in system.nodes() if n.checkpoint] == [
        ("1.1.1", "任务按期完成率", 40, "task_done_rate"), ("1.2.1", "按时报送率", 20, "report_on_time_rate"),
        ("2.1.1", "执法公示", 30, None), ("2.1.2", "法制审核", 10, None)]
    assert system.total == 100
