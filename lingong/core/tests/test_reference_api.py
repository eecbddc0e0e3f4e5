"""The public reference API under /api/v1/reference."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

BASE = "/api/v1/reference"


class TestDivisions:
    def test_children_of_a_city(self, client: Client) -> None:
        data = client.get(f"{BASE}/divisions", {"parent": "210100"}).json()
        codes = [d["code"] for d in data["items"]]
        assert {"210102", "210106"} <= set(codes)
        assert data["count"] == len(codes) == 13
        assert all(d["parent_code"] == "210100" for d in data["items"])

    def test_provinces_paginated(self, client: Client, django_assert_num_queries: Any) -> None:
        with django_assert_num_queries(2):
            data = client.get(f"{BASE}/divisions", {"level": "province", "limit": "10"}).json()
        assert data["count"] == 34
        assert [d["code"] for d in data["items"]][:2] == ["110000", "120000"]
        assert len(data["items"]) == 10

    def test_search_by_name(self, client: Client) -> None:
        data = client.get(f"{BASE}/divisions", {"q": "和平区"}).json()
        names = {d["full_name"] for d in data["items"]}
        assert {"辽宁省沈阳市和平区", "天津市和平区"} <= names

    def test_detail(self, client: Client) -> None:
        data = client.get(f"{BASE}/divisions/210102").json()
        assert data["full_name"] == "辽宁省沈阳市和平区"
        assert data["parent_code"] == "210100"
        assert data["level"] == "county"
        assert 123 < data["longitude"] < 124

    @pytest.mark.parametrize(
        ("url", "status", "code"),
        [
            ("/divisions/999999", 404, "division_not_found"),
            ("/divisions/21010", 400, "division_code_invalid"),
            ("/divisions?parent=999999", 404, "division_not_found"),
            ("/divisions?level=town", 400, "division_level_invalid"),
        ],
    )
    def test_bad_input(self, client: Client, url: str, status: int, code: str) -> None:
        response = client.get(BASE + url)
        assert response.status_code == status
        body = response.json()
        assert body["code"] == code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])


class TestOccupations:
    def test_search(self, client: Client) -> None:
        items = client.get(f"{BASE}/occupations", {"q": "外卖"}).json()
        assert items[0]["code"] == "4-10-08-01"
        assert items[0]["name"] == "网约配送员"
        assert "外卖骑手" in items[0]["aliases"]
        assert items[0]["is_new"] is True

    def test_without_a_query_lists_common_occupations(self, client: Client) -> None:
        items = client.get(f"{BASE}/occupations", {"limit": "50"}).json()
        assert len(items) == 50
        assert all(i["common_in_flexible_work"] and i["code"].count("-") == 3 for i in items)

    def test_limit_is_bounded(self, client: Client) -> None:
        response = client.get(f"{BASE}/occupations", {"q": "工", "limit": "500"})
        assert (response.status_code, response.json()["code"]) == (400, "limit_invalid")


class TestDeadline:
    def test_known_year(self, client: Client) -> None:
        data = client.get(f"{BASE}/working-days/deadline", {"start": "2026-09-30", "days": "7"}).json()
        assert data == {"start": "2026-09-30", "days": 7, "date": "2026-10-15", "provisional": False}

    def test_unpublished_year_is_provisional(self, client: Client) -> None:
        data = client.get(f"{BASE}/working-days/deadline", {"start": "2027-03-01"}).json()
        assert (data["days"], data["provisional"]) == (7, True)

    def test_bad_input(self, client: Client) -> None:
        response = client.get(f"{BASE}/working-days/deadline", {"start": "2026-09-30", "days": "-1"})
        assert (response.status_code, response.json()["code"]) == (400, "days_invalid")
        response = client.get(f"{BASE}/working-days/deadline", {"start": "2026-13-01"})
        assert (response.status_code, response.json()["code"]) == (422, "invalid_input")
