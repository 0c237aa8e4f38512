"""Plans side by side (issue 5): a child plan against its parent, task by task, with verdicts and
differences; the parent-plan link on a plan; the same commitment across plans of one level (peers).

These pages show every task of the plans they compare, so they are for people who may read whole plans
(the office of the jurisdiction and the levels above, ``access.require_whole_plan``); a unit's people,
who see their own tasks only, are refused with 403 where they may see the plan and 404 where not.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_POST

from fazhi import model as core
from fazhi.align import KIND_LABELS, VERDICT_LABELS, Pair, TaskKey
from fazhi_web.jobs.access import unfinished_job
from fazhi_web.jobs.actions import enqueue_job
from fazhi_web.jobs.models import JobKind

from .. import access, actions, alignment
from ..alignment import CorePlan, TaskRef
from ..forms import ParentPlanForm
from ..highlight import mark_terms
from ..models import Jurisdiction, Plan, Task, printed_label

MIN_FRAGMENT = 4  # a shared passage is marked piece by piece; shorter pieces would mark chance words
OPEN_TEXTS = 20  # up to this many parent tasks shown, their passages are open; more, and they fold away


# ------------------------------------------------------------------------------------------ building blocks


def passage(task: core.Task) -> str:
    return f"{task.title}。{task.text}" if task.title else task.text


def marked(text: str, shared: Iterable[str]) -> SafeString:
    """The text, escaped, with the passages both tasks print in <mark class="same">.

    The core's passages are printed text in simplified script; each is marked piece by piece between any
    spaces it holds, and simplified finds traditional (highlight.find_all)."""
    pieces = {piece for passage in shared for piece in passage.split() if len(piece) >= MIN_FRAGMENT}
    return mark_terms(text, [(piece, "same") for piece in sorted(pieces, key=len, reverse=True)])


@dataclass
class Side:
    """One task as the page shows it: its DB id for the link, its printed number, title and values."""

    ref: TaskRef
    task: core.Task

    @property
    def heading(self) -> str:
        return alignment.heading(self.task)

    @property
    def leads(self) -> str:
        return alignment.lead_names(self.task)

    @property
    def deadlines(self) -> tuple[str, ...]:
        return tuple(d.text for d in self.task.deadlines)

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(t.text for t in self.task.targets)


@dataclass
class PairRow:
    child: Side
    score: int  # percent
    kind: str
    kind_label: str
    parent_html: SafeString
    child_html: SafeString
    differences: list[tuple[str, str]]  # (kind, text)
    snippet: str  # the longest passage both print, for the collapsed view


@dataclass
class ParentRow:
    side: Side
    verdict: str
    verdict_label: str
    pairs: list[PairRow] = field(default_factory=list)

    @property
    def has_differences(self) -> bool:
        return any(p.differences for p in self.pairs)


def _side(plan: CorePlan, key: TaskKey) -> Side | None:
    ref, task = plan.refs.get(key), plan.tasks.get(key)
    return Side(ref, task) if ref and task else None


def _pair_row(comparison: alignment.Comparison, pair: Pair, parent: Side) -> PairRow | None:
    child = _side(comparison.child, pair.child)
    if child is None:
        return None
    return PairRow(child=child, score=round(pair.score * 100), kind=pair.kind,
                   kind_label=KIND_LABELS.get(pair.kind, pair.kind),
                   parent_html=marked(passage(parent.task), pair.shared),
                   child_html=marked(passage(child.task), pair.shared),
                   differences=[(d.kind, d.describe()) for d in pair.differences],
                   snippet=max(pair.shared, key=len, default="").strip())


def parent_rows(comparison: alignment.Comparison) -> list[ParentRow]:
    """Every parent task in plan order with its verdict and the child tasks paired with it, best first."""
    by_parent: dict[TaskKey, list[Pair]] = defaultdict(list)
    for pair in comparison.alignment.pairs:
        by_parent[pair.parent].append(pair)
    rows = []
    for verdict in comparison.alignment.parents:
        side = _side(comparison.parent, verdict.task)
        if side is None:
            continue
        row = ParentRow(side, verdict.verdict, VERDICT_LABELS.get(verdict.verdict, verdict.verdict))
        for pair in sorted(by_parent.get(verdict.task, []), key=lambda p: -p.score):
            made = _pair_row(comparison, pair, side)
            if made is not None:
                row.pairs.append(made)
        rows.append(row)
    return rows


def verdict_counts(comparison: alignment.Comparison) -> dict[str, int]:
    counts = Counter(v.verdict for v in comparison.alignment.parents)
    return {v: counts.get(v, 0) for v in VERDICT_LABELS}


def coverage_rows(comparison: alignment.Comparison) -> list[dict[str, Any]]:
    rows = []
    for s in comparison.alignment.sections:
        total = max(s.total, 1)
        number = printed_label(s.path[-1]) if s.path else ""
        rows.append({"section": s, "title": f"{'附件 · ' if s.part == 'annex' else ''}{number}{s.title}",
                     "carried_pct": round(100 * s.carried / total),
                     "partly_pct": round(100 * s.partly / total),
                     "done_pct": round(100 * (s.carried + s.partly) / total)})
    return rows


# ------------------------------------------------------------------------------------------ the alignment page

VERDICT_FILTERS = {"missing": "未落实", "partly": "部分落实", "carried": "已落实"}


@login_required
@require_GET
def align_page(request: HttpRequest, child: int, parent: int) -> HttpResponse:
    child_plan = access.get_plan_for_user(request.user, child)
    parent_plan = access.get_plan_for_user(request.user, parent)
    if child_plan.pk == parent_plan.pk:
        raise Http404("请选择另一个方案进行对照")
    access.require_whole_plan(request.user, child_plan)
    access.require_whole_plan(request.user, parent_plan)
    comparison = alignment.compare(child_plan, parent_plan)
    verdict = request.GET.get("verdict", "")
    verdict = verdict if verdict in VERDICT_FILTERS else ""
    only_differences = request.GET.get("diff") == "1"
    rows = parent_rows(comparison)
    shown = [r for r in rows if (not verdict or r.verdict == verdict) and (not only_differences or r.has_differences)]
    local = [s for s in (_side(comparison.child, k) for k in comparison.alignment.local) if s is not None]
    return render(request, "plans/align.html", {
        "child": child_plan, "parent": parent_plan, "rows": shown, "total": len(rows),
        "counts": verdict_counts(comparison), "local": local, "coverage": coverage_rows(comparison),
        "verdict": verdict, "only_differences": only_differences, "verdict_filters": VERDICT_FILTERS,
        "with_differences": sum(1 for r in rows if r.has_differences),
        "filtered": bool(verdict or only_differences), "open_texts": len(shown) <= OPEN_TEXTS,
    })


@login_required
@require_GET
def align_pick(request: HttpRequest, pk: int) -> HttpResponse:
    """The picker on a plan's page: the other plan chosen, as this plan's parent or its child."""
    plan = access.get_plan_for_user(request.user, pk)
    access.require_whole_plan(request.user, plan)
    other_id = request.GET.get("other", "")
    if not other_id.isdecimal() or len(other_id) > 9:
        messages.error(request, "请选择要对照的方案。")
        return redirect("plan", pk=plan.pk)
    other = access.get_plan_for_user(request.user, int(other_id))
    if request.GET.get("as") == "child":
        return redirect("align", child=other.pk, parent=plan.pk)
    return redirect("align", child=plan.pk, parent=other.pk)


def ordered_candidates(plan: Plan, plans: Iterable[Plan], ancestors: list[Jurisdiction]) -> list[Plan]:
    """Plans of the jurisdictions above this one first (nearest first), then its own, then the others."""
    above = {j.pk: i for i, j in enumerate(reversed(ancestors))}

    def rank(other: Plan) -> tuple[int, int, str, str]:
        if other.jurisdiction_id in above:
            return 0, above[other.jurisdiction_id], "", other.title
        if other.jurisdiction_id == plan.jurisdiction_id:
            return 1, 0, "", other.title
        return 2, 0, other.jurisdiction.name, other.title

    return sorted((p for p in plans if p.pk != plan.pk), key=rank)


@login_required
@require_POST
def set_parent(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.get_plan_for_user(request.user, pk, manage=True)
    candidates = access.visible_plans(request.user).exclude(pk=plan.pk)
    form = ParentPlanForm(request.POST, candidates=candidates)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("plan", pk=plan.pk)
    parent = form.cleaned_data["parent"]
    try:
        actions.set_parent_plan(plan=plan, parent=parent, user=request.user)  # type: ignore[arg-type]
    except actions.ActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已将上级方案设为“{parent.title}”。" if parent else "已清除上级方案。")
    return redirect("plan", pk=plan.pk)


# ------------------------------------------------------------------------------------------ on the plan page


@dataclass
class PlanCoverage:
    parent: Plan
    counts: dict[str, int]
    local: int


def plan_coverage(request: HttpRequest, plan: Plan, tasks: Iterable[Task]) -> PlanCoverage | None:
    """For a plan whose parent plan is set and both may be read in full: the counts, and on each task
    (``task.carries``) the parent tasks it carries out with their titles, [] for the plan's own (本级自有)."""
    if plan.parent_plan_id is None or not access.oversees_plan(request.user, plan):
        return None
    parent = access.overseen_plans(request.user).select_related("jurisdiction").filter(pk=plan.parent_plan_id).first()
    if parent is None:
        return None
    comparison = alignment.compare(plan, parent)
    place = {TaskKey.of(t): i for i, t in enumerate(comparison.parent.plan.tasks)}
    carries: dict[TaskKey, list[tuple[TaskRef, str]]] = defaultdict(list)
    for pair in sorted(comparison.alignment.pairs, key=lambda p: place.get(p.parent, 0)):  # in the parent's order
        ref, found = comparison.parent.refs.get(pair.parent), comparison.parent.tasks.get(pair.parent)
        if ref is not None and found is not None and ref not in (r for r, _ in carries[pair.child]):
            carries[pair.child].append((ref, found.title or found.text[:40]))
    for task in tasks:
        task.carries = carries.get(alignment.task_key(task), [])  # type: ignore[attr-defined]
    return PlanCoverage(parent, verdict_counts(comparison), len(comparison.alignment.local))


