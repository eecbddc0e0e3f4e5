"""The engine is a pure library: no Django, and parameters behave as dated, cited, delegated data."""

from __future__ import annotations

import ast
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from lingong.policy.engine import (
    FACTS,
    GROUPS,
    TEN_LOAN_GROUPS,
    ParameterValue,
    Person,
    PolicyEngineError,
    evaluate,
    facts_from_id_number,
    jurisdiction_chain,
    load_parameters,
    policies_for,
)

ENGINE = Path(__file__).resolve().parents[1]


def _value(store, key, region, on, published_by=None):
    found = store.resolve(key, region, on, published_by)
    assert found is not None
    return found.value


def test_no_django_import_anywhere_in_the_engine():
    for path in ENGINE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] == "django" for n in names), f"{path} imports Django"
            assert not any(
                n.startswith("lingong.") and not n.startswith("lingong.policy.engine") for n in names
            ), f"{path} imports platform code {names}"


def test_engine_imports_without_django_loaded():
    code = "import sys, lingong.policy.engine; assert 'django' not in sys.modules; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_facts_have_chinese_labels_and_group_codes_match_the_market():
    assert all(f.label and not f.label.isascii() for f in FACTS)
    assert len(TEN_LOAN_GROUPS) == 10 and set(TEN_LOAN_GROUPS) <= set(GROUPS)
    market = ast.parse((ENGINE.parents[1] / "market" / "models.py").read_text(encoding="utf-8"))
    for node in ast.walk(market):
        if isinstance(node, ast.ClassDef) and node.name == "Group":
            codes = [
                stmt.value.elts[0].value
                for stmt in node.body
                if isinstance(stmt, ast.Assign)
                and isinstance(stmt.value, ast.Tuple)
                and isinstance(stmt.value.elts[0], ast.Constant)
            ]
            assert codes and set(codes) <= set(GROUPS)


def test_jurisdiction_chain():
    assert jurisdiction_chain("210102") == ("210102", "210100", "210000", "000000")
    assert jurisdiction_chain("210100") == ("210100", "210000", "000000")
    assert jurisdiction_chain("210000") == ("210000", "000000")
    with pytest.raises(PolicyEngineError) as err:
        jurisdiction_chain("21")
    assert err.value.code == "bad_region"


def test_every_shipped_value_cites_a_document():
    store = load_parameters()
    for values in store.values.values():
        for v in values:
            assert v.reference.strip(), v


def test_a_change_is_a_new_dated_value_and_old_values_stay():
    key = "social_insurance_subsidy.graduate_extension_months"
    new = ParameterValue(key, "210100", dt.date(2024, 1, 1), 3, "沈阳测试", published=dt.date(2023, 12, 20))
    store = load_parameters([new])
    assert _value(store, key, "210102", dt.date(2023, 12, 31)) == 0
    assert _value(store, key, "210102", dt.date(2024, 1, 1)) == 3
    assert _value(store, key, "210102", dt.date(2024, 1, 1), published_by=dt.date(2023, 12, 19)) == 0
    assert _value(store, key, "210202", dt.date(2024, 6, 1)) == 0  # Dalian keeps the province default
    assert [v.jurisdiction for v in store.history(key, "210102")] == ["000000", "210000", "210100"]
    assert _value(load_parameters(), key, "210102", dt.date(2024, 1, 1)) == 0  # shipped store unchanged


def test_a_city_may_set_only_what_the_province_delegates():
    with pytest.raises(PolicyEngineError) as err:
        load_parameters(
            [ParameterValue("social_insurance_subsidy.max_share", "210100", dt.date(2024, 1, 1), "1/2", "x")]
        )
    assert err.value.code == "parameter_not_delegated"
    with pytest.raises(PolicyEngineError) as err:  # Qinghai's cities got no such delegation
        load_parameters(
            [
                ParameterValue(
                    "social_insurance_subsidy.graduate_extension_months",
                    "630100",
                    dt.date(2024, 1, 1),
                    6,
                    "x",
                )
            ]
        )
    assert err.value.code == "parameter_not_delegated"
    with pytest.raises(PolicyEngineError) as err:
        load_parameters([ParameterValue("startup_subsidy.amount_fen", "210000", dt.date(2024, 1, 1), 1, "x")])
    assert err.value.code == "parameter_out_of_jurisdiction"
    with pytest.raises(PolicyEngineError) as err:
        load_parameters(
            [ParameterValue("startup_subsidy.amount_fen", "630000", dt.date(2024, 1, 1), 1.5, "x")]
        )
    assert err.value.code == "bad_parameter_value"
    with pytest.raises(PolicyEngineError) as err:
        load_parameters([ParameterValue("startup_subsidy.amount_fen", "630000", dt.date(2024, 1, 1), 1, " ")])
    assert err.value.code == "parameter_without_reference"
    # the hourly minimum wage is set by cities and counties everywhere
    store = load_parameters(
        [ParameterValue("minimum_wage.hourly_fen", "630102", dt.date(2024, 1, 1), 2010, "青海最低工资")]
    )
    assert _value(store, "minimum_wage.hourly_fen", "630102", dt.date(2024, 2, 1)) == 2010


