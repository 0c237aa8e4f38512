"""考核设置 and the office's hand in the score: a rule set or indicator system uploaded per plan and year (checked
by the core, stored only when valid, every version kept), bonuses, deductions and hand scores that change the
score by exactly their points and show their reasons, and withdrawal instead of deletion."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fazhi.assess import ScoreLine, UnitScore, cents
from fazhi_web.plans.models import Plan, Task, Unit
from fazhi_web.tracking.assessment import assess
from fazhi_web.tracking.config import scoring_for
from fazhi_web.tracking.models import AssessmentConfig, NotApplicable, ScoreAdjustment

pytestmark = pytest.mark.django_db
Login = Callable[[str], Client]
AS_OF = date(2026, 7, 10)

RULES = """
[[ruleset]]
from_year = 2026
name = "平昌县2026年度考核细则（测试）"
base = 60

  [[ruleset.item]]
  id = "task-done"
  label = "重点任务按期完成"
  kind = "rate"
  measure = "task_done_rate"
  points = 30

  [[ruleset.item]]
  id = "bonus"
  label = "加分"
  kind = "manual"
  measure = "bonus"
  cap = 5

  [[ruleset.item]]
  id = "deduction"
  label = "扣分"
  kind = "manual"
  measure = "deduction"
"""


def indicators_xlsx() -> bytes:
    """An indicator system laid out the usual way: 一级指标, 二级指标, 观测点, 分值, 计分依据."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    rows = [["一级指标", "二级指标", "观测点", "分值", "计分依据"],
            ["任务落实（10分）", "按期完成（10分）", "年度任务按期完成的比例", "6", "任务按期完成率"],
            ["任务落实（10分）", "按期完成（10分）", "主要负责人年度述法", "4", "人工评分"]]
    for number, row in enumerate(rows):
        sheet.write_row(number, 0, row)
    book.close()
    return buffer.getvalue()


def config_url(plan: Plan) -> str:
    return f"/plans/{plan.pk}/assessment/config/"


def upload(client: Client, plan: Plan, kind: str, name: str, data: bytes, year: int = 2026) -> str:
    response = client.post(config_url(plan), {"year": year, "kind": kind, "file": SimpleUploadedFile(name, data)},
                           follow=True)
    return response.content.decode()


def score_of(plan: Plan, unit: Unit, method: str = "rules") -> UnitScore:
    score = assess(plan, 2026, AS_OF, method).score_of(f"unit:{unit.pk}")
    assert score is not None
    return score


def line_of(score: UnitScore, rule: str) -> ScoreLine:
    return next(line for line in score.lines if line.rule == rule)


def adjust(client: Client, plan: Plan, unit: Unit, **form: object) -> str:
    url = f"/plans/{plan.pk}/assessment/{unit.pk}/adjustments/"
    return client.post(url, {"year": 2026, **form}, follow=True).content.decode()


def test_an_uploaded_rule_set_scores_the_year_and_recomputing_gives_the_same_digest(
        pingchang_plan: Plan, login: Login) -> None:
    office = login("office")
    page = upload(office, pingchang_plan, "rules", "细则.toml", RULES.encode())
    assert "平昌县2026年度考核细则（测试）" in page and "现行" in page
    stored = AssessmentConfig.objects.get()
    assert (stored.year, stored.kind, stored.set_by.username) == (2026, "rules", "office")
    first, again = assess(pingchang_plan, 2026, AS_OF), assess(pingchang_plan, 2026, AS_OF)
    assert first.title == "平昌县2026年度考核细则（测试）" and first.digest() == again.digest()
    assert all(line_of(s, "base").points == 60 for s in first.scores)
    ranking = office.get(f"/plans/{pingchang_plan.pk}/assessment/?year=2026&as_of=2026-07-10").content.decode()
    assert first.digest()[:12] in ranking and "平昌县2026年度考核细则（测试）" in ranking
    assert assess(pingchang_plan, 2025, AS_OF).title != first.title  # another year keeps the built-in rules


def test_an_uploaded_indicator_workbook_is_the_years_indicator_system(pingchang_plan: Plan, login: Login) -> None:
    upload(login("office"), pingchang_plan, "indicators", "评估指标.xlsx", indicators_xlsx())
    scoring = scoring_for(pingchang_plan, 2026)
    assert scoring.method == "indicators" and [n.code for n in scoring.indicators.nodes()] == [
        "1", "1.1", "1.1.1", "1.1.2"]
    result = login("office").get(f"/plans/{pingchang_plan.pk}/assessment/?year=2026").context["result"]
    assert result.method == "indicators" and result.title == "评估指标"


BAD_RULES = RULES.replace('measure = "task_done_rate"', 'measure = "tasks_overdue"')
BAD_INDICATORS = '[[indicator]]\ncode = "1"\nname = "任务落实"\nweight = 10\n\n' \
                 '[[checkpoint]]\ncode = "1.1"\nname = "按期完成"\nweight = 6\nmeasure = "task_done_rate"\n'


