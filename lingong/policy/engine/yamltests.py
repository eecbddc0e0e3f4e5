"""Tests as data, in OpenFisca's YAML test format, readable by policy staff.

Each file is a list of cases::

    - name: 就业困难人员灵活就业，按实际缴费的2/3补贴
      period: 2024-03            # the month evaluated; as_of defaults to its first day
      region: "210102"           # 6-digit division code
      as_of: 2024-03-15          # optional
      published_by: 2023-01-01   # optional: replay the rules as published on that day
      parameters: [...]          # optional extra dated values (e.g. a city's own extension)
      input: {birth_date: 1980-05-01, groups: [employment_difficulty], ...}   # Person facts
      ledger: [{benefit: social_insurance_subsidy, granted_on: 2022-09-01, months: 12}]
      output:
        liaoning.social_insurance_subsidy:
          eligible: true
          amount_fen: 40000
          months: 24
          failed: [contributions_paid]          # exactly these conditions failed
          eligible_from: 2025-03-01
        _retirement: {age_months: 721, month: 2025-02}   # the statutory retirement age itself

Every case is also run through :func:`evaluate_batch` and must give the same eligibility, amount and
months, so the two paths cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import fields
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .dates import month_index, retirement_age_months, retirement_month
from .errors import PolicyEngineError
from .evaluate import evaluate, evaluate_batch
from .parameters import ParameterStore, load_parameters
from .types import LedgerEntry, ParameterValue, Person, YamlTestResult

_PERSON_FIELDS = {f.name for f in fields(Person)}
_LEDGER_FIELDS = {f.name for f in fields(LedgerEntry)}


def default_yaml_paths() -> list[Path]:
    folder = Path(str(resources.files("lingong.policy.engine") / "tests" / "yaml"))
    return sorted(folder.glob("*.yaml"))


def load_cases(paths: Iterable[Path | str]) -> list[tuple[str, dict[str, Any]]]:
    """(file name, case) for every case of every file, in order."""
    out = []
    for path in paths:
        p = Path(path)
        if p.is_dir():
            out.extend(load_cases(sorted(p.glob("*.yaml"))))
            continue
        with p.open(encoding="utf-8") as fh:
            cases = yaml.safe_load(fh) or []
        for case in cases:
            out.append((p.name, case))
    return out


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    text = str(value)
    if len(text) == 7:  # a period "2024-03"
        text += "-01"
    return dt.date.fromisoformat(text)


def person_from_dict(data: dict[str, Any]) -> Person:
    """A :class:`Person` from JSON-like data (ISO dates, lists for groups), e.g. ``person.json`` of
    ``lingong policy evaluate``. Unknown fields are refused with a code."""
    unknown = set(data) - _PERSON_FIELDS
    if unknown:
        raise PolicyEngineError("unknown_fact", f"未知的人员信息字段：{sorted(unknown)}")
    values = dict(data)
    if "groups" in values:
        values["groups"] = frozenset(values["groups"])
    for key, value in list(values.items()):
        if key.endswith(("_date", "_on")) and value is not None:
            try:
                values[key] = _date(value)
            except ValueError as exc:
                raise PolicyEngineError("bad_fact", f"{key} 不是有效日期：{value!r}") from exc
    for key in (
        "household_region",
        "residence_region",
        "residence_permit_region",
        "flexible_employment_region",
        "business_region",
    ):
        if values.get(key) is not None:
            values[key] = str(values[key])
    return Person(**values)


def ledger_from_dicts(rows: Sequence[dict[str, Any]]) -> list[LedgerEntry]:
    """Ledger entries from JSON-like data (ISO dates)."""
    out = []
    for row in rows:
        unknown = set(row) - _LEDGER_FIELDS
        if unknown:
            raise PolicyEngineError("unknown_ledger_field", f"未知的台账字段：{sorted(unknown)}")
        values = dict(row)
        for key in ("granted_on", "period_start", "repaid_on"):
            if values.get(key) is not None:
                values[key] = _date(values[key])
        if "region" in values:
            values["region"] = str(values["region"])
        out.append(LedgerEntry(**values))
    return out


def _store(base: ParameterStore | None, extra: Sequence[dict[str, Any]]) -> ParameterStore:
    if not extra:
        return base or load_parameters()
    values = [
        ParameterValue(
            key=row["key"],
            jurisdiction=str(row["jurisdiction"]),
            effective=_date(row["effective"]),
            value=row["value"],
            reference=row.get("reference", "测试用例"),
            published=_date(row["published"]) if row.get("published") else None,
            note=row.get("note", ""),
            source="test",
        )
        for row in extra
    ]
    return load_parameters(values)


def run_case(case: dict[str, Any], *, store: ParameterStore | None = None) -> list[str]:
    """Run one case; return the differences (empty when it passes)."""
    period = _date(case["period"])
    as_of = _date(case.get("as_of", period))
    region = str(case["region"])
    published_by = _date(case["published_by"]) if case.get("published_by") else None
    st = _store(store, case.get("parameters") or [])
    person = person_from_dict(case.get("input") or {})
    ledger = ledger_from_dicts(case.get("ledger") or [])
    decisions = {
        d.policy: d
        for d in evaluate(
            person, region=region, as_of=as_of, ledger=ledger, store=st, published_by=published_by
        )
    }
    batch = evaluate_batch(
        [person], regions=[region], ledgers=[ledger], as_of=as_of, store=st, published_by=published_by
    )
    problems: list[str] = []
    for key, expected in (case.get("output") or {}).items():
        if key == "_retirement":
            problems += _check_retirement(person, as_of, st, published_by, expected)
            continue
        if expected == "absent" or expected.get("absent"):
            if key in decisions:
                problems.append(f"{key}: 不应适用于 {region}")
            continue
        got = decisions.get(key)
        if got is None:
            problems.append(f"{key}: 该地区此日期无此政策")
            continue
        problems += _compare(key, got.as_dict(), expected)
        if bool(batch.eligible[key][0]) != got.eligible:
            problems.append(
                f"{key}: 批量计算资格 {bool(batch.eligible[key][0])} 与单人计算 {got.eligible} 不一致"
            )
        if got.amount_fen is not None and int(batch.amount_fen[key][0]) != got.amount_fen:
            problems.append(
                f"{key}: 批量计算金额 {int(batch.amount_fen[key][0])} 与单人计算 {got.amount_fen} 不一致"
            )
        if got.months is not None and int(batch.months[key][0]) != got.months:
            problems.append(f"{key}: 批量计算月数 {int(batch.months[key][0])} 与单人计算 {got.months} 不一致")
    return problems


def _check_retirement(
    person: Person,
    as_of: dt.date,
    store: ParameterStore,
    published_by: dt.date | None,
    expected: dict[str, Any],
) -> list[str]:
    assert person.birth_date and person.retirement_category
    reform_from = store.resolve("retirement.gradual_increase_from", "000000", as_of, published_by)
    reform = reform_from is not None and reform_from.value is not None and as_of >= reform_from.value
    age = retirement_age_months(person.retirement_category, person.birth_date, as_of, reform=reform)
    month = retirement_month(person.retirement_category, person.birth_date, as_of, reform=reform)
    problems = []
    if "age_months" in expected and expected["age_months"] != age:
        problems.append(f"法定退休年龄: 期望 {expected['age_months']} 个月，实际 {age} 个月")
    if "month" in expected and month_index(_date(expected["month"])) != month_index(month):
        problems.append(f"退休时间: 期望 {expected['month']}，实际 {month:%Y-%m}")
    return problems


def _compare(key: str, got: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    problems = []
    for field_name, want in expected.items():
        if field_name == "failed":
            have = sorted(c["name"] for c in got["failed"])
            if sorted(want) != have:
                problems.append(f"{key}: 未满足条件 期望 {sorted(want)}，实际 {have}")
        elif field_name == "failed_includes":
            have_set = {c["name"] for c in got["failed"]}
            if not set(want) <= have_set:
                problems.append(f"{key}: 未满足条件应包含 {sorted(want)}，实际 {sorted(have_set)}")
        elif field_name == "notes_include":
            text = "\n".join(got["notes"])
            for piece in [want] if isinstance(want, str) else want:
                if piece not in text:
                    problems.append(f"{key}: 说明中应有“{piece}”，实际 {got['notes']}")
        elif field_name == "options":
            for opt, value in want.items():
                if got["options"].get(opt) != value:
                    problems.append(f"{key}: 选项 {opt} 期望 {value!r}，实际 {got['options'].get(opt)!r}")
        elif field_name == "eligible_from":
            have_from = got["eligible_from"]
            want_from = None if want is None else _date(want).isoformat()
            if have_from != want_from:
                problems.append(f"{key}: 可享受日期 期望 {want_from}，实际 {have_from}")
        else:
            if got.get(field_name) != want:
                problems.append(f"{key}: {field_name} 期望 {want!r}，实际 {got.get(field_name)!r}")
    return problems


def run_yaml_tests(paths: Iterable[Path | str] | None = None) -> list[YamlTestResult]:
    """Run every case of the YAML files (the shipped ones when ``paths`` is None)."""
    results = []
    base = load_parameters()
    for file_name, case in load_cases(default_yaml_paths() if paths is None else paths):
        try:
            problems = run_case(case, store=base)
        except Exception as exc:  # a broken case is a failed case, reported with its name
            problems = [f"{type(exc).__name__}: {exc}"]
        results.append(YamlTestResult(file_name, str(case.get("name", "?")), not problems, tuple(problems)))
    return results
