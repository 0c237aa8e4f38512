"""Every change with side effects: one function each, keyword-only, in a transaction, recorded.

Views call these and nothing else to change data; the API and the demo seed call the same ones.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

import fazhi
from fazhi.parse import parse
from fazhi.read import read_bytes
from fazhi_web.jobs.actions import enqueue_job
from fazhi_web.jobs.models import Job, JobKind
from fazhi_web.jobs.runner import Progress
from fazhi_web.stored_files import stored_file

from . import draft as drafting
from .diff import match_tasks
from .models import (
    Alias,
    Assignment,
    Deadline,
    DraftStatus,
    ImportDraft,
    Jurisdiction,
    Plan,
    Section,
    SourceDocument,
    Target,
    Task,
    TaskStatus,
    Unit,
    UnitGroup,
)
from .registry import UnitRow, name_is_taken, registry_for
from .search import fold

log = logging.getLogger("fazhi_web")


class ActionError(ValueError):
    """A refused change; the message says what and why, in Chinese, for the person who asked."""


class StaleEdit(ActionError):
    """Someone else saved the same draft first."""


# ---------------------------------------------------------------- import

def start_import(*, jurisdiction: Jurisdiction, filename: str, data: bytes, user: User,
                 revises: Plan | None = None) -> Job:
    """Check an upload at once (type, size, not empty) and read it in a background job (``import_document``);
    the job's page takes the office to the draft when it is read."""
    _check_upload(filename, data)
    _check_revises(jurisdiction, revises)
    return enqueue_job(kind=JobKind.IMPORT_PLAN, owner=user, jurisdiction=jurisdiction, title=f"读取“{filename}”",
                       arguments={"filename": filename, "revises": revises.pk if revises else None},
                       input_name=filename, input_data=data)


def import_document(*, jurisdiction: Jurisdiction, filename: str, data: bytes, user: User | None,
                    revises: Plan | None = None, progress: Progress | None = None) -> ImportDraft:
    """Read an uploaded plan into a draft for review. A failed read stores nothing. ``progress(done, total,
    message)`` hears of each step (a background job's page shows it)."""
    step = progress or _no_progress
    _check_upload(filename, data)
    _check_revises(jurisdiction, revises)
    registry = registry_for(jurisdiction)
    try:
        step(0, 3, "正在读取文件")
        text = read_bytes(data, filename)
        step(1, 3, "正在识别标题、任务、责任单位和时限")
        plan = parse(text, registry.core)
    except fazhi.FazhiError as error:
        raise ActionError(str(error)) from error
    if not plan.tasks:
        raise ActionError(f"{filename}：文档中没有找到编号的任务条目（如“1.”“（一）”），可能不是方案或任务分工文件")
    step(2, 3, f"已识别 {len(plan.tasks)} 项任务，正在保存草稿")
    printed = sorted({u.name for t in plan.tasks for u in t.units})
    content = drafting.content_from_plan(plan, registry.resolve_all(printed))
    lines = [[b.line, b.text] for b in text.blocks]
    document = SourceDocument(jurisdiction=jurisdiction, original_name=PurePath(filename).name[:255],
                              sha256=hashlib.sha256(data).hexdigest(), size=len(data), format=text.format,
                              uploaded_by=user)
    # The stored name is the digest: the user's file name never reaches the file system. The file goes again
    # if the document or its draft cannot be stored.
    with stored_file(document.file, f"{document.sha256}{PurePath(filename).suffix.lower()}", data), \
            transaction.atomic():
        document.save()
        return ImportDraft.objects.create(jurisdiction=jurisdiction, document=document, revises=revises,
                                          content=content, source_lines=lines, created_by=user)


def _no_progress(done: int, total: int, message: str) -> None:
    pass


def _check_revises(jurisdiction: Jurisdiction, revises: Plan | None) -> None:
    if revises is not None and revises.jurisdiction_id != jurisdiction.pk:
        raise ActionError("修订的方案不属于本行政区划")


