"""The kinds of job: one function each, given the job and a progress callback, returning what came of it.

Each checks again that the job's owner may still do what they asked (time has passed since they asked),
reports progress at least every few minutes (a job not heard from for FAZHI_JOBS_STALE_SECONDS is taken for
dead), and raises ``JobError`` — or an app's ``ActionError`` — with a Chinese message when it cannot be done.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fazhi.export.ledger import write_ledger
from fazhi_web.plans import access as plan_access
from fazhi_web.plans import actions as plan_actions
from fazhi_web.plans import alignment
from fazhi_web.plans.models import Plan

from .models import Job, JobKind
from .runner import JobError, JobResult, Progress


def import_plan(job: Job, progress: Progress) -> JobResult:
    """Read the uploaded plan (stored with the job) into a draft for review; a failed read stores nothing."""
    if not plan_access.can_manage(job.owner, job.jurisdiction):
        raise JobError("只有本级法治办管理员可以导入方案")
    arguments = job.arguments
    revises = None
    if arguments.get("revises"):
        revises = Plan.objects.filter(pk=arguments["revises"], jurisdiction=job.jurisdiction).first()
        if revises is None:
            raise JobError("要修订的方案已不存在")
    with job.input_file.open("rb") as handle:
        data = handle.read()
    draft = plan_actions.import_document(jurisdiction=job.jurisdiction, filename=arguments["filename"], data=data,
                                         user=job.owner, revises=revises, progress=progress)
    tasks = len(draft.content["tasks"])
    progress(3, 3, f"已读取“{arguments['filename']}”：{tasks} 项任务，请逐项核对后发布。")
    return JobResult(url=draft.get_absolute_url())


def ledger(job: Job, progress: Progress) -> JobResult:
    """The whole jurisdiction's progress ledger of a cycle, as the owner may read it, written to a file."""
    from fazhi_web.tracking import ledger as ledgers
    from fazhi_web.tracking.models import Cycle

    cycle = (Cycle.objects.filter(pk=job.arguments["cycle"], plan__in=plan_access.visible_plans(job.owner))
             .select_related("plan", "plan__jurisdiction").first())
    if cycle is None or not plan_access.oversees_plan(job.owner, cycle.plan):
        raise JobError("该报送周期已不存在，或您已无权查看全部单位的进展台账")
    rows = ledgers.row_count(cycle)
    progress(0, 3, f"正在读取 {rows} 行进展")
    built = ledgers.build_ledger(job.owner, cycle, date.fromisoformat(job.arguments["as_of"]), None)
    progress(1, 3, f"正在生成 Excel（{len(built.rows)} 行）")
    with tempfile.NamedTemporaryFile(prefix="fazhi-ledger-", suffix=".xlsx", delete=False) as handle:
        path = Path(handle.name)  # the runner moves it into storage, then removes it
    try:
        write_ledger(built, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    progress(2, 3, "正在保存文件")
    return JobResult(path=str(path), filename=ledgers.file_name(cycle, None))


def peer_alignments(job: Job, progress: Progress) -> JobResult:
    """Compare a plan with every other plan of its level the owner may read whole, and store each comparison
    (``alignment.store_peer``) for the peers page to show."""
    plan = plan_access.overseen_plans(job.owner).select_related("jurisdiction").filter(pk=job.arguments["plan"]).first()
    if plan is None:
        raise JobError("该方案已不存在，或您已无权查看整个方案")
    others = list(alignment.peer_plans(job.owner, plan))
    stored = alignment.stored_peers(plan, others)
    todo = [other for other in others if other.pk not in stored]
    for done, other in enumerate(todo):
        progress(done, len(todo), f"正在对照{other.jurisdiction.name}的方案（{done + 1}/{len(todo)}）")
        alignment.store_peer(other, plan)
    progress(len(todo), max(len(todo), 1), f"已与 {len(others)} 个同级方案完成对照")
    return JobResult(url=f"/tasks/{int(job.arguments['task'])}/peers/")


@dataclass(frozen=True)
class Kind:
    run: Callable[[Job, Progress], JobResult]


KINDS: dict[str, Kind] = {
    JobKind.IMPORT_PLAN: Kind(import_plan),
    JobKind.LEDGER: Kind(ledger),
    JobKind.PEER_ALIGNMENTS: Kind(peer_alignments),
}
