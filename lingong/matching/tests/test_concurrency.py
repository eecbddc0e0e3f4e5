"""Two dispatch rounds running at once (two queue workers, or the loop and the periodic task): the row
locks keep every post within its offers per place and every worker with one offer. Run against the
real PostgreSQL; skipped on SQLite, where writes are serialised anyway (the sequential twin is in
test_dispatch.py)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count
from pytest_django.fixtures import SettingsWrapper

from lingong.accounts.models import User
from lingong.accounts.tests.test_concurrency import in_parallel
from lingong.market.models import Engagement, GigPost
from lingong.market.services import instant as instant_services
from lingong.matching import services
from lingong.matching.tests.conftest import HEPING_LAT, HEPING_LON, KM, MakeWorker

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (make test runs the suite there too)")


def test_parallel_rounds_never_double_offer_nor_exceed_the_room(
    heping_employer: User, make_worker: MakeWorker, settings: SettingsWrapper
) -> None:
    settings.MATCHING_OFFERS_PER_PLACE = 2
    posts = []
    for i in range(3):
        post = instant_services.quick_post(
            actor=heping_employer,
            employer=heping_employer,
            occupation_code="4-09-08-01",
            address="沈阳市和平区南京北街206号",
            wage_fen=20000,
            headcount=1,
            longitude=HEPING_LON,
            latitude=HEPING_LAT + i * 0.5 * KM,
        )
        posts.append(post.pk)
    GigPost.objects.filter(pk__in=posts).update(current_tier=2)
    Engagement.objects.all().delete()  # whatever quick_post's own dispatch sent: start from none
    for i in range(8):
        make_worker(f"工人{i}", km=0.1 * (i + 1))

    def round_(i: int) -> str:
        return str(services.run_dispatch_rounds()["offered"])

    outcomes = in_parallel(4, round_)
    assert sum(int(k) * n for k, n in outcomes.items()) == 6  # all the rounds together: the room, once
    per_post = Counter(dict(Engagement.objects.values_list("post_id").annotate(n=Count("id"))))
    assert all(per_post[p] <= 2 for p in posts) and sum(per_post.values()) == 6
    per_worker = Engagement.objects.values("worker_id").annotate(n=Count("id"))
    assert all(row["n"] == 1 for row in per_worker)
    for post in GigPost.objects.filter(pk__in=posts):
        assert post.confirmed_count <= post.headcount
