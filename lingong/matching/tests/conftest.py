"""Matching personas: workers around the Heping square, employers and posts, on the real database.

Every test starts with a fresh per-process index (it is module state, and each test has its own
database rows), and the index syncs at every use (``MATCHING_SYNC_SECONDS = 0``) unless a test says
otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import timezone
from pytest_django.fixtures import SettingsWrapper

from lingong.accounts.models import Role, User
from lingong.conftest import make_user
from lingong.core.models import Division, Occupation
from lingong.market.models import WorkerProfile
from lingong.market.tests.conftest import (  # noqa: F401 - fixtures shared with the market's tests
    HEPING_LAT,
    HEPING_LON,
    heping_employer,
    make_gig,
    tiexi_factory,
)
from lingong.matching.index import reset_index

CLEANER = "4-09-08-01"  # 保洁员
REFUSE_COLLECTOR = "4-09-08-02"  # 生活垃圾清运工: the same minor group
NANNY = "4-10-01-06"  # 家政服务员
KM = 1 / 111.2  # degrees of latitude in a kilometre, near enough

MakeWorker = Callable[..., User]


@pytest.fixture(autouse=True)
def _fresh_index(settings: SettingsWrapper) -> Iterator[None]:
    settings.MATCHING_SYNC_SECONDS = 0
    reset_index()
    yield
    reset_index()


@pytest.fixture
def make_worker(shenyang: dict[str, Division]) -> MakeWorker:
    """A worker ``km`` north of the Heping square, cycling 30 minutes (6 km), available now unless told."""
    counter = iter(range(1, 1000))

    def make(
        name: str,
        *,
        km: float = 1.0,
        trades: tuple[str, ...] = (CLEANER,),
        minutes: int = 30,
        mode: str = "cycle",
        available_now: bool = True,
        expected_wage_fen: int = 0,
        groups: str = "",
        region: str = "heping",
    ) -> User:
        user = make_user(
            role=Role.WORKER, region=shenyang[region], phone=f"1340000{next(counter):04d}", name=name
        )
        profile = WorkerProfile.objects.create(
            user=user,
            longitude=HEPING_LON,
            latitude=HEPING_LAT + km * KM,
            travel_minutes=minutes,
            travel_mode=mode,
            available_now=available_now,
            expected_wage_fen=expected_wage_fen,
            groups=groups,
        )
        profile.occupations.set(Occupation.objects.filter(code__in=trades))
        return user

    return make


def today() -> dt.date:
    return timezone.localdate()


def at_square(**fields: Any) -> dict[str, Any]:
    """A post at the Heping square (for ``make_gig``)."""
    return {"longitude": HEPING_LON, "latitude": HEPING_LAT, **fields}
