"""The must-show race: many people confirm workers for the same post at the same moment, and the post
never gets more workers than it asked for (services.hiring.confirm_worker locks the post row).

Run against the real PostgreSQL with threads, each on its own connection; skipped on SQLite, whose
writes are serialised anyway. test_hiring.test_confirmations_stop_at_the_headcount is the same
scenario run one after another, on both databases.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection, connections
from django.test import Client

from lingong.accounts.models import User
from lingong.core.errors import DomainError
from lingong.core.models import Division, Transition
from lingong.market.models import Engagement, EngagementStatus, GigPost, PostStatus
from lingong.market.services import hiring
from lingong.market.tests.conftest_hiring import MakePost, employer, make_post, make_workers  # noqa: F401

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREADS = 24
PLACES = 3


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (make test runs the suite there too)")


def in_parallel(calls: list[Callable[[], str]]) -> Counter[str]:
    """Run every call in its own thread, all released at once; count the outcomes (or error codes)."""
    barrier = threading.Barrier(len(calls))
    results: list[str] = []
    lock = threading.Lock()

    def run(call: Callable[[], str]) -> None:
        try:
            barrier.wait()
            outcome = call()
        except DomainError as exc:
            outcome = exc.code
        except Exception as exc:  # an unexpected failure must show in the counts
            outcome = f"crash: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return Counter(results)


def test_parallel_confirmations_never_exceed_the_headcount(
    make_post: MakePost,  # noqa: F811
    employer: User,  # noqa: F811
    heping_staff: User,
    city_staff: User,
    shenyang: dict[str, Division],
) -> None:
    post: GigPost = make_post(headcount=PLACES)
    workers = make_workers(THREADS, shenyang["heping"])
    engagement_ids = [hiring.apply(actor=w, post_id=post.pk).pk for w in workers]

    # Clients log in here, before the race, so the threads only confirm.
    api_clients = {}
    for actor in (employer, heping_staff):
        client = Client()
        client.force_login(actor)
        api_clients[actor.pk] = client

    def by_service(actor: User, engagement_id: int) -> Callable[[], str]:
        def call() -> str:
            hiring.confirm_worker(actor=actor, engagement_id=engagement_id)
            return "confirmed"

        return call

    def by_api(client: Client, engagement_id: int) -> Callable[[], str]:
        def call() -> str:
            response = client.post(
                f"/api/v1/market/engagements/{engagement_id}/confirm", content_type="application/json"
            )
            return "confirmed" if response.status_code == 200 else str(response.json()["code"])

        return call

    # A mix: the employer and two staff members through the service, the employer and one staff
    # member through the HTTP API (the Django test client, one per thread's request).
    calls: list[Callable[[], str]] = []
    for i, engagement_id in enumerate(engagement_ids):
        if i % 4 == 0:
            calls.append(by_api(api_clients[employer.pk], engagement_id))
        elif i % 4 == 1:
            calls.append(by_api(api_clients[heping_staff.pk], engagement_id))
        else:
            calls.append(by_service([employer, heping_staff, city_staff][i % 3], engagement_id))

    outcomes = in_parallel(calls)

    assert outcomes == Counter({"confirmed": PLACES, "post_full": THREADS - PLACES})
    post.refresh_from_db()
    assert post.confirmed_count == PLACES
    assert post.status == PostStatus.FILLED
    engagements = Engagement.objects.filter(post=post)
    assert engagements.filter(status=EngagementStatus.CONFIRMED).count() == PLACES
    assert engagements.filter(status=EngagementStatus.APPLIED).count() == THREADS - PLACES
    assert not engagements.filter(status=EngagementStatus.CONFIRMED, confirmed_at__isnull=True).exists()
    confirms = Transition.objects.filter(
        object_type="market.engagement", to_status=EngagementStatus.CONFIRMED
    )
    assert confirms.count() == PLACES
    # No engagement half-moved: every confirmation logged is a confirmed engagement, and the reverse.
    assert {int(t.object_id) for t in confirms} == set(
        engagements.filter(status=EngagementStatus.CONFIRMED).values_list("pk", flat=True)
    )
    assert (
        Transition.objects.filter(
            object_type="market.gigpost", object_id=str(post.pk), to_status="filled"
        ).count()
        == 1
    )


def test_parallel_cancel_and_confirm_keep_the_count_true(
    make_post: MakePost,  # noqa: F811
    employer: User,  # noqa: F811
    shenyang: dict[str, Division],
) -> None:
    """A place freed while others confirm goes to exactly one of them."""
    post: GigPost = make_post(headcount=2)
    workers = make_workers(12, shenyang["heping"])
    ids = [hiring.apply(actor=w, post_id=post.pk).pk for w in workers]
    hiring.confirm_worker(actor=employer, engagement_id=ids[0])
    hiring.confirm_worker(actor=employer, engagement_id=ids[1])

    def cancel() -> str:
        hiring.cancel(actor=employer, engagement_id=ids[0])
        return "cancelled"

    def confirm(engagement_id: int) -> Callable[[], str]:
        return lambda: (hiring.confirm_worker(actor=employer, engagement_id=engagement_id), "confirmed")[1]

    outcomes = in_parallel([cancel, *(confirm(i) for i in ids[2:])])
    assert outcomes["cancelled"] == 1
    assert outcomes["confirmed"] <= 1
    post.refresh_from_db()
    confirmed = Engagement.objects.filter(post=post, status=EngagementStatus.CONFIRMED).count()
    assert post.confirmed_count == confirmed == 1 + outcomes["confirmed"]
    assert post.status == (PostStatus.FILLED if confirmed == 2 else PostStatus.PUBLISHED)
