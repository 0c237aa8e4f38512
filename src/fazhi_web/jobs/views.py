"""A job's page (kind, status, progress bar and message, refreshed by htmx until it ends, then the result), its
status as JSON, and its result file. Only the person who started it and the office of its jurisdiction see it;
anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from fazhi_web.downloads import CONTENT_TYPES

from . import actions
from .access import get_job_for_user
from .models import Job, JobKind, JobStatus

POLL_SECONDS = 1


@login_required
@require_GET
def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    job = _current(request, pk)
    if request.htmx:  # type: ignore[attr-defined]
        if job.landing_url != job.get_absolute_url():
            messages.success(request, job.message)
            return HttpResponse(headers={"HX-Redirect": job.landing_url})
        return render(request, "jobs/_status.html", {"job": job, "poll": POLL_SECONDS, "back": _back(job)})
    return render(request, "jobs/job.html", {"job": job, "poll": POLL_SECONDS, "back": _back(job)})


@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = _current(request, pk)
    return JsonResponse({
        "id": job.pk, "kind": job.kind, "status": job.status, "status_label": job.get_status_display(),
        "done": job.done, "total": job.total, "percent": job.percent, "message": job.message, "error": job.error,
        "result_url": job.result_url or None,
        "download_url": f"{job.get_absolute_url()}download/" if job.result_file else None,
    })


@login_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_job_for_user(request.user, pk)
    if job.status != JobStatus.DONE or not job.result_file:
        raise Http404("该任务没有可下载的文件")
    response = FileResponse(job.result_file.open("rb"),
                            content_type=CONTENT_TYPES.get(job.result_name.rsplit(".", 1)[-1], "application/octet-stream"))
    response["Content-Disposition"] = content_disposition_header(True, job.result_name) or ""
    response["Cache-Control"] = "private, no-store"
    return response


def _current(request: HttpRequest, pk: int) -> Job:
    """The job, after giving up on it if the process running it has gone silent (see actions)."""
    job = get_job_for_user(request.user, pk)
    if job.is_stale() and actions.expire_stale_jobs(pk=job.pk):  # a poll writes nothing unless it must
        job.refresh_from_db()
    return job


def _back(job: Job) -> tuple[str, str] | None:
    """Where to go from a job that failed: try again."""
    if job.kind == JobKind.IMPORT_PLAN:
        return f"/jurisdictions/{job.jurisdiction_id}/import/", "重新上传"
    if job.kind == JobKind.LEDGER:
        return f"/cycles/{int(job.arguments['cycle'])}/", "返回报送周期"
    if job.kind == JobKind.PEER_ALIGNMENTS:
        return f"/tasks/{int(job.arguments['task'])}/peers/", "返回同级对照"
    return None
