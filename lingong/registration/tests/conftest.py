"""Registration personas on the real database, and a quick way to register."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from lingong.accounts.models import Role, User
from lingong.conftest import make_user
from lingong.core.models import Division
from lingong.market.tests.conftest import heping_employer, make_gig  # noqa: F401 - fixtures reused
from lingong.registration import services
from lingong.registration.models import EmploymentRegistration, UnemploymentRegistration

CLEANER = "4-09-08-01"  # 保洁员
NEW_ID = "210106199505200010"  # a valid resident ID number, on no account yet


@pytest.fixture
def newcomer(shenyang: dict[str, Division]) -> User:
    """孙磊: a worker in Heping who signed up by phone and has no ID number on record yet."""
    return make_user(role=Role.WORKER, region=shenyang["heping"], phone="13811112222", name="孙磊")


@pytest.fixture
def heping_supervisor(shenyang: dict[str, Division]) -> User:
    """周敏: the Shenyang city supervisor."""
    return make_user(role=Role.SUPERVISOR, region=shenyang["shenyang"], phone="13900000009", name="周敏")


def employment_fields(person: User, **over: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "actor": person,
        "channel": "online",
        "id_number": person.id_number or NEW_ID,
        "form": "part_time",
        "occupation_code": CLEANER,
        "start_date": dt.date(2026, 1, 5),
        "place": "沈阳市和平区南京北街206号",
        "region_code": "210102",
        "commitment": True,
    }
    fields.update(over)
    return fields


Employ = Callable[..., EmploymentRegistration]
Unemploy = Callable[..., UnemploymentRegistration]


@pytest.fixture
def employ() -> Employ:
    def make(person: User, **over: Any) -> EmploymentRegistration:
        return services.register_employment(**employment_fields(person, **over))

    return make


@pytest.fixture
def unemploy() -> Unemploy:
    def make(person: User, **over: Any) -> UnemploymentRegistration:
        fields: dict[str, Any] = {
            "actor": person,
            "channel": "online",
            "id_number": person.id_number or NEW_ID,
            "basis": "residence",
            "region_code": "210102",
            "commitment": True,
        }
        fields.update(over)
        return services.register_unemployment(**fields)

    return make
