"""Worker profiles, the flexible workers' needs database (灵活就业人员需求数据库, 辽人社〔2022〕22号 第六条),
and employers (用工主体): verification by staff and the employer's own list of trusted workers.

Keyword-only functions that take the acting user, own their transaction and raise ``DomainError``.
Staff changes to a worker's profile and every export of the database are written to the audit log.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.accounts.models import Role, User
from lingong.core import audit
from lingong.core.errors import DomainError, NotFound, PermissionDenied
from lingong.core.geo import check_position
from lingong.core.identity import validate_credit_code
from lingong.core.models import AuditEntry, Occupation
from lingong.core.scope import get_in_scope
from lingong.market.models import (
    EmployerProfile,
    Group,
    InsuranceStatus,
    Need,
    TravelMode,
    WageType,
    WorkerProfile,
)

#: Roles that change other people's market records within their region.
STAFF_WRITE_ROLES = frozenset({Role.STAFF, Role.ADMIN})
#: Roles that read the needs database within their region.
STAFF_READ_ROLES = frozenset({Role.STAFF, Role.SUPERVISOR, Role.ADMIN})

# A box around the mainland, Hainan and the South China Sea islands: catches swapped or foreign coordinates.
MAX_WAGE_YUAN = Decimal("100000")
_TIME_RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


def is_staff(actor: Any, *, write: bool = True) -> bool:
    roles = STAFF_WRITE_ROLES if write else STAFF_READ_ROLES
    return bool(getattr(actor, "is_superuser", False) or getattr(actor, "role", None) in roles)


# --- ",a,b," multi-choice sets ----------------------------------------------------------------------


def read_choices(stored: str) -> set[str]:
    """``",training,startup,"`` → ``{"training", "startup"}``."""
    return {part for part in (stored or "").split(",") if part}


def write_choices(values: Iterable[str], choices: type[TextChoices], *, field: str) -> str:
    """The stored form of a set of choices, sorted so equal sets compare equal; unknown values raise."""
    chosen = {str(v).strip() for v in values if str(v).strip()}
    unknown = chosen - set(choices.values)
    if unknown:
        raise DomainError(
            "choice_unknown", _("无效的选项：%(v)s") % {"v": "、".join(sorted(unknown))}, field=field
        )
    return f",{','.join(sorted(chosen))}," if chosen else ""


def choice_labels(stored: str, choices: type[TextChoices]) -> list[str]:
    labels = dict(choices.choices)
    return [str(labels[v]) for v in sorted(read_choices(stored)) if v in labels]


def has_choice(field: str, value: str) -> dict[str, str]:
    """The lookup for "the set in ``field`` holds ``value``": one ``contains`` on both databases."""
    return {f"{field}__contains": f",{value},"}


# --- validation of profile fields --------------------------------------------------------------------


def parse_wage_yuan(value: Any) -> int:
    """Yuan as typed (``"180"``, ``"25.5"``) → fen."""
    try:
        yuan = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise DomainError("wage_invalid", _("工资请填写数字，单位为元。"), field="expected_wage") from exc
    if not yuan.is_finite() or yuan < 0 or yuan > MAX_WAGE_YUAN or yuan != yuan.quantize(Decimal("0.01")):
        raise DomainError(
            "wage_invalid", _("工资应为0到100000元之间、最多两位小数的数字。"), field="expected_wage"
        )
    return int(yuan * 100)


def validate_availability(value: Any) -> dict[str, list[str]]:
    """``{"1": ["08:00-12:00"]}`` (1 is Monday … 7 Sunday), each range "HH:MM-HH:MM" with start < end."""
    if not isinstance(value, dict):
        raise DomainError("availability_invalid", _("可工作时间格式不正确。"), field="availability")
    result: dict[str, list[str]] = {}
    for day, ranges in value.items():
        key = str(day)
        if key not in {"1", "2", "3", "4", "5", "6", "7"}:
            raise DomainError(
                "availability_invalid", _("星期应为1（周一）到7（周日）。"), field="availability"
            )
        if isinstance(ranges, str):
            ranges = [r for r in re.split(r"[,，\s]+", ranges) if r]
        cleaned: list[str] = []
        for text in ranges or []:
            text = str(text).strip().replace("：", ":").replace("－", "-").replace("~", "-")
            match = _TIME_RANGE.match(text)
            if not match or text[:5] >= text[6:] or text[6:] > "24:00":
                raise DomainError(
                    "availability_invalid",
                    _("时间段“%(t)s”格式不正确，应如 08:00-12:00，且开始早于结束。") % {"t": text},
                    field="availability",
                )
            cleaned.append(text)
        if cleaned:
            result[key] = sorted(set(cleaned))
    return dict(sorted(result.items()))


def validate_location(longitude: float | None, latitude: float | None) -> tuple[float | None, float | None]:
    return check_position(longitude, latitude) or (None, None)


def validate_certificates(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list):
        raise DomainError("certificates_invalid", _("证书格式不正确。"), field="certificates")
    result = []
    for item in value:
        if not isinstance(item, dict) or not str(item.get("name", "")).strip():
            raise DomainError("certificates_invalid", _("每个证书须填写名称。"), field="certificates")
        result.append({k: str(item.get(k, "")).strip()[:60] for k in ("name", "number", "issued_on")})
    return result


def _occupations(codes: Sequence[str]) -> list[Occupation]:
    wanted = {c.strip() for c in codes if c and c.strip()}
    found = list(Occupation.objects.filter(code__in=wanted))
    missing = wanted - {o.code for o in found}
    if missing:
        raise DomainError(
            "occupation_unknown",
            _("职业编码不存在：%(c)s") % {"c": "、".join(sorted(missing))},
            field="occupations",
        )
    return found


def _choice(value: str, choices: type[TextChoices], field: str) -> str:
    if value not in choices.values:
        raise DomainError("choice_unknown", _("无效的选项：%(v)s") % {"v": value}, field=field)
    return value


# --- worker profiles ---------------------------------------------------------------------------------


def _worker_for(actor: User, worker_id: int, *, write: bool) -> User:
    """The worker whose profile ``actor`` may read or change: themself, or one in a staff member's region."""
    if actor.pk == worker_id:
        if actor.role != Role.WORKER:
            raise PermissionDenied("worker_only", _("只有灵活就业人员本人有个人档案。"))
        return actor
    if not is_staff(actor, write=write):
        raise PermissionDenied("staff_only", _("只能查看和修改本人的档案。"))
    return get_in_scope(User.objects.filter(role=Role.WORKER).select_related("region"), actor, pk=worker_id)


