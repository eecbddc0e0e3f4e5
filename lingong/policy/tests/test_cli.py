"""`lingong policy evaluate --region CODE --as-of DATE person.json` prints what the API answers;
`lingong policy test` runs the policies' YAML tests."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from lingong.accounts.models import User
from lingong.policy.tests.test_api import GRADUATE

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("policy", *args, stdout=out)
    return out.getvalue()


def test_evaluate_prints_the_same_json_as_the_api(tmp_path: Path, graduate: User) -> None:
    person = tmp_path / "person.json"
    person.write_text(json.dumps(GRADUATE, ensure_ascii=False), encoding="utf-8")
    printed = json.loads(run("evaluate", "--region", "210102", "--as-of", "2026-09-30", str(person)))
    client = Client()
    client.force_login(graduate)
    answered = client.post(
        "/api/v1/policy/evaluate",
        data=json.dumps({"region": "210102", "as_of": "2026-09-30", "facts": GRADUATE}),
        content_type="application/json",
    ).json()
    assert printed == answered
    si = next(p for p in printed["policies"] if p["policy"] == "liaoning.social_insurance_subsidy")
    assert si["amount_yuan"] == "600.00"


def test_evaluate_takes_the_api_body_with_a_ledger(tmp_path: Path) -> None:
    body = {
        "facts": GRADUATE,
        "ledger": [{"benefit": "social_insurance_subsidy", "granted_on": "2025-10-01", "months": 24}],
    }
    person = tmp_path / "case.json"
    person.write_text(json.dumps(body), encoding="utf-8")
    printed = json.loads(run("evaluate", "--region", "210102", "--as-of", "2026-09-30", str(person)))
    si = next(p for p in printed["policies"] if p["policy"] == "liaoning.social_insurance_subsidy")
    assert si["eligible"] is False
    assert [c["name"] for c in si["failed"]] == ["months_remaining"]


def test_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    person = tmp_path / "person.json"
    person.write_text(json.dumps({"birth_date": "yesterday"}), encoding="utf-8")
    with pytest.raises(CommandError, match=r"出生日期.*fact_invalid"):
        run("evaluate", "--region", "210102", str(person))
    with pytest.raises(CommandError, match="无法读取"):
        run("evaluate", "--region", "210102", str(tmp_path / "missing.json"))


def test_policy_test_runs_the_yaml_tests() -> None:
    printed = run("test")
    assert "0 失败" in printed


def test_policy_test_fails_on_a_failing_case(tmp_path: Path) -> None:
    case = tmp_path / "wrong.yaml"
    case.write_text(
        "- name: 故意写错的期望\n"
        "  period: 2026-09\n"
        "  region: '210102'\n"
        "  input: {birth_date: 2002-05-01, sex: female, groups: [recent_graduate],\n"
        "          graduation_date: 2025-06-30,\n"
        "          flexible_employment_registered_on: 2025-09-01, flexible_employment_region: '210102',\n"
        "          part_time: true, si_contribution_fen: 90000, retirement_category: female_cadre_55}\n"
        "  output:\n"
        "    liaoning.social_insurance_subsidy: {eligible: true, amount_fen: 1}\n",
        encoding="utf-8",
    )
    out = StringIO()
    with pytest.raises(CommandError, match="1 例YAML测试失败"):
        call_command("policy", "test", str(case), stdout=out)
    assert "故意写错的期望" in out.getvalue()
