"""Plans side by side (issue 5, pages): the alignment page, the parent plan on a plan's page, the peer view.

The demo links 泾川县's plan (32 tasks) to 贵州省's (152 tasks, printed in traditional characters); no demo
account below 中华人民共和国 may read either, so these tests sign in as the demo's viewer there (``nation``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import fazhi
from fazhi.align import align
from fazhi_web.jobs.models import Job, JobKind, JobStatus
from fazhi_web.plans import actions, alignment
from fazhi_web.plans.demo import samples_dir
from fazhi_web.plans.models import Jurisdiction, Plan, StoredAlignment, Task
from fazhi_web.plans.views.align import ordered_candidates

pytestmark = pytest.mark.django_db
Login = Callable[[str], Client]

SECOND_PLAN = """平昌县2025年行政规范性文件管理工作要点

一、严格规范性文件管理

（一）落实合法性审核

1.落实行政规范性文件合法性审核机制，审核率达100%，2025年底前完成清理。（牵头单位：县司法局）

2.开展“双随机、一公开”监管，抽查事项覆盖率达到100%。（牵头单位：县市场监督管理局）
"""


@pytest.fixture
def nation(db: None) -> Client:
    """The demo's viewer at 中华人民共和国: reads every plan, changes none."""
    client = Client()
    client.force_login(User.objects.get(username="nation"))
    return client


@pytest.fixture
def jingchuan(db: None) -> Plan:
    return Plan.objects.get(jurisdiction__name="泾川县")


@pytest.fixture
def guizhou(db: None) -> Plan:
    return Plan.objects.get(jurisdiction__name="贵州省")


def align_url(child: Plan, parent: Plan, query: str = "") -> str:
    return reverse("align", kwargs={"child": child.pk, "parent": parent.pk}) + query


def articles(page: str) -> dict[str, str]:
    """The parent tasks shown on an alignment page: anchor id → the article's HTML."""
    return dict(re.findall(r'<article class="align-item [a-z]+" id="(p-\d+)">(.*?)</article>', page, re.S))


def second_pingchang_plan() -> Plan:
    office = User.objects.get(username="office")
    draft = actions.import_document(jurisdiction=Jurisdiction.objects.get(name="平昌县"), filename="要点.txt",
                                    data=SECOND_PLAN.encode(), user=office)
    return actions.publish_draft(draft=draft, version=draft.version, user=office)


def task_titled(plan: Plan, title: str) -> Task:
    return Task.objects.get(plan=plan, title=title, status="active")


# ------------------------------------------------------------------------------------------ the alignment page


def test_the_demo_links_jingchuan_to_guizhou(jingchuan: Plan, guizhou: Plan) -> None:
    assert jingchuan.parent_plan == guizhou
    assert list(guizhou.child_plans.all()) == [jingchuan]


def test_the_verdicts_are_the_cores_on_the_same_plans(nation: Client, jingchuan: Plan, guizhou: Plan) -> None:
    """The published plans, read back from the database, align exactly as the sample files do."""
    plans = samples_dir() / "plans"
    expected = align(fazhi.parse_file(plans / "002_977136e14aa6108a.txt"),
                     fazhi.parse_file(plans / "003_b0a8bec7975bfe55.txt"))
    counts = Counter(v.verdict for v in expected.parents)
    response = nation.get(align_url(jingchuan, guizhou))
    assert response.status_code == 200
    assert response.context["counts"] == {"carried": counts["carried"], "partly": counts["partly"],
                                          "missing": counts["missing"]}
    assert sum(counts.values()) == 152 and counts["carried"] > 0 and counts["missing"] > 0
    page = response.content.decode()
    assert f"已落实 {counts['carried']} 项" in page and f"未落实 {counts['missing']} 项" in page
    shown = articles(page)
    assert len(shown) == 152  # every parent task, with or without a counterpart
    assert sum('class="tag missing"' in html for html in shown.values()) == counts["missing"]
    assert len(response.context["local"]) == len(expected.local)
    coverage = response.context["coverage"]
    assert [(r["section"].total, r["section"].carried, r["section"].partly, r["section"].missing) for r in coverage] \
        == [(s.total, s.carried, s.partly, s.missing) for s in expected.sections]
    assert sum(r["section"].total for r in coverage) == 152


