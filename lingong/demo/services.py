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
import random
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
from lingong.core.scope import prefix_q
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
        id_region=spec.id_number[:6],  # bulk-created: save() does not run
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
            ("公共就业服务经办", "个人信息查看授权", "审计", "基础数据维护", "政策参数维护", "匹配权重维护"),
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


# --- the market -------------------------------------------------------------------------------------

GIG_TEMPLATES = [
    ("保洁", "家庭日常保洁{h}小时", "擦窗、拖地、整理厨房，自带工具优先。"),
    ("搬运", "搬家装卸{n}人", "搬运家具家电，楼层有电梯。"),
    ("配送", "午高峰外卖配送", "11:00-14:00 配送，平台派单，电动车自备。"),
    ("装修", "小工 瓦工帮工", "瓷砖搬运、和灰，懂基本操作即可。"),
    ("护理", "陪护老人白天班", "照顾老人起居、陪同散步，需有耐心。"),
    ("餐饮", "饭店后厨帮工", "洗菜切配、收拾后厨，管一顿饭。"),
]


def create_demo_profiles(*, seed: int, region: Division) -> int:
    """Needs-database profiles for the region's generated workers that have none yet."""
    from lingong.market.services.profiles import create_demo_profiles as make

    workers = (
        User.objects.filter(role=Role.WORKER, region__pk__startswith=region.scope_prefix)
        .select_related("region")
        .order_by("pk")
    )
    made = 0
    batch: list[User] = []
    for worker in workers.iterator(chunk_size=2000):
        batch.append(worker)
        if len(batch) == 2000:
            made += make(seed=seed, workers=batch, occupation_codes=generate.flexible_occupations())
            batch = []
    if batch:
        made += make(seed=seed, workers=batch, occupation_codes=generate.flexible_occupations())
    return made


def create_demo_gigs(
    *, seed: int, region: Division, count: int, progress: Callable[[int], object] | None = None
) -> int:
    """``count`` gig posts by the region's employers, published through the market's own service
    (so they are checked, indexed for search and audited like any other). Wages sit above the local
    minimum, so they publish at once."""
    from lingong.market.models import Settlement, WageType
    from lingong.market.services.posts import publish_gig_post

    employers = list(
        User.objects.filter(role=Role.EMPLOYER, region__pk__startswith=region.scope_prefix)
        .select_related("region")
        .order_by("pk")
    )
    occupations = generate.flexible_occupations()
    from lingong.market.models import GigPost

    # Safe to repeat: top the region up to ``count`` posts rather than adding ``count`` more.
    count -= GigPost.objects.filter(region__pk__startswith=region.scope_prefix).count()
    if not employers or not occupations or count <= 0:
        return 0
    rng = random.Random(f"{seed}:gigs:{region.code}")
    today = timezone.localdate()
    made = 0
    for i in range(count):
        employer = employers[rng.randrange(len(employers))]
        county = employer.region
        assert county is not None
        kind, title, description = rng.choice(GIG_TEMPLATES)
        where = generate.location_near(rng, county, km=4.0)
        day_wage = rng.randrange(160, 320, 10)
        by_hour = rng.random() < 0.3
        start = today + dt.timedelta(days=rng.randrange(0, 10))
        publish_gig_post(
            actor=employer,
            employer=employer,
            occupation_code=rng.choice(occupations),
            region_code=county.code,
            address=generate.street_address(rng, county, generate.address_prefix(county)),
            start_date=start,
            end_date=start + dt.timedelta(days=rng.choice([0, 0, 1, 2, 6])),
            headcount=rng.choice([1, 1, 2, 3, 5, 10]),
            wage_fen=(rng.randrange(25, 45) if by_hour else day_wage) * 100,
            wage_type=WageType.HOUR if by_hour else WageType.DAY,
            settlement=rng.choice(Settlement.values),
            title=title.format(h=rng.choice([2, 3, 4]), n=rng.choice([2, 3, 4])),
            description=f"{kind}：{description}",
            time_slots=rng.choice(["08:00-12:00", "08:00-17:00", "13:00-18:00", ""]),
            longitude=where[0] if where else None,
            latitude=where[1] if where else None,
            instant=start == today and rng.random() < 0.5,
        )
        made += 1
        if progress and (i + 1) % 50 == 0:
            progress(50)
    if progress:
        progress(count % 50)
    return made


