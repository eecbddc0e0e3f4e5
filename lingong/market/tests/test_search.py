"""Finding gig posts: Chinese words (jieba), filters, near me by distance, fixed query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from lingong.accounts.models import User
from lingong.core.errors import DomainError
from lingong.market import search
from lingong.market.models import GigPost
from lingong.market.selectors.posts import PAGE_SIZE, GigFilters, haversine_km, map_points, search_gigs
from lingong.market.tests.conftest import HEPING_LAT, HEPING_LON, PostMaker, tomorrow

pytestmark = pytest.mark.django_db


def ids(**filters: Any) -> list[int]:
    return [r.id for r in search_gigs(GigFilters(**filters)).rows]


class TestWords:
    def test_index_text_is_padded_and_distinct(self) -> None:
        text = search.index_text(["保洁员 保洁", "沈阳市和平区"])
        assert text.startswith(" ") and text.endswith(" ")
        tokens = text.split()
        assert len(tokens) == len(set(tokens))
        assert {"保洁", "保洁员", "和平", "和平区"} <= set(tokens)

    def test_filler_words_of_a_spoken_query_are_dropped(self) -> None:
        assert search.query_words("找个保洁的活") == ["保洁"]
        assert search.query_words("  ") == []


class TestChineseSearch:
    def test_words_across_title_occupation_and_place(
        self, heping_employer: User, tiexi_factory: User, make_gig: PostMaker
    ) -> None:
        heping = make_gig(heping_employer, title="商场开荒", description="新店开业前打扫")
        tiexi = make_gig(tiexi_factory, title="车间打扫", address="沈阳市铁西区北二西路")
        # 保洁 is not in either title: it comes from the occupation (保洁员) and its common names.
        assert set(ids(query="保洁")) == {heping.pk, tiexi.pk}
        assert ids(query="保洁 和平区") == [heping.pk]
        assert ids(query="铁西 打扫") == [tiexi.pk]
        assert ids(query="开业") == [heping.pk]  # from the description
        assert ids(query="找个保洁的活") == ids(query="保洁")

    def test_common_names_of_the_occupation_match(self, heping_employer: User, make_gig: PostMaker) -> None:
        post = make_gig(heping_employer, occupation_code="4-10-01-06", title="做饭打扫")  # 家政服务员
        assert ids(query="保姆") == [post.pk]
        assert ids(query="钟点工") == [post.pk]
        assert ids(query="月嫂 铁西") == []

    def test_whole_words_only(self, heping_employer: User, make_gig: PostMaker) -> None:
        make_gig(heping_employer, title="搬家", occupation_code="4-02-05-01")
        # "搬" is in the text but only inside the word "搬家"; a one-character token must match whole.
        assert ids(query="家搬") == []


class TestFilters:
    def test_occupation_includes_its_children(self, heping_employer: User, make_gig: PostMaker) -> None:
        cleaner = make_gig(heping_employer)
        nanny = make_gig(heping_employer, occupation_code="4-10-01-06")
        assert ids(occupation="4-09-08-01") == [cleaner.pk]
        assert ids(occupation="4-09") == [cleaner.pk]
        assert set(ids(occupation="4")) == {cleaner.pk, nanny.pk}

    def test_district_by_county_city_or_province(
        self, heping_employer: User, tiexi_factory: User, make_gig: PostMaker
    ) -> None:
        heping = make_gig(heping_employer)
        tiexi = make_gig(tiexi_factory)
        assert ids(district="210106") == [tiexi.pk]
        assert set(ids(district="210100")) == {heping.pk, tiexi.pk}
        assert set(ids(district="210000")) == {heping.pk, tiexi.pk}
        assert ids(district="210200") == []
        with pytest.raises(DomainError):
            ids(district="2101")

    def test_minimum_day_wage_counts_hours_as_eight(self, heping_employer: User, make_gig: PostMaker) -> None:
        day = make_gig(heping_employer, wage_fen=20000, wage_type="day")
        hour = make_gig(heping_employer, wage_fen=3000, wage_type="hour")  # 240 a day
        make_gig(heping_employer, wage_fen=50, wage_type="piece")
        assert set(ids(min_day_wage_fen=20000)) == {day.pk, hour.pk}
        assert ids(min_day_wage_fen=22000) == [hour.pk]
        assert ids(sort="wage")[:2] == [hour.pk, day.pk]

    def test_open_on_a_day_settlement_and_instant(self, heping_employer: User, make_gig: PostMaker) -> None:
        start = tomorrow()
        week = make_gig(
            heping_employer, start_date=start, end_date=start + dt.timedelta(days=6), settlement="weekly"
        )
        today = make_gig(heping_employer, start_date=start, instant=True)
        assert ids(open_on=start + dt.timedelta(days=3)) == [week.pk]
        assert ids(settlement="weekly") == [week.pk]
        assert ids(instant_only=True) == [today.pk]

    def test_expired_posts_are_not_listed(self, heping_employer: User, make_gig: PostMaker) -> None:
        post = make_gig(heping_employer)
        GigPost.objects.filter(pk=post.pk).update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        assert ids() == []


class TestNearMe:
    def test_sorted_by_distance_within_the_radius(self, heping_employer: User, make_gig: PostMaker) -> None:
        # Points north of the user, about 1.1, 3.3 and 8.9 km away; the last is outside 5 km.
        far = make_gig(heping_employer, longitude=HEPING_LON, latitude=HEPING_LAT + 0.08, title="远")
        near = make_gig(heping_employer, longitude=HEPING_LON, latitude=HEPING_LAT + 0.01, title="近")
        middle = make_gig(heping_employer, longitude=HEPING_LON + 0.04, latitude=HEPING_LAT, title="中")
        make_gig(heping_employer, title="没有坐标")
        page = search_gigs(GigFilters(longitude=HEPING_LON, latitude=HEPING_LAT, radius_km=5))
        assert [r.id for r in page.rows] == [near.pk, middle.pk]
        assert page.count == 2
        assert page.rows[0].distance_km == pytest.approx(1.11, abs=0.01)
        assert page.rows[1].distance_km == pytest.approx(3.32, abs=0.02)
        wide = search_gigs(GigFilters(longitude=HEPING_LON, latitude=HEPING_LAT, radius_km=10))
        assert [r.id for r in wide.rows] == [near.pk, middle.pk, far.pk]

    def test_haversine_matches_a_known_distance(self) -> None:
        # Shenyang to Dalian city centres: about 345 km as the crow flies (the road is about 380).
        assert haversine_km(123.4650, 41.6773, 121.6148, 38.9141) == pytest.approx(345, abs=1)
        # One degree of latitude is 111.2 km on the mean sphere.
        assert haversine_km(123.0, 41.0, 123.0, 42.0) == pytest.approx(111.2, abs=0.1)

    def test_map_puts_north_up_and_the_radius_on_the_edge(
        self, heping_employer: User, make_gig: PostMaker
    ) -> None:
        make_gig(heping_employer, longitude=HEPING_LON, latitude=HEPING_LAT + 5 / 111.32)
        page = search_gigs(GigFilters(longitude=HEPING_LON, latitude=HEPING_LAT, radius_km=5))
        [point] = map_points(page.rows, longitude=HEPING_LON, latitude=HEPING_LAT, radius_km=5, size=300)
        assert (point.x, point.y) == (150.0, pytest.approx(0.0, abs=0.2))


class TestQueryCount:
    def test_list_queries_do_not_grow_with_results(
        self, heping_employer: User, tiexi_factory: User, make_gig: PostMaker, django_assert_num_queries: Any
    ) -> None:
        for i in range(3):
            make_gig(heping_employer if i % 2 else tiexi_factory, longitude=HEPING_LON, latitude=HEPING_LAT)
        with django_assert_num_queries(2):  # count, page
            few = search_gigs(GigFilters(query="保洁"))
        with django_assert_num_queries(2):  # ids and coordinates, the page's posts
            search_gigs(GigFilters(longitude=HEPING_LON, latitude=HEPING_LAT))
        for i in range(PAGE_SIZE + 2):
            make_gig(heping_employer if i % 2 else tiexi_factory, longitude=HEPING_LON, latitude=HEPING_LAT)
        with django_assert_num_queries(2):
            many = search_gigs(GigFilters(query="保洁"))
        with django_assert_num_queries(2):
            near = search_gigs(GigFilters(longitude=HEPING_LON, latitude=HEPING_LAT), page=2)
        assert (few.count, many.count, len(many.rows), many.num_pages) == (3, 25, 20, 2)
        assert len(near.rows) == 5