@transaction.atomic
def update_worker_profile(
    *,
    actor: User,
    worker_id: int,
    occupations: Sequence[str] | None = None,
    skills: str | None = None,
    certificates: list[dict[str, Any]] | None = None,
    availability: dict[Any, Any] | None = None,
    available_now: bool | None = None,
    expected_wage_yuan: Any = None,
    expected_wage_type: str | None = None,
    longitude: float | None = None,
    latitude: float | None = None,
    clear_location: bool = False,
    travel_minutes: int | None = None,
    travel_mode: str | None = None,
    insurance: str | None = None,
    needs: Iterable[str] | None = None,
    groups: Iterable[str] | None = None,
) -> WorkerProfile:
    """Change a worker's profile (creating it on first use); ``None`` leaves a field as it is.

    The worker changes their own; staff change those of workers in their region, and that change is
    audited with the names of the fields changed.
    """
    worker = _worker_for(actor, worker_id, write=True)
    WorkerProfile.objects.get_or_create(user=worker)
    profile = WorkerProfile.objects.select_for_update().get(user=worker)
    changed: list[str] = []

    def put(field: str, value: Any) -> None:
        if getattr(profile, field) != value:
            setattr(profile, field, value)
            changed.append(field)

    if skills is not None:
        text = " ".join(skills.split())
        if len(text) > 200:
            raise DomainError("skills_too_long", _("技能说明不超过200字。"), field="skills")
        put("skills", text)
    if certificates is not None:
        put("certificates", validate_certificates(certificates))
    if availability is not None:
        put("availability", validate_availability(availability))
    if available_now is not None:
        put("available_now", bool(available_now))
    if expected_wage_yuan is not None and str(expected_wage_yuan).strip() != "":
        put("expected_wage_fen", parse_wage_yuan(expected_wage_yuan))
    if expected_wage_type is not None:
        put("expected_wage_type", _choice(expected_wage_type, WageType, "expected_wage_type"))
    if clear_location:
        put("longitude", None)
        put("latitude", None)
    elif longitude is not None or latitude is not None:
        lon, lat = validate_location(longitude, latitude)
        put("longitude", lon)
        put("latitude", lat)
    if travel_minutes is not None:
        if not 1 <= int(travel_minutes) <= 180:
            raise DomainError("travel_invalid", _("通勤时间应在1到180分钟之间。"), field="travel_minutes")
        put("travel_minutes", int(travel_minutes))
    if travel_mode is not None:
        put("travel_mode", _choice(travel_mode, TravelMode, "travel_mode"))
    if insurance is not None:
        put("insurance", _choice(insurance, InsuranceStatus, "insurance"))
    if needs is not None:
        put("needs", write_choices(needs, Need, field="needs"))
    if groups is not None:
        put("groups", write_choices(groups, Group, field="groups"))
    if changed:
        profile.save()
    if occupations is not None:
        chosen = _occupations(occupations)
        if {o.code for o in chosen} != set(profile.occupations.values_list("code", flat=True)):
            profile.occupations.set(chosen)
            changed.append("occupations")
    if changed and actor.pk != worker.pk:
        audit.record(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            obj=profile,
            region_code=worker.region_id or "",
            fields=changed,
        )
    if changed:
        # This process's matching index sees the change at once; others catch up by their own sync.
        from lingong.matching.index import refresh_after_commit

        refresh_after_commit(worker_ids=[worker.pk])
    return profile


