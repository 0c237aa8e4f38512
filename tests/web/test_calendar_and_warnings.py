"""A unit's iCalendar feed (subscribed to with a per-unit secret, no session) and the warnings sent N days
ahead as in-app notifications and e-mails, once each however often the command runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from fazhi_web.plans.models import Deadline, Plan, Task, Unit
from fazhi_web.tracking import actions
from fazhi_web.tracking.models import CalendarFeed, Extension, Notification

pytestmark = pytest.mark.django_db
Login = Callable[[str], Client]


@pytest.fixture
def sfj(unit_named: Callable[[str], Unit]) -> Unit:
    return unit_named("县司法局")


@pytest.fixture
def sfj_task(pingchang_plan: Plan, sfj: Unit) -> Task:
    """A task of 县司法局 (not of 县市场监督管理局) with no deadline of its own (the plan's year applies: 年内),
    not yet done in the demo's generated progress."""
    done = Task.objects.filter(reports__kind="consolidated", reports__progress="done",
                               reports__status__in=["approved", "accepted"])
    task = Task.objects.filter(plan=pingchang_plan, assignments__unit=sfj, deadlines__isnull=True).exclude(
        pk__in=done).exclude(assignments__unit__name="县市场监督管理局").order_by("order").first()
    assert task is not None
    return task


def _feed_url(login: Login, unit: Unit) -> str:
    client = login("reporter" if unit.name == "县司法局" else "reporter2")
    assert client.post(f"/units/{unit.pk}/calendar/reset/").status_code == 302
    return f"/units/{unit.pk}/calendar.ics?token={CalendarFeed.objects.get(unit=unit).token}"


def _events(url: str) -> dict[str, dict[str, object]]:
    response = Client().get(url)  # a calendar client: no session
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return {str(e["UID"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}


# ---------------------------------------------------------------- the subscription page


def test_a_reporter_creates_sees_and_regenerates_the_units_link(login: Login, sfj: Unit) -> None:
    reporter = login("reporter")
    assert "还没有订阅链接" in reporter.get(f"/units/{sfj.pk}/calendar/").content.decode()
    old = _feed_url(login, sfj)
    page = login("leader").get(f"/units/{sfj.pk}/calendar/").content.decode()  # the unit's leader sees it too
    assert old.split("?token=")[1] in page and "webcal://" in page
    reporter.post(f"/units/{sfj.pk}/calendar/reset/")
    new_token = CalendarFeed.objects.get(unit=sfj).token
    assert new_token not in old
    assert Client().get(old).status_code == 404  # the replaced link stops working
    assert Client().get(f"/units/{sfj.pk}/calendar.ics?token={new_token}").status_code == 200


def test_another_unit_and_the_office_cannot_see_or_reset_the_link(login: Login, sfj: Unit) -> None:
    url = _feed_url(login, sfj)
    token = CalendarFeed.objects.get(unit=sfj).token
    assert login("reporter2").get(f"/units/{sfj.pk}/calendar/").status_code == 404
    assert login("reporter2").post(f"/units/{sfj.pk}/calendar/reset/").status_code == 404
    office = login("office").get(f"/units/{sfj.pk}/calendar/")
    assert office.status_code == 403 and token not in office.content.decode()
    assert login("office").post(f"/units/{sfj.pk}/calendar/reset/").status_code == 403
    assert CalendarFeed.objects.get(unit=sfj).token == token
    assert Client().get(url).status_code == 200


@pytest.mark.parametrize("how", ["wrong", "missing", "empty", "other-units", "unknown-unit", "huge-unit"])
def test_a_wrong_or_missing_token_gets_404(login: Login, sfj: Unit, unit_named: Callable[[str], Unit],
                                           how: str) -> None:
    _feed_url(login, sfj)
    other = _feed_url(login, unit_named("县市场监督管理局"))
    token = CalendarFeed.objects.get(unit=sfj).token
    url = {"wrong": f"/units/{sfj.pk}/calendar.ics?token={token[:-1]}x",
           "missing": f"/units/{sfj.pk}/calendar.ics",
           "empty": f"/units/{sfj.pk}/calendar.ics?token=",
           "other-units": f"/units/{sfj.pk}/calendar.ics?token={other.split('=')[1]}",
           "unknown-unit": f"/units/999999/calendar.ics?token={token}",
           "huge-unit": f"/units/99999999999999999999/calendar.ics?token={token}"}[how]
    response = Client().get(url)
    assert response.status_code == 404
    assert "BEGIN:VCALENDAR" not in response.content.decode()


# ---------------------------------------------------------------- the feed


def test_the_feed_has_one_off_dates_the_plans_year_and_cycle_due_days(login: Login, sfj: Unit, sfj_task: Task,
                                                                     pingchang_plan: Plan) -> None:
    deadline = Deadline.objects.create(task=sfj_task, text="2024年6月底前", kind="one-off", due_on=date(2024, 6, 30))
    events = _events(_feed_url(login, sfj))
    event = events[f"fazhi-deadline-{deadline.pk}-unit-{sfj.pk}@fazhi"]
    assert event["DTSTART"].dt == date(2024, 6, 30)
    assert sfj_task.printed_label in str(event["SUMMARY"]) and "RRULE" not in event
    assert str(event["URL"]).endswith(f"/tasks/{sfj_task.pk}/")
    other = Task.objects.filter(plan=pingchang_plan, assignments__unit=sfj, deadlines__isnull=True).exclude(
        pk=sfj_task.pk).first()
    assert events[f"fazhi-task-{other.pk}-unit-{sfj.pk}-year@fazhi"]["DTSTART"].dt == date(2024, 12, 31)  # 年内
    cycles = [e for uid, e in events.items() if uid.startswith("fazhi-cycle-")]
    assert {c["DTSTART"].dt for c in cycles} == set(pingchang_plan.cycles.values_list("due_on", flat=True))
    assert all("报送截止" in str(c["SUMMARY"]) for c in cycles)


@pytest.mark.parametrize(("recurrence", "month_day", "rule", "first"), [
    pytest.param("quarterly", "", {"FREQ": ["MONTHLY"], "INTERVAL": [3], "BYMONTHDAY": [-1]}, date(2024, 3, 31),
                 id="quarterly"),
    pytest.param("monthly", "", {"FREQ": ["MONTHLY"], "INTERVAL": [1], "BYMONTHDAY": [-1]}, date(2024, 1, 31),
                 id="monthly"),
    pytest.param("half-yearly", "", {"FREQ": ["MONTHLY"], "INTERVAL": [6], "BYMONTHDAY": [-1]}, date(2024, 6, 30),
                 id="half-yearly"),
    pytest.param("yearly", "", {"FREQ": ["YEARLY"], "BYMONTH": [12], "BYMONTHDAY": [31]}, date(2024, 12, 31),
                 id="yearly"),
    pytest.param("yearly", "03-15", {"FREQ": ["YEARLY"], "BYMONTH": [3], "BYMONTHDAY": [15]}, date(2024, 3, 15),
                 id="each-year-on-a-day"),
    pytest.param("yearly", "02-29", {"FREQ": ["YEARLY"], "BYMONTH": [2], "BYMONTHDAY": [-1]}, date(2024, 2, 29),
                 id="leap-day"),
])
def test_a_recurring_deadline_is_one_event_with_an_rrule(login: Login, sfj: Unit, sfj_task: Task, recurrence: str,
                                                         month_day: str, rule: dict[str, list[object]],
                                                         first: date) -> None:
    deadline = Deadline.objects.create(task=sfj_task, text="定期", kind="recurring", recurrence=recurrence,
                                       month_day=month_day)
    event = _events(_feed_url(login, sfj))[f"fazhi-deadline-{deadline.pk}-unit-{sfj.pk}@fazhi"]
    assert event["DTSTART"].dt == first
    found = dict(event["RRULE"])
    assert found.pop("UNTIL") == [date(2024, 12, 31)]  # the plan's year
    assert {k: found.get(k, [1] if k == "INTERVAL" else None) for k in rule} == rule


def test_a_granted_extension_moves_the_date_in_the_feed(login: Login, sfj: Unit, sfj_task: Task) -> None:
    deadline = Deadline.objects.create(task=sfj_task, text="2024年6月底前", kind="one-off", due_on=date(2024, 6, 30))
    reporter = User.objects.get(username="reporter")
    extension = actions.request_extension(task=sfj_task, unit=sfj, requested_due=date(2024, 9, 30), reason="需要协调",
                                          original_due=date(2024, 6, 30), user=reporter)
    actions.decide_extension(extension=Extension.objects.get(pk=extension.pk), grant=True, note="同意",
                             user=User.objects.get(username="office"))
    event = _events(_feed_url(login, sfj))[f"fazhi-deadline-{deadline.pk}-unit-{sfj.pk}@fazhi"]
    assert event["DTSTART"].dt == date(2024, 9, 30)
    assert "已延期" in str(event["SUMMARY"]) and "2024-06-30" in str(event["DESCRIPTION"])


# ---------------------------------------------------------------- warnings


@pytest.fixture
def emails() -> dict[str, str]:
    """The reporter of 县司法局 has an address; its leader has none (notified in the app only)."""
    User.objects.filter(username="reporter").update(email="reporter@sfj.example")
    User.objects.filter(username="leader").update(email="")
    return {"reporter": "reporter@sfj.example"}


def _due_in(task: Task, days: int, as_of: date) -> Deadline:
    return Deadline.objects.create(task=task, text="限期", kind="one-off", due_on=as_of + timedelta(days=days))


def _warn(*args: str) -> str:
    out = StringIO()
    call_command("send_warnings", *args, stdout=out)
    return out.getvalue()


def _keys(username: str, task: Task) -> list[str]:
    return list(Notification.objects.filter(user__username=username, key__startswith=f"warn:task:{task.pk}:")
                .order_by("pk").values_list("key", flat=True))


def test_a_task_due_within_n_days_is_warned_in_the_app_and_by_mail_once(sfj_task: Task, sfj: Unit,
                                                                       emails: dict[str, str]) -> None:
    as_of = date(2025, 3, 1)
    due = _due_in(sfj_task, 10, as_of).due_on
    assert "新增站内提醒" in _warn("--as-of", as_of.isoformat(), "--days", "14")
    key = f"warn:task:{sfj_task.pk}:{sfj.pk}:{due.isoformat()}:due-soon"
    assert _keys("reporter", sfj_task) == [key] and _keys("leader", sfj_task) == [key]
    assert _keys("reporter2", sfj_task) == []  # another unit hears nothing of it
    notice = Notification.objects.get(user__username="reporter", key=key)
    assert "任务即将到期" in notice.text and "还有 10 天" in notice.text and notice.link == f"/tasks/{sfj_task.pk}/"
    mine = [m for m in mail.outbox if m.to == [emails["reporter"]]]
    assert len(mine) == 1 and f"{sfj_task.printed_label}{sfj_task.heading[:20]}" in mine[0].body
    assert f"/tasks/{sfj_task.pk}/" in mine[0].body
    assert all(m.to != [""] for m in mail.outbox)

    sent, made = len(mail.outbox), Notification.objects.count()
    assert "新增站内提醒 0 条，发送邮件 0 封" in _warn("--as-of", as_of.isoformat(), "--days", "14")  # twice: nothing new
    assert (len(mail.outbox), Notification.objects.count()) == (sent, made)


def test_an_overdue_task_is_warned_again_once_when_it_passes_its_date(sfj_task: Task, sfj: Unit,
                                                                      emails: dict[str, str]) -> None:
    as_of = date(2025, 3, 1)
    due = _due_in(sfj_task, 3, as_of).due_on
    _warn("--as-of", as_of.isoformat())
    later = (due + timedelta(days=2)).isoformat()
    _warn("--as-of", later)
    _warn("--as-of", later)
    assert _keys("reporter", sfj_task) == [f"warn:task:{sfj_task.pk}:{sfj.pk}:{due.isoformat()}:due-soon",
                                           f"warn:task:{sfj_task.pk}:{sfj.pk}:{due.isoformat()}:overdue"]
    overdue = Notification.objects.get(user__username="reporter", key__endswith=":overdue",
                                       key__startswith=f"warn:task:{sfj_task.pk}:")
    assert "任务已逾期" in overdue.text and "已逾期 2 天" in overdue.text


def test_n_comes_from_the_settings_unless_given(sfj_task: Task, emails: dict[str, str], settings: object) -> None:
    settings.FAZHI_WARN_DAYS = 3  # type: ignore[attr-defined]
    as_of = date(2025, 3, 1)
    _due_in(sfj_task, 5, as_of)
    assert "提前 3 天" in _warn("--as-of", as_of.isoformat())
    assert _keys("reporter", sfj_task) == []
    _warn("--as-of", as_of.isoformat(), "--days", "7")
    assert len(_keys("reporter", sfj_task)) == 1


def test_a_finished_task_is_not_warned(sfj_task: Task, emails: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from fazhi.tracking import TaskState
    from fazhi_web.tracking import state, warnings

    as_of = date(2025, 3, 1)
    _due_in(sfj_task, 5, as_of)
    real = state.status_of

    def done(task: Task, *args: object, **kwargs: object) -> state.TaskStatus:
        found = real(task, *args, **kwargs)  # type: ignore[arg-type]
        return state.TaskStatus(found.due, TaskState.DONE) if task.pk == sfj_task.pk else found

    monkeypatch.setattr(warnings, "status_of", done)
    _warn("--as-of", as_of.isoformat())
    assert _keys("reporter", sfj_task) == []


def test_a_cycle_report_due_soon_is_warned_to_units_that_have_not_sent_it(pingchang_plan: Plan, sfj: Unit,
                                                                          emails: dict[str, str]) -> None:
    cycle = actions.open_cycles(plan=pingchang_plan, frequency="monthly", year=2025, due_days=5, user=None)[0]
    _warn("--as-of", "2025-02-01", "--days", "7")
    key = f"warn:cycle:{cycle.pk}:{sfj.pk}:due"
    notice = Notification.objects.get(user__username="reporter", key=key)
    assert "进展报送即将截止" in notice.text and "2025年2月5日" in notice.text and notice.link == f"/cycles/{cycle.pk}/"
    assert "县司法局还有" in notice.text
    assert any("进展报送即将截止" in m.body for m in mail.outbox if m.to == [emails["reporter"]])
    _warn("--as-of", "2025-02-01", "--days", "7")
    assert Notification.objects.filter(key=key).count() == 2  # the reporter and the leader, once each


def test_a_bad_date_is_refused_with_a_message() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_warnings", "--as-of", "2025-13-01")


def test_the_command_uses_today_when_no_date_is_given(sfj_task: Task, emails: dict[str, str]) -> None:
    _due_in(sfj_task, 2, timezone.localdate())
    _warn()
    assert len(_keys("reporter", sfj_task)) == 1