def _check_upload(filename: str, data: bytes) -> None:
    suffix = PurePath(filename).suffix.lower()
    if suffix not in settings.FAZHI_UPLOAD_EXTENSIONS:
        allowed = "、".join(settings.FAZHI_UPLOAD_EXTENSIONS)
        raise ActionError(f"{filename}：不支持的文件类型“{suffix or '无扩展名'}”，可上传 {allowed}")
    if len(data) > settings.FAZHI_MAX_UPLOAD_BYTES:
        limit = settings.FAZHI_MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ActionError(f"{filename}：文件超过 {limit} MB 上限")
    if not data:
        raise ActionError(f"{filename}：文件是空的")


# ---------------------------------------------------------------- review

def edit_draft(*, draft: ImportDraft, version: int, user: User | None, change: str, **arguments: Any) -> ImportDraft:
    """Apply one correction (``change`` names a function of ``draft.py``) if nobody saved in between."""
    corrections = {
        "edit_task": drafting.edit_task, "edit_heading": drafting.edit_heading,
        "split_task": drafting.split_task, "merge_with_next": drafting.merge_with_next,
    }
    if change not in corrections:
        raise ActionError(f"未知的修改类型：{change}")
    content = draft.content
    if change == "edit_task":
        arguments["resolve"] = registry_for(draft.jurisdiction).resolve_all(
            arguments["lead"] + arguments["participating"])
    try:
        corrections[change](content, **arguments)
    except drafting.DraftError as error:
        raise ActionError(str(error)) from error
    return _save_draft(draft=draft, version=version, content=content)


def _save_draft(*, draft: ImportDraft, version: int, content: dict[str, Any]) -> ImportDraft:
    with transaction.atomic():
        updated = ImportDraft.objects.filter(pk=draft.pk, version=version, status=DraftStatus.REVIEW).update(
            content=content, version=version + 1)
        if not updated:
            raise StaleEdit("此草稿已被他人修改或已发布，您的修改未保存。请刷新页面后重新操作。")
    draft.refresh_from_db()
    return draft


def resolve_unit_name(*, draft: ImportDraft, version: int, user: User | None, name: str, how: str,
                      unit_id: int | None = None, group_id: int | None = None) -> ImportDraft:
    """Settle an unknown name: ``how`` is "map" (this once), "alias" (remember it) or "create" (a new unit)."""
    jurisdiction = draft.jurisdiction
    with transaction.atomic():
        if how == "create":
            entry: drafting.Entry = ("unit", create_unit(jurisdiction=jurisdiction, name=name, user=user).pk)
        else:
            owner = _registry_entry(jurisdiction, unit_id=unit_id, group_id=group_id)
            entry = ("group" if isinstance(owner, UnitGroup) else "unit", owner.pk)
            if how == "alias":
                add_alias(jurisdiction=jurisdiction, name=name, user=user,
                          **{"group" if isinstance(owner, UnitGroup) else "unit": owner})
        content = draft.content
        try:
            drafting.resolve_name(content, name, entry)
        except drafting.DraftError as error:
            raise ActionError(str(error)) from error
        return _save_draft(draft=draft, version=version, content=content)


def _registry_entry(jurisdiction: Jurisdiction, *, unit_id: int | None, group_id: int | None) -> Unit | UnitGroup:
    """The unit or group a name is being mapped to; it must belong to the draft's jurisdiction."""
    model: type[Unit] | type[UnitGroup] = UnitGroup if group_id is not None else Unit
    found = model.objects.filter(jurisdiction=jurisdiction, pk=group_id if group_id is not None else unit_id).first()
    if found is None:
        raise ActionError("请选择本行政区划的一个单位或群组")
    return found


def discard_draft(*, draft: ImportDraft, user: User | None) -> None:
    ImportDraft.objects.filter(pk=draft.pk, status=DraftStatus.REVIEW).update(status=DraftStatus.DISCARDED)
    log.info("draft %s discarded by %s", draft.pk, user)


# ---------------------------------------------------------------- publish

