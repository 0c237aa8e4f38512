"""Tracking actions: each change one function, keyword-only, in a transaction; history is recorded by
django-simple-history (who, when, before and after) and the people concerned are notified."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from pathlib import PurePath
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from fazhi.errors import FazhiError
from fazhi.read.attachment import check_attachment
from fazhi.tracking import Frequency, periods
from fazhi_web.plans.actions import ActionError, StaleEdit
from fazhi_web.plans.models import AssignmentRole, Membership, Plan, Role, Target, Task, Unit
from fazhi_web.stored_files import stored_file
from fazhi_web.uploads import safe_name

from . import bulk
from .models import (
    Cycle,
    DecisionStatus,
    Evidence,
    Extension,
    Follow,
    Notification,
    OrderStatus,
    Progress,
    Report,
    ReportKind,
    ReportStatus,
    SupervisionOrder,
    TargetValue,
)
from .warnings import DueWarning, due_warnings

__all__ = ["ActionError", "StaleEdit"]

EVIDENCE_TYPES = {
    ".pdf": (b"%PDF",), ".png": (b"\x89PNG",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",), ".xlsx": (b"PK\x03\x04",),
}


# ---------------------------------------------------------------- cycles

def open_cycles(*, plan: Plan, frequency: str, year: int, due_days: int, user: User | None) -> list[Cycle]:
    """The reporting periods of a year for a plan (safe to run twice: existing periods are kept)."""
    if not 0 <= due_days <= 60:
        raise ActionError("报送截止须在周期结束后 0—60 天内")
    made = []
    with transaction.atomic():
        for label, start, end, due in periods(Frequency(frequency), year, due_days):
            cycle, _ = Cycle.objects.get_or_create(plan=plan, frequency=frequency, starts_on=start,
                                                   defaults={"label": label, "ends_on": end, "due_on": due})
            made.append(cycle)
    return made


# ---------------------------------------------------------------- reports

def report_for(*, task: Task, unit: Unit, cycle: Cycle) -> Report:
    """The unit's report on a task for a cycle, created empty on first use."""
    role = task.assignments.filter(unit=unit).values_list("role", flat=True).first()
    if role is None:
        raise ActionError("该单位不承担此项任务")
    if cycle.plan_id != task.plan_id:
        raise ActionError("报送周期不属于该任务的方案")
    kind = ReportKind.CONTRIBUTION if role == AssignmentRole.PARTICIPATING else ReportKind.CONSOLIDATED
    try:
        with transaction.atomic():
            report, _ = Report.objects.get_or_create(task=task, unit=unit, cycle=cycle, defaults={"kind": kind})
    except IntegrityError:
        report = Report.objects.get(task=task, unit=unit, cycle=cycle)
    return report


def save_report(*, report: Report, version: int, user: User | None, progress: str, done: str, problems: str,
                next_steps: str, values: dict[int, float]) -> Report:
    """Save a draft; a save made on an older version than the stored one is refused."""
    if progress not in Progress.values:
        raise ActionError("请选择进展状态")
    targets = {t.pk: t for t in Target.objects.filter(task_id=report.task_id)}
    if set(values) - set(targets):
        raise ActionError("指标不属于该任务")
    with transaction.atomic():
        updated = Report.objects.filter(pk=report.pk, version=version, status__in=EDITABLE).update(
            progress=progress, done=done, problems=problems, next_steps=next_steps, version=version + 1,
            updated_by=user, updated_at=timezone.now())
        if not updated:
            raise StaleEdit("这份报告已被他人修改或已报送，您的修改未保存。请刷新页面查看最新内容后再改。")
        report.refresh_from_db()
        _record_version(report, user)
        for target_id, value in values.items():
            TargetValue.objects.update_or_create(report=report, target=targets[target_id], defaults={"value": value})
    return report


def _record_version(report: Report, user: User | None) -> None:
    """Queryset updates bypass the history; record the new version explicitly."""
    _save_recorded(report, user, ["updated_at"])


def _save_recorded(record: Any, user: User | None, fields: list[str] | None = None) -> Any:
    """Save with the person who acted written into the history (after a queryset update, which the
    history does not see, this records the new version)."""
    record._history_user = user
    record.save(update_fields=fields)
    return record


