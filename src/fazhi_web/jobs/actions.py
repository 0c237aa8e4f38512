"""Changes to jobs: store one and send it (``enqueue_job``), and give up on one whose process has gone
(``expire_stale_jobs``), and delete old finished ones with their files (``purge_finished_jobs``). Keyword-only, in a transaction, like every app's actions."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import PurePath
from typing import Any
from uuid import uuid4

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fazhi_web.plans.models import Jurisdiction
from fazhi_web.stored_files import stored_file

from .access import unfinished_job
from .dispatch import send_after_commit
from .models import Job, JobKind, JobStatus

logger = logging.getLogger(__name__)

STALE_RUNNING = "处理中断：负责处理的进程已停止响应（可能已重启），请重新提交。"
STALE_QUEUED = "任务未能开始（网站进程已重启），请重新提交。"


def enqueue_job(*, kind: JobKind, owner: User, jurisdiction: Jurisdiction, title: str,
                arguments: dict[str, Any] | None = None, input_name: str = "", input_data: bytes | None = None,
                reuse: bool = False) -> Job:
    """Store a job and send it to run. ``input_data`` (an uploaded file) is kept with the job until it ends.
    ``reuse``: the same person asking again for the same thing while it is still waiting or running gets that
    job back instead of a second one (a double click on 生成)."""
    arguments = {**(arguments or {}), "title": title}
    if reuse:
        same = unfinished_job(owner, kind, arguments)
        if same is not None and same.jurisdiction_id == jurisdiction.pk and not same.is_stale():
            return same
    job = Job(kind=kind, owner=owner, jurisdiction=jurisdiction, arguments=arguments, message="等待处理")
    if input_data is None:
        job.save()
    else:  # the upload is kept only if its job is stored
        with stored_file(job.input_file, f"{uuid4().hex}{PurePath(input_name).suffix.lower()[:10]}", input_data), \
                transaction.atomic():
            job.save()
    send_after_commit(job.pk)
    job.refresh_from_db()
    return job


def expire_stale_jobs(*, pk: int | None = None) -> int:
    """Mark failed the running jobs not heard from for FAZHI_JOBS_STALE_SECONDS and — when jobs run in the web
    process, whose pool dies with it — the queued ones that waited as long. ``pk``: only that job."""
    limit = timezone.now() - timedelta(seconds=settings.FAZHI_JOBS_STALE_SECONDS)
    jobs = Job.objects.all() if pk is None else Job.objects.filter(pk=pk)
    with transaction.atomic():
        expired = jobs.filter(Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, created_at__lt=limit),
                              status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, error=STALE_RUNNING, finished_at=timezone.now())
        if not settings.FAZHI_JOBS_BROKER:
            expired += jobs.filter(status=JobStatus.QUEUED, created_at__lt=limit).update(
                status=JobStatus.FAILED, error=STALE_QUEUED, finished_at=timezone.now())
    return expired


def purge_finished_jobs(*, days: int | None = None) -> int:
    """Delete the jobs that ended more than ``days`` ago (default FAZHI_JOBS_KEEP_DAYS) and their files — a
    ledger file is tens of megabytes at province scale, and a job's row is only a receipt once its result has
    been fetched. Jobs waiting or running are never touched. The files go after the rows are committed, so a
    failed deletion leaves the rows and their files as they were. Returns how many jobs were deleted."""
    keep = settings.FAZHI_JOBS_KEEP_DAYS if days is None else days
    old = Job.objects.filter(status__in=(JobStatus.DONE, JobStatus.FAILED),
                             finished_at__lt=timezone.now() - timedelta(days=keep))
    with transaction.atomic():
        jobs = list(old.select_for_update())
        files = [(f.storage, f.name) for job in jobs for f in (job.result_file, job.input_file) if f]
        Job.objects.filter(pk__in=[job.pk for job in jobs]).delete()
        transaction.on_commit(lambda: _delete_files(files))
    return len(jobs)


def _delete_files(files: list[tuple[Any, str]]) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:  # the row is gone either way; a file left behind is logged, not fatal
            logger.warning("could not delete the file %s of a purged job", name, exc_info=True)