EXPORT_HEADERS = [
    "姓名",
    "手机号码",
    "所属区划",
    "职业（工种）",
    "技能说明",
    "现在可以上工",
    "期望工资（元）",
    "工资方式",
    "参保情况",
    "所属群体",
    "需要的服务",
    "更新时间",
]


@transaction.atomic
def export_worker_profiles(*, actor: User, **filters: Any) -> Iterator[list[Any]]:
    """Rows of the filtered needs database for Excel, phones masked; the export is audited first."""
    from lingong.market.selectors.profiles import profile_rows, search_worker_profiles

    qs = search_worker_profiles(actor=actor, **filters)
    audit.record(
        actor=actor,
        action=AuditEntry.Action.EXPORT,
        object_type="market.workerprofile",
        region_code=actor.region_id or "",
        note="needs database export " + " ".join(f"{k}={v}" for k, v in sorted(filters.items()) if v),
    )
    return profile_rows(qs)


def create_demo_profiles(*, seed: int, workers: Iterable[User], occupation_codes: Sequence[str]) -> int:
    """Profiles for synthetic workers that have none (``lingong demo``): occupations, a home a few km
    from their county's centre, wage, availability and groups. Each worker's profile depends only on
    ``seed`` and the worker's id, so a rerun makes the same data. Returns how many were created."""
    from lingong.demo.generate import location_near, sample_skills

    workers = list(workers)
    has_profile = set(
        WorkerProfile.objects.filter(user_id__in=[w.pk for w in workers]).values_list("user_id", flat=True)
    )
    todo = [w for w in workers if w.pk not in has_profile]
    profiles: list[WorkerProfile] = []
    skills: list[list[str]] = []
    for worker in todo:
        rng = random.Random(f"{seed}:profile:{worker.pk}")
        where = location_near(rng, worker.region) if worker.region is not None else None
        wage_type = rng.choice([WageType.DAY, WageType.DAY, WageType.HOUR])
        wage = rng.randrange(150, 300, 10) if wage_type == WageType.DAY else rng.randrange(20, 40)
        days = rng.sample(range(1, 8), rng.randint(3, 6))
        slot = rng.choice(["06:00-12:00", "08:00-17:00", "13:00-19:00", "18:00-22:00"])
        profiles.append(
            WorkerProfile(
                user=worker,
                available_now=rng.random() < 0.3,
                availability={str(d): [slot] for d in sorted(days)},
                expected_wage_fen=wage * 100,
                expected_wage_type=wage_type,
                longitude=where[0] if where else None,
                latitude=where[1] if where else None,
                travel_minutes=rng.choice([15, 15, 30, 45]),
                travel_mode=rng.choice(TravelMode.values),
                insurance=rng.choice(InsuranceStatus.values),
                needs=write_choices(rng.sample(Need.values, rng.randint(0, 2)), Need, field="needs"),
                groups=write_choices(
                    rng.sample(Group.values, 1) if rng.random() < 0.3 else [], Group, field="groups"
                ),
            )
        )
        skills.append(sample_skills(rng, occupation_codes))
    with transaction.atomic():
        created = WorkerProfile.objects.bulk_create(profiles, batch_size=1000)
        through = WorkerProfile.occupations.through
        through.objects.bulk_create(
            [
                through(workerprofile_id=p.pk, occupation_id=code)
                for p, codes in zip(created, skills, strict=True)
                for code in codes
            ],
            batch_size=5000,
        )
    return len(created)