def publish_draft(*, draft: ImportDraft, version: int, user: User | None) -> Plan:
    """Create (or revise) the plan, its headings, tasks and assignments — all or nothing."""
    content = draft.content
    unknown = drafting.unresolved_names(content)
    if unknown:
        raise ActionError(f"还有 {len(unknown)} 个单位名称未确认：{'、'.join(unknown[:8])}。请先逐一确认后再发布。")
    with transaction.atomic():
        claimed = ImportDraft.objects.filter(pk=draft.pk, version=version, status=DraftStatus.REVIEW).update(
            status=DraftStatus.PUBLISHED, version=version + 1)
        if not claimed:
            raise StaleEdit("此草稿已被他人修改或已发布，未能发布。请刷新页面查看最新内容。")
        plan = _plan_from_draft(draft, content, user)
        sections = _create_sections(plan, content["headings"])
        previous = {} if draft.revises is None else match_tasks(
            list(plan.tasks.filter(status=TaskStatus.ACTIVE)), content["tasks"])
        kept = {_store_task(plan, t, i, sections, previous.get(t["key"]), content["names"]).pk
                for i, t in enumerate(content["tasks"])}
        plan.tasks.exclude(pk__in=kept).update(status=TaskStatus.WITHDRAWN)
        ImportDraft.objects.filter(pk=draft.pk).update(published_plan=plan)
    log.info("draft %s published as plan %s (%d tasks) by %s", draft.pk, plan.pk, len(kept), user)
    return plan


def _plan_from_draft(draft: ImportDraft, content: dict[str, Any], user: User | None) -> Plan:
    meta = content["meta"]
    period = meta.get("period") or [None, None]
    fields = {
        "title": meta["title"] or draft.document.original_name, "doc_number": meta.get("doc_number", ""),
        "issued_on": date.fromisoformat(meta["date"]) if meta.get("date") else None,
        "period_start": period[0], "period_end": period[1], "issuers": "、".join(meta.get("issuers", [])),
        "document": draft.document, "published_by": user,
    }
    fields["search_text"] = fold(" ".join(str(v) for v in (fields["title"], fields["doc_number"], fields["issuers"])))
    if draft.revises is None:
        return Plan.objects.create(jurisdiction=draft.jurisdiction, **fields)
    plan = Plan.objects.select_for_update().get(pk=draft.revises.pk)
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.revision += 1
    plan.save()
    plan.sections.all().delete()
    return plan


def _create_sections(plan: Plan, headings: list[dict[str, Any]]) -> dict[tuple[str, str], Section]:
    made: dict[tuple[str, str], Section] = {}
    for order, heading in enumerate(headings):
        path = "/".join(heading["path"])
        parent = made.get((heading["part"], "/".join(heading["path"][:-1])))
        made[(heading["part"], path)] = Section.objects.create(
            plan=plan, parent=parent, part=heading["part"], path=path, label=heading["label"],
            title=heading["title"], line=heading["line"], order=order)
    return made


def _store_task(plan: Plan, data: dict[str, Any], order: int, sections: dict[tuple[str, str], Section],
                existing: Task | None, names: dict[str, Any]) -> Task:
    task = existing or Task(plan=plan)
    task.section = _section_of(data, sections)
    task.part, task.path, task.label = data["part"], "/".join(data["path"]), data["label"]
    task.title, task.text, task.line, task.order = data["title"][:300], data["text"], data["line"], order
    task.source_text = data["text"] if not data["title"] else f"{data['title']}。{data['text']}"
    task.status = TaskStatus.ACTIVE
    task.search_text = fold(" ".join([task.label, task.title, task.text, *(u["name"] for u in data["units"])]))
    task.save()
    task.deadlines.all().delete()
    task.targets.all().delete()
    Deadline.objects.bulk_create([_deadline(task, d) for d in data["deadlines"]])
    Target.objects.bulk_create([_target(task, t) for t in data["targets"]])
    _assign(task, data["units"], names)
    return task


