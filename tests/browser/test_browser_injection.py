"""Text from documents and people is shown as text, never run: hostile payloads put everywhere user text reaches a
page, then every page that shows them opened in chromium under the Content-Security-Policy.

On each page: no payload ran (``window.__xss`` stays unset, no dialog opened), no ``javascript:`` link was made, the
payload is on the page as literal text (it was shown, escaped), and the browser reported no CSP violation — which
also proves our own pages (htmx, the ECharts dashboard, the job page's polling, Swagger UI) work under the policy.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Dialog, Page

from fazhi_web.jobs.models import Job, JobKind
from fazhi_web.plans import actions
from fazhi_web.plans.models import Jurisdiction, Plan, Unit
from fazhi_web.tracking import actions as tracking
from fazhi_web.tracking.annual import assemble_annual_report, publish_annual_report
from fazhi_web.tracking.models import AnnualReport
from fazhi_web.uploads import safe_name

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=2">'
SVG = '"><svg onload=window.__xss=3>'
JS_URL = "javascript:window.__xss=4"
TEMPLATE = "{{7*7}}{% debug %}"
TEXTAREA = "</textarea><script>window.__xss=5</script>"
ALL = (SCRIPT, IMG, SVG, JS_URL, TEMPLATE, TEXTAREA)
EVERY = "".join(ALL)
EVIDENCE_NAME = "<img src=x onerror=window.__xss=6>.png"  # stored with < > as _ (names Windows refuses)

# The reader drops markup from a document (a conversion artefact), so what is left of each payload arrives by
# upload; the office's corrections in review, the registry and the tracking forms carry the whole payloads.
PLAN_TEXT = f"""平昌县2025年法治政府建设{TEMPLATE}工作要点

一、推进政府职能依法全面履行

（一）深化行政审批制度改革

1.动态调整权责清单{SCRIPT}，参见{JS_URL}，2025年6月底前完成清单更新。（牵头单位：县司法局；配合单位：县市场监督管理局）

2.全面推行“双随机、一公开”监管{TEMPLATE}，抽查事项覆盖率达到100%。（牵头单位：县市场监督管理局；配合单位：县司法局）

二、健全依法行政制度体系

（一）严格规范性文件管理{SVG}

3.落实规范性文件合法性审查机制{TEXTAREA}，2025年底前完成清理。（牵头单位：县司法局）
"""

# Records every CSP violation the page sees, from before its first script runs.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(event.violatedDirective + " " + event.blockedURI + " " + (event.sourceFile || "") + ":" + event.lineNumber);
});
"""


@dataclass
class Watch:
    """What one browser window saw that it should not have."""

    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> Page:
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        return page

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)


def open_safely(page: Page, watch: Watch, path: str, *shown: str) -> None:
    """Open the page and check that nothing ran, nothing was blocked, and each of ``shown`` is there as text."""
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "object-src 'none'" in policy, f"{path}: CSP header {policy!r}"
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__xss") is None, f"{path}: a payload ran (window.__xss = {page.evaluate('window.__xss')})"
    assert page.evaluate("window.__csp") == [], f"{path}: CSP violations {page.evaluate('window.__csp')}"
    assert watch.console == [], f"{path}: {watch.console}"
    assert watch.dialogs == [], f"{path}: dialogs {watch.dialogs}"
    assert page.locator('[href^="javascript:" i], [src^="javascript:" i]').count() == 0, f"{path}: a javascript: link"
    assert page.locator("script:not([src]):not([type=\"application/json\"]), [onerror], [onload]").count() == 0, f"{path}: markup made"
    text = page.locator("body").inner_text() + "\n".join(
        page.locator("textarea, input[type=text]").evaluate_all("els => els.map(e => e.value)"))
    watch.missing += [f"{path}: {payload!r}" for payload in shown if payload not in text]
    watch.checked.append(path)


