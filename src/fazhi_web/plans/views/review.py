"""Import → review → publish: upload a document, correct what the reader found, resolve every
unknown unit name, see what a revision changes, publish in one transaction."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ...uploads import refuse_oversized
from .. import access, actions
from .. import draft as drafting
from ..diff import diff_plan
from ..forms import HeadingForm, ResolveForm, SplitForm, TaskEditForm, UploadForm
from ..highlight import mark_terms
from ..models import DraftStatus, Unit, UnitGroup


def _upload_limit() -> int:
    from django.conf import settings

    return int(settings.FAZHI_MAX_UPLOAD_BYTES)


@login_required
@refuse_oversized(_upload_limit, "upload")
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """The file is checked (type, size) and stored at once; reading it is a background job, whose page shows
    its progress and takes the office to the draft's review when it is read (or says why it could not be)."""
    place = access.get_jurisdiction_for_user(request.user, pk, manage=True)
    form = UploadForm(request.POST or None, request.FILES or None, jurisdiction=place,
                      initial={"revises": request.GET.get("revises")})
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            job = actions.start_import(jurisdiction=place, filename=upload_file.name, data=upload_file.read(),
                                       user=request.user, revises=form.cleaned_data["revises"])  # type: ignore[arg-type]
        except actions.ActionError as error:
            form.add_error("file", str(error))
        else:
            if job.landing_url != job.get_absolute_url():  # read already (jobs run in the request in tests)
                messages.success(request, job.message)
            return redirect(job.landing_url)
    return render(request, "plans/upload.html", {"place": place, "form": form}, status=400 if form.errors else 200)


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    draft = access.get_draft_for_office(request.user, pk)
    content = draft.content
    highlights = _highlights_by_line(content)
    lines = [(number, mark_terms(text, highlights.get(number, ()))) for number, text in draft.source_lines]
    return render(request, "plans/review.html", {
        "draft": draft, "content": content, "lines": lines, "items": _outline(content),
        "unknown": drafting.unresolved_names(content), "editable": draft.status == DraftStatus.REVIEW,
        "units": Unit.objects.filter(jurisdiction=draft.jurisdiction, is_active=True),
        "groups": UnitGroup.objects.filter(jurisdiction=draft.jurisdiction),
        "changes": diff_plan(draft.revises, content) if draft.revises else None,
        "warnings": [w for w in content["warnings"] if w["code"] != "unit.unknown"],
        "empty_groups": _empty_groups(content),
    })


def _empty_groups(content: dict[str, Any]) -> list[str]:
    """Printed names that stand for a group with no member units: their tasks would have nobody assigned."""
    group_ids = {entry[1]: name for name, entry in content["names"].items() if entry and entry[0] == "group"}
    empty = UnitGroup.objects.filter(pk__in=group_ids, members__isnull=True)
    return sorted(group_ids[pk] for pk in empty.values_list("pk", flat=True))


def _highlights_by_line(content: dict[str, Any]) -> dict[int, list[tuple[str, str]]]:
    """For each source line, the printed values to mark in it (units, deadlines, targets)."""
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for task in content["tasks"]:
        lines = task["lines"] or [task["line"]]
        values = [(u["name"], "unit") for u in task["units"] if not u["inherited"]]
        values += [(d["text"], "deadline") for d in task["deadlines"]]
        values += [(t["text"], "target") for t in task["targets"]]
        for line in lines:
            found[line].extend(values)
    return found


def _outline(content: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, str]]]:
    """Headings and tasks interleaved in document order, for the tree on the right, each task with
    its units as the office types them (县司法局、县财政局)."""
    items = [("heading", h, {}) for h in content["headings"]] + [("task", t, _unit_fields(t)) for t in content["tasks"]]
    order = {id(t): i for i, t in enumerate(content["tasks"])}
    return sorted(items, key=lambda item: (item[1]["part"] != "body", item[1]["line"],
                                           0 if item[0] == "heading" else 1, order.get(id(item[1]), 0)))