@pytest.mark.parametrize(("kind", "name", "data", "message"), [
    pytest.param("rules", "细则.toml", b"[[ruleset]\nname=", "规则文件格式错误", id="rules-not-toml"),
    pytest.param("rules", "细则.toml", BAD_RULES.encode(), "不能使用计分依据", id="rules-unknown-measure"),
    pytest.param("rules", "细则.toml", RULES.replace("2026", "2030").encode(), "没有适用于 2026 年", id="rules-later-year"),
    pytest.param("rules", "细则.toml", "名称".encode("gbk"), "不是 UTF-8", id="rules-not-utf8"),
    pytest.param("rules", "细则.docx", RULES.encode(), "只能上传 .toml", id="rules-wrong-type"),
    pytest.param("indicators", "指标.toml", BAD_INDICATORS.encode(), "与下设各项之和", id="indicators-weights"),
    pytest.param("indicators", "指标.xlsx", b"PK\x03\x04 not a workbook", "指标.xlsx", id="indicators-broken-xlsx"),
    pytest.param("", "细则.toml", RULES.encode(), "请选择上传评分规则还是指标体系", id="no-kind"),
])
def test_an_unusable_file_is_refused_with_a_message_and_nothing_is_stored(
        pingchang_plan: Plan, login: Login, kind: str, name: str, data: bytes, message: str) -> None:
    page = upload(login("office"), pingchang_plan, kind, name, data)
    assert message in page
    assert not AssessmentConfig.objects.exists()
    assert scoring_for(pingchang_plan, 2026).config is None


def test_every_version_is_kept_and_an_earlier_one_can_be_put_back_in_force(pingchang_plan: Plan, login: Login) -> None:
    office = login("office")
    upload(office, pingchang_plan, "rules", "细则.toml", RULES.encode())
    office.post(config_url(pingchang_plan), {"year": 2026, "kind": "default"})
    assert assess(pingchang_plan, 2026, AS_OF).title != "平昌县2026年度考核细则（测试）"
    first = AssessmentConfig.objects.get(kind="rules")
    office.post(config_url(pingchang_plan), {"reinstate": first.pk})
    assert AssessmentConfig.objects.count() == 3
    assert assess(pingchang_plan, 2026, AS_OF).title == "平昌县2026年度考核细则（测试）"
    page = office.get(f"{config_url(pingchang_plan)}?year=2026").content.decode()
    assert page.count("恢复此版本") == 2 and "内置默认规则" in page


def test_a_system_that_the_years_markings_do_not_fit_is_refused(
        pingchang_plan: Plan, login: Login, unit_named: Callable[[str], Unit]) -> None:
    office = login("office")
    office.post(f"/plans/{pingchang_plan.pk}/assessment/{unit_named('县司法局').pk}/not-applicable/",
                {"year": 2026, "code": "4.2", "reason": "本单位执法案卷由上级评查"})
    assert NotApplicable.objects.count() == 1
    page = upload(office, pingchang_plan, "indicators", "评估指标.xlsx", indicators_xlsx())
    assert "4.2" in page and "请先撤销" in page
    assert not AssessmentConfig.objects.exists()


def test_a_bonus_and_a_deduction_change_the_score_by_exactly_their_points_and_show_their_reasons(
        pingchang_plan: Plan, login: Login, unit_named: Callable[[str], Unit]) -> None:
    sfj, office = unit_named("县司法局"), login("office")
    before = score_of(pingchang_plan, sfj).total
    task = Task.objects.filter(plan=pingchang_plan, assignments__unit=sfj).first()
    adjust(office, pingchang_plan, sfj, kind="bonus", points="2", reason="获评省级法治政府建设示范项目",
           ref=f"/tasks/{task.pk}/")
    adjust(office, pingchang_plan, sfj, kind="deduction", points="1.5", reason="行政复议决定被纠错一件")
    after = score_of(pingchang_plan, sfj)
    assert after.total == before + Decimal("0.5")
    bonus = line_of(after, "bonus")
    assert (bonus.points, bonus.refs, bonus.label) == (Decimal("2.00"), (f"task:{task.pk}",),
                                                       "加分：获评省级法治政府建设示范项目")
    assert line_of(after, "deduction").points == Decimal("-1.50")
    page = office.get(f"/plans/{pingchang_plan.pk}/assessment/{sfj.pk}/?year=2026&as_of=2026-07-10").content.decode()
    assert "获评省级法治政府建设示范项目" in page and "行政复议决定被纠错一件" in page and f"/tasks/{task.pk}/" in page
    assert str(after.total) in page


