"""Every case of the policy YAML test files (OpenFisca format), each its own test id."""

from __future__ import annotations

import pytest

from lingong.policy.engine import default_yaml_paths, load_parameters
from lingong.policy.engine.yamltests import load_cases, run_case

CASES = load_cases(default_yaml_paths())


@pytest.mark.parametrize(
    "case",
    [c for _, c in CASES],
    ids=[f"{f.removesuffix('.yaml')}::{c.get('name', i)}" for i, (f, c) in enumerate(CASES)],
)
def test_yaml_case(case):
    problems = run_case(case, store=load_parameters())
    assert not problems, "\n".join(problems)


def test_every_policy_has_a_yaml_file_and_cases():
    from lingong.policy.engine.rules import REGISTRY

    covered = {key for _, case in CASES for key in (case.get("output") or {})}
    missing = sorted(set(REGISTRY) - covered)
    assert not missing, f"policies without YAML cases: {missing}"


def test_run_yaml_tests_reports_a_failing_case(tmp_path):
    from lingong.policy.engine import run_yaml_tests

    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "- name: 故意写错的期望\n"
        "  period: 2024-03\n"
        '  region: "210102"\n'
        "  input: {groups: [employment_difficulty]}\n"
        "  output:\n"
        "    liaoning.social_insurance_subsidy: {eligible: true}\n",
        encoding="utf-8",
    )
    [result] = run_yaml_tests([bad])
    assert not result.passed
    assert "eligible" in result.messages[0]


def test_run_yaml_tests_runs_every_shipped_case():
    from lingong.policy.engine import run_yaml_tests

    results = run_yaml_tests()
    assert len(results) == len(CASES) > 100
    assert all(r.passed for r in results), [r for r in results if not r.passed]


def test_one_file_per_policy():
    for file_name, case in CASES:
        keys = {k for k in (case.get("output") or {}) if not k.startswith("_")}
        if file_name == "retirement_age.yaml":
            assert not keys, case["name"]
        else:
            assert {k.replace(".", "_") + ".yaml" for k in keys} == {file_name}, (file_name, case["name"])