def test_policies_for_a_region_by_date():
    ln = {p.key for p in policies_for("210102", dt.date(2024, 3, 1))}
    assert "liaoning.social_insurance_subsidy" in ln and not any(k.startswith("qinghai.") for k in ln)
    assert "liaoning.pension_deferral_2022" not in ln  # ended 2023-12-31
    qh = {p.key for p in policies_for("630102", dt.date(2021, 3, 1))}
    assert {"qinghai.startup_subsidy", "qinghai.pension_deferral_2020"} <= qh
    assert policies_for("630102", dt.date(2021, 2, 4)) == []  # 青政办〔2021〕1号 in force 2021-02-05


def test_facts_from_id_number():
    assert facts_from_id_number("210102196501011234") == {"birth_date": dt.date(1965, 1, 1), "sex": "male"}
    assert facts_from_id_number("21010219750101122X")["sex"] == "female"
    with pytest.raises(PolicyEngineError):
        facts_from_id_number("2101021965013X1234")


def test_unknown_group_is_refused_with_a_code():
    with pytest.raises(PolicyEngineError) as err:
        evaluate(Person(groups=frozenset({"astronaut"})), region="210102", as_of=dt.date(2024, 3, 1))
    assert err.value.code == "unknown_group"


def test_person_from_json_like_data():
    from lingong.policy.engine import ledger_from_dicts, person_from_dict

    person = person_from_dict({"birth_date": "1980-05-01", "groups": ["veteran"], "household_region": 210102})
    assert person.birth_date == dt.date(1980, 5, 1) and person.groups == {"veteran"}
    assert person.household_region == "210102"
    [entry] = ledger_from_dicts(
        [{"benefit": "startup_subsidy", "granted_on": "2023-01-01", "amount_fen": 1000000}]
    )
    assert entry.granted_on == dt.date(2023, 1, 1)
    for bad, code in (({"shoe_size": 42}, "unknown_fact"), ({"birth_date": "1980-13-01"}, "bad_fact")):
        with pytest.raises(PolicyEngineError) as err:
            person_from_dict(bad)
        assert err.value.code == code


def test_decision_as_dict_is_json():
    import json

    person = Person(groups=frozenset({"employment_difficulty"}), si_contribution_fen=90000)
    [d] = evaluate(
        person, region="210102", as_of=dt.date(2024, 3, 1), policies=["liaoning.social_insurance_subsidy"]
    )
    data = json.loads(json.dumps(d.as_dict(), ensure_ascii=False))
    assert data["eligible"] is False
    assert {c["name"] for c in data["failed"]} == {"flexible_employment_registered", "below_retirement_age"}
    assert all(c["reference"].startswith("辽人社〔2022〕22号") for c in data["failed"])
    assert any(p["value"] == "2/3" for p in data["parameters"])


def test_bad_region_codes_are_refused_with_a_code():
    for region in ("shenyang", "2101"):
        with pytest.raises(PolicyEngineError) as err:
            evaluate(Person(), region=region, as_of=dt.date(2024, 3, 1))
        assert err.value.code == "bad_region"
    with pytest.raises(PolicyEngineError) as err:
        evaluate(Person(household_region="沈阳"), region="210102", as_of=dt.date(2024, 3, 1))
    assert err.value.code == "bad_region"


def test_a_man_needs_no_retirement_category():
    man = Person(birth_date=dt.date(1965, 1, 20), sex="male", household_region="210102", part_time=True)
    [d] = evaluate(man, region="210102", as_of=dt.date(2025, 1, 31), policies=["liaoning.pension_enrolment"])
    assert d.eligible
    [d] = evaluate(man, region="210102", as_of=dt.date(2025, 2, 1), policies=["liaoning.pension_enrolment"])
    assert [c.name for c in d.failed] == ["below_retirement_age"]
    woman = Person(birth_date=dt.date(1975, 1, 20), sex="female", household_region="210102", part_time=True)
    [d] = evaluate(
        woman, region="210102", as_of=dt.date(2025, 1, 31), policies=["liaoning.pension_enrolment"]
    )
    assert [c.name for c in d.failed] == ["below_retirement_age"]
    assert "原法定退休年龄类别" in d.failed[0].detail


def test_every_amount_unit_has_a_chinese_label():
    from lingong.policy.engine import AMOUNT_UNITS

    for region, on in (
        ("210102", dt.date(2023, 6, 1)),
        ("630102", dt.date(2021, 6, 1)),
        ("450103", dt.date(2021, 6, 1)),
    ):
        for d in evaluate(Person(), region=region, as_of=on):
            assert d.amount_unit is None or d.amount_unit in AMOUNT_UNITS, d.policy
