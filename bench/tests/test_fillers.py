"""The benchmarks' database fillers still match the schema, and what they fill loads as the benchmarks read
it: a migration that adds a required column must not leave ``bench.matching_db`` or ``bench.policy_db``
failing at their first statement (as a new account column once did). A few rows, in the test database."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.db import connection

from bench import matching_db, policy_db

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the fillers write PostgreSQL's SQL (generate_series); make test runs this there too")


def test_the_matching_filler_gives_workers_the_index_loads_and_finds() -> None:
    from lingong.accounts.models import User
    from lingong.matching import feed
    from lingong.matching.engine import Post, WorkerIndex

    matching_db._fill(60, analyze=False)
    columns = feed.load_worker_columns()
    # One account in 50 is filled inactive (numbers 7, 57, ...): the loader leaves those out.
    active = User.objects.filter(phone_index__startswith=matching_db.MARK, is_active=True)
    assert active.count() == 58
    assert sorted(np.asarray(columns.id).tolist()) == sorted(active.values_list("pk", flat=True))
    index = WorkerIndex.from_columns(columns)
    assert len(index) == 58
    # The filled positions lie in a 0.4 x 0.5 degree box north-east of Shenyang's centre; a post in the
    # middle of it, for the trade most of them hold, finds some of them.
    code = columns.codes[int(np.bincount(np.asarray(columns.occupation_codes)).argmax())]
    assert index.top_workers(Post(1, 41.9, 123.45, code), 5)


def test_the_policy_filler_gives_persons_whose_facts_load_alike_both_ways() -> None:
    from lingong.policy import facts

    policy_db._fill(50, analyze=False)
    as_of = dt.date(2026, 11, 23)
    fast_ids, fast = facts.registry_columns("21", as_of=as_of)
    base_ids, base = policy_db._values_load(as_of, 50)
    assert len(fast_ids) == 50
    assert policy_db._same_facts(fast_ids, fast, base_ids, base) == []
