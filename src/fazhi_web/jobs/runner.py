"""Runs one job: claims it, calls its kind's function with a progress callback, records the result or the
reason it failed (in Chinese; the traceback goes to the log, never to the page), and removes the uploaded input
once the job has ended. The same function runs in a Dramatiq worker, in the web process's thread pool and, for
tests, inside the request (``dispatch``)."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from django.conf import settings
from django.core.files.base import File
from django.db.models import Q
from django.utils import timezone

from .models import Job, JobStatus

log = logging.getLogger("fazhi_web.jobs")

INTERNAL_ERROR = "处理时发生内部错误（已记入服务器日志），请稍后重试；如仍失败请联系系统管理员。"
TIME_LIMIT_ERROR = "处理超过时限，已停止。请稍后重试，或联系系统管理员调整 FAZHI_JOBS_TIME_LIMIT_SECONDS。"


class JobError(ValueError):
    """A job that cannot be done; the message says why, in Chinese, for the person who asked."""


class Progress(Protocol):
    def __call__(self, done: int, total: int, message: str) -> None: ...


@dataclass
class JobResult:
    """A page to open (``url``) or a file to download (``path``: a temporary file, which the runner moves into
    storage and then removes, downloaded as ``filename``)."""

    url: str = ""
    path: str = ""
    filename: str = ""


class Reporter:
    """The progress callback handed to a kind: writes done/total/message and the heartbeat, one small UPDATE per
    call — kinds report steps (a file read, a plan compared), not single rows."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id

    def __call__(self, done: int, total: int, message: str) -> None:
        Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
            done=done, total=total, message=message[:200], heartbeat_at=timezone.now())


def run_job(job_id: int) -> None:
    """Run the job if it is waiting (or was left running by a process that died); otherwise do nothing, so a
    message delivered twice runs the work once."""
    job = _claim(job_id)
    if job is None:
        return
    from .kinds import KINDS  # the kinds import the apps' actions, which import jobs.actions

    try:
        result = KINDS[job.kind].run(job, Reporter(job.pk))
    except _known_errors() as error:
        _fail(job, str(error))
    except Exception:
        log.exception("job %s (%s) failed", job.pk, job.kind)
        _fail(job, INTERNAL_ERROR)
    except BaseException as interrupted:  # dramatiq's TimeLimitExceeded, a worker shutting down
        log.warning("job %s (%s) interrupted: %r", job.pk, job.kind, interrupted)
        _fail(job, TIME_LIMIT_ERROR if type(interrupted).__name__ == "TimeLimitExceeded" else
              "处理进程停止，任务未完成，请重新提交。")
        raise
    else:
        _finish(job, result)


def _known_errors() -> tuple[type[Exception], ...]:
    from fazhi_web.plans.actions import ActionError

    return JobError, ActionError


def _claim(job_id: int) -> Job | None:
    now = timezone.now()
    stale = now - timedelta(seconds=settings.FAZHI_JOBS_STALE_SECONDS)
    claimable = Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, heartbeat_at__lt=stale)
    claimed = Job.objects.filter(claimable, pk=job_id).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, message="正在处理")
    return Job.objects.select_related("owner", "jurisdiction").get(pk=job_id) if claimed else None


def _finish(job: Job, result: JobResult) -> None:
    job.refresh_from_db()
    if result.path:
        try:
            with open(result.path, "rb") as handle:
                suffix = result.filename.rsplit(".", 1)[-1]
                job.result_file.save(f"{job.pk}.{suffix}", File(handle), save=False)
        finally:
            os.unlink(result.path)
    job.result_url, job.result_name = result.url, result.filename[:200]
    job.status, job.finished_at, job.error = JobStatus.DONE, timezone.now(), ""
    job.done = job.total = max(job.total, 1)
    job.save()
    _drop_input(job)


def _fail(job: Job, error: str) -> None:
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error=error, finished_at=timezone.now())
    _drop_input(job)


def _drop_input(job: Job) -> None:
    """The uploaded file is the job's input only: kept as the draft's document on success, gone either way."""
    if job.input_file:
        job.input_file.delete(save=False)
        Job.objects.filter(pk=job.pk).update(input_file="")