def test_a_known_pair_is_shown_side_by_side_with_the_shared_text_marked(nation: Client, jingchuan: Plan,
                                                                        guizhou: Plan) -> None:
    child = task_titled(jingchuan, "深入推进“放管服”改革")
    parent = task_titled(guizhou, "深入推進“放管服”改革")  # 贵州省 prints traditional characters
    page = nation.get(align_url(jingchuan, guizhou)).content.decode()
    article = articles(page)[f"p-{parent.pk}"]
    assert reverse("task", kwargs={"pk": parent.pk}) in article
    assert reverse("task", kwargs={"pk": child.pk}) in article
    marks = re.findall(r'<mark class="same">(.*?)</mark>', article)
    assert any("放管服" in m for m in marks)  # in the parent's traditional text
    assert any("放管服" in m and "推进" in m for m in marks)  # and in the child's simplified text
    assert "匹配度" in article and re.search(r"原文沿用|改写|部分对应", article)
    assert f'href="{reverse("plan", kwargs={"pk": guizhou.pk})}"' in page


def test_differences_are_called_out_as_chips(nation: Client, jingchuan: Plan, guizhou: Plan) -> None:
    comparison = alignment.compare(jingchuan, guizhou)
    differing = [p for p in comparison.alignment.pairs if p.differences]
    assert differing
    page = nation.get(align_url(jingchuan, guizhou)).content.decode()
    chips = re.findall(r'<span class="diff (deadline|target|unit)">(.*?)</span>', page)
    assert len(chips) == sum(len(p.differences) for p in differing)
    first = differing[0].differences[0]
    assert any(text.startswith(f"{first.label}") for _, text in chips)
    assert any("：" in text and "→" in text for kind, text in chips if kind == "deadline")


