"""The database side of the core's Plan: jurisdictions and their units, people and their roles,
plans with headings, tasks, deadlines, targets and assignments, and import drafts under review.

Rules about one object live on it; rules that need no database live in the core (``fazhi``).
"""

from __future__ import annotations

from typing import NamedTuple

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from fazhi.units import fold_name


def printed_label(label: str) -> str:
    """A numbering as a plan prints it: 一 → 一、, 3 → 3., （二） and 第一部分 unchanged."""
    if not label or label.startswith(("（", "(", "第")) or label.endswith(("、", ".", "．", "）", ")")):
        return label
    return f"{label}{'、' if label[-1] in '一二三四五六七八九十百' else '.'}"


class Level(models.TextChoices):
    NATIONAL = "national", "国家"
    PROVINCE = "province", "省级"
    PREFECTURE = "prefecture", "市（州）级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡镇（街道）"


class Jurisdiction(models.Model):
    """行政区划: a node of the tree national → province → prefecture → county → township."""

    name = models.CharField("名称", max_length=60)
    level = models.CharField("层级", max_length=16, choices=Level.choices)
    parent = models.ForeignKey("self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="jurisdiction_unique_name")]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[Jurisdiction]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    def subtree_ids(self) -> set[int]:
        """This jurisdiction and every one below it."""
        ids, frontier = {self.pk}, [self.pk]
        while frontier:
            frontier = list(Jurisdiction.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.update(frontier)
        return ids


class Unit(models.Model):
    """责任单位: a department, township, court… of one jurisdiction."""

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT,
                                     related_name="units")
    name = models.CharField("单位名称", max_length=100)
    is_active = models.BooleanField("在用", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "name"], name="unit_unique_name")]

    def __str__(self) -> str:
        return self.name


class UnitGroup(models.Model):
    """A collective name a plan uses (各镇(街道), 各行政执法部门) and the units it stands for."""

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT,
                                     related_name="unit_groups")
    name = models.CharField("名称", max_length=100)
    members = models.ManyToManyField(Unit, verbose_name="成员单位", blank=True, related_name="groups")

    class Meta:
        verbose_name = verbose_name_plural = "单位群组"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "name"], name="group_unique_name")]

    def __str__(self) -> str:
        return self.name


class Alias(models.Model):
    """Another name of a unit or group. ``folded`` is unique per jurisdiction: one name, one meaning."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="aliases")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="aliases")
    group = models.ForeignKey(UnitGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField("别名", max_length=100)
    folded = models.CharField(max_length=100, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "别名"
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "folded"], name="alias_unique_folded"),
            models.CheckConstraint(condition=models.Q(unit__isnull=False) ^ models.Q(group__isnull=False),
                                   name="alias_of_unit_or_group"),
        ]

    def save(self, *args: object, **kwargs: object) -> None:
        self.folded = fold_name(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OFFICE = "office", "法治办管理员"
    REPORTER = "reporter", "单位填报员"
    LEADER = "leader", "单位审核人"
    VIEWER = "viewer", "上级查看"


class Membership(models.Model):
    """Who a person is: office administrator of a jurisdiction, reporter or leader of a unit, upper viewer."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name="行政区划", on_delete=models.CASCADE,
                                     related_name="memberships")
    unit = models.ForeignKey(Unit, verbose_name="单位", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="memberships")

    class Meta:
        verbose_name = verbose_name_plural = "用户角色"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["reporter", "leader"], unit__isnull=False)
                | models.Q(role__in=["office", "viewer"], unit__isnull=True),
                name="membership_unit_matches_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit or self.jurisdiction}"


