"""Fixtures and helpers of the work tests (attendance, wages, ratings, reliability, work record): a post
with a site in Heping, workers confirmed on it, and a day's work done through the real services.

Test modules import what they use by name (like conftest_hiring); this module holds no tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lingong.accounts.models import User
from lingong.core.errors import DomainError
from lingong.market.models import Engagement, GigPost
from lingong.market.services import hiring, work
from lingong.market.tests.conftest_hiring import MakePost, employer, make_post  # noqa: F401

# The site of the gig: 南京北街, Heping, Shenyang.
SITE_LON, SITE_LAT = 123.4315, 41.8057
#: About 1.2 km due north of the site.
FAR_LAT = SITE_LAT + 0.0108


def at(hour: int, minute: int = 0, *, days: int = 0) -> dt.datetime:
    """Today (plus ``days``) at ``hour:minute``, Shenyang time."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=work.WORK_TZ)


def code_for(post: GigPost, when: dt.datetime) -> str:
    post.refresh_from_db()
    work.ensure_checkin_secret(post)
    return work.checkin_code(post, work.work_day(when))


def error_code(fn: Callable[..., Any], **kwargs: Any) -> str:
    with pytest.raises(DomainError) as exc:
        fn(**kwargs)
    return exc.value.code


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def site_post(make_post: MakePost) -> GigPost:  # noqa: F811
    """家庭保洁3人: today and tomorrow at 180 yuan a day, check-in within 300 m of the site."""
    post = make_post()
    GigPost.objects.filter(pk=post.pk).update(longitude=SITE_LON, latitude=SITE_LAT, checkin_radius_m=300)
    post.refresh_from_db()
    return post


def set_wage(post: GigPost, *, fen: int, kind: str) -> None:
    """Change the post's wage before anyone applies (the engagement takes the wage at applying)."""
    GigPost.objects.filter(pk=post.pk).update(wage_fen=fen, wage_type=kind)


def confirm(post: GigPost, worker: User) -> Engagement:
    engagement = hiring.apply(actor=worker, post_id=post.pk)
    return hiring.confirm_worker(actor=post.employer, engagement_id=engagement.pk)


def attend(engagement: Engagement, start: dt.datetime, end: dt.datetime) -> Engagement:
    """Check in at ``start`` and out at ``end``, both on the site."""
    post = engagement.post
    worker = engagement.worker
    work.check_in(
        actor=worker,
        post_id=post.pk,
        code=code_for(post, start),
        longitude=SITE_LON,
        latitude=SITE_LAT,
        at=start,
    )
    return work.check_out(
        actor=worker, post_id=post.pk, code=code_for(post, end), longitude=SITE_LON, latitude=SITE_LAT, at=end
    )


def complete(
    post: GigPost, worker: User, *, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> Engagement:
    """A whole day's work, 08:00 to 16:00 today, approved by the employer."""
    engagement = attend(confirm(post, worker), start or at(8), end or at(16))
    return work.approve_hours(actor=post.employer, engagement_id=engagement.pk)
