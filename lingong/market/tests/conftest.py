"""Market personas and a quick way to publish gig posts, on the real database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from lingong.accounts.models import Role, User
from lingong.conftest import make_user
from lingong.core.models import Division
from lingong.market.models import EmployerProfile, GigPost
from lingong.market.services.posts import publish_gig_post

# Heping district, by the 市府广场 (Shenyang city government square).
HEPING_LON, HEPING_LAT = 123.4315, 41.8057


@pytest.fixture
def heping_employer(shenyang: dict[str, Division]) -> User:
    """和平家政服务部: an individual employer in Heping, not yet verified by staff."""
    user = make_user(
        role=Role.EMPLOYER, region=shenyang["heping"], phone="13600000001", name="和平家政服务部"
    )
    EmployerProfile.objects.create(user=user)
    return user


@pytest.fixture
def tiexi_factory(shenyang: dict[str, Division], tiexi_staff: User) -> User:
    """沈阳铁西机床配件厂: an enterprise in Tiexi, verified by Tiexi staff."""
    user = make_user(
        role=Role.EMPLOYER, region=shenyang["tiexi"], phone="13600000002", name="沈阳铁西机床配件厂"
    )
    EmployerProfile.objects.create(user=user, verified_at=timezone.now(), verified_by=tiexi_staff)
    return user


def tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


PostMaker = Callable[..., GigPost]


@pytest.fixture
def make_gig() -> PostMaker:
    """Publish a gig post with sensible defaults: a day of cleaning in Heping at 200 yuan a day."""

    def make(employer: User, **fields: Any) -> GigPost:
        start = fields.pop("start_date", tomorrow())
        defaults: dict[str, Any] = {
            "occupation_code": "4-09-08-01",  # 保洁员
            "region_code": employer.region_id,
            "address": "沈阳市和平区南京北街206号",
            "start_date": start,
            "end_date": start,
            "headcount": 2,
            "wage_fen": 20000,
            "wage_type": "day",
            "settlement": "same_day",
            "title": "写字楼日常保洁",
        }
        defaults.update(fields)
        actor = defaults.pop("actor", employer)
        return publish_gig_post(actor=actor, employer=employer, **defaults)

    return make
