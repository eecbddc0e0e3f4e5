"""Lists and dashboards keep a fixed number of queries however many rows they show (STYLE habit 9)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from lingong.accounts.models import Role, User
from lingong.conftest import make_user
from lingong.core.models import Division
from lingong.policy import runs, selectors
from lingong.policy.tests.conftest import Apply, at
from lingong.policy.tests.test_runs import registered_worker

pytestmark = pytest.mark.django_db


def test_the_staff_queue_is_two_queries(
    shenyang: dict[str, Division], heping_staff: User, apply_for: Apply, django_assert_num_queries: Any
) -> None:
    for n in range(4):
        person = make_user(
            role=Role.WORKER, region=shenyang["heping"], phone=f"1350000{n:04d}", name=f"申请人{n}"
        )
        apply_for(person, now=at("2026-09-29"))
    with django_assert_num_queries(2):  # the staff member's region (for the scope), then the rows
        rows = selectors.queue(actor=heping_staff)
        assert [r.application.person.display_name for r in rows] == [f"申请人{n}" for n in range(4)]


def test_run_results_are_two_queries_and_the_page_a_fixed_few(
    shenyang: dict[str, Division], city_staff: User, django_assert_max_num_queries: Any
) -> None:
    for n in range(6):
        registered_worker(shenyang["heping" if n % 2 else "tiexi"], n)
    run = runs.start_run(actor=city_staff, region_code="210100", as_of=dt.date(2026, 9, 30))
    runs.process_run(run.pk)
    run.refresh_from_db()
    with django_assert_max_num_queries(2):
        rows = runs.results(actor=city_staff, run=run)
    assert sum(r.people for r in rows) >= 6
    client = Client()
    client.force_login(city_staff)
    with django_assert_max_num_queries(8):
        assert client.get(f"/policy/runs/{run.pk}/").status_code == 200