def create_demo_matches(*, seed: int) -> int:
    """Three gigs by the demo employer login in the demo worker login's trade, a short ride from them,
    on days they said they can work: so "为我推荐" and "推荐人选" show a match with its score the
    first time someone tries the demo. None twice."""
    from lingong.market.models import GigPost, Settlement, WageType, WorkerProfile
    from lingong.market.services.posts import publish_gig_post
    from lingong.matching.engine.types import SPEED_KMH, reach_km

    worker_phone, employer_phone = generate.DEMO_LOGINS[4][1], generate.DEMO_LOGINS[5][1]
    worker = User.objects.filter_phone(worker_phone).first()
    employer = User.objects.filter_phone(employer_phone).first()
    profile = WorkerProfile.objects.filter(user=worker).prefetch_related("occupations").first()
    if worker is None or employer is None or profile is None or profile.latitude is None:
        return 0
    region_code = worker.region_id or employer.region_id
    if region_code is None:
        return 0
    trades = [o.code for o in profile.occupations.all()]
    if not trades or GigPost.objects.filter(employer=employer, occupation_id=trades[0]).exists():
        return 0
    # Within what they said: their days and hours, their pay, half their reach (walking 15 minutes is
    # barely a kilometre), so the demo shows a match whatever the generated profile is.
    slots_by_day = {int(d): slots for d, slots in (profile.availability or {}).items() if slots}
    days = sorted(slots_by_day) or [1, 2, 3, 4, 5]
    reach = reach_km(
        profile.travel_mode if profile.travel_mode in SPEED_KMH else "cycle", profile.travel_minutes
    )
    hourly = profile.expected_wage_type == WageType.HOUR
    wage = (
        max(profile.expected_wage_fen, 2500) + 500 if hourly else max(profile.expected_wage_fen, 18000) + 2000
    )
    rng = random.Random(f"{seed}:matches")
    today = timezone.localdate()
    starts = [
        today + dt.timedelta(days=n)
        for n in range(1, 15)
        if (today + dt.timedelta(days=n)).isoweekday() in days
    ]
    made = 0
    for start in starts[:3]:
        km = rng.uniform(0.3, 0.5) * reach
        publish_gig_post(
            actor=employer,
            employer=employer,
            occupation_code=trades[0],
            region_code=region_code,
            address=f"演示路{made + 1}号",
            start_date=start,
            end_date=start,
            headcount=2,
            wage_fen=wage,
            wage_type=WageType.HOUR if hourly else WageType.DAY,
            settlement=Settlement.SAME_DAY,
            title=f"{start.month}月{start.day}日 {profile.occupations.all()[0].name}（日结）",
            description="演示数据：按您的档案推荐。",
            time_slots=(slots_by_day.get(start.isoweekday()) or ["08:00-17:00"])[0],
            longitude=round(profile.longitude + km / 111.32 / 0.75, 6) if profile.longitude else None,
            latitude=profile.latitude,
        )
        made += 1
    return made


PLACE_KINDS = [
    (
        "public_hall",
        "{county}公共就业服务中心零工对接专区",
        "周一至周六 06:00-11:30",
        "{county}人力资源和社会保障局",
    ),
    ("community_station", "{county}{street}社区零工驿站", "每天 05:30-10:00", "{street}街道办事处"),
    ("service_station", "{county}舒心就业服务站", "周一至周五 08:30-17:00", "{county}就业服务中心"),
    ("market", "{county}{street}劳务市场", "每天 05:00-12:00", "{county}{street}人力资源有限公司"),
]


