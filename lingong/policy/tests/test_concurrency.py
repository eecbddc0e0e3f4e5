"""Two queue workers on the same 政策找人 run at once, and two confirmations of one notice at once: the
run's row lock and the notices' unique constraint let each person be told and filed once. Run against
the real PostgreSQL; skipped on SQLite, where writes are serialised anyway."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from lingong.accounts.models import Notification, User
from lingong.accounts.tests.test_concurrency import in_parallel
from lingong.core.models import Division
from lingong.policy import runs
from lingong.policy.models import PolicyApplication, PolicyNotice, PolicyRun
from lingong.policy.tests.test_runs import registered_worker

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (make test runs the suite there too)")


def test_two_workers_on_one_run_tell_each_person_once(
    shenyang: dict[str, Division], city_staff: User
) -> None:
    people = [registered_worker(shenyang["heping"], n) for n in range(9)]
    # Made directly: start_run would queue it, and the queue runs in-process on commit in tests.
    run = PolicyRun.objects.create(
        region=shenyang["shenyang"], as_of=dt.date(2026, 9, 30), started_by=city_staff, total=9, chunk_size=2
    )

    def work(i: int) -> str:
        return str(runs.process_run(run.pk).status)

    assert set(in_parallel(2, work)) <= {"done", "running"}
    run.refresh_from_db()
    assert (run.status, run.processed) == ("done", 9)
    keys = list(Notification.objects.filter(kind="policy_found").values_list("recipient_id", "key"))
    assert len(keys) == len(set(keys)) == PolicyNotice.objects.count()
    assert {r for r, _k in keys} == {p.pk for p in people}


def test_two_confirmations_of_one_notice_file_one_application(
    shenyang: dict[str, Division], city_staff: User
) -> None:
    person = registered_worker(shenyang["heping"], 1)
    runs.start_run(actor=city_staff, region_code="210100")
    notice = PolicyNotice.objects.filter(person=person).first()
    assert notice is not None

    def confirm(i: int) -> str:
        return str(runs.confirm_notice(actor=person, notice_id=notice.pk).pk)

    outcomes = in_parallel(2, confirm)
    assert len(set(outcomes)) == 1
    assert PolicyApplication.objects.filter(person=person).count() == 1
