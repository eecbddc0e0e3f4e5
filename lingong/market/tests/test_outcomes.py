"""Outcome figures of gig posts (即时快招's "即时确认结果、当日到岗", 辽人社〔2022〕22号 第七条), on a
hand-made set of posts whose figures are worked out below."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from lingong.accounts.models import User
from lingong.core.errors import DomainError
from lingong.core.models import Division, Occupation
from lingong.market.models import GigPost, PostStatus, Settlement, WageType
from lingong.market.selectors.outcomes import outcomes

pytestmark = pytest.mark.django_db

CLEANER = "4-09-08-01"
NANNY = "4-10-01-06"
DAY = timezone.localdate() - dt.timedelta(days=3)
FROM, TO = DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=1)


def at(minutes: float) -> dt.datetime:
    """``minutes`` after 08:00 on ``DAY``, local time."""
    return timezone.make_aware(dt.datetime.combine(DAY, dt.time(8))) + dt.timedelta(minutes=minutes)


def make(
    employer: User,
    region: Division,
    *,
    places: int,
    confirmed: int,
    fill: float | None = None,
    first: float | None = None,
    check_in: float | None = None,
    occupation: str = CLEANER,
    instant: bool = True,
    status: str = PostStatus.PUBLISHED,
    created: dt.datetime | None = None,
) -> GigPost:
    """A post published at 08:00 on ``DAY``: full after ``fill`` minutes, first confirmed after
    ``first``, first check-in after ``check_in``."""
    return GigPost.objects.create(
        employer=employer,
        occupation=Occupation.objects.get(code=occupation),
        title=f"{region.name}{places}人",
        region=region,
        address="沈阳市",
        start_date=DAY,
        end_date=DAY,
        wage_fen=20000,
        wage_type=WageType.DAY,
        settlement=Settlement.SAME_DAY,
        headcount=places,
        confirmed_count=confirmed,
        status=PostStatus.FILLED if places == confirmed and status == PostStatus.PUBLISHED else status,
        instant=instant,
        created_at=created or at(0),
        expires_at=at(24 * 60),
        filled_at=None if fill is None else at(fill),
        first_confirmed_at=None if first is None else at(first),
        first_check_in_at=None if check_in is None else at(check_in),
        contact_phone="13600000001",
    )


@pytest.fixture
def posts(shenyang: dict[str, Division], heping_employer: User, tiexi_factory: User) -> dict[str, GigPost]:
    heping, tiexi = shenyang["heping"], shenyang["tiexi"]
    return {
        # Heping: 10 places, 5 filled (50 %); to fill 30, 10 (first confirmation), 90 → median 30,
        # mean 43.3; to start 60 and 100 → median 80, mean 80.
        "h1": make(heping_employer, heping, places=2, confirmed=2, fill=30, first=5, check_in=60),
        "h2": make(heping_employer, heping, places=4, confirmed=1, first=10, instant=False),
        "h3": make(heping_employer, heping, places=2, confirmed=0),
        "h4": make(
            heping_employer, heping, places=2, confirmed=2, fill=90, first=20, check_in=100, occupation=NANNY
        ),
        # Tiexi: 1 place, filled in 45 minutes, started after 120.
        "t1": make(tiexi_factory, tiexi, places=1, confirmed=1, fill=45, first=45, check_in=120),
        # Not counted: still in review, and published before the range.
        "review": make(heping_employer, heping, places=5, confirmed=0, status=PostStatus.IN_REVIEW),
        "old": make(heping_employer, heping, places=5, confirmed=0, created=at(0) - dt.timedelta(days=30)),
    }


def _figures(row: Any) -> tuple[Any, ...]:
    return (
        row.label,
        row.posts,
        row.places,
        row.filled,
        row.fill_rate,
        row.median_fill_minutes,
        row.mean_fill_minutes,
        row.median_start_minutes,
        row.mean_start_minutes,
    )


def test_figures_by_district_for_city_staff(city_staff: User, posts: dict[str, GigPost]) -> None:
    result = outcomes(actor=city_staff, by="district", date_from=FROM, date_to=TO)
    assert [_figures(r) for r in result.rows] == [
        ("和平区", 4, 10, 5, 0.5, 30.0, 43.3, 80.0, 80.0),
        ("铁西区", 1, 1, 1, 1.0, 45.0, 45.0, 120.0, 120.0),
    ]
    # All five: to fill 30, 10, 90, 45 → median 37.5, mean 43.75; to start 60, 100, 120.
    assert _figures(result.total) == ("合计", 5, 11, 6, 6 / 11, 37.5, 43.8, 100.0, 93.3)


def test_figures_by_occupation_by_post_and_instant_only(city_staff: User, posts: dict[str, GigPost]) -> None:
    by_trade = outcomes(actor=city_staff, by="occupation", date_from=FROM, date_to=TO)
    assert [(r.key, r.posts, r.places, r.filled) for r in by_trade.rows] == [
        (CLEANER, 4, 9, 4),
        (NANNY, 1, 2, 2),
    ]
    by_post = outcomes(actor=city_staff, by="post", date_from=FROM, date_to=TO)
    h2 = next(r for r in by_post.rows if r.key == str(posts["h2"].pk))
    assert (h2.fill_rate, h2.median_fill_minutes, h2.median_start_minutes) == (0.25, 10.0, None)
    instant = outcomes(actor=city_staff, by="district", date_from=FROM, date_to=TO, instant=True)
    assert [(r.label, r.posts, r.places) for r in instant.rows] == [("和平区", 3, 6), ("铁西区", 1, 1)]


def test_staff_of_one_county_see_only_their_county(
    heping_staff: User, tiexi_staff: User, posts: dict[str, GigPost]
) -> None:
    heping = outcomes(actor=heping_staff, by="district", date_from=FROM, date_to=TO)
    assert [r.label for r in heping.rows] == ["和平区"] and heping.total.posts == 4
    tiexi = outcomes(actor=tiexi_staff, by="post", date_from=FROM, date_to=TO)
    assert [r.key for r in tiexi.rows] == [str(posts["t1"].pk)]


def test_only_staff_and_sensible_ranges(heping_worker: User, heping_staff: User) -> None:
    for actor, kwargs, code in (
        (heping_worker, {}, "staff_only"),
        (heping_staff, {"by": "grade"}, "by_invalid"),
        (heping_staff, {"date_from": TO, "date_to": FROM}, "range_invalid"),
        (heping_staff, {"date_from": FROM - dt.timedelta(days=400)}, "range_too_long"),
    ):
        with pytest.raises(DomainError) as exc:
            outcomes(actor=actor, **({"date_from": FROM, "date_to": TO} | kwargs))
        assert exc.value.code == code


def test_the_query_count_does_not_grow_with_the_posts(
    city_staff: User,
    posts: dict[str, GigPost],
    heping_employer: User,
    shenyang: dict[str, Division],
    django_assert_num_queries: Any,
) -> None:
    assert city_staff.region is not None  # loaded once per request by the session's user
    with django_assert_num_queries(2):
        outcomes(actor=city_staff, by="district", date_from=FROM, date_to=TO)
    for _ in range(20):
        make(heping_employer, shenyang["heping"], places=3, confirmed=1, first=15, check_in=40)
    with django_assert_num_queries(2):
        result = outcomes(actor=city_staff, by="post", date_from=FROM, date_to=TO)
    assert result.total.posts == 25


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_api_page_chart_and_export(
    heping_staff: User, heping_worker: User, posts: dict[str, GigPost]
) -> None:
    client = _client(heping_staff)
    r = client.get(
        "/api/v1/market/outcomes", {"by": "district", "from": FROM.isoformat(), "to": TO.isoformat()}
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert [(row["label"], row["fill_rate"], row["median_fill_minutes"]) for row in body["rows"]] == [
        ("和平区", 0.5, 30.0)
    ]
    assert body["total"]["posts"] == 4
    r = _client(heping_worker).get("/api/v1/market/outcomes")
    assert (r.status_code, r.json()["code"]) == (403, "staff_only")

    page = client.get("/market/outcomes/", {"from": FROM.isoformat(), "to": TO.isoformat()}).content.decode()
    assert "<svg" in page and 'width="160"' in page and "50.0%" in page  # half of the 320 px bar

    r = client.get("/market/outcomes/", {"from": FROM.isoformat(), "to": TO.isoformat(), "format": "xlsx"})
    assert r.status_code == 200
    sheet = load_workbook(filename=io.BytesIO(r.getvalue())).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("分组", "发布数", "招聘人数", "已确认人数", "招满率")
    assert rows[1][:6] == ("和平区", 4, 10, 5, 0.5, 30)
    assert rows[-1][0] == "合计"
