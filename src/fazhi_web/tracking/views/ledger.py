"""A cycle's progress ledger (进展台账) as .xlsx: the whole jurisdiction's, for the office of the plan's
jurisdiction and those above it; one unit's, for that unit's own people and the same readers.

A cycle one may not see, or another unit (for a unit's people): 404. A unit's people asking for the whole
ledger: 403 — they know the plan, but read only their own unit's rows.

A whole ledger of more than FAZHI_LEDGER_DIRECT_ROWS rows (a province's cycle: tens of thousands) is not built in
the request: its page offers a background job (``fazhi_web.jobs``), whose page links the file when it is ready.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fazhi.export.ledger import ledger_bytes
from fazhi_web.downloads import attachment
from fazhi_web.jobs.access import unfinished_job
from fazhi_web.jobs.actions import enqueue_job
from fazhi_web.jobs.models import JobKind
from fazhi_web.plans import access as plan_access
from fazhi_web.plans.access import get_or_404
from fazhi_web.plans.models import Unit

from .. import access, ledger
from ..models import Cycle


def _cycle_for_user(request: HttpRequest, pk: int) -> Cycle:
    return get_or_404(Cycle.objects.filter(plan__in=plan_access.visible_plans(request.user))
                      .select_related("plan", "plan__jurisdiction"), pk)


WHOLE_REFUSED = "全部单位的进展台账只对本级法治办和上级查看人员开放，请下载本单位台账"


@login_required
@require_GET
def whole(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_for_user(request, pk)
    access.require(plan_access.oversees_plan(request.user, cycle.plan), WHOLE_REFUSED)
    rows = ledger.row_count(cycle)
    if rows <= settings.FAZHI_LEDGER_DIRECT_ROWS:
        return _download(request, cycle, None)
    return render(request, "tracking/ledger_job.html", {
        "cycle": cycle, "rows": rows, "job": unfinished_job(request.user, JobKind.LEDGER, {"cycle": cycle.pk})})


@login_required
@require_POST
def whole_job(request: HttpRequest, pk: int) -> HttpResponse:
    """Build the whole ledger in the background; its job's page links the file when it is ready."""
    cycle = _cycle_for_user(request, pk)
    access.require(plan_access.oversees_plan(request.user, cycle.plan), WHOLE_REFUSED)
    job = enqueue_job(kind=JobKind.LEDGER, owner=request.user, jurisdiction=cycle.plan.jurisdiction,  # type: ignore[arg-type]
                      title=f"{cycle.plan.title} {cycle.label} 进展台账（全部单位）",
                      arguments={"cycle": cycle.pk, "as_of": timezone.localdate().isoformat()}, reuse=True)
    return redirect(job.landing_url)


@login_required
def for_unit(request: HttpRequest, pk: int, unit: int) -> HttpResponse:
    cycle = _cycle_for_user(request, pk)
    found = plan_access.get_unit_for_user(request.user, unit)  # another unit, for a unit's people: 404
    if not ledger.has_ledger(cycle, found):
        raise Http404("该单位在本方案中没有任务")
    own = found.pk in plan_access.unit_ids(request.user)
    access.require(own or plan_access.oversees_plan(request.user, cycle.plan), "只有本单位人员和法治办可以下载本单位台账")
    return _download(request, cycle, found)


def _download(request: HttpRequest, cycle: Cycle, unit: Unit | None) -> HttpResponse:
    built = ledger.build_ledger(request.user, cycle, timezone.localdate(), unit)
    return attachment(ledger_bytes(built), ledger.file_name(cycle, unit), private=True)