def _withdraw(record: Any, user: User | None, message: str) -> Any:
    """Withdraw rather than delete: the record stays, marked withdrawn, in the history."""
    with transaction.atomic():
        if not type(record).objects.filter(pk=record.pk, withdrawn=False).update(withdrawn=True):
            raise StaleEdit(message)
        record.refresh_from_db()
        _save_recorded(record, user, ["withdrawn"])
    return record


class Step(NamedTuple):
    """One move of a report's workflow: the states it starts from, where it goes, and the refusal from elsewhere."""

    allowed_from: tuple[str, ...]
    to: str
    refusal: str


# The report workflow, the one place: saving and attaching evidence need a draft or a returned report (EDITABLE);
# every other move is here. Anything not listed is refused, by the action
# itself as well as by the page.
EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
STEPS = {
    "submit": Step(EDITABLE, ReportStatus.SUBMITTED, "这份报告已经报送，不能重复报送。"),
    "approve": Step((ReportStatus.SUBMITTED,), ReportStatus.APPROVED, "这份报告不在待审核状态，可能已被审核或退回。"),
    "accept": Step((ReportStatus.APPROVED,), ReportStatus.ACCEPTED, "这份报告不在待采纳状态。"),
    "return": Step((ReportStatus.APPROVED,), ReportStatus.RETURNED, "这份报告不在可退回的状态。"),
}


def _transition(*, report: Report, user: User | None, step: str, comment: str = "") -> Report:
    allowed_from, to, message = STEPS[step]
    with transaction.atomic():
        fields: dict[str, object] = {"status": to, "version": F("version") + 1, "updated_by": user,
                                     "updated_at": timezone.now()}
        if comment:
            fields["comment"] = comment
        if to == ReportStatus.SUBMITTED:
            fields["submitted_at"] = timezone.now()
        moved = Report.objects.filter(pk=report.pk, status__in=list(allowed_from)).update(**fields)
        if not moved:
            raise StaleEdit(message)
        report.refresh_from_db()
        _record_version(report, user)
        notify_followers(task=report.task, text=f"{report.unit}：{report.task.printed_label}"
                         f"{report.task.heading[:30]} 的进展报告{report.get_status_display()}",
                         link=f"/reports/{report.pk}/", about=report, exclude=user)
    return report


def submit_report(*, report: Report, user: User | None) -> Report:
    return _transition(report=report, user=user, step="submit")


def approve_report(*, report: Report, user: User | None) -> Report:
    return _transition(report=report, user=user, step="approve")


def accept_report(*, report: Report, user: User | None, comment: str = "") -> Report:
    if report.kind != ReportKind.CONSOLIDATED:
        raise ActionError("配合单位的报告由牵头单位汇总，法治办只采纳牵头单位的汇总报告")
    return _transition(report=report, user=user, step="accept", comment=comment)


def return_report(*, report: Report, user: User | None, comment: str) -> Report:
    if not comment.strip():
        raise ActionError("退回时请写明原因")
    return _transition(report=report, user=user, step="return", comment=comment.strip())


def contributions_for(report: Report) -> list[Report]:
    """What the participating units delivered on the same task and cycle (for the lead to consolidate)."""
    return list(Report.objects.filter(task_id=report.task_id, cycle_id=report.cycle_id,
                                      kind=ReportKind.CONTRIBUTION,
                                      status__in=[ReportStatus.APPROVED, ReportStatus.ACCEPTED])
                .select_related("unit").prefetch_related("values__target"))


