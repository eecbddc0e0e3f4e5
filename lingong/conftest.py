"""Shared fixtures: named personas on the real database (SQLite or PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator

import pytest
import time_machine
from django.contrib.auth.models import Permission

from lingong.accounts.models import Role, User
from lingong.core.models import Division

PASSWORD = "Lingong-test-2026"  # noqa: S105 - test personas only


@pytest.fixture(autouse=True)
def _fresh_matching_index() -> Iterator[None]:
    """Each test starts without this process's matching index: the database is rolled back between
    tests (and SQLite reuses ids), so an index built in one test would describe rows that are gone."""
    from lingong.matching.index import reset_index

    reset_index()
    yield
    reset_index()


def _travel_to_local(hhmm: str) -> time_machine.travel:
    """Today's local date (the platform's time zone) at ``hhmm``, with the clock still running."""
    from zoneinfo import ZoneInfo

    from django.conf import settings

    zone = ZoneInfo(settings.TIME_ZONE)
    hour, minute = (int(part) for part in hhmm.split(":"))
    moment = dt.datetime.now(zone).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return time_machine.travel(moment, tick=True)


@pytest.fixture(autouse=True)
def _test_clock() -> Iterator[None]:
    """``LINGONG_TEST_CLOCK=23:50 pytest`` runs every test at that local time of day: how the suite
    was searched for tests that break when they walk the clock across midnight."""
    hhmm = os.environ.get("LINGONG_TEST_CLOCK")
    if not hhmm:
        yield
        return
    with _travel_to_local(hhmm):
        yield


@pytest.fixture
def daytime() -> Iterator[None]:
    """For tests that walk the clock forward through one day's work: they run at 10:00 local time
    today, so a post "for today" is not over when the test looks an hour ahead near midnight."""
    with _travel_to_local("10:00"):
        yield


def division(code: str, name: str, level: str, parent: str | None = None) -> Division:
    obj, _ = Division.objects.get_or_create(
        code=code, defaults={"name": name, "level": level, "parent_id": parent, "full_name": name}
    )
    return obj


@pytest.fixture
def shenyang(db: None) -> dict[str, Division]:
    """Liaoning › Shenyang › Heping and Tiexi districts, and Dalian › Zhongshan."""
    return {
        "liaoning": division("210000", "辽宁省", "province"),
        "shenyang": division("210100", "沈阳市", "city", "210000"),
        "heping": division("210102", "和平区", "county", "210100"),
        "tiexi": division("210106", "铁西区", "county", "210100"),
        "dalian": division("210200", "大连市", "city", "210000"),
        "zhongshan": division("210202", "中山区", "county", "210200"),
    }


def make_user(
    *, role: str, region: Division | None, phone: str, name: str, perms: tuple[str, ...] = (), **extra: object
) -> User:
    user = User(role=role, region=region, display_name=name, phone=phone, **extra)
    user.set_password(PASSWORD)
    user.is_staff = role in (Role.STAFF, Role.SUPERVISOR, Role.ADMIN)
    user.save()
    for perm in perms:
        app, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app, codename=codename))
    return User.objects.get(pk=user.pk)  # fresh: no stale permission cache


STAFF_PERMS = (
    "accounts.view_user",
    "accounts.change_user",
    "accounts.view_personal_data",
    "core.view_auditentry",
    "core.export_auditentry",
)


@pytest.fixture
def heping_staff(shenyang: dict[str, Division]) -> User:
    """王芳: staff of the Heping district employment service, allowed to see full personal data."""
    return make_user(
        role=Role.STAFF, region=shenyang["heping"], phone="13900000001", name="王芳", perms=STAFF_PERMS
    )


@pytest.fixture
def heping_clerk(shenyang: dict[str, Division]) -> User:
    """赵磊: a Heping window clerk without the permission to see full personal data."""
    return make_user(
        role=Role.STAFF,
        region=shenyang["heping"],
        phone="13900000003",
        name="赵磊",
        perms=("accounts.view_user",),
    )


@pytest.fixture
def tiexi_staff(shenyang: dict[str, Division]) -> User:
    """李强: staff of the Tiexi district, next door."""
    return make_user(
        role=Role.STAFF, region=shenyang["tiexi"], phone="13900000002", name="李强", perms=STAFF_PERMS
    )


@pytest.fixture
def city_staff(shenyang: dict[str, Division]) -> User:
    """陈静: Shenyang city bureau staff, who sees every district of the city."""
    return make_user(
        role=Role.STAFF, region=shenyang["shenyang"], phone="13900000004", name="陈静", perms=STAFF_PERMS
    )


@pytest.fixture
def heping_worker(shenyang: dict[str, Division]) -> User:
    """张秀兰, 58, a cleaner registered in Heping."""
    return make_user(
        role=Role.WORKER,
        region=shenyang["heping"],
        phone="13812345678",
        name="张秀兰",
        id_number="210102196803150024",
        address="辽宁省沈阳市和平区南京南街18号3单元502",
    )


@pytest.fixture
def tiexi_worker(shenyang: dict[str, Division]) -> User:
    """刘洋, a delivery rider registered in Tiexi."""
    return make_user(
        role=Role.WORKER,
        region=shenyang["tiexi"],
        phone="13712345679",
        name="刘洋",
        id_number="210106199505200010",
        address="辽宁省沈阳市铁西区兴华北街7号",
    )
