"""Synthetic registries for benchmarks and scale tests: plausible mixes of facts over the three provinces,
generated directly as columns (a million persons in well under a second)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from .columns import GROUP_BITS, SCHEMA, Columns
from .dates import MISSING_DAY, day_number

# evaluation regions (counties) with weights: Liaoning most, then Qinghai and Guangxi
REGIONS = np.array([210102, 210106, 210202, 210203, 211002, 630102, 632701, 450103], dtype=np.int32)
REGION_WEIGHTS = np.array([0.2, 0.15, 0.15, 0.1, 0.1, 0.12, 0.06, 0.12])


def synthetic_columns(n: int, *, seed: int = 0, as_of: dt.date = dt.date(2025, 6, 1)) -> Columns:
    rng = np.random.default_rng(seed)
    today = day_number(as_of)
    region = rng.choice(REGIONS, size=n, p=REGION_WEIGHTS)
    data: dict[str, np.ndarray] = {"region": region}
    age_days = rng.integers(15 * 365, 66 * 365, n)
    data["birth_day"] = today - age_days
    sex = rng.integers(1, 3, n).astype(np.int8)
    data["sex"] = sex
    data["retirement_category"] = np.where(sex == 1, 1, np.where(rng.random(n) < 0.3, 2, 3)).astype(np.int8)
    # most people live and are registered where they are evaluated
    same = rng.random(n) < 0.9
    data["household_region"] = np.where(same, region, rng.choice(REGIONS, size=n))
    data["residence_region"] = region
    data["residence_permit_region"] = np.where(~same & (rng.random(n) < 0.5), region, 0)
    groups = np.zeros(n, dtype=np.int64)
    for code, share in {
        "employment_difficulty": 0.12,
        "recent_graduate": 0.08,
        "college_graduate": 0.15,
        "veteran": 0.04,
        "registered_unemployed": 0.10,
        "migrant_worker": 0.15,
        "returning_migrant_entrepreneur": 0.03,
        "online_merchant": 0.03,
        "poverty_relieved": 0.03,
        "subsistence_allowance": 0.02,
    }.items():
        groups |= np.where(rng.random(n) < share, GROUP_BITS[code], 0)
    data["groups"] = groups
    data["graduation_day"] = np.where(
        (groups & (GROUP_BITS["recent_graduate"] | GROUP_BITS["college_graduate"])) != 0,
        today - rng.integers(0, 5 * 365, n),
        MISSING_DAY,
    )
    fe = rng.random(n) < 0.6
    data["fe_registered_day"] = np.where(fe, today - rng.integers(0, 4 * 365, n), MISSING_DAY)
    data["fe_region"] = np.where(fe, region, 0)
    data["part_time"] = rng.random(n) < 0.4
    data["si_contribution_fen"] = np.where(rng.random(n) < 0.7, rng.integers(30_000, 200_001, n), 0)
    data["pension_enrolled"] = rng.random(n) < 0.6
    data["pension_unpaid_2020"] = np.where(rng.random(n) < 0.05, rng.integers(1, 13, n), 0)
    data["pension_unpaid_2022"] = np.where(rng.random(n) < 0.05, rng.integers(1, 13, n), 0)
    has_business = rng.random(n) < 0.25
    data["business_kind"] = np.where(has_business, rng.integers(1, 4, n), 0).astype(np.int8)
    data["business_day"] = np.where(has_business, today - rng.integers(0, 4 * 365, n), MISSING_DAY)
    data["business_region"] = np.where(has_business, region, 0)
    data["business_ok"] = has_business & (rng.random(n) < 0.85)
    data["business_family_subsidised"] = has_business & (rng.random(n) < 0.02)
    trained = rng.random(n) < 0.1
    data["training_kind"] = np.where(trained, rng.integers(1, 3, n), 0).astype(np.int8)
    data["training_day"] = np.where(trained, today - rng.integers(0, 365, n), MISSING_DAY)
    data["training_certificate"] = trained & (rng.random(n) < 0.8)
    data["training_days"] = np.where(trained, rng.integers(5, 31, n), 0)
    pw = rng.random(n) < 0.03
    data["pw_part_time"] = pw
    data["pw_hours"] = np.where(pw, rng.integers(10, 120, n), 0)
    loan = has_business & (rng.random(n) < 0.3)
    data["loan_amount_fen"] = np.where(loan, rng.integers(10, 201, n) * 100_000, 0)
    data["loan_term_months"] = np.where(loan, rng.choice([12, 24, 36], n), 0)
    data["loan_rate_bp"] = np.where(loan, rng.integers(300, 500, n), 0)
    data["other_loans"] = rng.random(n) < 0.05
    data["part_time_employers"] = np.where(data["part_time"], rng.integers(0, 4, n), 0)
    data["major_hardship"] = rng.random(n) < 0.01
    # ledger summaries
    si_used = rng.random(n) < 0.2
    data["led_si_months"] = np.where(si_used, rng.integers(1, 40, n), 0)
    data["led_si_first_day"] = np.where(si_used, today - rng.integers(30, 4 * 365, n), MISSING_DAY)
    data["led_site_months"] = np.where(rng.random(n) < 0.05, rng.integers(1, 25, n), 0)
    data["led_startup_subsidy"] = (rng.random(n) < 0.03).astype(np.int32)
    data["led_loan_outstanding"] = rng.random(n) < 0.03
    data["led_loan_count"] = np.where(rng.random(n) < 0.05, rng.integers(1, 4, n), 0)
    data["led_assistance_year_fen"] = np.where(rng.random(n) < 0.01, rng.integers(0, 60_000, n) * 100, 0)
    data["led_training_year"] = np.where(rng.random(n) < 0.05, rng.integers(1, 4, n), 0)
    return Columns({k: np.asarray(v, dtype=SCHEMA[k]) for k, v in data.items()})