def test_task_text_with_html_is_shown_escaped(nation: Client, jingchuan: Plan, guizhou: Plan) -> None:
    child = task_titled(jingchuan, "深入推进“放管服”改革")
    Task.objects.filter(pk=child.pk).update(text=child.text + '<script>alert(1)</script><b onclick="x()">A<B且C>D</b>')
    Plan.objects.filter(pk=jingchuan.pk).update(revision=F("revision") + 1)  # as a republished revision does
    jingchuan.refresh_from_db()
    page = nation.get(align_url(jingchuan, guizhou)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" not in page and "<b onclick" not in page
    assert "&lt;b onclick=&quot;x()&quot;&gt;" in page
    assert "A&lt;B且C&gt;D" in page


def test_the_verdict_filter_and_the_differences_toggle(nation: Client, jingchuan: Plan, guizhou: Plan) -> None:
    everything = nation.get(align_url(jingchuan, guizhou))
    counts = everything.context["counts"]
    for verdict in ("missing", "partly"):
        page = nation.get(align_url(jingchuan, guizhou, f"?verdict={verdict}")).content.decode()
        shown = articles(page)
        assert len(shown) == counts[verdict] > 0
        assert all(f'class="tag {verdict}"' in html for html in shown.values())
        assert 'id="local"' not in page  # the child's own tasks belong to the unfiltered page
    differing = nation.get(align_url(jingchuan, guizhou, "?diff=1"))
    shown = articles(differing.content.decode())
    assert len(shown) == everything.context["with_differences"] > 0
    assert len(shown) < 152
    assert all('class="diff ' in html for html in shown.values())
    both = articles(nation.get(align_url(jingchuan, guizhou, "?verdict=missing&diff=1")).content.decode())
    assert both == {}  # a missing task has no counterpart, so nothing differs
    junk = nation.get(align_url(jingchuan, guizhou, "?verdict=<b>&diff=x"))
    assert len(articles(junk.content.decode())) == 152


def test_the_childs_own_tasks_are_listed(nation: Client) -> None:
    """遂宁市's plan against 甘孜州's: a few of 遂宁市's tasks have no counterpart (本级自有)."""
    suining = Plan.objects.get(jurisdiction__name="遂宁市")
    ganzi = Plan.objects.get(jurisdiction__name="甘孜藏族自治州")
    local = alignment.compare(suining, ganzi).alignment.local
    assert local
    page = nation.get(align_url(suining, ganzi)).content.decode()
    assert f"本级自有任务 <span class=\"count\">{len(local)}</span>" in page
    section = page[page.index('id="local"'):]
    for key in local:
        ref = alignment.core_plan(suining).refs[key]
        assert reverse("task", kwargs={"pk": ref.pk}) in section


def test_the_picker_on_the_plan_page_opens_the_alignment(nation: Client, jingchuan: Plan, guizhou: Plan) -> None:
    page = nation.get(reverse("plan", kwargs={"pk": jingchuan.pk})).content.decode()
    assert "与其他方案对照" in page
    pick = reverse("align-pick", kwargs={"pk": jingchuan.pk})
    assert nation.get(pick, {"other": guizhou.pk}).headers["Location"] == align_url(jingchuan, guizhou)
    assert nation.get(pick, {"other": guizhou.pk, "as": "child"}).headers["Location"] == align_url(guizhou, jingchuan)
    assert nation.get(pick, {"other": "99999999999999"}).status_code == 302  # back to the plan, with a message
    assert nation.get(align_url(jingchuan, jingchuan)).status_code == 404


# ------------------------------------------------------------------------------------------ the plan page


def test_the_plan_page_shows_the_parents_coverage(nation: Client, jingchuan: Plan, guizhou: Plan) -> None:
    comparison = alignment.compare(jingchuan, guizhou)
    counts = Counter(v.verdict for v in comparison.alignment.parents)
    page = nation.get(reverse("plan", kwargs={"pk": jingchuan.pk})).content.decode()
    assert f"上级方案：<a href=\"{reverse('plan', kwargs={'pk': guizhou.pk})}\">{guizhou.title}</a>" in page
    assert f"已落实 {counts['carried']} 项" in page and f"部分落实 {counts['partly']} 项" in page
    assert f"未落实 {counts['missing']} 项" in page
    assert page.count('class="carries"') == 32  # one line per task
    child = task_titled(jingchuan, "深入推进“放管服”改革")
    row = page[page.index(f'id="task-{child.pk}"'):]
    row = row[:row.index("</article>")]
    parent = task_titled(guizhou, "深入推進“放管服”改革")
    assert f'{align_url(jingchuan, guizhou)}#p-{parent.pk}"' in row
    assert page.count('class="tag local">本级自有') == len(comparison.alignment.local)


def test_the_office_sets_and_clears_the_parent_plan(login: Login) -> None:
    second = second_pingchang_plan()
    pingchang = Plan.objects.get(jurisdiction__name="平昌县", period_start=2024)
    office = login("office")
    plan_url = reverse("plan", kwargs={"pk": pingchang.pk})
    form = office.get(plan_url).content.decode()
    assert reverse("plan-parent", kwargs={"pk": pingchang.pk}) in form and f'<option value="{second.pk}"' in form
    assert office.post(reverse("plan-parent", kwargs={"pk": pingchang.pk}), {"parent": second.pk}).status_code == 302
    pingchang.refresh_from_db()
    assert pingchang.parent_plan == second
    assert pingchang.history.latest().history_user.username == "office"
    page = office.get(plan_url).content.decode()
    assert f"上级方案：<a href=\"{reverse('plan', kwargs={'pk': second.pk})}\">" in page
    assert page.count('class="carries"') == 18
    # the parent's tasks are 1. (合法性审核) and 2. (双随机): the matching 2024 tasks point to them
    assert page.count(f'{align_url(pingchang, second)}#p-') >= 2
    # a unit's reporter reads some tasks of the plan, not the parent's coverage of the whole
    assert "对应上级任务" not in login("reporter").get(plan_url).content.decode()
    # a loop is refused: the second plan cannot carry out the plan that carries it out
    response = office.post(reverse("plan-parent", kwargs={"pk": second.pk}), {"parent": pingchang.pk}, follow=True)
    assert "不能把本方案或其下级方案设为上级方案" in response.content.decode()
    second.refresh_from_db()
    assert second.parent_plan is None
    # a plan the office may not see is not a choice
    guizhou = Plan.objects.get(jurisdiction__name="贵州省")
    office.post(reverse("plan-parent", kwargs={"pk": pingchang.pk}), {"parent": guizhou.pk})
    pingchang.refresh_from_db()
    assert pingchang.parent_plan == second
    office.post(reverse("plan-parent", kwargs={"pk": pingchang.pk}), {"parent": ""})
    pingchang.refresh_from_db()
    assert pingchang.parent_plan is None
    assert "对应上级任务" not in office.get(plan_url).content.decode()


# ------------------------------------------------------------------------------------------ peers


def test_the_peer_view_lists_the_other_countys_corresponding_task(nation: Client, jingchuan: Plan) -> None:
    pingchang = Plan.objects.get(jurisdiction__name="平昌县")
    chosen = task_titled(pingchang, "深入推进“放管服”改革")
    response = nation.get(reverse("task-peers", kwargs={"pk": chosen.pk}))
    assert response.status_code == 200
    page = response.content.decode()
    peer = task_titled(jingchuan, "深入推进“放管服”改革")
    assert reverse("task", kwargs={"pk": peer.pk}) in page
    assert {line.plan.jurisdiction.name for line in response.context["lines"]} == {"泾川县"}  # counties only
    best = next(line for line in response.context["lines"] if line.side and line.side.ref.pk == peer.pk)
    assert best.score >= 90
    assert "牵头单位不同" in page and 'class="differs"' in page  # 泾川县 names other lead units
    task_page = nation.get(reverse("task", kwargs={"pk": chosen.pk})).content.decode()
    assert reverse("task-peers", kwargs={"pk": chosen.pk}) in task_page


def test_with_many_peers_missing_the_page_offers_a_job_and_shows_its_stored_result(
        nation: Client, jingchuan: Plan, settings: object) -> None:
    settings.FAZHI_PEERS_DIRECT_ALIGNMENTS = 0  # type: ignore[attr-defined]  # as with a province's hundred counties
    pingchang = Plan.objects.get(jurisdiction__name="平昌县")
    chosen = task_titled(pingchang, "深入推进“放管服”改革")
    url = reverse("task-peers", kwargs={"pk": chosen.pk})
    before = nation.get(url)
    assert before.context["lines"] == [] and [p.pk for p in before.context["missing"]] == [jingchuan.pk]
    job_url = reverse("task-peers-job", kwargs={"pk": chosen.pk})
    assert f'action="{job_url}"' in before.content.decode()
    assert nation.post(job_url)["Location"] == url  # the job ran (in the request, in tests) and comes back here
    job = Job.objects.get(kind=JobKind.PEER_ALIGNMENTS)
    assert (job.status, job.result_url) == (JobStatus.DONE, url) and "1 个同级方案" in job.message
    assert StoredAlignment.objects.filter(child=jingchuan, parent=pingchang).exists()
    alignment.clear_caches()  # another process: only the database holds the comparison
    after = nation.get(url)
    assert after.context["missing"] == []
    peer = task_titled(jingchuan, "深入推进“放管服”改革")
    assert any(line.side and line.side.ref.pk == peer.pk and line.score >= 90 for line in after.context["lines"])
    assert "牵头单位不同" in after.content.decode()


def test_a_stored_peer_comparison_is_made_again_when_a_plan_is_revised(jingchuan: Plan) -> None:
    pingchang = Plan.objects.get(jurisdiction__name="平昌县")
    alignment.store_peer(jingchuan, pingchang)
    assert set(alignment.stored_peers(pingchang, [jingchuan])) == {jingchuan.pk}
    Plan.objects.filter(pk=jingchuan.pk).update(revision=F("revision") + 1)
    jingchuan.refresh_from_db()
    assert alignment.stored_peers(pingchang, [jingchuan]) == {}


def test_peers_are_only_plans_the_reader_may_read_whole(login: Login) -> None:
    pingchang = Plan.objects.get(jurisdiction__name="平昌县")
    chosen = task_titled(pingchang, "深入推进“放管服”改革")
    response = login("upper").get(reverse("task-peers", kwargs={"pk": chosen.pk}))
    assert response.status_code == 200
    assert response.context["lines"] == []  # 四川省's viewer reads no other county's plan
    assert "泾川县" not in response.content.decode().split("<main>")[1]
    prefecture = Task.objects.filter(plan__jurisdiction__name="遂宁市", status="active").order_by("order").first()
    lines = login("upper").get(reverse("task-peers", kwargs={"pk": prefecture.pk})).context["lines"]
    assert {line.plan.jurisdiction.name for line in lines} == {"甘孜藏族自治州"}
    assert any(line.side for line in lines)


# ------------------------------------------------------------------------------------------ who may


def test_a_reporter_who_sees_both_plans_is_still_refused(login: Login) -> None:
    """县司法局's reporter has tasks in both 平昌县 plans, but sees only those: the comparison is not theirs."""
    second = second_pingchang_plan()
    pingchang = Plan.objects.get(jurisdiction__name="平昌县", period_start=2024)
    reporter = login("reporter")
    assert reporter.get(reverse("plan", kwargs={"pk": second.pk})).status_code == 200
    response = reporter.get(align_url(pingchang, second))
    assert response.status_code == 403
    hidden = Task.objects.filter(plan=pingchang, status="active").exclude(
        assignments__unit__name="县司法局").first()
    assert hidden.text[:20] not in response.content.decode()
    own = Task.objects.filter(plan=pingchang, assignments__unit__name="县司法局").first()
    assert reporter.get(reverse("task-peers", kwargs={"pk": own.pk})).status_code == 403
    assert reporter.get(reverse("align-pick", kwargs={"pk": pingchang.pk}), {"other": second.pk}).status_code == 403
    assert login("office").get(align_url(pingchang, second)).status_code == 200


# ------------------------------------------------------------------------------------------ cost


def test_query_counts_are_bounded_and_the_alignment_is_kept(nation: Client, jingchuan: Plan, guizhou: Plan) -> None:
    alignment.clear_caches()
    with CaptureQueriesContext(connection) as cold:
        assert nation.get(align_url(jingchuan, guizhou)).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert nation.get(align_url(jingchuan, guizhou)).status_code == 200
    assert len(cold) <= 25  # both plans read: tasks, assignments, deadlines, targets, sections each
    assert len(warm) <= 12  # the alignment is kept: only who the reader is and the two plans
    assert len(warm) < len(cold)
    plan_url = reverse("plan", kwargs={"pk": jingchuan.pk})
    alignment.clear_caches()
    with CaptureQueriesContext(connection) as with_parent:
        nation.get(plan_url)
    Plan.objects.filter(pk=jingchuan.pk).update(parent_plan=None)
    with CaptureQueriesContext(connection) as without_parent:
        page = nation.get(plan_url).content.decode()
    assert "对应上级任务" not in page
    assert len(with_parent) - len(without_parent) <= 12  # the same few queries whatever the number of tasks
    assert len(with_parent) <= 35


def test_a_revised_plan_is_aligned_afresh(jingchuan: Plan, guizhou: Plan) -> None:
    before = alignment.compare(jingchuan, guizhou)
    assert alignment.compare(jingchuan, guizhou) is before  # kept
    Plan.objects.filter(pk=jingchuan.pk).update(revision=F("revision") + 1)
    jingchuan.refresh_from_db()
    assert alignment.compare(jingchuan, guizhou) is not before


def test_plans_of_the_jurisdictions_above_come_first_in_the_choices(db: None) -> None:
    pingchang = Plan.objects.select_related("jurisdiction").get(jurisdiction__name="平昌县")
    province = Plan.objects.create(jurisdiction=Jurisdiction.objects.get(name="四川省"), title="四川省实施方案")
    prefecture = Plan.objects.create(jurisdiction=Jurisdiction.objects.get(name="巴中市"), title="巴中市实施方案")
    same = Plan.objects.create(jurisdiction=pingchang.jurisdiction, title="平昌县年度要点")
    plans = list(Plan.objects.select_related("jurisdiction").order_by("?"))
    ordered = ordered_candidates(pingchang, plans, pingchang.jurisdiction.ancestors())
    assert ordered[:3] == [prefecture, province, same]  # nearest level up first, then the county's own
    assert pingchang not in ordered
    others = [p.jurisdiction.name for p in ordered[3:]]
    assert others == sorted(others) and len(others) == 4
