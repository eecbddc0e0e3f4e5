"""Races settled by the database: parallel password guesses and parallel registrations of one phone.

Run against the real PostgreSQL (row locks, unique constraints); skipped on SQLite, where writes
are serialised anyway.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection, connections
from django.test import override_settings

from lingong.accounts import services
from lingong.accounts.models import User
from lingong.core.errors import DomainError
from lingong.core.models import AuditEntry

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (make test runs the suite there too)")


def in_parallel(n: int, fn: Callable[[int], str]) -> Counter[str]:
    barrier = threading.Barrier(n)
    results: list[str] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        barrier.wait()
        try:
            outcome = fn(i)
        except DomainError as exc:
            outcome = exc.code
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return Counter(results)


@override_settings(LINGONG_LOGIN_MAX_FAILURES=5)
def test_parallel_guesses_cannot_exceed_the_failure_limit(heping_staff: User) -> None:
    outcomes = in_parallel(
        12, lambda i: str(services.authenticate_phone(phone="13900000001", password=f"guess-{i}"))
    )
    # Exactly five guesses are checked; the fifth locks; every later one meets the lock.
    assert outcomes["login_failed"] == 4
    assert outcomes["account_locked"] == 8
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED).count() == 4
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOCKED).count() == 1


def test_parallel_registrations_of_one_phone_make_one_account(shenyang: dict[str, object]) -> None:
    def register(i: int) -> str:
        services.register_user(
            actor=None, role="worker", display_name=f"并发{i}", phone="13655556666", region_code="210102"
        )
        return "created"

    outcomes = in_parallel(8, register)
    assert outcomes == Counter({"created": 1, "phone_taken": 7})
    assert User.objects.filter_phone("13655556666").count() == 1