def add_evidence(*, report: Report, filename: str, data: bytes, user: User | None) -> Evidence:
    """Attach a file; the type is checked by its extension and its content, the size before storing; the name is
    kept without folders, control characters or quotes."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        raise ActionError(f"{filename}：佐证材料只能是 PDF、图片（PNG/JPG）、Word (.docx) 或 Excel (.xlsx)")
    if len(data) > settings.FAZHI_MAX_EVIDENCE_BYTES:
        raise ActionError(f"{filename}：超过 {settings.FAZHI_MAX_EVIDENCE_BYTES // (1024 * 1024)} MB 上限")
    try:
        check_attachment(data, filename, suffix)  # by content: the type, a sound container, no bomb
    except FazhiError as error:
        raise ActionError(str(error)) from None
    digest = hashlib.sha256(data).hexdigest()
    evidence = Evidence(report=report, original_name=safe_name(filename), size=len(data),
                        sha256=digest, uploaded_by=user)
    # The file is written first (the row holds its name) and removed again if anything after it fails; the report
    # is locked and must still be open for editing, so nothing is added to a report once it has been sent.
    with stored_file(evidence.file, f"{digest}{suffix}", data), transaction.atomic():
        if not Report.objects.select_for_update().filter(pk=report.pk, status__in=EDITABLE).exists():
            raise StaleEdit("这份报告已经报送，不能再上传佐证材料。请刷新页面查看最新状态。")
        evidence.save()
    return evidence


# ---------------------------------------------------------------- extensions

def request_extension(*, task: Task, unit: Unit, requested_due: date, reason: str, original_due: date | None,
                      user: User | None) -> Extension:
    if not reason.strip():
        raise ActionError("请写明延期理由")
    if original_due and requested_due <= original_due:
        raise ActionError("申请的时限须晚于原时限")
    return Extension.objects.create(task=task, unit=unit, requested_due=requested_due, original_due=original_due,
                                    reason=reason.strip(), requested_by=user)


def decide_extension(*, extension: Extension, grant: bool, note: str, user: User | None) -> Extension:
    with transaction.atomic():
        decided = Extension.objects.filter(pk=extension.pk, status=DecisionStatus.PENDING).update(
            status=DecisionStatus.GRANTED if grant else DecisionStatus.REFUSED, decision_note=note.strip(),
            decided_by=user, decided_at=timezone.now())
        if not decided:
            raise StaleEdit("该申请已处理过。")
        extension.refresh_from_db()
        _save_recorded(extension, user, ["decided_at"])
        notify_unit(unit=extension.unit, text=f"延期申请{extension.get_status_display()}："
                    f"{extension.task.printed_label}{extension.task.heading[:30]}", link=f"/tasks/{extension.task_id}/")
    return extension


# ---------------------------------------------------------------- supervision

def open_orders(*, pairs: Iterable[tuple[Task, Unit]], reason: str, reply_due: date, user: User | None,
                as_of: date) -> list[SupervisionOrder]:
    """Open one supervision order per (task, unit) — one at a time or in bulk from the overdue list."""
    if not reason.strip():
        raise ActionError("请写明督办事由")
    if reply_due < as_of:
        raise ActionError("回复期限不能早于今天")
    orders = []
    with transaction.atomic():
        start = SupervisionOrder.objects.filter(opened_at__year=as_of.year).count()
        for index, (task, unit) in enumerate(pairs, start=start + 1):
            order = SupervisionOrder.objects.create(task=task, unit=unit, reason=reason.strip(), reply_due=reply_due,
                                                    number=f"督〔{as_of.year}〕{index}号", opened_by=user)
            notify_unit(unit=unit, text=f"督办单 {order.number}：{task.printed_label}{task.heading[:30]}，"
                        f"请于{reply_due:%Y年%m月%d日}前回复", link=f"/orders/{order.pk}/")
            orders.append(order)
    return orders


def reply_order(*, order: SupervisionOrder, reply: str, user: User | None) -> SupervisionOrder:
    if not reply.strip():
        raise ActionError("回复内容不能为空")
    return _move_order(order=order, user=user, allowed=[OrderStatus.OPEN, OrderStatus.ESCALATED],
                       to=OrderStatus.REPLIED, reply=reply.strip(), replied_at=timezone.now())


def close_order(*, order: SupervisionOrder, user: User | None) -> SupervisionOrder:
    return _move_order(order=order, user=user, allowed=[OrderStatus.REPLIED], to=OrderStatus.CLOSED,
                       closed_at=timezone.now())


def escalate_order(*, order: SupervisionOrder, user: User | None, reply_due: date) -> SupervisionOrder:
    return _move_order(order=order, user=user, allowed=[OrderStatus.OPEN, OrderStatus.REPLIED],
                       to=OrderStatus.ESCALATED, reply_due=reply_due)


def _move_order(*, order: SupervisionOrder, user: User | None, allowed: list[str], to: str,
                **fields: object) -> SupervisionOrder:
    with transaction.atomic():
        moved = SupervisionOrder.objects.filter(pk=order.pk, status__in=allowed).update(status=to, **fields)
        if not moved:
            raise StaleEdit("督办单状态已变化，请刷新页面。")
        order.refresh_from_db()
        _save_recorded(order, user, ["status"])
        notify_followers(task=order.task, text=f"督办单 {order.number} {order.get_status_display()}",
                         link=f"/orders/{order.pk}/", about=order, exclude=user)
    return order


# ---------------------------------------------------------------- notifications

def notify(*, users: Iterable[User], text: str, link: str = "", key: str = "") -> int:
    """In-app notifications; with a key, a person is told once (warnings run every day)."""
    made = 0
    for person in users:
        if key and Notification.objects.filter(user=person, key=key).exists():
            continue
        Notification.objects.create(user=person, text=text[:300], link=link, key=key)
        made += 1
    return made


def notify_unit(*, unit: Unit, text: str, link: str = "", key: str = "") -> int:
    people = User.objects.filter(memberships__unit=unit, memberships__role__in=[Role.REPORTER, Role.LEADER],
                                 is_active=True).distinct()
    return notify(users=people, text=text, link=link, key=key)


def notify_followers(*, task: Task, text: str, link: str, about: Report | SupervisionOrder,
                     exclude: User | None = None) -> int:
    """Tell the task's followers — only those who may open ``about``: a follower of a shared task
    must not learn of another unit's draft through a notification."""
    from . import access

    people = User.objects.filter(follows__task=task, is_active=True)
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    visible = access.visible_reports if isinstance(about, Report) else access.visible_orders
    allowed = [person for person in people if visible(person).filter(pk=about.pk).exists()]
    return notify(users=allowed, text=text, link=link)