def create_demo_places(*, seed: int, region: Division) -> int:
    """A few directory entries per county (once): so the public directory page has something to show."""
    from lingong.market.models import DirectoryPlace
    from lingong.market.services.directory import create_place

    if DirectoryPlace.objects.filter(region__pk__startswith=region.scope_prefix).exists():
        return 0
    actor = User.objects.filter(role=Role.ADMIN, is_superuser=True).order_by("pk").first()
    if actor is None:
        return 0
    rng = random.Random(f"{seed}:places:{region.code}")
    occupations = generate.flexible_occupations()
    made = 0
    for county in generate.counties_of(region):
        for kind, name, hours, operator in rng.sample(PLACE_KINDS, 2):
            street = rng.choice(["北市", "南湖", "长白", "太原", "新华", "兴华", "中街"])
            where = generate.location_near(rng, county, km=3.0)
            create_place(
                actor=actor,
                kind=kind,
                name=name.format(county=county.name, street=street),
                region_code=county.code,
                address=generate.street_address(rng, county, generate.address_prefix(county)),
                opening_hours=hours,
                contact=f"024-{rng.randrange(2000_0000, 8999_9999)}",
                operator=operator.format(county=county.name, street=street),
                longitude=where[0] if where else None,
                latitude=where[1] if where else None,
                trades=rng.sample(occupations, min(4, len(occupations))),
            )
            made += 1
    return made


def create_demo_hires(*, seed: int, region: Division) -> int:
    """A hiring history so the outcome figures and work pages have something to show: on about half
    the region's open posts, nearby workers apply and the employer confirms them, through the
    market's own services (so the headcount, the log and the audit hold as for real hires); on
    today's posts the first of them checks in. Only the posts' publication times are then set back
    by minutes to hours, since a history made in one second would show every post filled at once."""
    from lingong.core.errors import DomainError
    from lingong.market.models import Engagement, GigPost
    from lingong.market.services import hiring, work

    posts = list(
        GigPost.objects.filter(region__pk__startswith=region.scope_prefix, status="published")
        .select_related("employer")
        .order_by("pk")
    )
    if not posts or Engagement.objects.filter(post__in=posts).exists():
        return 0  # once: a rerun must not pile up applications
    rng = random.Random(f"{seed}:hires:{region.code}")
    workers_by_county: dict[str, list[User]] = {}
    for worker in User.objects.filter(role=Role.WORKER, region__pk__startswith=region.scope_prefix):
        workers_by_county.setdefault(worker.region_id or "", []).append(worker)
    today = timezone.localdate()
    hires = 0
    for post in posts:
        if rng.random() < 0.5:
            continue
        pool = workers_by_county.get(post.region_id, [])
        wanted = min(len(pool), rng.randint(1, post.headcount))
        confirmed: list[User] = []
        for worker in rng.sample(pool, wanted):
            try:
                engagement = hiring.apply(actor=worker, post_id=post.pk)
                hiring.confirm_worker(actor=post.employer, engagement_id=engagement.pk)
            except DomainError:
                continue  # a worker may not apply (say, to their own county's full post)
            confirmed.append(worker)
            hires += 1
        GigPost.objects.filter(pk=post.pk).update(
            created_at=timezone.now() - dt.timedelta(minutes=rng.randint(5, 240))
        )
        if confirmed and post.start_date == today and post.longitude is not None:
            post.refresh_from_db()
            work.check_in(
                actor=confirmed[0],
                post_id=post.pk,
                code=work.checkin_code(post, today),
                longitude=post.longitude,
                latitude=post.latitude,
            )
    return hires


# --- training ----------------------------------------------------------------------------------------