def _section_of(data: dict[str, Any], sections: dict[tuple[str, str], Section]) -> Section | None:
    path = data["path"]
    for cut in range(len(path) - 1, -1, -1):
        section = sections.get((data["part"], "/".join(path[:cut])))
        if section is not None:
            return section
    return None


def _deadline(task: Task, data: dict[str, Any]) -> Deadline:
    return Deadline(task=task, text=data["text"][:120], kind=data["kind"],
                    due_on=date.fromisoformat(data["date"]) if data.get("date") else None,
                    precision=data.get("precision") or "", recurrence=data.get("recurring") or "",
                    month_day=data.get("month_day") or "", line=data.get("line") or 0)


def _target(task: Task, data: dict[str, Any]) -> Target:
    value = data["value"]
    low, high = (value[0], value[1]) if isinstance(value, list) else (value, None)
    return Target(task=task, text=data["text"][:200], metric=data["metric"][:120] or "（未注明）", op=data["op"],
                  value=low, value_high=high, unit=data.get("unit") or "", line=data.get("line") or 0)


_ROLE_RANK = {"lead": 0, "responsible": 1, "participating": 2}


def _assign(task: Task, units: list[dict[str, Any]], names: dict[str, Any]) -> None:
    """Assignments from the printed names: a group stands for its members; a unit named directly,
    or as lead, keeps its own role."""
    wanted: dict[int, tuple[str, str, int | None]] = {}  # unit id → (role, printed name, group id)
    for ref in units:
        kind, pk = names[ref["name"]]
        members = [pk] if kind == "unit" else list(
            UnitGroup.objects.get(pk=pk).members.filter(is_active=True).values_list("pk", flat=True))
        for unit_id in members:
            candidate = (ref["role"], ref["name"], None if kind == "unit" else pk)
            current = wanted.get(unit_id)
            if current is None or _better(candidate, current):
                wanted[unit_id] = candidate
    task.assignments.exclude(unit_id__in=wanted).delete()
    for unit_id, (role, printed, group_id) in wanted.items():
        Assignment.objects.update_or_create(task=task, unit_id=unit_id, defaults={
            "role": role, "printed_name": printed[:100], "via_group_id": group_id})


def _better(candidate: tuple[str, str, int | None], current: tuple[str, str, int | None]) -> bool:
    if _ROLE_RANK[candidate[0]] != _ROLE_RANK[current[0]]:
        return _ROLE_RANK[candidate[0]] < _ROLE_RANK[current[0]]
    return candidate[2] is None and current[2] is not None  # named directly beats named through a group


def set_parent_plan(*, plan: Plan, parent: Plan | None, user: User | None) -> Plan:
    """Name the plan this one carries out (or none). A plan cannot carry out itself, directly or through
    the plans below it."""
    node = parent
    while node is not None:
        if node.pk == plan.pk:
            raise ActionError("不能把本方案或其下级方案设为上级方案。")
        node = node.parent_plan
    plan.parent_plan = parent
    plan._history_user = user  # type: ignore[attr-defined]  # who, in the plan's history
    plan.save(update_fields=["parent_plan"])
    log.info("plan %s: parent plan %s set by %s", plan.pk, parent.pk if parent else None, user)
    return plan


# ---------------------------------------------------------------- people

def add_person(*, jurisdiction: Jurisdiction, username: str, full_name: str, role: str, unit: Unit | None,
               password: str, user: User | None) -> User:
    """A new account with one role in this jurisdiction (the password is hashed, never stored)."""
    from .models import Membership

    if User.objects.filter(username__iexact=username).exists():
        raise ActionError(f"用户名“{username}”已被使用")
    if unit is not None and unit.jurisdiction_id != jurisdiction.pk:
        raise ActionError("所选单位不属于本行政区划")
    with transaction.atomic():
        person = User.objects.create_user(username, password=password, first_name=full_name[:150])
        Membership.objects.create(user=person, role=role, jurisdiction=jurisdiction, unit=unit)
    log.info("person %s (%s) added to %s by %s", username, role, jurisdiction, user)
    return person


# ---------------------------------------------------------------- units