def test_withdrawing_an_adjustment_restores_the_score_and_keeps_the_record(
        pingchang_plan: Plan, login: Login, unit_named: Callable[[str], Unit]) -> None:
    sfj, office = unit_named("县司法局"), login("office")
    before = score_of(pingchang_plan, sfj).total
    adjust(office, pingchang_plan, sfj, kind="deduction", points="3", reason="未按要求报送年度报告")
    record = ScoreAdjustment.objects.get()
    assert score_of(pingchang_plan, sfj).total == before - 3
    page = adjust(office, pingchang_plan, sfj, withdraw=record.pk)
    record.refresh_from_db()
    assert record.withdrawn and record.history.count() == 2 and "已撤销" in page
    assert score_of(pingchang_plan, sfj).total == before


def test_a_hand_score_fills_its_checkpoint_and_a_new_one_replaces_it(
        pingchang_plan: Plan, login: Login, unit_named: Callable[[str], Unit]) -> None:
    sfj, office = unit_named("县司法局"), login("office")
    before = score_of(pingchang_plan, sfj, "indicators")
    assert "待人工评分" in line_of(before, "1.2.2").note
    adjust(office, pingchang_plan, sfj, kind="checkpoint", code="1.2.2", points="3", reason="述法两次，材料齐全")
    after = score_of(pingchang_plan, sfj, "indicators")
    line = line_of(after, "1.2.2")
    assert line.points == cents(line.weight * Decimal(3) / Decimal(4)) and "述法两次，材料齐全" in line.note
    assert after.total == before.total + line.points
    adjust(office, pingchang_plan, sfj, kind="checkpoint", code="1.2.2", points="4", reason="补充材料后满分")
    assert line_of(score_of(pingchang_plan, sfj, "indicators"), "1.2.2").points == line.weight
    assert list(ScoreAdjustment.objects.order_by("pk").values_list("withdrawn", flat=True)) == [True, False]
    page = office.get(f"/plans/{pingchang_plan.pk}/assessment/{sfj.pk}/?year=2026&by=indicators").content.decode()
    assert "补充材料后满分" in page


def test_a_hand_score_in_an_uploaded_system_counts_there(
        pingchang_plan: Plan, login: Login, unit_named: Callable[[str], Unit]) -> None:
    sfj, office = unit_named("县司法局"), login("office")
    upload(office, pingchang_plan, "indicators", "评估指标.xlsx", indicators_xlsx())
    adjust(office, pingchang_plan, sfj, kind="checkpoint", code="1.1.2", points="2.5", reason="述法材料不全")
    line = line_of(score_of(pingchang_plan, sfj, "indicators"), "1.1.2")
    assert line.points == cents(line.weight * Decimal("2.5") / Decimal(4)) and "述法材料不全" in line.note


@pytest.mark.parametrize(("form", "message"), [
    pytest.param({"kind": "checkpoint", "code": "1.2.2", "points": "5", "reason": "x"}, "不能超过", id="over-weight"),
    pytest.param({"kind": "checkpoint", "code": "1.1.1.1", "points": "1", "reason": "x"}, "不是现行指标体系中人工评分",
                 id="scored-from-records"),
    pytest.param({"kind": "bonus", "points": "两分", "reason": "x"}, "不是数字", id="not-a-number"),
    pytest.param({"kind": "bonus", "points": "-2", "reason": "x"}, "0—100", id="negative"),
    pytest.param({"kind": "bonus", "points": "0", "reason": "x"}, "须大于 0", id="zero"),
    pytest.param({"kind": "bonus", "points": "1.234", "reason": "x"}, "两位小数", id="too-precise"),
    pytest.param({"kind": "deduction", "points": "1", "reason": " "}, "理由", id="no-reason"),
    pytest.param({"kind": "bonus", "points": "1", "reason": "x", "ref": "/reports/999999/"}, "找不到", id="unknown-record"),
    pytest.param({"kind": "bonus", "points": "1", "reason": "x", "ref": "见附件"}, "依据的记录", id="unreadable-record"),
    pytest.param({"kind": "other", "points": "1", "reason": "x"}, "请选择", id="unknown-kind"),
])
def test_a_bad_adjustment_is_refused_with_a_message(
        pingchang_plan: Plan, login: Login, unit_named: Callable[[str], Unit], form: dict[str, str],
        message: str) -> None:
    page = adjust(login("office"), pingchang_plan, unit_named("县司法局"), **form)
    assert message in page
    assert not ScoreAdjustment.objects.exists()


def test_only_the_office_records_adjustments_or_sets_the_configuration(
        pingchang_plan: Plan, login: Login, unit_named: Callable[[str], Unit]) -> None:
    sfj = unit_named("县司法局")
    for who in ("reporter", "leader", "upper"):
        client = login(who)
        assert client.post(f"/plans/{pingchang_plan.pk}/assessment/{sfj.pk}/adjustments/",
                           {"year": 2026, "kind": "bonus", "points": "5", "reason": "x"}).status_code == 403
        assert client.post(config_url(pingchang_plan), {"year": 2026, "kind": "default"}).status_code == 403
        assert client.get(config_url(pingchang_plan)).status_code == 403
    assert not ScoreAdjustment.objects.exists() and not AssessmentConfig.objects.exists()