COURSES = [
    ("skills", "保洁员（家政服务）职业技能培训", "4-09-08-01", "市职业技能公共实训基地", 10, 30),
    ("skills", "养老护理员初级工培训", None, "市养老服务职业培训学校", 14, 40),
    ("skills", "网约配送员安全与服务培训", None, "区就业训练中心", 5, 50),
    ("startup_training", "SYB创业培训班（第{n}期）", None, "市创业孵化基地", 12, 30),
    ("startup_guidance", "开业指导与创业政策咨询", None, "区公共就业服务中心", 1, 20),
]


def create_demo_courses(*, seed: int, region: Division) -> int:
    """A few training courses and startup services in the region, published by its demo staff, so the
    push after registration and the course list have something to show. None twice."""
    from lingong.core.models import Occupation
    from lingong.training.models import TrainingCourse
    from lingong.training.services import create_course

    if TrainingCourse.objects.filter(prefix_q("region_id", region.scope_prefix)).exists():
        return 0
    staff = User.objects.filter(role=Role.STAFF, region=region).order_by("pk").first()
    if staff is None:
        return 0
    nurse = Occupation.objects.filter(name__contains="养老护理").values_list("code", flat=True).first()
    rider = Occupation.objects.filter(name__contains="配送").values_list("code", flat=True).first()
    today = timezone.localdate()
    made = 0
    for i, (kind, title, occupation, provider, starts_in, seats) in enumerate(COURSES):
        code = occupation or (nurse if "养老" in title else rider if "配送" in title else None)
        if kind == "skills" and not code:
            continue
        start = today + dt.timedelta(days=starts_in)
        create_course(
            actor=staff,
            data={
                "kind": kind,
                "title": title.format(n=seed % 50 + 1),
                "provider": provider,
                "occupation_code": code or "",
                "region_code": region.code,
                "start_date": start,
                "end_date": start + dt.timedelta(days=1 if kind == "startup_guidance" else 10 + i),
                "seats": seats,
                "subsidised": kind != "startup_guidance",
                "subsidy_note": "培训合格并取得证书的，按规定享受职业培训补贴（辽人社〔2022〕22号 第五条）",
                "contact": "12333",
                "address": f"{region.name}人力资源服务中心{i + 2}楼",
            },
        )
        made += 1
    return made


# --- registration --------------------------------------------------------------------------------------

FORMS = ("part_time", "platform", "freelance", "individual_business")


def create_demo_registrations(*, seed: int, region: Division, count: int = 30) -> int:
    """Flexible-employment registrations (灵活就业登记) by some generated workers of the region, online and
    through the registration service (commitment, deadline, immediate closing, the pushes after it), so
    the staff's registration list and 政策找人 have someone to find. None twice."""
    from lingong.core.errors import DomainError
    from lingong.market.models import WorkerProfile
    from lingong.registration import services as registration
    from lingong.registration.models import EmploymentRegistration

    workers = list(
        User.objects.filter(
            prefix_q("region_id", region.scope_prefix), role=Role.WORKER, real_name_verified=True
        )
        .exclude(id_number_index="")
        .select_related("region")
        .order_by("pk")
    )
    if not workers or EmploymentRegistration.objects.filter(person__in=workers).exists():
        return 0
    rng = random.Random(f"{seed}:registrations:{region.code}")
    trades = dict(
        WorkerProfile.occupations.through.objects.filter(workerprofile__user__in=workers).values_list(
            "workerprofile__user_id", "occupation_id"
        )
    )
    today = timezone.localdate()
    done = 0
    for worker in rng.sample(workers, min(count, len(workers))):
        try:
            registration.register_employment(
                actor=worker,
                channel="online",
                id_number=worker.id_number,
                form=rng.choice(FORMS),
                occupation_code=trades.get(worker.pk, "4-09-08-01"),
                start_date=today - dt.timedelta(days=rng.randint(10, 400)),
                place=worker.region.full_name if worker.region else region.full_name,
                region_code=worker.region_id or "",
                commitment=True,
            )
        except DomainError:
            continue  # say, a county the registration service does not take
        done += 1
    return done
