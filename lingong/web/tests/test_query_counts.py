"""Lists cost a fixed number of queries, however many rows they show."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lingong.accounts.models import Role, User
from lingong.conftest import make_user
from lingong.core.models import Division

pytestmark = pytest.mark.django_db


def add_workers(region: Division, n: int, start: int) -> None:
    for i in range(n):
        make_user(role=Role.WORKER, region=region, phone=f"1360000{start + i:04d}", name=f"工人{start + i}")


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_people_list_queries_do_not_grow_with_rows(
    client: Client, heping_staff: User, shenyang: dict[str, Division]
) -> None:
    client.force_login(heping_staff)
    add_workers(shenyang["heping"], 2, 0)
    few = count_queries(client, "/staff/people/")
    add_workers(shenyang["heping"], 18, 100)
    many = count_queries(client, "/staff/people/")
    assert few == many
    assert many <= 8  # session, user, permissions, count, page, unread messages


def test_audit_log_queries_do_not_grow_with_rows(
    client: Client, heping_staff: User, heping_worker: User
) -> None:
    from lingong.accounts.services import reveal_personal_data

    client.force_login(heping_staff)
    reveal_personal_data(actor=heping_staff, person_id=heping_worker.pk)
    few = count_queries(client, "/staff/audit/")
    for _ in range(10):
        reveal_personal_data(actor=heping_staff, person_id=heping_worker.pk)
    assert count_queries(client, "/staff/audit/") == few
