"""A county's staff see and change only people registered in their county: pages, API, selectors."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from lingong.accounts import selectors, services
from lingong.accounts.models import User
from lingong.conftest import PASSWORD
from lingong.core.errors import NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


def login(client: Client, user: User) -> Client:
    response = client.post("/login/", {"phone": user.phone, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    return client


class TestPages:
    def test_list_shows_only_own_county(
        self, client: Client, heping_staff: User, heping_worker: User, tiexi_worker: User
    ) -> None:
        login(client, heping_staff)
        page = client.get("/staff/people/").content.decode()
        assert "张秀兰" in page
        assert "刘洋" not in page

    def test_other_county_detail_is_not_found(
        self, client: Client, heping_staff: User, tiexi_worker: User
    ) -> None:
        login(client, heping_staff)
        response = client.get(f"/staff/people/{tiexi_worker.pk}/")
        assert response.status_code == 404
        assert "不在您的辖区" in response.content.decode()
        assert "刘洋" not in response.content.decode()

    def test_other_county_cannot_be_changed(
        self, client: Client, heping_staff: User, tiexi_worker: User
    ) -> None:
        login(client, heping_staff)
        response = client.post(f"/staff/people/{tiexi_worker.pk}/edit/", {"display_name": "被改的名字"})
        assert response.status_code == 404
        tiexi_worker.refresh_from_db()
        assert tiexi_worker.display_name == "刘洋"

    def test_other_county_personal_data_cannot_be_revealed(
        self, client: Client, heping_staff: User, tiexi_worker: User
    ) -> None:
        login(client, heping_staff)
        response = client.post(f"/staff/people/{tiexi_worker.pk}/reveal/")
        assert response.status_code == 404
        assert "13712345679" not in response.content.decode()

    def test_own_county_can_be_changed(self, client: Client, heping_staff: User, heping_worker: User) -> None:
        login(client, heping_staff)
        response = client.post(
            f"/staff/people/{heping_worker.pk}/edit/", {"address": "辽宁省沈阳市和平区太原街1号"}
        )
        assert response.status_code == 302
        heping_worker.refresh_from_db()
        assert heping_worker.address == "辽宁省沈阳市和平区太原街1号"

    def test_city_staff_see_every_district(
        self, client: Client, city_staff: User, heping_worker: User, tiexi_worker: User
    ) -> None:
        login(client, city_staff)
        page = client.get("/staff/people/").content.decode()
        assert "张秀兰" in page and "刘洋" in page

    def test_worker_cannot_open_staff_pages(self, client: Client, heping_worker: User) -> None:
        heping_worker.set_password(PASSWORD)
        heping_worker.save()
        login(client, heping_worker)
        response = client.get("/staff/people/")
        assert response.status_code == 403


class TestApi:
    def token(self, user: User) -> dict[str, str]:
        _token, key = services.issue_api_token(actor=user, name="测试")
        return {"Authorization": f"Bearer {key}"}

    def test_read_other_county_is_404(self, client: Client, heping_staff: User, tiexi_worker: User) -> None:
        response = client.get(f"/api/v1/people/{tiexi_worker.pk}", headers=self.token(heping_staff))
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    def test_change_other_county_is_404_and_nothing_changes(
        self, client: Client, heping_staff: User, tiexi_worker: User
    ) -> None:
        response = client.patch(
            f"/api/v1/people/{tiexi_worker.pk}",
            data=json.dumps({"display_name": "改名"}),
            content_type="application/json",
            headers=self.token(heping_staff),
        )
        assert response.status_code == 404
        tiexi_worker.refresh_from_db()
        assert tiexi_worker.display_name == "刘洋"

    def test_list_only_own_county(
        self, client: Client, heping_staff: User, heping_worker: User, tiexi_worker: User
    ) -> None:
        response = client.get("/api/v1/people", headers=self.token(heping_staff))
        names = [p["display_name"] for p in response.json()["items"]]
        assert names == ["张秀兰"]

    def test_own_county_masked_by_default(
        self, client: Client, heping_staff: User, heping_worker: User
    ) -> None:
        data = client.get(f"/api/v1/people/{heping_worker.pk}", headers=self.token(heping_staff)).json()
        assert data["phone"] == "138****5678"
        assert data["id_number"] == "210102********0024"

    def test_cannot_register_someone_in_another_county(self, client: Client, heping_staff: User) -> None:
        response = client.post(
            "/api/v1/people",
            data=json.dumps({"display_name": "孙丽", "phone": "13611112222", "region_code": "210106"}),
            content_type="application/json",
            headers=self.token(heping_staff),
        )
        assert response.status_code == 403
        assert response.json()["code"] == "region_out_of_scope"
        assert not User.objects.filter_phone("13611112222").exists()

    def test_move_own_worker_into_other_county_is_refused(
        self, client: Client, heping_staff: User, heping_worker: User
    ) -> None:
        response = client.patch(
            f"/api/v1/people/{heping_worker.pk}",
            data=json.dumps({"region_code": "210106"}),
            content_type="application/json",
            headers=self.token(heping_staff),
        )
        assert response.status_code == 403
        heping_worker.refresh_from_db()
        assert heping_worker.region_id == "210102"

    def test_no_token_is_401_with_code(self, client: Client) -> None:
        response = client.get("/api/v1/people")
        assert response.status_code == 401
        assert response.json() == {"code": "unauthorized", "message": "请先登录，或提供有效的API令牌。"}


class TestSelectors:
    def test_selector_enforces_scope_without_any_view(self, heping_staff: User, tiexi_worker: User) -> None:
        with pytest.raises(NotFound):
            selectors.get_person(actor=heping_staff, person_id=tiexi_worker.pk)
        assert list(selectors.list_people(actor=heping_staff)) == []

    def test_worker_is_not_staff(self, heping_worker: User) -> None:
        with pytest.raises(PermissionDenied):
            selectors.list_people(actor=heping_worker)

    def test_search_by_exact_phone_and_id_number(self, heping_staff: User, heping_worker: User) -> None:
        assert list(selectors.list_people(actor=heping_staff, query="13812345678")) == [heping_worker]
        assert list(selectors.list_people(actor=heping_staff, query="210102196803150024")) == [heping_worker]
        assert list(selectors.list_people(actor=heping_staff, query="1381234")) == []