def tiny_png() -> bytes:
    """A complete one-pixel PNG (evidence is checked by its content)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")


@dataclass
class World:
    draft: int
    plan: Plan
    task: int
    unit: Unit
    cycle: int
    report: int
    order: int
    annual: int
    job: int


def hostile_draft(place: Jurisdiction, office: User) -> tuple[int, Unit]:
    """平昌县's office uploads PLAN_TEXT and, in review, types payloads into a task, a heading and a unit's name."""
    unit = actions.create_unit(jurisdiction=place, name=f"县{IMG}局", user=office, aliases=(f"{SVG}办",))
    draft = actions.import_document(jurisdiction=place, filename=f"{SVG}.txt", data=PLAN_TEXT.encode(), user=office)
    draft = actions.edit_draft(draft=draft, version=draft.version, user=office, change="edit_task", key="t1",
                               title="", text=f"动态调整权责清单{EVERY}，2025年6月底前完成。", lead=["县司法局"],
                               participating=[unit.name], deadlines="2025年6月底前", targets="")
    draft = actions.edit_draft(draft=draft, version=draft.version, user=office, change="edit_heading", key="h1",
                               title=f"推进政府职能依法全面履行{IMG}")
    return draft.pk, unit


def hostile_records(draft_pk: int, unit: Unit, office: User) -> World:
    """The draft published, with a hostile title, report, evidence name, extension, order, annual report and job."""
    from fazhi_web.plans.models import ImportDraft

    reporter, leader = User.objects.get(username="reporter"), User.objects.get(username="leader")
    draft = ImportDraft.objects.get(pk=draft_pk)
    plan = actions.publish_draft(draft=draft, version=draft.version, user=office)
    Plan.objects.filter(pk=plan.pk).update(title=f"平昌县法治政府建设{SCRIPT}工作要点")
    plan.refresh_from_db()
    task = plan.tasks.order_by("order").first()
    assert task is not None and SCRIPT in task.text
    sfj = Unit.objects.get(jurisdiction=plan.jurisdiction, name="县司法局")
    cycle = tracking.open_cycles(plan=plan, frequency="quarterly", year=2025, due_days=5, user=office)[0]
    report = tracking.report_for(task=task, unit=sfj, cycle=cycle)
    report = tracking.save_report(report=report, version=report.version, user=reporter, progress="in-progress",
                                  done=f"已完成{EVERY}", problems=f"问题{IMG}", next_steps=f"下一步{TEXTAREA}",
                                  values={})
    tracking.add_evidence(report=report, filename=EVIDENCE_NAME, data=tiny_png(), user=reporter)
    tracking.submit_report(report=report, user=reporter)
    tracking.approve_report(report=report, user=leader)
    tracking.request_extension(task=task, unit=sfj, requested_due=timezone.localdate() + timedelta(days=90),
                               reason=f"需等待上级文件{SVG}{TEMPLATE}", original_due=None, user=reporter)
    today = timezone.localdate()
    (order,) = tracking.open_orders(pairs=[(task, sfj)], reason=f"请说明原因{SCRIPT}{JS_URL}",
                                    reply_due=today + timedelta(days=7), user=office, as_of=today)
    tracking.reply_order(order=order, reply=f"已整改{TEXTAREA}", user=reporter)
    tracking.notify(users=[office], text=f"提醒{IMG}{JS_URL}", link="/my/")
    annual = assemble_annual_report(plan=plan, year=2025, unit=None, user=office, as_of=date(2025, 12, 31))
    AnnualReport.objects.filter(pk=annual.pk).update(
        intro=f"2025年情况{SCRIPT}", measures=f"全年措施{IMG}", shortcomings=f"不足{TEMPLATE}",
        leadership=f"学法{SVG}", next_year=f"明年{TEXTAREA}", version=annual.version + 1)
    publish_annual_report(report=annual, version=annual.version + 1, user=office)
    job = Job.objects.create(kind=JobKind.LEDGER, owner=office, jurisdiction=plan.jurisdiction,
                             arguments={"title": f"台账{SCRIPT}", "cycle": cycle.pk, "as_of": "2025-03-31"},
                             message="等待处理")
    return World(draft_pk, plan, task.pk, unit, cycle.pk, report.pk, order.pk, annual.pk, job.pk)


def test_hostile_text_is_shown_as_text_and_never_runs_on_any_page(
        page: Page, desks: Callable[[str], Page], shoot: Callable[[Page, str], object]) -> None:
    place = Jurisdiction.objects.get(name="平昌县")
    office_user = User.objects.get(username="office")
    draft_pk, unit = hostile_draft(place, office_user)
    watch = Watch()
    office = watch.attach(desks("office"))
    open_safely(office, watch, f"/imports/{draft_pk}/", SCRIPT, IMG, unit.name, JS_URL, TEMPLATE, TEXTAREA)
    shoot(office, "90-injection-review")
    open_safely(office, watch, f"/jurisdictions/{place.pk}/units/", unit.name, f"{SVG}办")

    world = hostile_records(draft_pk, unit, office_user)
    plan, task = world.plan.pk, world.task
    demo_plan = Plan.objects.filter(jurisdiction=place).exclude(pk=plan).order_by("pk").first()
    assert demo_plan is not None
    for path, shown in [
        (f"/plans/{plan}/", (SCRIPT, IMG, TEMPLATE)),
        (f"/tasks/{task}/", (SCRIPT, IMG, SVG, JS_URL, TEMPLATE, TEXTAREA, unit.name)),
        (f"/tasks/{task}/history/", (SCRIPT,)),
        (f"/plans/{plan}/matrix/", (unit.name, IMG)),
        (f"/plans/{plan}/cycles/", (SCRIPT,)),
        (f"/cycles/{world.cycle}/", (SCRIPT,)),
        (f"/reports/{world.report}/", (EVERY, IMG, TEXTAREA, safe_name(EVIDENCE_NAME))),
        (f"/reports/{world.report}/history/", (IMG,)),
        (f"/orders/{world.order}/", (SCRIPT, JS_URL, TEXTAREA)),
        (f"/plans/{plan}/supervision/", (SVG, TEMPLATE)),
        (f"/plans/{plan}/dashboard/", (SCRIPT,)),
        (f"/plans/{plan}/assessment/", (unit.name,)),
        (f"/plans/{plan}/annual/", (SCRIPT,)),
        (f"/annual/{world.annual}/", (SCRIPT, IMG, TEMPLATE, SVG, TEXTAREA)),
        ("/search/?q=" + "%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E", (SCRIPT,)),
        ("/search/?q=" + "%7B%7B7*7%7D%7D", (TEMPLATE,)),
        ("/notifications/", (IMG, JS_URL)),
        (f"/jobs/{world.job}/", (SCRIPT,)),
        (f"/plans/{plan}/align/{demo_plan.pk}/", (SCRIPT,)),
    ]:
        open_safely(office, watch, path, *shown)
        if path.endswith("/dashboard/"):
            assert office.locator("canvas, svg").count() > 0, "the dashboard drew no chart"
            shoot(office, "91-injection-dashboard")
        if path == f"/tasks/{task}/":
            shoot(office, "92-injection-task")
        if path.startswith("/jobs/"):
            with office.expect_response(lambda r: f"/jobs/{world.job}/" in r.url and r.request.is_navigation_request() is False,
                                        timeout=15_000):
                pass  # htmx asked again for the job's status: polling works under the policy

    reporter = watch.attach(desks("reporter"))
    for path, shown in [
        ("/my/", (SCRIPT, TEMPLATE)),
        (f"/reports/{world.report}/", (EVERY,)),
        (f"/orders/{world.order}/", (SCRIPT, JS_URL)),
        ("/notifications/", ()),
    ]:
        open_safely(reporter, watch, path, *shown)

    anonymous = watch.attach(page)
    for path, shown in [
        (f"/public/plans/{plan}/", (SCRIPT, IMG, TEMPLATE)),
        ("/public/", (SCRIPT,)),
        (f"/public/annual/{world.annual}/", (SCRIPT, IMG, TEMPLATE, SVG, TEXTAREA)),
        ("/api/docs", ()),
    ]:
        open_safely(anonymous, watch, path, *shown)
    assert anonymous.locator(".swagger-ui").count() > 0, "Swagger UI did not draw"
    shoot(anonymous, "93-injection-api-docs")
    # The control: markup slipped into the page at run time is blocked by the policy, and the recorder hears of it.
    anonymous.evaluate("""() => { const s = document.createElement("script"); s.textContent = "window.__xss = 7";
                                  document.body.append(s); }""")
    anonymous.wait_for_function("window.__csp.length > 0")
    assert anonymous.evaluate("window.__xss") is None
    assert watch.missing == [], "payloads not shown as text:\n" + "\n".join(watch.missing)
    assert len(watch.checked) == 29
