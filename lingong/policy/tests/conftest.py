"""Policy personas on the real database, and quick ways to apply, approve and pay."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from lingong.accounts.models import Role, User
from lingong.conftest import make_user
from lingong.core.models import Division
from lingong.policy import decisions, services
from lingong.policy.engine import types as et
from lingong.policy.models import LoanParty, PartyKind, PolicyApplication

SHENYANG = ZoneInfo("Asia/Shanghai")
SI = "liaoning.social_insurance_subsidy"
LOAN = "liaoning.startup_guarantee_loan"
GRADUATE_ID = "210102200205010028"


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=SHENYANG)


#: The day most tests act on: a Wednesday before National Day (deadline 2026-10-15).
NOW = at("2026-09-30")


@pytest.fixture(autouse=True)
def _fresh_parameter_store() -> None:
    """Each test rolls its parameter values back; the process's one-second store must not outlive it."""
    decisions.forget_store()


def graduate_facts(**over: Any) -> et.Person:
    """李娜's situation: left university in June 2025, flexibly employed and registered in Heping,
    paying 900 yuan of social insurance a month."""
    facts: dict[str, Any] = {
        "birth_date": dt.date(2002, 5, 1),
        "sex": "female",
        "retirement_category": "female_cadre_55",
        "household_region": "210102",
        "residence_region": "210102",
        "groups": frozenset({"recent_graduate", "college_graduate"}),
        "graduation_date": dt.date(2025, 6, 30),
        "flexible_employment_registered_on": dt.date(2025, 9, 1),
        "flexible_employment_region": "210102",
        "part_time": True,
        "si_contribution_fen": 90_000,
    }
    facts.update(over)
    return et.Person().with_changes(**facts)


@pytest.fixture
def graduate(shenyang: dict[str, Division]) -> User:
    """李娜, 24, a 2025 graduate doing platform delivery work in Heping."""
    return make_user(
        role=Role.WORKER,
        region=shenyang["heping"],
        phone="13822223333",
        name="李娜",
        id_number=GRADUATE_ID,
    )


Apply = Callable[..., PolicyApplication]


@pytest.fixture
def apply_for() -> Apply:
    def make(person: User, policy: str = SI, *, now: dt.datetime = NOW, **facts: Any) -> PolicyApplication:
        return services.apply(
            actor=person,
            policy_id=policy,
            region_code=person.region_id or "",
            person_facts=graduate_facts(**facts),
            now=now,
        )

    return make


def party(user: User, kind: str, region: Division, institution: str) -> LoanParty:
    return LoanParty.objects.create(user=user, kind=kind, region=region, institution=institution)


@pytest.fixture
def loan_parties(shenyang: dict[str, Division], heping_staff: User) -> dict[str, User]:
    """The three parties for Heping: the district employment office (王芳), the Shenyang guarantee
    centre (孙伟) and the bank branch (吴敏)."""
    guarantor = make_user(role=Role.PARTNER, region=shenyang["shenyang"], phone="13900000021", name="孙伟")
    bank = make_user(role=Role.PARTNER, region=shenyang["heping"], phone="13900000022", name="吴敏")
    party(heping_staff, PartyKind.OFFICE, shenyang["heping"], "和平区就业服务中心")
    party(guarantor, PartyKind.GUARANTOR, shenyang["shenyang"], "沈阳市创业担保中心")
    party(bank, PartyKind.BANK, shenyang["heping"], "某银行和平支行")
    return {"office": heping_staff, "guarantor": guarantor, "bank": bank}