def follow(*, task: Task, user: User, on: bool) -> None:
    if on:
        Follow.objects.get_or_create(task=task, user=user)
    else:
        Follow.objects.filter(task=task, user=user).delete()


def office_people(plan: Plan) -> list[User]:
    return [m.user for m in Membership.objects.filter(jurisdiction_id=plan.jurisdiction_id, role=Role.OFFICE)
            .select_related("user")]


# ---------------------------------------------------------------- bulk import

def import_reports(*, cycle: Cycle, changes: Iterable[bulk.Change], user: User | None) -> list[Report]:
    """Save every changed row of a checked workbook, or none: one refusal (a stale version, a report sent
    meanwhile) rolls the whole file back and names its row."""
    saved = []
    with transaction.atomic():
        for change in changes:
            try:
                report = report_for(task=change.task, unit=change.unit, cycle=cycle)
                saved.append(save_report(report=report, version=change.version, user=user, progress=change.progress,
                                         done=change.done, problems=change.problems, next_steps=change.next_steps,
                                         values=change.values))
            except ActionError as error:
                raise type(error)(f"第{change.row}行：{error}；整份表格均未保存") from error
    return saved


# ---------------------------------------------------------------- warnings

def send_warnings(*, as_of: date, days: int, base_url: str = "") -> tuple[int, int]:
    """In-app notifications and one e-mail per person for tasks due within ``days`` or overdue and for cycle
    reports due; each warning once per person (its key), so running twice sends nothing new.
    Returns (notifications made, e-mails sent)."""
    fresh: dict[int, list[DueWarning]] = {}
    made = 0
    for warning in due_warnings(as_of=as_of, days=days):
        with transaction.atomic():
            people = User.objects.filter(memberships__unit=warning.unit, is_active=True,
                                         memberships__role__in=[Role.REPORTER, Role.LEADER]).distinct() \
                .exclude(notifications__key=warning.key)
            for person in people:
                fresh.setdefault(person.pk, []).append(warning)
            made += notify_unit(unit=warning.unit, text=warning.text, link=warning.link, key=warning.key)
    return made, _mail_warnings(fresh, as_of=as_of, base_url=base_url)


def _mail_warnings(fresh: dict[int, list[DueWarning]], *, as_of: date, base_url: str) -> int:
    import logging

    from django.core.mail import send_mail

    sent = 0
    for person in User.objects.filter(pk__in=fresh).exclude(email="").order_by("pk"):
        items = fresh[person.pk]
        body = "\n\n".join(f"{index}. {w.text}\n   {base_url}{w.link}" for index, w in enumerate(items, start=1))
        greeting = f"{person.get_full_name() or person.username}：\n\n以下法治政府建设任务需要您关注：\n\n"
        try:
            send_mail(f"法治政府建设任务提醒（{as_of:%Y年%m月%d日}）：{len(items)} 项", greeting + body + "\n",
                      None, [person.email])
        except OSError:
            logging.getLogger(__name__).exception("warning e-mail to %s failed", person.email)
            continue
        sent += 1
    return sent


