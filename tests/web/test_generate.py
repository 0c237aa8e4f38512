"""`fazhi gen-data` at its tiny test scale: a province, a prefecture and a county, each with a plan derived from
a sample and two years of records, made once for this module and removed afterwards."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fazhi_web.generate.blueprint import SCALES, blueprint
from fazhi_web.generate.remove import generated_provinces, remove_generated
from fazhi_web.generate.run import AlreadyGenerated, Summary, generate
from fazhi_web.generate.world import PASSWORD, office_username, unit_username
from fazhi_web.plans.models import Assignment, AssignmentRole, Jurisdiction, Membership, Plan, Role, Unit
from fazhi_web.tracking.models import (
    Evidence,
    Extension,
    Report,
    ReportKind,
    ReportStatus,
    ScoreAdjustment,
    SupervisionOrder,
    TargetValue,
)

AS_OF = date(2025, 3, 20)
SCALE = SCALES["test"]


@pytest.fixture(scope="module")
def made(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[Summary]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        summary = generate(scale=SCALE, seed=7, as_of=AS_OF)
        yield summary
        remove_generated()


@pytest.fixture
def county_plan(made: Summary, db: None) -> Plan:
    return Plan.objects.get(jurisdiction__level="county", jurisdiction__parent__parent__name=made.province)


def generated_reports(made: Summary) -> list[Report]:
    province = Jurisdiction.objects.get(name=made.province, parent=None)
    return list(Report.objects.filter(task__plan__jurisdiction_id__in=province.subtree_ids())
                .select_related("cycle", "task", "unit"))


def test_the_test_scale_makes_three_places_each_with_a_plan_and_records(made: Summary, db: None) -> None:
    assert (made.places, made.plans) == (3, 3)
    assert made.counts.cycles == 3 * 4 * SCALE.years
    counted = {"reports": len(generated_reports(made)),
               "orders": SupervisionOrder.objects.filter(opened_by__username__startswith="gen-").count(),
               "adjustments": ScoreAdjustment.objects.filter(recorded_by__username__startswith="gen-").count()}
    assert counted == {"reports": made.counts.reports, "orders": made.counts.orders,
                       "adjustments": made.counts.adjustments}
    assert min(made.counts.reports, made.counts.values, made.counts.evidence, made.counts.orders,
               made.counts.extensions, made.counts.adjustments) > 0


def test_each_place_has_an_office_and_a_reporter_and_leader_per_unit(made: Summary, db: None) -> None:
    for place in blueprint(SCALE, 7):
        jurisdiction = Jurisdiction.objects.get(name=place.name)
        units = list(Unit.objects.filter(jurisdiction=jurisdiction).order_by("pk"))
        assert Membership.objects.get(user__username=office_username(place.code)).jurisdiction == jurisdiction
        last = unit_username(place.code, len(units), "leader")
        assert Membership.objects.get(user__username=last, role=Role.LEADER).unit == units[-1]
    assert Membership.objects.get(user__username="gen-upper").role == Role.VIEWER


def test_every_report_is_by_a_unit_assigned_to_its_task_in_a_cycle_of_its_plan(made: Summary, db: None) -> None:
    roles = dict(((a.task_id, a.unit_id), a.role) for a in Assignment.objects.filter(
        task__plan__jurisdiction__name__in=[p.name for p in blueprint(SCALE, 7)]))
    for report in generated_reports(made):
        role = roles[(report.task_id, report.unit_id)]
        assert report.cycle.plan_id == report.task.plan_id
        assert report.kind == (ReportKind.CONTRIBUTION if role == AssignmentRole.PARTICIPATING
                               else ReportKind.CONSOLIDATED)


def test_statuses_and_times_follow_the_workflow_and_stop_at_the_day(made: Summary, db: None) -> None:
    seen = set()
    for report in generated_reports(made):
        seen.add(report.status)
        assert report.cycle.ends_on <= AS_OF
        assert timezone.localdate(report.updated_at) <= AS_OF
        if report.status == ReportStatus.DRAFT:
            assert report.submitted_at is None and report.version == 2
            continue
        assert report.submitted_at is not None and report.submitted_at <= report.updated_at
        assert report.cycle.starts_on <= timezone.localdate(report.submitted_at) <= AS_OF
        assert report.version >= {"submitted": 3, "approved": 4, "returned": 5, "accepted": 5}[report.status]
        if report.kind == ReportKind.CONTRIBUTION:
            assert report.status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
        if report.status == ReportStatus.RETURNED:
            assert report.comment
    assert {ReportStatus.DRAFT, ReportStatus.APPROVED, ReportStatus.ACCEPTED} <= seen


def test_target_values_belong_to_lead_units_reports_on_tasks_with_those_targets(made: Summary, db: None) -> None:
    values = TargetValue.objects.filter(report__in=[r.pk for r in generated_reports(made)]).select_related(
        "report", "target")
    assert values
    for value in values:
        assert value.report.kind == ReportKind.CONSOLIDATED
        assert value.target.task_id == value.report.task_id


def test_orders_and_extensions_are_for_lead_units_of_the_task(made: Summary, db: None) -> None:
    leads = set(Assignment.objects.exclude(role=AssignmentRole.PARTICIPATING).values_list("task_id", "unit_id"))
    for record in [*SupervisionOrder.objects.filter(opened_by__username__startswith="gen-"),
                   *Extension.objects.filter(requested_by__username__startswith="gen-")]:
        assert (record.task_id, record.unit_id) in leads
    for order in SupervisionOrder.objects.filter(opened_by__username__startswith="gen-"):
        assert timezone.localdate(order.opened_at) <= AS_OF and (order.replied_at is None or order.replied_at > order.opened_at)


def test_evidence_downloads_for_the_reporter_of_its_unit(made: Summary, db: None) -> None:
    evidence = Evidence.objects.filter(report__task__plan__jurisdiction__parent__parent__name=made.province) \
        .select_related("report").first()
    assert evidence is not None
    reporter = User.objects.get(memberships__unit=evidence.report.unit_id, memberships__role=Role.REPORTER)
    assert reporter.check_password(PASSWORD)
    client = Client()
    client.force_login(reporter)
    response = client.get(reverse("evidence", args=[evidence.pk]))
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == evidence.sha256  # type: ignore[attr-defined]


def test_the_generated_office_opens_its_plans_pages(made: Summary, county_plan: Plan) -> None:
    client = Client()
    client.force_login(User.objects.get(username=office_username("p01c01")))
    for name in ("plan", "matrix", "dashboard", "assessment", "supervision"):
        assert client.get(reverse(name, args=[county_plan.pk])).status_code == 200, name


def test_a_reporter_and_the_leader_open_their_units_generated_report(made: Summary, county_plan: Plan) -> None:
    report = Report.objects.filter(task__plan=county_plan, status=ReportStatus.ACCEPTED).first()
    assert report is not None
    for role in (Role.REPORTER, Role.LEADER):
        client = Client()
        client.force_login(User.objects.get(memberships__unit=report.unit_id, memberships__role=role))
        response = client.get(reverse("report", args=[report.pk]))
        assert response.status_code == 200 and report.done[:10] in response.content.decode()


def test_another_units_reporter_cannot_open_a_report(made: Summary, county_plan: Plan) -> None:
    report = Report.objects.filter(task__plan=county_plan).first()
    assert report is not None
    stranger = User.objects.filter(memberships__role=Role.REPORTER, memberships__unit__jurisdiction=county_plan.jurisdiction) \
        .exclude(memberships__unit=report.unit_id).first()
    client = Client()
    client.force_login(stranger)
    assert client.get(reverse("report", args=[report.pk])).status_code in (403, 404)


def test_running_again_is_refused_while_the_province_is_there(made: Summary, db: None) -> None:
    with pytest.raises(AlreadyGenerated, match="--replace"):
        generate(scale=SCALE, seed=7, as_of=AS_OF)
    assert [p.name for p in generated_provinces()] == [made.province]


def test_the_blueprint_is_the_same_for_the_same_seed_and_has_the_provinces_shape() -> None:
    places = blueprint(SCALES["province"], 3)
    assert places == blueprint(SCALES["province"], 3)
    assert [p.level for p in places].count("county") == 120
    assert len({p.name for p in places}) == len(places)
    assert places[0].code == "p" and places[-1].code == "p15c08"
