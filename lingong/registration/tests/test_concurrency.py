"""Two unemployment registrations of one person arriving at once: the conditional unique constraint lets
one through. Run against the real PostgreSQL; skipped on SQLite, where writes are serialised anyway (the
sequential twin is in test_services.py)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection

from lingong.accounts.models import User
from lingong.accounts.tests.test_concurrency import in_parallel
from lingong.registration import services
from lingong.registration.models import UnemploymentRegistration

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (make test runs the suite there too)")


def test_parallel_unemployment_registrations_make_one(heping_worker: User) -> None:
    places = ["210102", "210106"]

    def register(i: int) -> str:
        services.register_unemployment(
            actor=heping_worker,
            channel="online",
            id_number="210102196803150024",
            basis="residence" if i % 2 == 0 else "insurance",
            region_code=places[i % 2],
            commitment=True,
        )
        return "created"

    outcomes = in_parallel(8, register)
    assert outcomes == Counter({"created": 1, "unemployment_already_open": 7})
    assert UnemploymentRegistration.objects.filter(person=heping_worker).count() == 1