# ---------------------------------------------------------------- assessment

from .models import NotApplicable  # noqa: E402  (this section was appended; the imports above are shared)


def mark_not_applicable(*, plan: Plan, unit: Unit, year: int, code: str, reason: str,
                        user: User | None) -> NotApplicable:
    """The office marks an indicator 不适用 for a unit in a year's assessment, with the reason."""
    from .assessment import assessed_units, indicator_system

    node = indicator_system(plan, year).find(code.strip())
    if node is None:
        raise ActionError(f"指标体系中没有编号为“{code}”的指标")
    if not reason.strip():
        raise ActionError("请写明不适用的理由")
    if unit not in assessed_units(plan):
        raise ActionError("该单位不承担本方案的任务")
    with transaction.atomic():
        if NotApplicable.objects.filter(plan=plan, unit=unit, year=year, code=node.code, withdrawn=False).exists():
            raise ActionError(f"{node.code} {node.name} 已标注为不适用")
        marking = NotApplicable(plan=plan, unit=unit, year=year, code=node.code, reason=reason.strip(), marked_by=user)
        return _save_recorded(marking, user)


def withdraw_not_applicable(*, marking: NotApplicable, user: User | None) -> NotApplicable:
    """Undo a 不适用 marking; the record stays, withdrawn, in the history."""
    return _withdraw(marking, user, "该标注已撤销。")


# ---------------------------------------------------------------- calendar feed

def reset_calendar_feed(*, unit: Unit, user: User | None) -> object:
    """Give the unit's calendar feed a new random secret (the first, or one replacing a leaked one)."""
    import secrets

    from .models import CalendarFeed

    with transaction.atomic():
        feed, _ = CalendarFeed.objects.update_or_create(unit=unit, defaults={"token": secrets.token_urlsafe(32),
                                                                             "created_by": user})
    return feed


# ---------------------------------------------------------------- assessment configuration and adjustments

from decimal import Decimal, InvalidOperation  # noqa: E402

from fazhi.indicators import IndicatorSystem, sample_indicators  # noqa: E402

from . import config as assessment_config  # noqa: E402
from .models import AdjustmentKind, AssessmentConfig, ConfigKind, ScoreAdjustment  # noqa: E402


def set_assessment_config(*, plan: Plan, year: int, kind: str, filename: str = "", data: bytes = b"",
                          user: User | None) -> AssessmentConfig:
    """Put a configuration in force for the plan and year: the built-in default, or an uploaded rule set or
    indicator system that the core loads and checks first. Earlier versions stay, out of force."""
    if not 2000 <= year <= 2100:
        raise ActionError("请选择年度")
    if kind == ConfigKind.DEFAULT:
        name, filename, data, system = "内置默认规则", "", b"", sample_indicators()
    else:
        try:
            parsed = assessment_config.check(kind, filename, data, year)
        except assessment_config.ConfigError as error:
            raise ActionError(str(error)) from None
        name = parsed.name
        system = parsed if isinstance(parsed, IndicatorSystem) else sample_indicators()
    _check_marks_fit(plan, year, system)
    with transaction.atomic():
        found = AssessmentConfig(plan=plan, year=year, kind=kind, name=name[:200], filename=filename[:255],
                                 data=data, sha256=hashlib.sha256(data).hexdigest() if data else "", set_by=user)
        return _save_recorded(found, user)


def _check_marks_fit(plan: Plan, year: int, system: IndicatorSystem) -> None:
    """Refuse a system that the year's standing 不适用 markings or hand scores do not fit."""
    codes = {n.code for n in system.nodes()}
    hand = {n.code for n in system.nodes() if n.checkpoint and n.measure is None}
    stray = set(NotApplicable.objects.filter(plan=plan, year=year, withdrawn=False)
                .exclude(code__in=codes).values_list("code", flat=True))
    stray |= set(ScoreAdjustment.objects.filter(plan=plan, year=year, withdrawn=False, kind=AdjustmentKind.CHECKPOINT)
                 .exclude(code__in=hand).values_list("code", flat=True))
    if stray:
        raise ActionError(f"{year}年度已有不适用标注或人工评分用到了该指标体系中没有的指标（或不是人工评分的观测点）："
                          f"{'、'.join(sorted(stray))}；请先撤销这些标注或评分")


