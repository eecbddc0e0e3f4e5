"""Fixtures of the profile and hiring tests: an employer of Heping, a published gig post and its
applicants. Gig posts are made directly here (publishing them is another module's business).

Test modules import the fixtures they use by name.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

import pytest
from django.utils import timezone

from lingong.accounts.models import Role, User
from lingong.conftest import make_user
from lingong.core.models import Division, Occupation
from lingong.demo.generate import synthetic_credit_code
from lingong.market.models import GigPost, PostStatus, Settlement, WageType
from lingong.market.services import hiring

CLEANER = "4-10-01-06"  # 家政服务员, inside the group 4-10-01 生活照料服务人员

MakePost = Callable[..., GigPost]


@pytest.fixture
def employer(shenyang: dict[str, Division]) -> User:
    """沈阳和平家政服务有限公司: an enterprise of Heping with a valid credit code."""
    return make_user(
        role=Role.EMPLOYER,
        region=shenyang["heping"],
        phone="13600000001",
        name="沈阳和平家政服务有限公司",
        employer_kind=User.EmployerKind.ENTERPRISE,
        credit_code=synthetic_credit_code(random.Random(1), "210102"),
    )


@pytest.fixture
def other_employer(shenyang: dict[str, Division]) -> User:
    """孙伟: an individual employer of Tiexi hiring for his own home."""
    return make_user(
        role=Role.EMPLOYER,
        region=shenyang["tiexi"],
        phone="13600000002",
        name="孙伟",
        employer_kind=User.EmployerKind.INDIVIDUAL,
    )


@pytest.fixture
def make_post(employer: User, shenyang: dict[str, Division]) -> MakePost:
    def make(
        *,
        headcount: int = 3,
        owner: User | None = None,
        region: Division | None = None,
        status: str = PostStatus.PUBLISHED,
        expires_in: dt.timedelta = dt.timedelta(days=3),
        title: str = "家庭保洁3人，日结",
    ) -> GigPost:
        today = timezone.localdate()
        return GigPost.objects.create(
            employer=owner or employer,
            occupation=Occupation.objects.get(code=CLEANER),
            title=title,
            region=region or shenyang["heping"],
            address="沈阳市和平区南京北街1号",
            start_date=today,
            end_date=today + dt.timedelta(days=1),
            time_slots="08:00-12:00",
            wage_fen=18000,
            wage_type=WageType.DAY,
            status=status,
            expires_at=timezone.now() + expires_in,
            headcount=headcount,
            settlement=Settlement.SAME_DAY,
            contact_name="周经理",
            contact_phone="13600000001",
        )

    return make


@pytest.fixture
def gig_post(make_post: MakePost) -> GigPost:
    """A published post for 3 cleaners in Heping, open for three more days."""
    return make_post()


def make_workers(n: int, region: Division, *, start: int = 0) -> list[User]:
    return [
        make_user(role=Role.WORKER, region=region, phone=f"1331000{start + i:04d}", name=f"应聘者{start + i}")
        for i in range(n)
    ]


@pytest.fixture
def applicants(gig_post: GigPost, shenyang: dict[str, Division]) -> list[int]:
    """Ids of 20 engagements: 20 Heping workers who applied to ``gig_post``."""
    workers = make_workers(20, shenyang["heping"])
    return [hiring.apply(actor=w, post_id=gig_post.pk).pk for w in workers]
