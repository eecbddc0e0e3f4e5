"""Persons as columns (numpy arrays), the one form every rule reads.

A single person is a batch of one, so ``evaluate`` and ``evaluate_batch`` run the very same rule code
and cannot disagree. The ledger enters as per-person summaries (months used, first approval, one-off
grants received, outstanding loans), which the Django side can compute in SQL for the whole registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from .dates import MISSING_DAY, RETIREMENT_CODES, day_number, split_days
from .errors import PolicyEngineError
from .types import BUSINESS_KINDS, GROUPS, TRAINING_KINDS, LedgerEntry, Person

GROUP_BITS: dict[str, int] = {code: 1 << i for i, code in enumerate(GROUPS)}
SEX_CODES = {"male": 1, "female": 2}
BUSINESS_CODES = {kind: i + 1 for i, kind in enumerate(BUSINESS_KINDS)}
TRAINING_CODES = {kind: i + 1 for i, kind in enumerate(TRAINING_KINDS)}
SI_BASIS_CODES = {"employment_difficulty": 1, "recent_graduate": 2, "veteran": 3}

# name → dtype; every column has this dtype and the batch length.
SCHEMA: dict[str, Any] = {
    "region": np.int32,
    "birth_day": np.int64,
    "sex": np.int8,
    "retirement_category": np.int8,
    "household_region": np.int32,
    "residence_region": np.int32,
    "residence_permit_region": np.int32,
    "groups": np.int64,
    "graduation_day": np.int64,
    "fe_registered_day": np.int64,
    "fe_region": np.int32,
    "part_time": np.bool_,
    "si_contribution_fen": np.int64,
    "pension_enrolled": np.bool_,
    "pension_unpaid_2020": np.int32,
    "pension_unpaid_2022": np.int32,
    "business_kind": np.int8,
    "business_day": np.int64,
    "business_region": np.int32,
    "business_ok": np.bool_,
    "business_family_subsidised": np.bool_,
    "training_kind": np.int8,
    "training_day": np.int64,
    "training_certificate": np.bool_,
    "training_days": np.int32,
    "pw_part_time": np.bool_,
    "pw_hours": np.int32,
    "loan_amount_fen": np.int64,
    "loan_term_months": np.int32,
    "loan_rate_bp": np.int32,
    "other_loans": np.bool_,
    "part_time_employers": np.int32,
    "major_hardship": np.bool_,
    # ledger summaries, as of the evaluation date
    "led_si_months": np.int32,
    "led_si_first_day": np.int64,
    "led_site_months": np.int32,
    "led_startup_subsidy": np.int32,
    "led_loan_outstanding": np.bool_,
    "led_loan_count": np.int32,
    "led_assistance_year_fen": np.int64,
    "led_training_year": np.int32,
}
DAY_COLUMNS = {name for name in SCHEMA if name.endswith("_day")}


class Columns:
    """A batch of persons: ``cols["groups"]`` etc., all of length ``n``. Derived arrays (birth month
    index, ...) are computed once on first use."""

    def __init__(self, data: dict[str, npt.NDArray[Any]]):
        missing = set(SCHEMA) - set(data)
        if missing:
            n = len(next(iter(data.values()))) if data else 0
            for name in missing:
                fill = MISSING_DAY if name in DAY_COLUMNS else 0
                data[name] = np.full(n, fill, dtype=SCHEMA[name])
        lengths = {len(v) for v in data.values()}
        if len(lengths) != 1:
            raise PolicyEngineError("bad_columns", "各列长度不一致")
        self.data = {k: np.asarray(v, dtype=SCHEMA.get(k)) for k, v in data.items()}
        self.n = lengths.pop()
        self._derived: dict[str, npt.NDArray[Any]] = {}

    def __getitem__(self, name: str) -> npt.NDArray[Any]:
        return self.data[name]

    @classmethod
    def _subset(cls, parent: Columns, index: npt.NDArray[Any]) -> Columns:
        sub = cls.__new__(cls)
        sub.data = _LazyTake(parent.data, index)
        sub.n = len(index)
        sub._derived = {}
        return sub

    def birth_parts(self) -> tuple[npt.NDArray[np.int64], ...]:
        """(year, month, day, month index) of the birth dates."""
        if "birth_year" not in self._derived:
            y, m, d, idx = split_days(self.data["birth_day"])
            self._derived.update(birth_year=y, birth_month=m, birth_dom=d, birth_month_idx=idx)
        return (
            self._derived["birth_year"],
            self._derived["birth_month"],
            self._derived["birth_dom"],
            self._derived["birth_month_idx"],
        )

    def derived(self, key: Any, compute: Callable[[], npt.NDArray[Any]]) -> npt.NDArray[Any]:
        """A derived array computed once per batch (several policies read the same one)."""
        found = self._derived.get(key)
        if found is None:
            found = self._derived[key] = compute()
        return found

    def take(self, index: npt.NDArray[Any]) -> Columns:
        """The persons at ``index``; columns are copied on first use only."""
        return Columns._subset(self, index)


class _LazyTake(dict[str, Any]):
    def __init__(self, parent: dict[str, npt.NDArray[Any]], index: npt.NDArray[Any]):
        super().__init__()
        self._parent = parent
        self._index = index

    def __missing__(self, name: str) -> npt.NDArray[Any]:
        value = self[name] = self._parent[name][self._index]
        return value

    def items(self):
        return ((k, self[k]) for k in self._parent)


def region_int(code: str | None) -> int:
    if not code:
        return 0
    if not (len(code) == 6 and code.isdigit()):
        raise PolicyEngineError("bad_region", f"地区代码应为6位数字：{code!r}")
    return int(code)


def ledger_summary(entries: Iterable[LedgerEntry], as_of: dt.date) -> dict[str, int | bool]:
    """What the rules need from one person's ledger, counting only entries granted by ``as_of``."""
    si_months = site_months = startup = loan_count = training = 0
    si_first: dt.date | None = None
    outstanding = False
    assistance = 0
    for e in entries:
        if e.granted_on > as_of:
            continue
        if e.benefit == "social_insurance_subsidy":
            si_months += e.months
            si_first = e.granted_on if si_first is None else min(si_first, e.granted_on)
        elif e.benefit == "startup_site_subsidy":
            site_months += e.months
        elif e.benefit == "startup_subsidy":
            startup += 1
        elif e.benefit == "startup_guarantee_loan":
            loan_count += 1
            if e.repaid_on is None or e.repaid_on > as_of:
                outstanding = True
        elif e.benefit == "temporary_assistance":
            if e.granted_on.year == as_of.year:
                assistance += e.amount_fen
        elif e.benefit == "training_subsidy" and e.granted_on.year == as_of.year:
            training += 1
    return {
        "led_si_months": si_months,
        "led_si_first_day": day_number(si_first),
        "led_site_months": site_months,
        "led_startup_subsidy": startup,
        "led_loan_outstanding": outstanding,
        "led_loan_count": loan_count,
        "led_assistance_year_fen": assistance,
        "led_training_year": training,
    }


