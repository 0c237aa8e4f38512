"""The web tests' world: the demo seed (five sample plans, registries, accounts), built once per run
into the test database; each test runs in a transaction that is rolled back."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from fazhi_web.plans.demo import DEMO_PASSWORD, load_demo
from fazhi_web.plans.models import Jurisdiction, Plan, Unit


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        load_demo()


@pytest.fixture
def login(db: None) -> Callable[[str], Client]:
    """A client signed in as one of the demo accounts (office, office2, reporter, reporter2, leader, upper, nation)."""

    def signed_in(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return signed_in


@pytest.fixture
def pingchang(db: None) -> Jurisdiction:
    return Jurisdiction.objects.get(name="平昌县")


@pytest.fixture
def pingchang_plan(db: None) -> Plan:
    return Plan.objects.get(jurisdiction__name="平昌县")


@pytest.fixture
def unit_named(db: None) -> Callable[[str], Unit]:
    def find(name: str) -> Unit:
        return Unit.objects.get(jurisdiction__name="平昌县", name=name)

    return find


__all__ = ["DEMO_PASSWORD"]
