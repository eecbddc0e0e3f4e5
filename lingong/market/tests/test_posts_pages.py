"""The gig pages a worker and an employer use on a phone, and the staff review queue."""

from __future__ import annotations

import pytest
from django.test import Client

from lingong.accounts.models import User
from lingong.market.models import GigPost, PostStatus
from lingong.market.tests.conftest import HEPING_LAT, HEPING_LON, PostMaker, tomorrow

pytestmark = pytest.mark.django_db


def form(**changes: str) -> dict[str, str]:
    start = tomorrow().isoformat()
    data = {
        "occupation_code": "4-09-08-01",
        "region_code": "210102",
        "address": "沈阳市和平区中华路",
        "start_date": start,
        "end_date": start,
        "headcount": "2",
        "wage": "200",
        "wage_type": "day",
        "settlement": "same_day",
    }
    data.update(changes)
    return data


class TestSearchPage:
    def test_anyone_searches_without_logging_in(
        self, client: Client, heping_employer: User, make_gig: PostMaker
    ) -> None:
        post = make_gig(heping_employer, title="中街商场保洁")
        response = client.get("/market/gigs/", {"q": "保洁 和平区"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "中街商场保洁" in html
        assert "未核验" in html
        assert f"/market/gigs/{post.pk}/" in html
        assert 'name="lon"' in html and "和平区" in html  # the hidden fields and the district select
        assert "没有符合条件" in client.get("/market/gigs/", {"q": "月嫂"}).content.decode()

    def test_map_view_draws_points_around_the_user(
        self, client: Client, heping_employer: User, make_gig: PostMaker
    ) -> None:
        make_gig(heping_employer, longitude=HEPING_LON, latitude=HEPING_LAT + 0.01)
        html = client.get(
            "/market/gigs/", {"lon": str(HEPING_LON), "lat": str(HEPING_LAT), "radius": "5", "view": "map"}
        ).content.decode()
        assert "<svg" in html and 'class="gig"' in html and "km</strong>" in html

    def test_bad_filter_is_explained(self, client: Client) -> None:
        response = client.get("/market/gigs/", {"min_wage": "abc"})
        assert response.status_code == 400
        assert "工资" in response.content.decode()


class TestDetailPage:
    def test_masked_for_a_worker_full_for_the_owner(
        self, client: Client, heping_employer: User, heping_worker: User, make_gig: PostMaker
    ) -> None:
        post = make_gig(heping_employer)
        client.force_login(heping_worker)
        html = client.get(f"/market/gigs/{post.pk}/").content.decode()
        assert "136****0001" in html and "13600000001" not in html
        client.force_login(heping_employer)
        html = client.get(f"/market/gigs/{post.pk}/").content.decode()
        assert "tel:13600000001" in html and "关闭招聘" in html


class TestPostForm:
    def test_employer_posts_in_one_go(self, client: Client, heping_employer: User) -> None:
        client.force_login(heping_employer)
        assert client.get("/market/gigs/new/").status_code == 200
        response = client.post("/market/gigs/new/", form())
        post = GigPost.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/market/gigs/{post.pk}/"
        assert (post.title, post.status) == ("招保洁员2人", PostStatus.PUBLISHED)
        assert "招保洁员2人" in client.get("/market/gigs/mine/").content.decode()

    def test_errors_are_shown_in_chinese_and_the_input_kept(
        self, client: Client, heping_employer: User
    ) -> None:
        client.force_login(heping_employer)
        response = client.post("/market/gigs/new/", form(end_date="2020-01-01", address="中华路88号"))
        html = response.content.decode()
        assert response.status_code == 400
        assert "结束日期不能早于开始日期" in html
        assert 'value="中华路88号"' in html
        assert not GigPost.objects.exists()

    def test_low_wage_goes_to_review_and_says_why(self, client: Client, heping_employer: User) -> None:
        client.force_login(heping_employer)
        response = client.post("/market/gigs/new/", form(wage="120"), follow=True)
        assert "等待工作人员审核" in response.content.decode()
        assert GigPost.objects.get().status == PostStatus.IN_REVIEW

    def test_workers_are_told_to_use_an_employer_account(self, client: Client, heping_worker: User) -> None:
        client.force_login(heping_worker)
        assert client.get("/market/gigs/new/").status_code == 400

    def test_login_required(self, client: Client) -> None:
        assert client.get("/market/gigs/new/").status_code == 302


class TestReviewPage:
    def test_staff_approve_and_reject_with_a_reason(
        self, client: Client, heping_employer: User, heping_staff: User, make_gig: PostMaker
    ) -> None:
        low = make_gig(heping_employer, wage_fen=15000)
        other = make_gig(heping_employer, wage_fen=15000, title="另一条")
        client.force_login(heping_staff)
        html = client.get("/market/review/").content.decode()
        assert "工资低于当地小时最低工资标准" in html and "另一条" in html
        client.post(f"/market/review/gig/{low.pk}/approve/")
        response = client.post(f"/market/review/gig/{other.pk}/reject/", {"reason": ""})
        assert response.status_code == 400
        client.post(f"/market/review/gig/{other.pk}/reject/", {"reason": "请按最低工资标准修改"})
        statuses = dict(GigPost.objects.values_list("pk", "status"))
        assert statuses == {low.pk: "published", other.pk: "rejected"}

    def test_other_county_staff_get_404(
        self, client: Client, heping_employer: User, tiexi_staff: User, make_gig: PostMaker
    ) -> None:
        post = make_gig(heping_employer, wage_fen=15000)
        client.force_login(tiexi_staff)
        assert "没有待审核的零工招聘" in client.get("/market/review/").content.decode()
        assert client.post(f"/market/review/gig/{post.pk}/approve/").status_code == 404