class SourceDocument(models.Model):
    """The original uploaded file, kept as it came."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(upload_to="documents/%Y/%m/")
    original_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField("大小（字节）")
    format = models.CharField("格式", max_length=8)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "原始文件"

    def __str__(self) -> str:
        return self.original_name


class PlanStatus(models.TextChoices):
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class Plan(models.Model):
    """A published plan of a jurisdiction. A revised document updates it in place (``revision`` counts)."""

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT,
                                     related_name="plans")
    title = models.CharField("标题", max_length=200)
    doc_number = models.CharField("文号", max_length=60, blank=True)
    issued_on = models.DateField("成文日期", null=True, blank=True)
    period_start = models.PositiveSmallIntegerField("起始年", null=True, blank=True)
    period_end = models.PositiveSmallIntegerField("截止年", null=True, blank=True)
    issuers = models.CharField("发文机关", max_length=200, blank=True)
    status = models.CharField("状态", max_length=16, choices=PlanStatus.choices, default=PlanStatus.PUBLISHED)
    revision = models.PositiveIntegerField("版本", default=1)
    document = models.ForeignKey(SourceDocument, verbose_name="原始文件", null=True, on_delete=models.PROTECT,
                                 related_name="+")
    published_at = models.DateTimeField("发布时间", auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    search_text = models.TextField(editable=False, default="")
    # The plan this one carries out (a county's plan → its province's), set by the office; the alignment
    # pages compare the two (fazhi.align).
    parent_plan = models.ForeignKey("self", verbose_name="上级方案", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="child_plans")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "方案"
        ordering = ["-issued_on", "-published_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        if self.period_start and self.period_end and self.period_start != self.period_end:
            return f"{self.period_start}—{self.period_end}年"
        return f"{self.period_start}年" if self.period_start else ""


class Section(models.Model):
    """A heading of the plan: 一、… （三）… with its place in the tree."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    part = models.CharField(max_length=8, default="body")
    path = models.CharField(max_length=120)
    label = models.CharField("编号", max_length=20)
    title = models.CharField("标题", max_length=300)
    line = models.PositiveIntegerField(default=0)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "章节"
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return self.numbered_title

    @property
    def numbered_title(self) -> str:
        return f"{printed_label(self.label)}{self.title}"

    @property
    def depth(self) -> int:
        return self.path.count("/")


class TaskStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    WITHDRAWN = "withdrawn", "已删除（修订）"


