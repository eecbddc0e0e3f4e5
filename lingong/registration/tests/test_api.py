"""The API under /api/v1/registration, with the pages' rules and the services' error codes."""

from __future__ import annotations

import pytest
from django.test import Client

from lingong.accounts.models import User
from lingong.registration.tests.conftest import CLEANER, NEW_ID

pytestmark = pytest.mark.django_db
BASE = "/api/v1/registration"


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_register_queue_and_close(newcomer: User, heping_staff: User, tiexi_staff: User) -> None:
    worker = login(newcomer)
    body = {
        "id_number": NEW_ID,
        "region_code": "210102",
        "commitment": True,
        "form": "platform",
        "occupation_code": CLEANER,
        "start_date": "2026-01-05",
        "place": "和平区",
    }
    refused = worker.post(
        f"{BASE}/employment", {**body, "has_market_entity": True}, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "market_entity_registered"
    created = worker.post(f"{BASE}/employment", body, content_type="application/json")
    assert created.status_code == 201
    data = created.json()
    assert data["status"] == "received" and data["deadline_provisional"] is False
    again = worker.post(f"{BASE}/employment", body, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "employment_already_open"

    queue = login(heping_staff).get(f"{BASE}/queue").json()
    assert [row["id"] for row in queue] == [data["id"]]
    assert login(tiexi_staff).get(f"{BASE}/queue").json() == []
    assert worker.get(f"{BASE}/queue").json()["code"] == "staff_only"

    url = f"{BASE}/employment/{data['id']}/close"
    assert (
        login(tiexi_staff).post(url, {"outcome": "registered"}, content_type="application/json").status_code
        == 404
    )
    closed = login(heping_staff).post(url, {"outcome": "registered"}, content_type="application/json")
    assert closed.status_code == 200 and closed.json()["status"] == "registered"
    mine = worker.get(f"{BASE}/mine").json()
    assert [row["status"] for row in mine] == ["registered"]
    detail = worker.get(f"{BASE}/employment/{data['id']}").json()
    assert detail["pushes"] == []


def test_unemployment_by_api(heping_worker: User) -> None:
    client = login(heping_worker)
    body = {
        "id_number": "210102196803150024",
        "region_code": "210102",
        "commitment": True,
        "basis": "household",
    }
    first = client.post(f"{BASE}/unemployment", body, content_type="application/json")
    assert first.status_code == 201 and first.json()["status"] == "registered"
    second = client.post(f"{BASE}/unemployment", body, content_type="application/json")
    assert second.status_code == 409 and second.json()["code"] == "unemployment_already_open"
    assert client.get(f"{BASE}/commitment").json()["text"].startswith("本人承诺")


def test_unemployment_with_household_place_and_consent_by_api(heping_worker: User) -> None:
    client = login(heping_worker)
    wording = client.get(f"{BASE}/consent").json()["text"]
    body = {
        "id_number": "210102196803150024",
        "region_code": "210106",
        "commitment": True,
        "basis": "household",
        "household_region_code": "210106",
        "platform_work_consent": True,
    }
    created = client.post(f"{BASE}/unemployment", body, content_type="application/json")
    assert created.status_code == 201
    data = created.json()
    assert (data["status"], data["household_region_code"], data["platform_work_consent"]) == (
        "received",
        "210106",
        True,
    )
    assert data["consent_text"] == wording and data["consented_at"] is not None
    mismatch = client.post(
        f"{BASE}/unemployment", {**body, "household_region_code": "210102"}, content_type="application/json"
    )
    assert mismatch.status_code == 400 and mismatch.json()["code"] == "household_region_mismatch"
