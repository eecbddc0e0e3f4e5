"""POST /api/v1/policy/evaluate: a person's facts in, every policy of the region out with its answer,
amount in fen and yuan, duration, cited reasons and failed conditions; bad input gets a Chinese
message and a stable code. And the application endpoints around it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from lingong.accounts.models import User
from lingong.policy.tests.conftest import SI

pytestmark = pytest.mark.django_db

GRADUATE = {
    "birth_date": "2002-05-01",
    "sex": "female",
    "retirement_category": "female_cadre_55",
    "groups": ["recent_graduate", "college_graduate"],
    "graduation_date": "2025-06-30",
    "flexible_employment_registered_on": "2025-09-01",
    "flexible_employment_region": "210102",
    "part_time": True,
    "si_contribution_fen": 90000,
}


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def client(graduate: User) -> Client:
    c = Client()
    c.force_login(graduate)
    return c


def test_every_policy_of_the_region_with_its_answer(client: Client) -> None:
    response = post(
        client, "/api/v1/policy/evaluate", {"region": "210102", "as_of": "2026-09-30", "facts": GRADUATE}
    )
    assert response.status_code == 200
    body = response.json()
    answers = {p["policy"]: p for p in body["policies"]}
    assert SI in answers and "liaoning.startup_guarantee_loan" in answers
    assert not any(key.startswith(("qinghai.", "guangxi.")) for key in answers)
    si = answers[SI]
    assert si["eligible"] is True
    assert (si["amount_fen"], si["amount_yuan"], si["amount_unit"], si["months"]) == (
        60000,
        "600.00",
        "month",
        24,
    )
    assert si["failed"] == []
    assert {c["reference"] for c in si["reasons"]} == {"辽人社〔2022〕22号 第十一条"}
    assert any(p["key"] == "social_insurance_subsidy.max_share" for p in si["parameters"])
    site = answers["liaoning.startup_site_subsidy"]
    assert site["eligible"] is False
    assert [c["name"] for c in site["failed"]] == ["individual_business"]


def test_a_business_one_month_short_gets_its_eligible_from_date(client: Client) -> None:
    facts = {
        **GRADUATE,
        "business_kind": "individual",
        "business_registered_on": "2025-11-01",
        "business_region": "630102",
        "business_operating_normally": True,
        "groups": ["recent_graduate"],
    }
    body = post(
        client, "/api/v1/policy/evaluate", {"region": "630102", "as_of": "2026-10-01", "facts": facts}
    ).json()
    answers = {p["policy"]: p for p in body["policies"]}
    startup = next(p for k, p in answers.items() if "startup_subsidy" in k)
    assert startup["eligible"] is False
    assert startup["eligible_from"] == "2026-11-01"


def test_the_ledger_in_the_request_counts_against_the_cap(client: Client) -> None:
    ledger = [{"benefit": "social_insurance_subsidy", "granted_on": "2025-10-01", "months": 20}]
    body = post(
        client,
        "/api/v1/policy/evaluate",
        {"region": "210102", "as_of": "2026-09-30", "facts": GRADUATE, "ledger": ledger},
    ).json()
    si = next(p for p in body["policies"] if p["policy"] == SI)
    assert si["months"] == 4


@pytest.mark.parametrize(
    ("body", "status", "code", "words"),
    [
        ({"region": "210102", "facts": {"salary": 1}}, 400, "fact_unknown", "不认识的个人情况项"),
        ({"region": "210102", "facts": {"birth_date": "1990-13-01"}}, 400, "fact_invalid", "出生日期"),
        ({"region": "210102", "facts": {"groups": ["astronaut"]}}, 400, "fact_invalid", "未知的类别"),
        ({"region": "210102", "facts": {"si_contribution_fen": -5}}, 400, "fact_invalid", "超出范围"),
        ({"region": "210102", "facts": {"part_time": "maybe"}}, 400, "fact_invalid", "是"),
        ({"region": "21", "facts": {}}, 400, "region_invalid", "6位"),
        ({"region": "210102", "ledger": [{"months": 3}]}, 400, "ledger_invalid", "享受记录"),
        ({"facts": {}}, 422, "invalid_input", "格式不正确"),
    ],
)
def test_bad_input_gets_a_chinese_message_and_a_stable_code(
    client: Client, body: dict[str, Any], status: int, code: str, words: str
) -> None:
    response = post(client, "/api/v1/policy/evaluate", body)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert words in response.json()["message"]


def test_login_or_token_required() -> None:
    response = post(Client(), "/api/v1/policy/evaluate", {"region": "210102", "facts": GRADUATE})
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_platform_facts_prefill_the_answer(client: Client) -> None:
    # Birth date and sex come from the ID number on the account.
    mine = client.get("/api/v1/policy/facts").json()["mine"]
    assert mine["birth_date"] == "2002-05-01" and mine["sex"] == "female"
    assert mine["residence_region"] == "210102"
    body = post(
        client, "/api/v1/policy/evaluate", {"region": "210102", "use_platform": True, "facts": {}}
    ).json()
    assert body["policies"]


def test_apply_then_staff_decide_through_the_api(client: Client, heping_staff: User) -> None:
    response = post(
        client,
        "/api/v1/policy/applications",
        {
            "policy_id": SI,
            "region_code": "210102",
            "facts": {k: v for k, v in GRADUATE.items() if k != "sex"},
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "submitted" and created["amount_yuan"] == "600.00"
    staff = Client()
    staff.force_login(heping_staff)
    assert [a["id"] for a in staff.get("/api/v1/policy/applications/queue").json()] == [created["id"]]
    decided = post(
        staff, f"/api/v1/policy/applications/{created['id']}/decide", {"outcome": "approved"}
    ).json()
    assert decided["status"] == "approved"
    paid = post(
        staff,
        f"/api/v1/policy/applications/{created['id']}/payments",
        {"first_month": "2026-11-01", "months": 2, "amount_fen": 60000},
    )
    assert paid.status_code == 201
    assert [row["amount_yuan"] for row in paid.json()] == ["600.00", "600.00"]
    mine = client.get(f"/api/v1/policy/applications/{created['id']}").json()
    assert len(mine["ledger"]) == 2


def test_the_queue_is_for_staff(client: Client) -> None:
    response = client.get("/api/v1/policy/applications/queue")
    assert response.status_code == 403
    assert response.json()["code"] == "staff_only"


def test_policies_of_a_region(client: Client) -> None:
    keys = [p["key"] for p in client.get("/api/v1/policy/policies?region=630102&as_of=2026-01-01").json()]
    assert "qinghai.startup_subsidy" in keys
    assert not any(k.startswith(("liaoning.", "guangxi.")) for k in keys)


def test_a_body_that_is_not_json_gets_a_chinese_message(client: Client, heping_worker: User) -> None:
    client.force_login(heping_worker)
    response = client.post("/api/v1/policy/evaluate", "{region: 210102", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_body" and "JSON" in response.json()["message"]