def _unit_fields(task: dict[str, Any]) -> dict[str, str]:
    own = [u for u in task["units"] if not u["inherited"]]
    return {"lead": "、".join(u["name"] for u in own if u["role"] == "lead"),
            "participating": "、".join(u["name"] for u in own if u["role"] != "lead")}


def _change(request: HttpRequest, pk: int, change: str, **arguments: Any) -> HttpResponse:
    draft = access.get_draft_for_office(request.user, pk)
    version = _version(request)
    if version is None:
        return HttpResponseBadRequest("缺少版本号")
    try:
        actions.edit_draft(draft=draft, version=version, user=request.user, change=change, **arguments)
    except actions.ActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "已保存。")
    anchor = arguments.get("key", "")
    return redirect(f"{draft.get_absolute_url()}#{anchor}" if anchor else draft.get_absolute_url())


@login_required
@require_POST
def edit_task(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    form = TaskEditForm(request.POST)
    if not form.is_valid():
        return _back_with_errors(request, pk, key, form)
    data = form.cleaned_data
    return _change(request, pk, "edit_task", key=key, title=data["title"], text=data["text"],
                   lead=drafting.split_names(data["lead"]), participating=drafting.split_names(data["participating"]),
                   deadlines=data["deadlines"], targets=data["targets"])


@login_required
@require_POST
def edit_heading(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    form = HeadingForm(request.POST)
    if not form.is_valid():
        return _back_with_errors(request, pk, key, form)
    return _change(request, pk, "edit_heading", key=key, title=form.cleaned_data["title"])


@login_required
@require_POST
def split_task(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    form = SplitForm(request.POST)
    if not form.is_valid():
        return _back_with_errors(request, pk, key, form)
    return _change(request, pk, "split_task", key=key, at=form.cleaned_data["at"])


def _version(request: HttpRequest) -> int | None:
    """The draft version the form was made from (a small whole number), or None."""
    value = request.POST.get("version", "")
    return int(value) if value.isdecimal() and len(value) <= 9 else None


def _back_with_errors(request: HttpRequest, pk: int, key: str, form: Any) -> HttpResponse:
    access.get_draft_for_office(request.user, pk)  # a stranger learns nothing from the form's errors
    messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect(f"/imports/{pk}/#{key}")


@login_required
@require_POST
def merge_task(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    return _change(request, pk, "merge_with_next", key=key)


@login_required
@require_POST
def resolve_name(request: HttpRequest, pk: int) -> HttpResponse:
    draft = access.get_draft_for_office(request.user, pk)
    form = ResolveForm(request.POST, jurisdiction=draft.jurisdiction)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect(f"{draft.get_absolute_url()}#unknown")
    data = form.cleaned_data
    target = data["target"]
    try:
        actions.resolve_unit_name(draft=draft, version=data["version"], user=request.user, name=data["name"],
                                  how=data["how"], unit_id=target[1] if target and target[0] == "unit" else None,
                                  group_id=target[1] if target and target[0] == "group" else None)
    except actions.ActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"“{data['name']}”已确认。")
    return redirect(f"{draft.get_absolute_url()}#unknown")


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    draft = access.get_draft_for_office(request.user, pk)
    try:
        plan = actions.publish_draft(draft=draft, version=_version(request) or 0, user=request.user)
    except actions.ActionError as error:
        messages.error(request, str(error))
        return redirect(draft.get_absolute_url())
    messages.success(request, f"已发布“{plan.title}”：{plan.tasks.filter(status='active').count()} 项任务。")
    return redirect("plan", pk=plan.pk)


@login_required
@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    draft = access.get_draft_for_office(request.user, pk)
    actions.discard_draft(draft=draft, user=request.user)
    messages.info(request, "已放弃该草稿，原始文件仍保留。")
    return redirect("jurisdiction", pk=draft.jurisdiction_id)


@login_required
def original(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the file as it was uploaded (as an attachment, never shown inline)."""
    from django.http import FileResponse

    draft = access.get_draft_for_office(request.user, pk)
    document = draft.document
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name)


