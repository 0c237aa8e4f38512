"""Tracking records. Every model keeps its history (django-simple-history): who, when, before and after.
Nothing is deleted outright; a withdrawn record changes status."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from fazhi.tracking import Frequency
from fazhi_web.plans.models import Plan, Target, Task, Unit


class CycleFrequency(models.TextChoices):
    MONTHLY = Frequency.MONTHLY.value, "每月"
    QUARTERLY = Frequency.QUARTERLY.value, "每季度"
    HALF_YEARLY = Frequency.HALF_YEARLY.value, "每半年"
    YEARLY = Frequency.YEARLY.value, "每年"


class Cycle(models.Model):
    """报送周期: one reporting period of a plan, with the day reports are due."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="cycles")
    frequency = models.CharField("频次", max_length=16, choices=CycleFrequency.choices)
    label = models.CharField("名称", max_length=40)
    starts_on = models.DateField("开始")
    ends_on = models.DateField("结束")
    due_on = models.DateField("报送截止")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "报送周期"
        ordering = ["plan", "starts_on"]
        constraints = [models.UniqueConstraint(fields=["plan", "starts_on", "frequency"], name="cycle_unique")]

    def __str__(self) -> str:
        return self.label


class Progress(models.TextChoices):
    NOT_STARTED = "not-started", "未启动"
    IN_PROGRESS = "in-progress", "推进中"
    DONE = "done", "已完成"
    ONGOING = "ongoing", "常态化推进"
    LAGGING = "lagging", "滞后"


class ReportKind(models.TextChoices):
    CONTRIBUTION = "contribution", "配合单位报送"  # a participating unit, to the lead unit
    CONSOLIDATED = "consolidated", "牵头单位汇总"  # the lead unit's report, to the office


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"  # waiting for the unit leader
    APPROVED = "approved", "已审核"  # approved by the leader; for a contribution: delivered to the lead unit
    ACCEPTED = "accepted", "已采纳"  # accepted by the office
    RETURNED = "returned", "已退回"


class Report(models.Model):
    """进展填报: one unit's report on one task for one cycle. ``version`` refuses stale saves."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField("类型", max_length=16, choices=ReportKind.choices)
    status = models.CharField("状态", max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    progress = models.CharField("进展", max_length=16, choices=Progress.choices, default=Progress.NOT_STARTED)
    done = models.TextField("工作进展", blank=True)
    problems = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下步打算", blank=True)
    comment = models.TextField("审核意见", blank=True)
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "进展报告"
        constraints = [models.UniqueConstraint(fields=["task", "unit", "cycle"], name="report_unique")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.task.printed_label} · {self.cycle}"


class TargetValue(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="values")
    value = models.FloatField("实际值")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "指标实际值"
        constraints = [models.UniqueConstraint(fields=["report", "target"], name="value_unique")]

    @property
    def met(self) -> bool:
        target = self.target
        if target.op == "<=":
            return self.value <= target.value
        if target.op == "range":
            return target.value <= self.value <= (target.value_high or target.value)
        if target.op == "=":
            return self.value == target.value
        return self.value >= target.value


class Evidence(models.Model):
    """佐证材料: a file attached to a report, stored under its digest."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    original_name = models.CharField("文件名", max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    withdrawn = models.BooleanField("已撤下", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "佐证材料"


class DecisionStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    GRANTED = "granted", "已同意"
    REFUSED = "refused", "未同意"


class Extension(models.Model):
    """延期申请: a unit asks for a later date; the office decides; both dates stay in the history."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="extensions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="extensions")
    original_due = models.DateField("原时限", null=True, blank=True)
    requested_due = models.DateField("申请延至")
    reason = models.TextField("理由")
    status = models.CharField("状态", max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.PENDING)
    decision_note = models.TextField("审批意见", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "延期申请"
        ordering = ["-requested_at"]


class OrderStatus(models.TextChoices):
    OPEN = "open", "待回复"
    REPLIED = "replied", "已回复"
    CLOSED = "closed", "已办结"
    ESCALATED = "escalated", "已升级督办"


class SupervisionOrder(models.Model):
    """督办单: the office chases a lagging task of a unit; the unit replies by a date."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="orders")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="orders")
    number = models.CharField("编号", max_length=40)
    reason = models.TextField("督办事由")
    reply_due = models.DateField("回复期限")
    status = models.CharField("状态", max_length=16, choices=OrderStatus.choices, default=OrderStatus.OPEN)
    reply = models.TextField("回复", blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "督办单"
        ordering = ["-opened_at"]


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=300)
    link = models.CharField(max_length=200, blank=True)
    key = models.CharField(max_length=120, blank=True)  # one warning per (user, key): sending twice is a no-op
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], condition=~models.Q(key=""),
                                               name="notification_once")]
        # Every page counts the reader's unread notifications (the navigation bar); the list shows the newest.
        # Daily warnings make thousands a person over the years: both read only what they show.
        indexes = [models.Index(fields=["user"], condition=models.Q(read_at__isnull=True), name="notification_unread"),
                   models.Index(fields=["user", "-created_at"], name="notification_newest")]