# --- employers ---------------------------------------------------------------------------------------


def ensure_employer_profile(*, user: User) -> EmployerProfile:
    if user.role != Role.EMPLOYER:
        raise PermissionDenied("employer_only", _("只有用工主体账号可以办理。"))
    profile, _created = EmployerProfile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def verify_employer(*, actor: User, employer_id: int) -> EmployerProfile:
    """Staff confirm an employer of their region; an enterprise needs a valid credit code first."""
    if not is_staff(actor):
        raise PermissionDenied("staff_only", _("只有公共就业服务工作人员可以核验用工主体。"))
    employer = get_in_scope(
        User.objects.filter(role=Role.EMPLOYER).select_for_update(of=("self",)), actor, pk=employer_id
    )
    if employer.employer_kind == User.EmployerKind.ENTERPRISE:
        validate_credit_code(employer.credit_code)
    profile = ensure_employer_profile(user=employer)
    if profile.verified_at is None:
        profile.verified_at = timezone.now()
        profile.verified_by = actor
        profile.save(update_fields=["verified_at", "verified_by"])
        audit.record(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            obj=profile,
            region_code=employer.region_id or "",
            fields=["verified_at"],
            note="employer verified",
        )
    return profile


def _trusted_worker(worker_id: int) -> User:
    worker = User.objects.filter(pk=worker_id, role=Role.WORKER, is_active=True).first()
    if worker is None:
        raise NotFound("not_found", _("找不到该劳动者。"))
    return worker


@transaction.atomic
def add_trusted_worker(*, actor: User, worker_id: int) -> EmployerProfile:
    """The employer keeps workers they have worked with, to offer them a post first."""
    profile = ensure_employer_profile(user=actor)
    profile.trusted_workers.add(_trusted_worker(worker_id))
    return profile


@transaction.atomic
def remove_trusted_worker(*, actor: User, worker_id: int) -> EmployerProfile:
    profile = ensure_employer_profile(user=actor)
    profile.trusted_workers.remove(worker_id)
    return profile
