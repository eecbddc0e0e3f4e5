"""Facts from the platform: what a person's account, needs-database profile, registrations and ledger
say, read one by one (the page) or as columns for the whole registry (batch runs, the benchmark), with
the same answers from the engine either way."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from lingong.accounts.models import Role, User
from lingong.conftest import make_user
from lingong.core.models import Division
from lingong.market.models import WorkerProfile
from lingong.policy import engine, facts
from lingong.policy.models import LedgerEntry
from lingong.policy.tests.test_runs import registered_worker

pytestmark = pytest.mark.django_db


def test_one_persons_facts_come_from_the_account_profile_and_registrations(
    shenyang: dict[str, Division],
) -> None:
    person = registered_worker(shenyang["heping"], 3)
    WorkerProfile.objects.filter(user=person).update(groups=",employment_difficulty,", insurance="pension")
    known = facts.platform_person(person)
    assert known.birth_date == dt.date(1990, 4, 15) and known.sex == "male"  # from the ID number
    assert known.retirement_category == "male_60"
    assert known.household_region == "210102"
    assert known.groups == frozenset({"employment_difficulty"})
    assert known.pension_enrolled and known.part_time
    assert known.flexible_employment_region == "210102"


def test_the_registry_as_columns_gives_the_same_answers_as_one_by_one(shenyang: dict[str, Division]) -> None:
    as_of = dt.date(2026, 9, 30)
    people = []
    for n, groups in enumerate([",employment_difficulty,", ",recent_graduate,", "", ",veteran,disabled,"]):
        person = registered_worker(shenyang["heping" if n % 2 else "tiexi"], 20 + n)
        # Real-name accounts carry birth date, sex and the ID's region digits in plain columns; the bulk
        # path reads those. Two keep their ID number, two have none (so no household region either).
        if n < 2:
            User.objects.filter(pk=person.pk).update(
                birth_date=dt.date(1970 + 5 * n, 3, 1), sex="M" if n % 2 else "F"
            )
        else:
            User.objects.filter(pk=person.pk).update(
                id_number="", id_region="", birth_date=dt.date(1970 + 5 * n, 3, 1), sex="M" if n % 2 else "F"
            )
        WorkerProfile.objects.filter(user=person).update(groups=groups)
        people.append(person)
    make_user(
        role=Role.WORKER, region=shenyang["heping"], phone="13600008888", name="无档案"
    )  # not registered
    LedgerEntry.objects.create(
        person=people[0],
        policy_id="liaoning.social_insurance_subsidy",
        benefit="social_insurance_subsidy",
        kind="monthly",
        period=dt.date(2026, 1, 1),
        months=1,
        granted_on=dt.date(2026, 1, 5),
        amount_fen=60_000,
        region=shenyang["tiexi"],
    )
    # One who lives in Tiexi now but whose ID was issued in Heping: household and residence differ.
    User.objects.filter(pk=people[0].pk).update(region=shenyang["tiexi"])
    ids, cols = facts.registry_columns("2101", as_of=as_of)
    assert ids.tolist() == sorted(p.pk for p in people)
    household = dict(zip(ids.tolist(), cols["household_region"].tolist(), strict=True))
    for n, person in enumerate(people):
        expected_household = int(User.objects.get(pk=person.pk).id_number[:6]) if n < 2 else 0
        assert household[person.pk] == expected_household

    users = list(User.objects.filter(pk__in=ids.tolist()).order_by("pk"))
    one_by_one = facts.platform_people(users)
    ledgers = facts.ledgers_for([u.pk for u in users])
    expected = engine.evaluate_batch(
        [one_by_one[u.pk] for u in users],
        as_of=as_of,
        regions=[u.region_id or "" for u in users],
        ledgers=[ledgers[u.pk] for u in users],
    )
    got = engine.evaluate_batch(cols, as_of=as_of)
    for key in expected.policies:
        assert np.array_equal(got.eligible[key], expected.eligible[key]), key
        assert np.array_equal(got.amount_fen[key], expected.amount_fen[key]), key
        assert np.array_equal(got.months[key], expected.months[key]), key
    assert int(cols["led_si_months"][0]) == 1


def test_money_facts_are_shown_in_yuan_and_read_back_to_the_fen() -> None:
    """The form shows fen as the yuan text used on every page (thousands separated); what it shows
    reads back to the same fen."""
    from lingong.policy import facts
    from lingong.policy.engine import types as et

    person = et.Person().with_changes(si_contribution_fen=123_456)
    field = next(f for f in facts.form_fields(person) if f["name"] == "si_contribution_fen")
    assert field["value"] == "1,234.56"
    assert facts.person_from_form({"si_contribution_fen": field["value"]}, base=et.Person()) == person
    assert [text for _label, text in facts.shown_facts(person)] == ["1,234.56元"]