def create_unit(*, jurisdiction: Jurisdiction, name: str, user: User | None,
                aliases: tuple[str, ...] = ()) -> Unit:
    name = name.strip()
    if not name:
        raise ActionError("单位名称不能为空")
    taken = name_is_taken(jurisdiction, name)
    if taken:
        raise ActionError(f"“{name}”已是“{taken}”的名称或别名")
    with transaction.atomic():
        unit = Unit.objects.create(jurisdiction=jurisdiction, name=name)
        for alias in aliases:
            add_alias(jurisdiction=jurisdiction, name=alias, unit=unit, user=user)
    return unit


def add_alias(*, jurisdiction: Jurisdiction, name: str, user: User | None, unit: Unit | None = None,
              group: UnitGroup | None = None) -> Alias:
    name = name.strip()
    taken = name_is_taken(jurisdiction, name)
    owner = unit or group
    if taken and taken != str(owner):
        raise ActionError(f"别名“{name}”已指向“{taken}”，一个名称只能指向一个单位")
    try:
        with transaction.atomic():
            alias, _ = Alias.objects.get_or_create(jurisdiction=jurisdiction, unit=unit, group=group, name=name)
    except IntegrityError as error:
        raise ActionError(f"别名“{name}”已存在") from error
    return alias


def create_group(*, jurisdiction: Jurisdiction, name: str, members: list[Unit], user: User | None) -> UnitGroup:
    taken = name_is_taken(jurisdiction, name)
    if taken:
        raise ActionError(f"“{name}”已是“{taken}”的名称或别名")
    with transaction.atomic():
        group = UnitGroup.objects.create(jurisdiction=jurisdiction, name=name.strip())
        group.members.set(members)
    return group


def import_unit_list(*, jurisdiction: Jurisdiction, rows: list[UnitRow], user: User | None) -> dict[str, int]:
    """Add the units, aliases and groups of an uploaded list; existing names are kept. All or nothing."""
    counts = {"units": 0, "aliases": 0, "groups": 0}
    with transaction.atomic():
        for row in (r for r in rows if not r.is_group):
            unit = Unit.objects.filter(jurisdiction=jurisdiction, name=row.name).first()
            if unit is None:
                unit = create_unit(jurisdiction=jurisdiction, name=row.name, user=user)
                counts["units"] += 1
            counts["aliases"] += _add_missing_aliases(jurisdiction, row, user, unit=unit)
        for row in (r for r in rows if r.is_group):
            group = UnitGroup.objects.filter(jurisdiction=jurisdiction, name=row.name).first()
            members = _members(jurisdiction, row, user)
            if group is None:
                group = create_group(jurisdiction=jurisdiction, name=row.name, members=members, user=user)
                counts["groups"] += 1
            else:
                group.members.add(*members)
            counts["aliases"] += _add_missing_aliases(jurisdiction, row, user, group=group)
    return counts


def _add_missing_aliases(jurisdiction: Jurisdiction, row: UnitRow, user: User | None, **owner: Any) -> int:
    added = 0
    for alias in row.aliases:
        if not Alias.objects.filter(jurisdiction=jurisdiction, name=alias, **owner).exists():
            try:
                add_alias(jurisdiction=jurisdiction, name=alias, user=user, **owner)
            except ActionError as error:
                raise ActionError(f"第{row.row}行“别名”列：{error}") from error
            added += 1
    return added


def _members(jurisdiction: Jurisdiction, row: UnitRow, user: User | None) -> list[Unit]:
    """A group's members; a member named nowhere else in the list is a unit of the jurisdiction too."""
    registry = registry_for(jurisdiction)
    members = []
    for name in row.members:
        entry = registry.entry(name)
        if entry is not None and entry[0] != "unit":
            raise ActionError(f"第{row.row}行“成员”列：“{name}”是群组，群组的成员须是单位")
        members.append(Unit.objects.get(pk=entry[1]) if entry else
                       create_unit(jurisdiction=jurisdiction, name=name, user=user))
    return members