def record_adjustment(*, plan: Plan, unit: Unit, year: int, kind: str, points: str, reason: str,
                      code: str = "", ref: str = "", user: User | None) -> ScoreAdjustment:
    """The office records a bonus or deduction for a unit, or its hand score on a checkpoint scored by hand
    (replacing the unit's earlier score on it), each with the reason and optionally the record behind it."""
    from .assessment import assessed_units, indicator_system

    if kind not in AdjustmentKind.values:
        raise ActionError("请选择加分、扣分或观测点人工评分")
    if not reason.strip():
        raise ActionError("请写明理由")
    if unit not in assessed_units(plan):
        raise ActionError("该单位不承担本方案的任务")
    amount = _points(points)
    code = code.strip() if kind == AdjustmentKind.CHECKPOINT else ""
    if kind == AdjustmentKind.CHECKPOINT:
        node = indicator_system(plan, year).find(code)
        if node is None or not node.checkpoint or node.measure is not None:
            raise ActionError(f"“{code}”不是现行指标体系中人工评分的观测点")
        if amount > node.weight:
            raise ActionError(f"观测点 {node.code} 的分值为 {node.weight} 分，评分不能超过它")
    elif amount == 0:
        raise ActionError("加分或扣分须大于 0")
    record = _record_ref(plan, unit, ref)
    with transaction.atomic():
        if code:
            for old in ScoreAdjustment.objects.select_for_update().filter(plan=plan, unit=unit, year=year, code=code,
                                                                          kind=kind, withdrawn=False):
                old.withdrawn = True
                _save_recorded(old, user, ["withdrawn"])
        found = ScoreAdjustment(plan=plan, unit=unit, year=year, kind=kind, code=code, points=amount,
                                reason=reason.strip(), ref=record, recorded_by=user)
        return _save_recorded(found, user)


def _points(text: str) -> Decimal:
    try:
        amount = Decimal(str(text).strip())
    except InvalidOperation:
        raise ActionError(f"分值“{text}”不是数字") from None
    if not amount.is_finite() or amount < 0 or amount > 100:
        raise ActionError("分值须在 0—100 之间（扣分也填正数）")
    if amount != amount.quantize(Decimal("0.01")):
        raise ActionError("分值最多保留两位小数")
    return amount.quantize(Decimal("0.01"))


_REF_PATHS = {"reports": "report", "orders": "order", "tasks": "task"}


def _record_ref(plan: Plan, unit: Unit, text: str) -> str:
    """A record of the plan behind an adjustment, written "report:12" or pasted as its link "/reports/12/"."""
    import re

    text = text.strip()
    if not text:
        return ""
    match = re.search(r"(report|order|task):(\d+)$", text) or re.search(r"/(reports|orders|tasks)/(\d+)/?$", text)
    if match is None:
        raise ActionError("依据的记录请填写进展报告、督办单或任务的链接，例如 /reports/12/")
    kind, pk = _REF_PATHS.get(match[1], match[1]), int(match[2])
    # A draft is nobody's to score: it is not found (the office cannot see it either).
    found = {"report": Report.objects.filter(pk=pk, task__plan=plan, unit=unit).exclude(status=ReportStatus.DRAFT),
             "order": SupervisionOrder.objects.filter(pk=pk, task__plan=plan, unit=unit),
             "task": Task.objects.filter(pk=pk, plan=plan)}[kind].exists()
    if not found:
        raise ActionError(f"找不到本方案中该单位的这条记录（{kind}:{pk}）")
    return f"{kind}:{pk}"


def withdraw_adjustment(*, adjustment: ScoreAdjustment, user: User | None) -> ScoreAdjustment:
    """Withdraw a bonus, deduction or hand score; the record stays, withdrawn, in the history."""
    return _withdraw(adjustment, user, "该记录已撤销。")
