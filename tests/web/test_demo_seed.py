"""The demo seed builds the world the README promises."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from fazhi_web.plans.demo import ACCOUNTS, SAMPLES, load_demo
from fazhi_web.plans.models import Assignment, Plan, Role, Task

pytestmark = pytest.mark.django_db


def test_every_sample_plan_is_published_in_its_jurisdiction() -> None:
    published = {p.jurisdiction.name: p for p in Plan.objects.select_related("jurisdiction")}
    assert set(published) == {place for _, place in SAMPLES}
    assert published["平昌县"].tasks.count() == 18
    assert published["贵州省"].tasks.count() == 152


@pytest.mark.parametrize("place", ["平昌县", "泾川县"])
def test_every_task_of_a_county_plan_has_its_printed_units_assigned(place: str) -> None:
    tasks = Task.objects.filter(plan__jurisdiction__name=place)
    assert tasks.exists()
    assert not tasks.filter(assignments__isnull=True).exists()


def test_a_unit_named_directly_keeps_its_printed_name_and_role() -> None:
    lead = Assignment.objects.get(task__plan__jurisdiction__name="平昌县", task__path="一/3", unit__name="县司法局")
    alias = Assignment.objects.get(task__plan__jurisdiction__name="平昌县", task__path="一/1",
                                   unit__name="县发展和改革局")
    town = Assignment.objects.get(task__plan__jurisdiction__name="平昌县", task__path="一/1", unit__name="江口街道")
    assert (lead.role, lead.printed_name) == ("lead", "县司法局")
    assert (alias.role, alias.printed_name) == ("participating", "县发改局")
    assert (town.printed_name, town.via_group.name) == ("各镇(街道)", "各镇(街道)")
    assert Assignment.objects.count() > 1000


def test_the_demo_accounts_exist_with_their_roles() -> None:
    for account in ACCOUNTS:
        user = User.objects.get(username=account.username)
        membership = user.memberships.get()
        assert membership.role == account.role
        assert membership.jurisdiction.name == account.jurisdiction
        assert (membership.unit.name if membership.unit else None) == account.unit
    assert User.objects.get(username="upper").memberships.get().role == Role.VIEWER


def test_loading_the_demo_twice_changes_nothing() -> None:
    before = Plan.objects.count(), Task.objects.count()
    assert load_demo() is False
    assert (Plan.objects.count(), Task.objects.count()) == before


def test_the_second_office_administers_suining_which_is_not_above_pingchang() -> None:
    membership = User.objects.get(username="office2").memberships.get()
    assert (membership.role, membership.jurisdiction.name) == (Role.OFFICE, "遂宁市")
    pingchang = Plan.objects.get(jurisdiction__name="平昌县").jurisdiction
    assert pingchang.pk not in membership.jurisdiction.subtree_ids()
    assert Plan.objects.filter(jurisdiction=membership.jurisdiction).exists()
