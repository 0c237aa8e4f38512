"""A background job: what it does, for whom, how far it has got, and what came of it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from fazhi_web.plans.models import Jurisdiction


class JobKind(models.TextChoices):
    IMPORT_PLAN = "import_plan", "读取方案文件"
    LEDGER = "ledger", "导出进展台账"
    PEER_ALIGNMENTS = "peer_alignments", "同级方案对照"


# Kinds whose person is taken to the result as soon as it is there (the draft to review, the page asked for);
# the others (files) show a download link on the job's page.
LANDS_ON_RESULT = {JobKind.IMPORT_PLAN, JobKind.PEER_ALIGNMENTS}


class JobStatus(models.TextChoices):
    QUEUED = "queued", "等待处理"
    RUNNING = "running", "正在处理"
    DONE = "done", "已完成"
    FAILED = "failed", "未完成"


class Job(models.Model):
    """One piece of background work. ``arguments`` are the kind's inputs (ids and names, as JSON); an uploaded
    file waits in ``input_file`` until the job ends. The result is a page (``result_url``, such as the draft the
    upload became) or a file (``result_file``, downloaded as ``result_name``). ``heartbeat_at`` moves with every
    progress report: a running job not heard from for FAZHI_JOBS_STALE_SECONDS is taken for dead."""

    kind = models.CharField("类型", max_length=32, choices=JobKind.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.CASCADE,
                              related_name="jobs")
    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name="行政区划", on_delete=models.CASCADE,
                                     related_name="jobs")
    status = models.CharField("状态", max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    message = models.CharField("进度说明", max_length=200, blank=True)
    arguments = models.JSONField("参数", default=dict)
    input_file = models.FileField(upload_to="jobs/input/", blank=True)
    result_url = models.CharField("结果页面", max_length=300, blank=True)
    result_file = models.FileField(upload_to="jobs/results/", blank=True)
    result_name = models.CharField("下载文件名", max_length=200, blank=True)
    error = models.TextField("未完成原因", blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        return f"/jobs/{self.pk}/"

    @property
    def landing_url(self) -> str:
        """Where to send the person who asked: the result once it is there, the job's page until then."""
        if self.status == JobStatus.DONE and self.result_url and self.kind in LANDS_ON_RESULT:
            return self.result_url
        return self.get_absolute_url()

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return min(100, round(100 * self.done / self.total)) if self.total else 0

    @property
    def title(self) -> str:
        return str(self.arguments.get("title") or self.get_kind_display())

    def is_stale(self, now: datetime | None = None) -> bool:
        """Running and not heard from for FAZHI_JOBS_STALE_SECONDS (the process running it has gone), or — when
        jobs run in the web process, whose pool dies with it — waiting as long (``actions.expire_stale_jobs``)."""
        limit = (now or timezone.now()) - timedelta(seconds=settings.FAZHI_JOBS_STALE_SECONDS)
        if self.status == JobStatus.QUEUED:
            return not settings.FAZHI_JOBS_BROKER and self.created_at < limit
        return self.status == JobStatus.RUNNING and (self.heartbeat_at or self.created_at) < limit
