"""Import → review → publish, through the actions the pages and the API call."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from fazhi_web.plans import actions
from fazhi_web.plans import draft as drafting
from fazhi_web.plans.models import (
    Alias,
    Assignment,
    DraftStatus,
    ImportDraft,
    Jurisdiction,
    Plan,
    SourceDocument,
    Task,
    TaskStatus,
    Unit,
)

pytestmark = pytest.mark.django_db
FIXTURE = Path(__file__).parent / "fixtures" / "平昌县2025年法治政府建设工作要点.txt"


@pytest.fixture
def office() -> User:
    return User.objects.get(username="office")


@pytest.fixture
def draft(pingchang: Jurisdiction, office: User) -> ImportDraft:
    return actions.import_document(jurisdiction=pingchang, filename=FIXTURE.name, data=FIXTURE.read_bytes(),
                                   user=office)


def test_an_imported_document_becomes_a_draft_with_its_original_file_kept(draft: ImportDraft) -> None:
    assert draft.status == DraftStatus.REVIEW
    assert len(draft.content["tasks"]) == 4
    assert draft.document.file.read() == FIXTURE.read_bytes()
    assert draft.document.original_name == FIXTURE.name
    assert any("合法性审核率达100%" in text for _, text in draft.source_lines)


def test_known_names_and_aliases_resolve_and_unknown_names_wait_for_the_office(draft: ImportDraft) -> None:
    names = draft.content["names"]
    assert names["县市场监管局"] is not None  # an alias in the registry
    assert drafting.unresolved_names(draft.content) == ["县档案馆"]


def test_a_draft_with_an_unknown_name_cannot_be_published(draft: ImportDraft, office: User) -> None:
    with pytest.raises(actions.ActionError, match="县档案馆"):
        actions.publish_draft(draft=draft, version=draft.version, user=office)
    assert not Plan.objects.filter(title__contains="工作要点").exists()


def test_creating_the_unknown_unit_lets_the_plan_publish_with_every_assignment(draft: ImportDraft,
                                                                                office: User) -> None:
    draft = actions.resolve_unit_name(draft=draft, version=draft.version, user=office, name="县档案馆", how="create")
    plan = actions.publish_draft(draft=draft, version=draft.version, user=office)
    task = plan.tasks.get(path="一/（一）")
    roles = {a.unit.name: (a.role, a.printed_name) for a in task.assignments.select_related("unit")}
    assert roles["县司法局"] == ("lead", "县司法局")
    assert roles["县人民政府办公室"] == ("participating", "县政府办")
    assert roles["县档案馆"] == ("participating", "县档案馆")
    assert task.deadlines.get().due_on.isoformat() == "2025-06-30"
    assert task.targets.get().value == 100
    draft.refresh_from_db()
    assert draft.status == DraftStatus.PUBLISHED and draft.published_plan == plan


def test_mapping_a_name_with_an_alias_remembers_it_for_the_next_import(draft: ImportDraft, office: User,
                                                                      pingchang: Jurisdiction) -> None:
    archive = actions.create_unit(jurisdiction=pingchang, name="县档案局", user=office)
    actions.resolve_unit_name(draft=draft, version=draft.version, user=office, name="县档案馆", how="alias",
                              unit_id=archive.pk)
    assert Alias.objects.filter(unit=archive, name="县档案馆").exists()
    again = actions.import_document(jurisdiction=pingchang, filename="again.txt", data=FIXTURE.read_bytes(),
                                    user=office)
    assert drafting.unresolved_names(again.content) == []


def test_the_office_corrects_units_deadlines_and_targets_and_the_core_reads_them(draft: ImportDraft,
                                                                                 office: User) -> None:
    key = draft.content["tasks"][2]["key"]
    draft = actions.edit_draft(draft=draft, version=draft.version, user=office, change="edit_task", key=key,
                               title="深化行政执法体制改革", text="开展行政执法案卷评查。", lead=["县司法局"],
                               participating=["县财政局"], deadlines="2026年底前\n每季度末", targets="评查合格率达95%")
    task = drafting.find_task(draft.content, key)
    assert [(u["name"], u["role"]) for u in task["units"]] == [("县司法局", "lead"), ("县财政局", "participating")]
    assert [d["kind"] for d in task["deadlines"]] == ["one-off", "recurring"]
    assert task["deadlines"][0]["date"] == "2026-12-31"
    assert task["targets"][0]["value"] == 95


def test_a_deadline_the_core_cannot_read_is_refused_with_a_message(draft: ImportDraft, office: User) -> None:
    key = draft.content["tasks"][0]["key"]
    with pytest.raises(actions.ActionError, match="无法识别完成时限"):
        actions.edit_draft(draft=draft, version=draft.version, user=office, change="edit_task", key=key,
                           title="", text="正文", lead=[], participating=[], deadlines="尽快", targets="")
    draft.refresh_from_db()
    assert draft.version == 1


def test_splitting_and_merging_tasks(draft: ImportDraft, office: User) -> None:
    first = draft.content["tasks"][0]
    cut = first["text"].index("2025年")
    draft = actions.edit_draft(draft=draft, version=draft.version, user=office, change="split_task",
                               key=first["key"], at=cut)
    tasks = draft.content["tasks"]
    assert len(tasks) == 5
    assert tasks[1]["label"].endswith("之二") and tasks[1]["text"].startswith("2025年6月底前")
    assert [d["text"] for d in tasks[1]["deadlines"]] == ["2025年6月底前"] and tasks[0]["deadlines"] == []
    draft = actions.edit_draft(draft=draft, version=draft.version, user=office, change="merge_with_next",
                               key=first["key"])
    assert len(draft.content["tasks"]) == 4
    assert "2025年6月底前" in draft.content["tasks"][0]["text"]


def test_fixing_a_heading(draft: ImportDraft, office: User) -> None:
    key = draft.content["headings"][0]["key"]
    draft = actions.edit_draft(draft=draft, version=draft.version, user=office, change="edit_heading", key=key,
                               title="健全依法行政制度")
    assert draft.content["headings"][0]["title"] == "健全依法行政制度"


def test_a_concurrent_edit_of_the_same_draft_is_refused_not_overwritten(draft: ImportDraft, office: User) -> None:
    stale_version = draft.version
    key = draft.content["headings"][0]["key"]
    actions.edit_draft(draft=draft, version=stale_version, user=office, change="edit_heading", key=key, title="甲")
    other_copy = ImportDraft.objects.get(pk=draft.pk)
    with pytest.raises(actions.StaleEdit, match="已被他人修改"):
        actions.edit_draft(draft=other_copy, version=stale_version, user=office, change="edit_heading", key=key,
                           title="乙")
    assert ImportDraft.objects.get(pk=draft.pk).content["headings"][0]["title"] == "甲"


def test_publishing_twice_is_refused(draft: ImportDraft, office: User) -> None:
    draft = actions.resolve_unit_name(draft=draft, version=draft.version, user=office, name="县档案馆", how="create")
    version = draft.version
    actions.publish_draft(draft=draft, version=version, user=office)
    with pytest.raises(actions.StaleEdit):
        actions.publish_draft(draft=draft, version=version, user=office)
    assert Plan.objects.filter(title__contains="2025年法治政府建设工作要点").count() == 1


@pytest.mark.parametrize(("filename", "data", "message"), [
    pytest.param("empty.txt", b"", "空", id="empty"),
    pytest.param("binary.txt", bytes(range(256)) * 40, None, id="binary"),
    pytest.param("notes.exe", b"MZ\x90\x00", "不支持的文件类型", id="wrong-type"),
    pytest.param("letter.txt", "关于召开会议的通知\n请各单位准时参加。\n".encode(), "没有找到编号的任务", id="no-tasks"),
    pytest.param("broken.docx", b"PK\x03\x04broken", None, id="truncated-docx"),
])
def test_a_rejected_upload_says_why_and_stores_nothing(pingchang: Jurisdiction, office: User, filename: str,
                                                       data: bytes, message: str | None) -> None:
    before = ImportDraft.objects.count(), SourceDocument.objects.count()
    with pytest.raises(actions.ActionError, match=message) as raised:
        actions.import_document(jurisdiction=pingchang, filename=filename, data=data, user=office)
    assert str(raised.value)  # a message for the person, never empty
    assert (ImportDraft.objects.count(), SourceDocument.objects.count()) == before


def test_an_oversized_upload_is_refused(pingchang: Jurisdiction, office: User, settings: object) -> None:
    settings.FAZHI_MAX_UPLOAD_BYTES = 100  # type: ignore[attr-defined]
    with pytest.raises(actions.ActionError, match="上限"):
        actions.import_document(jurisdiction=pingchang, filename="big.txt", data=FIXTURE.read_bytes(), user=office)


def _revise(text: str, plan: Plan, office: User) -> ImportDraft:
    return actions.import_document(jurisdiction=plan.jurisdiction, filename="修订.txt", data=text.encode(),
                                   user=office, revises=plan)


def test_a_revised_document_shows_its_changes_task_by_task_and_keeps_unchanged_tasks(
        draft: ImportDraft, office: User) -> None:
    from fazhi_web.plans.diff import diff_plan

    draft = actions.resolve_unit_name(draft=draft, version=draft.version, user=office, name="县档案馆", how="create")
    plan = actions.publish_draft(draft=draft, version=draft.version, user=office)
    kept = plan.tasks.get(path="二/（四）")
    text = FIXTURE.read_text("utf-8").replace("评查合格率不低于90%", "评查合格率不低于95%")
    text = text.replace("（二）推进重大行政决策", "（二）删除的任务推进重大行政决策").split("（二）删除的任务")[0] + \
        text.split("（二）推进重大行政决策")[1].split("\n", 1)[1]
    text += "（五）加强法治宣传教育。落实“谁执法谁普法”责任制，2025年底前完成。（牵头单位：县司法局）\n"
    revision = _revise(text, plan, office)
    changes = {c.label: c.kind for c in diff_plan(plan, revision.content)}
    assert changes["二/（三）"] == "changed"
    assert changes["二/（四）"] == "unchanged"
    assert changes["二/（五）"] == "added"
    assert changes["一/（二）"] == "removed"
    assert Plan.objects.get(pk=plan.pk).tasks.filter(status=TaskStatus.ACTIVE).count() == 4  # nothing replaced yet
    revision = actions.resolve_unit_name(draft=revision, version=revision.version, user=office, name="县档案馆",
                                         how="map", unit_id=Unit.objects.get(name="县档案馆").pk)
    actions.publish_draft(draft=revision, version=revision.version, user=office)
    plan.refresh_from_db()
    assert plan.revision == 2
    assert plan.tasks.get(pk=kept.pk).status == TaskStatus.ACTIVE  # same task, same id: its reports stay attached
    assert plan.tasks.get(path="一/（二）").status == TaskStatus.WITHDRAWN
    assert plan.tasks.get(path="二/（三）").targets.get().value == 95


def test_publishing_is_all_or_nothing(draft: ImportDraft, office: User, monkeypatch: pytest.MonkeyPatch) -> None:
    draft = actions.resolve_unit_name(draft=draft, version=draft.version, user=office, name="县档案馆", how="create")
    tasks_before, assignments_before = Task.objects.count(), Assignment.objects.count()

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(actions, "_assign", fail)
    with pytest.raises(RuntimeError):
        actions.publish_draft(draft=draft, version=draft.version, user=office)
    assert (Task.objects.count(), Assignment.objects.count()) == (tasks_before, assignments_before)
    assert ImportDraft.objects.get(pk=draft.pk).status == DraftStatus.REVIEW


def _task_division_table() -> bytes:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["平昌县2025年法治政府建设重点任务分工表"])
    sheet.append(["序号", "重点任务", "牵头单位", "配合单位", "完成时限"])
    sheet.append(["1", "全面落实行政规范性文件合法性审核机制", "县司法局", "县政府办", "2025年6月底前"])
    sheet.append(["2", "开展行政执法案卷评查，评查合格率不低于90%", "县市场监管局", "县综合行政执法局", "2025年底前"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_existing_excel_task_division_table_imports_as_a_plan(pingchang: Jurisdiction, office: User) -> None:
    draft = actions.import_document(jurisdiction=pingchang, filename="分工表.xlsx", data=_task_division_table(),
                                    user=office)
    assert drafting.unresolved_names(draft.content) == []
    plan = actions.publish_draft(draft=draft, version=draft.version, user=office)
    second = plan.tasks.get(path__endswith="2")
    lead = second.assignments.get(role="lead")
    assert lead.unit.name == "县市场监督管理局"
    assert second.deadlines.get().due_on.isoformat() == "2025-12-31"
    assert second.targets.get().value == 90


def test_the_review_page_warns_of_a_group_with_no_members(pingchang: Jurisdiction, office: User) -> None:
    from django.test import Client

    from fazhi_web.plans.models import UnitGroup

    UnitGroup.objects.create(jurisdiction=pingchang, name="县级有关部门")
    text = "一、主要任务\n（一）加强执法监督。（牵头单位：县司法局；配合单位：县级有关部门）\n"
    draft = actions.import_document(jurisdiction=pingchang, filename="x.txt", data=text.encode(), user=office)
    client = Client()
    client.force_login(office)
    page = client.get(f"/imports/{draft.pk}/").content.decode()
    assert "没有成员单位的群组" in page and "“县级有关部门”" in page