def person_row(person: Person) -> dict[str, int | bool]:
    """One person's facts in column form (codes for choices, day numbers for dates, fen for money)."""
    bits = 0
    for g in person.groups:
        if g not in GROUP_BITS:
            raise PolicyEngineError("unknown_group", f"未知人员类别：{g}")
        bits |= GROUP_BITS[g]
    if person.retirement_category and person.retirement_category not in RETIREMENT_CODES:
        raise PolicyEngineError("bad_fact", f"原法定退休年龄类别无效：{person.retirement_category}")
    for name in ("si_contribution_fen", "loan_amount_fen", "public_welfare_post_hours", "loan_term_months"):
        if getattr(person, name) < 0:
            raise PolicyEngineError("bad_fact", f"{name} 不能为负数")
    return {
        "birth_day": day_number(person.birth_date),
        "sex": SEX_CODES.get(person.sex or "", 0),
        # men have one original retirement age (60); women's depends on cadre/worker status, so is asked
        "retirement_category": RETIREMENT_CODES.get(
            person.retirement_category or ("male_60" if person.sex == "male" else ""), 0
        ),
        "household_region": region_int(person.household_region),
        "residence_region": region_int(person.residence_region),
        "residence_permit_region": region_int(person.residence_permit_region),
        "groups": bits,
        "graduation_day": day_number(person.graduation_date),
        "fe_registered_day": day_number(person.flexible_employment_registered_on),
        "fe_region": region_int(person.flexible_employment_region),
        "part_time": person.part_time,
        "si_contribution_fen": person.si_contribution_fen,
        "pension_enrolled": person.pension_enrolled,
        "pension_unpaid_2020": person.pension_unpaid_months_2020,
        "pension_unpaid_2022": person.pension_unpaid_months_2022,
        "business_kind": BUSINESS_CODES.get(person.business_kind or "", 0),
        "business_day": day_number(person.business_registered_on),
        "business_region": region_int(person.business_region),
        "business_ok": person.business_operating_normally,
        "business_family_subsidised": person.business_subsidised_before_family,
        "training_kind": TRAINING_CODES.get(person.training_kind or "", 0),
        "training_day": day_number(person.training_completed_on),
        "training_certificate": person.training_certificate,
        "training_days": person.training_days,
        "pw_part_time": person.public_welfare_post_part_time,
        "pw_hours": person.public_welfare_post_hours,
        "loan_amount_fen": person.loan_amount_fen,
        "loan_term_months": person.loan_term_months,
        "loan_rate_bp": person.loan_rate_bp,
        "other_loans": person.has_other_business_loans,
        "part_time_employers": person.part_time_employers,
        "major_hardship": person.major_hardship,
    }


def columns_from_persons(
    persons: Sequence[Person],
    *,
    regions: Sequence[str],
    as_of: dt.date,
    ledgers: Sequence[Iterable[LedgerEntry]] | None = None,
) -> Columns:
    """Columns for ``persons`` evaluated in ``regions`` (one code per person) on ``as_of``."""
    if len(regions) != len(persons):
        raise PolicyEngineError("bad_columns", "地区数与人数不一致")
    rows = []
    for i, person in enumerate(persons):
        row = person_row(person)
        row["region"] = region_int(regions[i])
        row.update(ledger_summary(ledgers[i] if ledgers is not None else (), as_of))
        rows.append(row)
    data = {name: np.array([r[name] for r in rows], dtype=dtype) for name, dtype in SCHEMA.items()}
    return Columns(data)
