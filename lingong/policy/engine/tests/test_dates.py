"""Ages at month boundaries, months between dates, "within 2 years of leaving school" and the
statutory retirement age under the 2024 NPCSC decision (annex tables), at the edges."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from lingong.policy.engine.dates import (
    add_months,
    add_months_array,
    add_working_days,
    age_years,
    below_retirement_age,
    day_number,
    from_day_number,
    full_months_between,
    month_index,
    retirement_age_months,
    retirement_month,
    retirement_month_index_array,
    split_days,
    within_years_after,
)

D = dt.date


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (D(2006, 3, 31), D(2022, 3, 30), 15),
        (D(2006, 3, 31), D(2022, 3, 31), 16),
        (D(2004, 2, 29), D(2020, 2, 28), 15),
        (D(2004, 2, 29), D(2020, 2, 29), 16),
        (D(2004, 2, 29), D(2021, 2, 28), 16),  # 17th birthday not yet: reached on 1 March
        (D(2004, 2, 29), D(2021, 3, 1), 17),
    ],
)
def test_age_is_reached_on_the_birthday(birth, on, age):
    assert age_years(birth, on) == age


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2024, 1, 15), D(2024, 2, 14), 0),
        (D(2024, 1, 15), D(2024, 2, 15), 1),
        (D(2024, 1, 31), D(2024, 2, 29), 1),  # month end of a shorter month counts as a whole month
        (D(2023, 1, 31), D(2023, 2, 28), 1),
        (D(2022, 7, 5), D(2025, 7, 4), 35),
        (D(2022, 7, 5), D(2025, 7, 5), 36),
    ],
)
def test_full_months_between(start, end, months):
    assert full_months_between(start, end) == months


def test_add_months_clamps_to_month_end():
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2023, 1, 31), 1) == D(2023, 2, 28)
    assert add_months(D(2023, 11, 30), 3) == D(2024, 2, 29)
    assert add_months(D(2023, 12, 15), -12) == D(2022, 12, 15)


def test_add_months_array_matches_the_scalar_form():
    rng = np.random.default_rng(7)
    days = rng.integers(day_number(D(1950, 1, 1)), day_number(D(2030, 12, 31)), 5_000)
    months = rng.integers(-50, 400, 5_000)
    got = add_months_array(days, months)
    want = [
        day_number(add_months(dt.date.fromordinal(int(d) + 719163), int(m)))
        for d, m in zip(days, months, strict=True)
    ]
    assert got.tolist() == want


def test_day_numbers_round_trip():
    assert from_day_number(day_number(D(2024, 2, 29))) == D(2024, 2, 29)
    assert from_day_number(day_number(None)) is None


def test_split_days():
    y, m, d, idx = split_days(np.array([day_number(D(1965, 1, 31)), day_number(D(2024, 2, 29))]))
    assert y.tolist() == [1965, 2024] and m.tolist() == [1, 2] and d.tolist() == [31, 29]
    assert idx.tolist() == [month_index(D(1965, 1, 1)), month_index(D(2024, 2, 1))]


def test_within_two_years_of_leaving_school():
    grad = D(2023, 6, 30)
    assert not within_years_after(grad, D(2023, 6, 29), 2)
    assert within_years_after(grad, grad, 2)
    assert within_years_after(grad, D(2025, 6, 29), 2)
    assert not within_years_after(grad, D(2025, 6, 30), 2)


ON = D(2025, 6, 1)  # the 2024 decision is in force


@pytest.mark.parametrize(
    ("category", "birth", "months", "retire"),
    [
        # men, 60 → 63: +1 month per 4 months of birth from 1965-01
        ("male_60", D(1964, 12, 31), 720, D(2024, 12, 1)),
        ("male_60", D(1965, 1, 1), 721, D(2025, 2, 1)),
        ("male_60", D(1965, 4, 30), 721, D(2025, 5, 1)),
        ("male_60", D(1965, 5, 1), 722, D(2025, 7, 1)),
        ("male_60", D(1976, 8, 15), 755, D(2039, 7, 1)),
        ("male_60", D(1976, 9, 15), 756, D(2039, 9, 1)),
        ("male_60", D(1990, 1, 1), 756, D(2053, 1, 1)),
        # women cadres, 55 → 58: +1 month per 4 months from 1970-01
        ("female_cadre_55", D(1969, 12, 31), 660, D(2024, 12, 1)),
        ("female_cadre_55", D(1970, 1, 1), 661, D(2025, 2, 1)),
        ("female_cadre_55", D(1981, 8, 1), 695, D(2039, 7, 1)),
        ("female_cadre_55", D(1981, 9, 1), 696, D(2039, 9, 1)),
        # women workers, 50 → 55: +1 month per 2 months from 1975-01
        ("female_worker_50", D(1974, 12, 31), 600, D(2024, 12, 1)),
        ("female_worker_50", D(1975, 1, 1), 601, D(2025, 2, 1)),
        ("female_worker_50", D(1975, 2, 28), 601, D(2025, 3, 1)),
        ("female_worker_50", D(1975, 3, 1), 602, D(2025, 5, 1)),
        ("female_worker_50", D(1984, 10, 1), 659, D(2039, 9, 1)),
        ("female_worker_50", D(1984, 11, 1), 660, D(2039, 11, 1)),
    ],
)
def test_statutory_retirement_age_annex(category, birth, months, retire):
    assert retirement_age_months(category, birth, ON) == months
    assert retirement_month(category, birth, ON) == retire
    arr = retirement_month_index_array(
        np.array([{"male_60": 1, "female_cadre_55": 2, "female_worker_50": 3}[category]], dtype=np.int8),
        np.array([month_index(birth)]),
        True,
    )
    assert int(arr[0]) == month_index(retire)


def test_retirement_age_is_the_law_in_force_on_the_day():
    born = D(1965, 3, 10)
    assert retirement_age_months("male_60", born, D(2024, 12, 31)) == 720  # before 2025-01-01
    assert retirement_age_months("male_60", born, D(2025, 1, 1)) == 721
    assert retirement_age_months("male_60", born, D(2025, 1, 1), reform=False) == 720


def test_below_retirement_age_changes_at_the_month_boundary():
    born = D(1965, 1, 20)  # retires 2025-02
    assert below_retirement_age("male_60", born, D(2025, 1, 31))
    assert not below_retirement_age("male_60", born, D(2025, 2, 1))


def test_add_working_days_uses_the_given_calendar():
    holidays = {D(2024, 10, d) for d in range(1, 8)}

    def is_workday(d: dt.date) -> bool:
        return (d.weekday() < 5 and d not in holidays) or d == D(2024, 10, 12)  # a make-up Saturday

    assert add_working_days(D(2024, 9, 30), 1, is_workday=is_workday) == D(2024, 10, 8)
    assert add_working_days(D(2024, 9, 30), 5, is_workday=is_workday) == D(2024, 10, 12)