class Follow(models.Model):
    """Someone who wants to hear when a task's status changes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="followers")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "task"], name="follow_unique")]


class CalendarFeed(models.Model):
    """A unit's iCalendar subscription: the feed URL carries this random secret instead of a session.
    Regenerating it replaces the secret, so an old link stops working."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "日历订阅"

    def __str__(self) -> str:
        return f"{self.unit} 日历订阅"


class NotApplicable(models.Model):
    """不适用: the office marks an indicator of the indicator system as not applicable to a unit in a plan's
    assessment for a year, with its reason; its weight goes to the applicable siblings. Withdrawn, never deleted."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="not_applicable")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="not_applicable")
    year = models.PositiveSmallIntegerField("年度")
    code = models.CharField("指标编号", max_length=20)
    reason = models.TextField("理由")
    withdrawn = models.BooleanField("已撤销", default=False)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    marked_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "不适用指标"
        ordering = ["plan", "year", "unit", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "unit", "year", "code"],
                                               condition=models.Q(withdrawn=False), name="not_applicable_once")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.year} · {self.code} 不适用"


class ConfigKind(models.TextChoices):
    DEFAULT = "default", "内置默认规则"
    RULES = "rules", "评分规则"
    INDICATORS = "indicators", "指标体系"


class AssessmentConfig(models.Model):
    """考核设置: how a plan's units are scored in a year — the built-in rules, an uploaded rule set (TOML) or an
    uploaded indicator system (TOML or xlsx). Every version is kept; the latest one for the plan and year is in
    force. Stored only once the core has loaded and checked it."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="assessment_configs")
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("方式", max_length=16, choices=ConfigKind.choices)
    name = models.CharField("名称", max_length=200)
    filename = models.CharField("文件名", max_length=255, blank=True)
    data = models.BinaryField("文件内容", blank=True, default=b"")
    sha256 = models.CharField(max_length=64, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField("设定时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "考核设置"
        ordering = ["plan", "year", "-set_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan} · {self.year} · {self.name}"


class AdjustmentKind(models.TextChoices):
    BONUS = "bonus", "加分"
    DEDUCTION = "deduction", "扣分"
    CHECKPOINT = "checkpoint", "观测点人工评分"


class ScoreAdjustment(models.Model):
    """The office's hand in a unit's score for a year: a bonus or deduction (points, a magnitude) or the score
    of a checkpoint scored by hand (points within its weight), each with its reason and optionally the record
    behind it ("report:12"). Withdrawn, never deleted."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="score_adjustments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="score_adjustments")
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("类型", max_length=16, choices=AdjustmentKind.choices)
    code = models.CharField("观测点编号", max_length=20, blank=True)
    points = models.DecimalField("分值", max_digits=7, decimal_places=2)
    reason = models.TextField("理由")
    ref = models.CharField("依据的记录", max_length=40, blank=True)
    withdrawn = models.BooleanField("已撤销", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "考核加减分和人工评分"
        ordering = ["plan", "year", "unit", "kind", "code", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "unit", "year", "code"],
                                               condition=models.Q(withdrawn=False, kind="checkpoint"),
                                               name="hand_score_once")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.year} · {self.get_kind_display()} {self.points}"


class AnnualReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已公开发布"


class AnnualReport(models.Model):
    """法治政府建设年度报告: a jurisdiction's (unit empty) or a unit's report on a plan's year, assembled from the
    year's accepted reports (``tracking.annual``), edited by the office, exported as Word and, once published,
    readable by the public. The figures are those of the last assembly; a version column refuses stale saves."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="annual_reports")
    unit = models.ForeignKey(Unit, verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="annual_reports")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("标题", max_length=200)
    intro = models.TextField("开头", blank=True)
    measures = models.TextField("主要举措和成效", blank=True)
    shortcomings = models.TextField("存在的不足和原因", blank=True)
    leadership = models.TextField("党政主要负责人履行推进法治建设第一责任人职责情况", blank=True)
    next_year = models.TextField("下一年度工作打算", blank=True)
    figures = models.JSONField("数据", default=dict)
    assembled_at = models.DateTimeField("汇总时间", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=AnnualReportStatus.choices,
                              default=AnnualReportStatus.DRAFT)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "法治政府建设年度报告"
        ordering = ["-year", "plan", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], condition=models.Q(unit__isnull=True),
                                    name="one_jurisdiction_report_a_year"),
            models.UniqueConstraint(fields=["plan", "unit", "year"], condition=models.Q(unit__isnull=False),
                                    name="one_unit_report_a_year"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def issuer(self) -> str:
        return self.unit.name if self.unit_id else f"{self.plan.jurisdiction.name}人民政府"
