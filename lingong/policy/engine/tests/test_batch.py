"""The batch path gives the same answers as the one-person path, and money stays exact to the fen over a
million persons (integer arithmetic end to end)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from lingong.policy.engine import (
    GROUPS,
    LedgerEntry,
    Person,
    evaluate,
    evaluate_batch,
    load_parameters,
)
from lingong.policy.engine.dates import from_day_number
from lingong.policy.engine.synthetic import synthetic_columns

REGIONS = ["210102", "210106", "210203", "630102", "632701", "450103"]


def random_person(rng: np.random.Generator, as_of: dt.date) -> tuple[Person, str, list[LedgerEntry]]:
    def day(back_years: float) -> dt.date:
        return as_of - dt.timedelta(days=int(rng.integers(-60, int(back_years * 365))))

    region = str(rng.choice(REGIONS))
    elsewhere = str(rng.choice(REGIONS))
    category = str(rng.choice(["male_60", "female_cadre_55", "female_worker_50"]))
    groups = frozenset(rng.choice(list(GROUPS), size=int(rng.integers(0, 4)), replace=False).tolist())
    person = Person(
        birth_date=as_of - dt.timedelta(days=int(rng.integers(14 * 365, 66 * 365))),
        sex="male" if category == "male_60" else "female",
        retirement_category=category,
        household_region=str(rng.choice([region, elsewhere, "632601"])),
        residence_region=region,
        residence_permit_region=str(rng.choice([region, elsewhere])) if rng.random() < 0.3 else None,
        groups=groups,
        graduation_date=day(4) if rng.random() < 0.5 else None,
        flexible_employment_registered_on=day(3) if rng.random() < 0.7 else None,
        flexible_employment_region=str(rng.choice([region, region, elsewhere])),
        part_time=bool(rng.random() < 0.5),
        si_contribution_fen=int(rng.integers(0, 250_001)) if rng.random() < 0.8 else 0,
        pension_enrolled=bool(rng.random() < 0.6),
        pension_unpaid_months_2020=int(rng.integers(0, 13)),
        pension_unpaid_months_2022=int(rng.integers(0, 13)),
        business_kind=str(rng.choice(["individual", "small_micro", "partnership", "other"]))
        if rng.random() < 0.5
        else None,
        business_registered_on=day(3) if rng.random() < 0.6 else None,
        business_region=str(rng.choice([region, elsewhere])),
        business_operating_normally=bool(rng.random() < 0.8),
        business_subsidised_before_family=bool(rng.random() < 0.1),
        training_kind=str(rng.choice(["vocational", "startup"])) if rng.random() < 0.4 else None,
        training_completed_on=day(1) if rng.random() < 0.5 else None,
        training_certificate=bool(rng.random() < 0.6),
        training_days=int(rng.integers(0, 30)),
        public_welfare_post_part_time=bool(rng.random() < 0.2),
        public_welfare_post_hours=int(rng.integers(0, 100)),
        loan_amount_fen=int(rng.integers(0, 30)) * 1_000_000,
        loan_term_months=int(rng.choice([0, 12, 24, 36, 48])),
        loan_rate_bp=int(rng.integers(0, 600)),
        has_other_business_loans=bool(rng.random() < 0.1),
        part_time_employers=int(rng.integers(0, 4)),
        major_hardship=bool(rng.random() < 0.3),
    )
    ledger = []
    for _ in range(int(rng.integers(0, 4))):
        benefit = str(
            rng.choice(
                [
                    "social_insurance_subsidy",
                    "startup_site_subsidy",
                    "startup_subsidy",
                    "startup_guarantee_loan",
                    "temporary_assistance",
                    "training_subsidy",
                ]
            )
        )
        granted = day(5)
        ledger.append(
            LedgerEntry(
                benefit=benefit,
                granted_on=granted,
                region=str(rng.choice(REGIONS)),
                months=int(rng.integers(0, 40)),
                amount_fen=int(rng.integers(0, 6_000_000)),
                principal_fen=10_000_000,
                term_months=24,
                repaid_on=granted + dt.timedelta(days=700) if rng.random() < 0.5 else None,
            )
        )
    return person, region, ledger


def test_batch_and_single_person_answers_agree():
    rng = np.random.default_rng(2026)
    store = load_parameters()
    for as_of in (dt.date(2021, 6, 1), dt.date(2023, 3, 15), dt.date(2025, 2, 28)):
        cases = [random_person(rng, as_of) for _ in range(150)]
        batch = evaluate_batch(
            [c[0] for c in cases],
            regions=[c[1] for c in cases],
            ledgers=[c[2] for c in cases],
            as_of=as_of,
            store=store,
        )
        for i, (person, region, ledger) in enumerate(cases):
            decisions = {
                d.policy: d for d in evaluate(person, region=region, as_of=as_of, ledger=ledger, store=store)
            }
            for key in batch.policies:
                applies = bool(batch.applies[key][i])
                assert applies == (key in decisions), (key, region, as_of)
                if not applies:
                    continue
                d = decisions[key]
                assert bool(batch.eligible[key][i]) == d.eligible, (key, i)
                if d.amount_fen is not None:
                    assert int(batch.amount_fen[key][i]) == d.amount_fen, (key, i)
                if d.months is not None:
                    assert int(batch.months[key][i]) == d.months, (key, i)
                want_from = d.eligible_from
                got_from = int(batch.eligible_from[key][i])
                assert (from_day_number(got_from) if got_from >= 0 else None) == want_from, (key, i)
                first = int(batch.failed_first[key][i])
                assert (batch.condition_names[key][first] if first >= 0 else None) == (
                    d.failed[0].name if d.failed else None
                ), (key, i)


def test_money_totals_over_a_million_persons_are_exact_to_the_fen():
    cols = synthetic_columns(1_000_000, seed=11)
    as_of = dt.date(2025, 6, 1)
    result = evaluate_batch(cols, as_of=as_of)
    # independent computation in Python integers (arbitrary precision), person by person
    si = "liaoning.social_insurance_subsidy"
    paid = cols["si_contribution_fen"][result.eligible[si]].tolist()
    assert sum(p * 2 // 3 for p in paid) == int(result.amount_fen[si].sum(dtype=np.int64))
    assert len(paid) > 10_000
    startup = "qinghai.startup_subsidy"
    assert int(result.amount_fen[startup].sum(dtype=np.int64)) == 1_000_000 * int(
        result.eligible[startup].sum()
    )
    interest = "liaoning.startup_loan_interest_subsidy"
    mask = result.eligible[interest]
    principal = np.minimum(cols["loan_amount_fen"][mask], 20_000_000).tolist()
    rate = cols["loan_rate_bp"][mask].tolist()
    term = np.minimum(cols["loan_term_months"][mask], 36).tolist()
    want = sum(p * r * t // 240_000 for p, r, t in zip(principal, rate, term, strict=True))
    assert want == int(result.amount_fen[interest].sum(dtype=np.int64))
    # the grand total: numpy int64 sums equal Python's exact sums, and amounts are integers, never floats
    grand = 0
    for key in result.policies:
        assert result.amount_fen[key].dtype == np.int64
        exact = sum(result.amount_fen[key].tolist())
        assert exact == int(result.amount_fen[key].sum(dtype=np.int64))
        grand += exact
    assert grand > 10**11  # hundreds of millions of yuan: float64 sums of such figures drift, ints do not