# ------------------------------------------------------------------------------------------ peers


@dataclass
class PeerLine:
    plan: Plan
    side: alignment.PeerTask | None  # None: no corresponding task in this plan
    score: int | None
    differences: list[tuple[str, str]]
    flagged: set[str]  # kinds of difference to show in the warning colour: deadline, target, unit


def peer_lines(key: TaskKey, others: list[Plan], digests: dict[int, alignment.PeerDigest]) -> list[PeerLine]:
    """For each other plan with a stored alignment, its tasks corresponding to the chosen one (or a line saying
    it has none). The differences are the peer's values against the chosen task's (fazhi.align.peers)."""
    lines: list[PeerLine] = []
    for other in others:
        if other.pk not in digests:
            continue
        matches = digests[other.pk].matches(key)
        if not matches:
            lines.append(PeerLine(other, None, None, [], set()))
        for match in matches:
            lines.append(PeerLine(other, match.child, round(match.score * 100), list(match.differences),
                                  {kind for kind, _ in match.differences}))
    return lines


@login_required
@require_GET
def task_peers(request: HttpRequest, pk: int) -> HttpResponse:
    """The chosen task beside the corresponding tasks of every other plan of the same level one may read.

    Each comparison is stored once computed (``alignment.store_peer``); a few missing ones are computed here,
    more are left to a background job the page offers (a province's counties: a hundred alignments)."""
    task = access.get_task_for_user(request.user, pk)
    plan = task.plan
    access.require_whole_plan(request.user, plan)
    mine = alignment.core_plan(plan)
    chosen = _side(mine, alignment.task_key(task))
    if chosen is None:
        raise Http404("该任务不在方案的现行版本中")
    others = list(alignment.peer_plans(request.user, plan))
    digests = alignment.stored_peers(plan, others)
    missing = [o for o in others if o.pk not in digests]
    if len(missing) <= settings.FAZHI_PEERS_DIRECT_ALIGNMENTS:
        digests.update((other.pk, alignment.store_peer(other, plan)) for other in missing)
        missing = []
    return render(request, "plans/peers.html", {
        "task": task, "chosen": chosen, "lines": peer_lines(alignment.task_key(task), others, digests),
        "others": others, "missing": missing, "level": plan.jurisdiction.get_level_display(),
        "job": unfinished_job(request.user, JobKind.PEER_ALIGNMENTS, {"plan": plan.pk, "task": task.pk}),
    })


@login_required
@require_POST
def peers_job(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the job that compares the chosen task's plan with every other plan of its level, then come back."""
    task = access.get_task_for_user(request.user, pk)
    access.require_whole_plan(request.user, task.plan)
    job = enqueue_job(kind=JobKind.PEER_ALIGNMENTS, owner=request.user, jurisdiction=task.plan.jurisdiction,  # type: ignore[arg-type]
                      title=f"{task.plan.title}：与同级方案逐项对照", arguments={"plan": task.plan_id, "task": task.pk},
                      reuse=True)
    return redirect(job.landing_url)