class Task(models.Model):
    """重点任务: one numbered task of a plan, with its source passage."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    part = models.CharField(max_length=8, default="body")
    path = models.CharField("编号路径", max_length=120)
    label = models.CharField("编号", max_length=20, blank=True)
    title = models.CharField("标题", max_length=300, blank=True)
    text = models.TextField("任务内容")
    line = models.PositiveIntegerField("原文行号", default=0)
    source_text = models.TextField("原文", blank=True)
    order = models.PositiveIntegerField(default=0)
    status = models.CharField("状态", max_length=16, choices=TaskStatus.choices, default=TaskStatus.ACTIVE)
    search_text = models.TextField(editable=False, default="")
    units = models.ManyToManyField(Unit, through="Assignment", related_name="tasks")
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = verbose_name_plural = "任务"
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return f"{self.label} {self.title or self.text[:30]}"

    @property
    def heading(self) -> str:
        return self.title or self.text[:60]

    @property
    def printed_label(self) -> str:
        return printed_label(self.label)

    def unit_chips(self) -> list[UnitChip]:
        """The units as a reader wants them: each unit named directly, and each group once with its
        members in the note, so 各镇(街道) reads as one name rather than sixteen townships."""
        chips: list[UnitChip] = []
        groups: dict[tuple[str, str], list[str]] = {}
        for assignment in self.assignments.all():
            if assignment.via_group_id:
                groups.setdefault((assignment.printed_name, assignment.role), []).append(assignment.unit.name)
                continue
            printed = assignment.printed_name
            note = f"原文：{printed}" if printed and printed != assignment.unit.name else ""
            chips.append(UnitChip(assignment.unit.name, assignment.role, note))
        for (printed, role), names in groups.items():
            chips.append(UnitChip(f"{printed}（{len(names)}个单位）", role, "、".join(names)))
        return sorted(chips, key=lambda chip: _ROLE_ORDER.get(chip.role, 9))


class UnitChip(NamedTuple):
    label: str
    role: str
    note: str  # the group's members, or the name as printed when it was an alias

    @property
    def role_label(self) -> str:
        return AssignmentRole(self.role).label


class DeadlineKind(models.TextChoices):
    ONE_OFF = "one-off", "一次性"
    RECURRING = "recurring", "周期性"
    STANDING = "standing", "长期"
    UNRESOLVED = "unresolved", "年份不明"


class Deadline(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="deadlines")
    text = models.CharField("原文", max_length=120)
    kind = models.CharField("类型", max_length=16, choices=DeadlineKind.choices)
    due_on = models.DateField("日期", null=True, blank=True)
    precision = models.CharField("精度", max_length=8, blank=True)  # day / month / year, from the core
    recurrence = models.CharField("周期", max_length=16, blank=True)
    month_day = models.CharField("每年月日", max_length=5, blank=True)
    line = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "完成时限"
        ordering = ["task", "due_on"]

    def __str__(self) -> str:
        return self.text


class Target(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="targets")
    text = models.CharField("原文", max_length=200)
    metric = models.CharField("指标", max_length=120)
    op = models.CharField("比较", max_length=8)
    value = models.FloatField("数值")
    value_high = models.FloatField("上限", null=True, blank=True)
    unit = models.CharField("单位", max_length=16, blank=True)
    line = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "量化指标"

    def __str__(self) -> str:
        return self.text


class AssignmentRole(models.TextChoices):
    LEAD = "lead", "牵头"
    PARTICIPATING = "participating", "配合"
    RESPONSIBLE = "responsible", "负责"


_ROLE_ORDER = {AssignmentRole.LEAD: 0, AssignmentRole.RESPONSIBLE: 1, AssignmentRole.PARTICIPATING: 2}


class Assignment(models.Model):
    """A unit's part in a task. ``via_group`` keeps the collective name the plan printed."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField("角色", max_length=16, choices=AssignmentRole.choices)
    printed_name = models.CharField("原文名称", max_length=100, blank=True)
    via_group = models.ForeignKey(UnitGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "任务分工"
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="assignment_unique_unit")]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_role_display()}"


class DraftStatus(models.TextChoices):
    REVIEW = "review", "待审核"
    PUBLISHED = "published", "已发布"
    DISCARDED = "discarded", "已放弃"


class ImportDraft(models.Model):
    """A document read by the core and waiting for the office's review.

    ``content`` is the editable plan (see ``draft.py``); ``source_lines`` the text as read, for the
    side-by-side view. ``version`` rises with every saved edit: an edit made on an older version is
    refused, so two people reviewing at once never overwrite each other silently.
    """

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="drafts")
    document = models.ForeignKey(SourceDocument, on_delete=models.PROTECT, related_name="drafts")
    revises = models.ForeignKey(Plan, verbose_name="修订的方案", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="revision_drafts")
    status = models.CharField("状态", max_length=16, choices=DraftStatus.choices, default=DraftStatus.REVIEW)
    content = models.JSONField(default=dict)
    source_lines = models.JSONField(default=list)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "导入草稿"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.content.get("meta", {}).get("title") or self.document.original_name

    def get_absolute_url(self) -> str:
        return f"/imports/{self.pk}/"


class StoredAlignment(models.Model):
    """What the peers page needs of the alignment of one plan (child) with another (parent): the pairs with the
    child's tasks as printed (``alignment.PeerDigest`` as JSON), kept so that a page comparing a plan with a
    hundred others need not recompute them in every process. ``versions`` names the two plans' versions it was
    computed from (``alignment.versions``); a revised plan makes it stale, and it is computed again."""

    child = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    versions = models.CharField(max_length=120)
    data = models.JSONField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "方案对照结果"
        constraints = [models.UniqueConstraint(fields=["child", "parent"], name="one_stored_alignment_per_pair")]
