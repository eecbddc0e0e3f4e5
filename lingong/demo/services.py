"""Writing the synthetic people of ``generate`` into the database, fast and repeatably.

Generated people are written with ``bulk_create`` in batches, one transaction per batch, and get
an unusable password (hashing is what would make 100,000 people slow; nobody logs in as them).
Someone whose phone number (or, for the same role, ID number) is already registered is skipped,
so running ``lingong demo`` again with the same seed adds nothing, and with another seed adds only
people who do not clash with those already there.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.utils import timezone

from lingong.accounts.groups import ensure_groups
from lingong.accounts.models import Role, User
from lingong.core.fields import lookup_value
from lingong.core.models import Division
from lingong.demo import generate
from lingong.demo.generate import EnterpriseSpec, PersonSpec

BATCH = 2000

#: The share of generated employers that are enterprises; the rest are individuals (households).
ENTERPRISE_SHARE = 0.6


@dataclasses.dataclass
class Created:
    created: int = 0
    skipped: int = 0

    def add(self, other: Created) -> None:
        self.created += other.created
        self.skipped += other.skipped


# One unusable-password marker for all generated people: drawing a random one each costs a fifth of
# the run, and none of them can log in either way.
_UNUSABLE = make_password(None)


def _index(field: str, value: str) -> str:
    return lookup_value(User, field, value)


def _person(spec: PersonSpec, role: str, now: dt.datetime, **extra: Any) -> User:
    user = User(
        role=role,
        region_id=spec.county_code,
        display_name=spec.display_name,
        phone=spec.phone,
        id_number=spec.id_number,
        address=spec.address,
        birth_date=spec.birth_date,
        sex=spec.sex,
        real_name_verified=True,
        date_joined=now - dt.timedelta(days=spec.registered_days_ago),
        **extra,
    )
    user.password = _UNUSABLE  # nobody logs in as a generated person
    return user


def _enterprise(spec: EnterpriseSpec, now: dt.datetime) -> User:
    user = User(
        role=Role.EMPLOYER,
        employer_kind=User.EmployerKind.ENTERPRISE,
        region_id=spec.county_code,
        display_name=spec.display_name,
        phone=spec.phone,
        address=spec.address,
        credit_code=spec.credit_code,
        real_name_verified=True,
        date_joined=now - dt.timedelta(days=spec.registered_days_ago),
    )
    user.password = _UNUSABLE  # nobody logs in as a generated person
    return user


def _save_new(users: list[User], role: str) -> Created:
    """Insert the users whose phone (and, within ``role``, ID number) is not registered yet."""
    by_phone = {_index("phone", u.phone): u for u in users}
    taken = set(User.objects.filter(phone_index__in=list(by_phone)).values_list("phone_index", flat=True))
    fresh = [u for key, u in by_phone.items() if key not in taken]
    with_id = {_index("id_number", u.id_number): u for u in fresh if u.id_number}
    if with_id:
        taken_ids = set(
            User.objects.filter(role=role, id_number_index__in=list(with_id)).values_list(
                "id_number_index", flat=True
            )
        )
        fresh = [u for u in fresh if not u.id_number or _index("id_number", u.id_number) not in taken_ids]
    with transaction.atomic():
        User.objects.bulk_create(fresh)
    return Created(created=len(fresh), skipped=len(users) - len(fresh))


def _save_in_batches(
    users: Iterable[User], role: str, progress: Callable[[int], object] | None = None
) -> Created:
    result = Created()
    batch: list[User] = []
    for user in users:
        batch.append(user)
        if len(batch) == BATCH:
            result.add(_save_new(batch, role))
            if progress:
                progress(len(batch))
            batch = []
    if batch:
        result.add(_save_new(batch, role))
        if progress:
            progress(len(batch))
    return result


def create_workers(
    *, seed: int, counties: Sequence[Division], count: int, progress: Callable[[int], object] | None = None
) -> Created:
    now = timezone.now()
    specs = generate.people(seed=seed, counties=counties, count=count)
    return _save_in_batches((_person(s, Role.WORKER, now) for s in specs), Role.WORKER, progress)


def create_employers(
    *, seed: int, counties: Sequence[Division], count: int, progress: Callable[[int], object] | None = None
) -> tuple[Created, Created]:
    """Enterprises and individual employers (households hiring a cleaner, a carer), in that order."""
    now = timezone.now()
    n_enterprises = round(count * ENTERPRISE_SHARE)
    firms = generate.enterprises(seed=seed, counties=counties, count=n_enterprises)
    made_firms = _save_in_batches((_enterprise(s, now) for s in firms), Role.EMPLOYER, progress)
    households = generate.people(
        seed=seed,
        counties=counties,
        count=count - n_enterprises,
        stream="individual-employers",
        phone_prefix=generate.INDIVIDUAL_EMPLOYER_PHONE_PREFIX,
    )
    made_people = _save_in_batches(
        (_person(s, Role.EMPLOYER, now, employer_kind=User.EmployerKind.INDIVIDUAL) for s in households),
        Role.EMPLOYER,
        progress,
    )
    return made_firms, made_people


def refresh_statistics() -> None:
    """Let the query planner see the new rows. Without statistics SQLite looks a person up by the
    ``role`` index rather than the ID number's (35 ms instead of 0.1 ms per registration once there
    are 100,000 workers); PostgreSQL's autovacuum would get there, but later."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {User._meta.db_table}")


@transaction.atomic
def create_demo_logins(*, seed: int, region: Division, counties: Sequence[Division]) -> list[str]:
    """The accounts of ``generate.DEMO_LOGINS``; existing ones are left as they are. Returns the
    labels of those created."""
    ensure_groups(Group, Permission)
    groups = {g.name: g for g in Group.objects.all()}
    county = counties[0]
    # One hash for the shared, published demo password: each PBKDF2 hash takes a good part of a second.
    password = make_password(generate.DEMO_PASSWORD)
    worker = next(generate.people(seed=seed, counties=[county], count=1, stream="logins"))
    firm = next(generate.enterprises(seed=seed, counties=[county], count=1, stream="logins"))
    now = timezone.now()
    accounts: list[tuple[User, tuple[str, ...]]] = [
        (
            User(role=Role.ADMIN, display_name="系统管理员", is_staff=True, is_superuser=True),
            (),
        ),
        (
            User(role=Role.STAFF, region=region, display_name="陈静", is_staff=True),
            ("公共就业服务经办", "个人信息查看授权", "审计", "基础数据维护"),
        ),
        (User(role=Role.STAFF, region=county, display_name="赵磊", is_staff=True), ("公共就业服务经办",)),
        (User(role=Role.SUPERVISOR, region=region, display_name="孙敏", is_staff=True), ("审计",)),
        (_person(worker, Role.WORKER, now), ()),
        (_enterprise(firm, now), ()),
    ]
    created = []
    for (label, phone, _password), (user, group_names) in zip(generate.DEMO_LOGINS, accounts, strict=True):
        if User.objects.filter_phone(phone).exists():
            continue
        user.phone = phone
        user.password = password
        user.date_joined = now
        user.save()
        user.groups.set([groups[name] for name in group_names])
        created.append(label)
    return created
