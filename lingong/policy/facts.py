"""A person's facts for the policy engine: read from what the platform knows, parsed from a form or JSON.

The engine's ``Person`` lists every fact with its Chinese label (``engine.types.FACTS``); this module
is the one place that turns platform data and user input into it and back, so the API, the page, the
CLI and the batch run read facts the same way.

From the platform: birth date and sex (the account, else the ID number), the county of residence, the
groups in the needs database (``market.WorkerProfile``), registered unemployment (as the group
``registered_unemployed``), the flexible-employment registration and its date and county, pension
enrolment, and the entitlement ledger. Everything else the person adds on the page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection, transaction
from django.db.models import Exists, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.accounts.models import Role, User
from lingong.core.errors import DomainError
from lingong.core.identity import normalize_id_number
from lingong.core.scope import prefix_q
from lingong.market.models import InsuranceStatus, WorkerProfile
from lingong.policy import engine
from lingong.policy.decisions import yuan_text
from lingong.policy.engine import types as et
from lingong.policy.engine.errors import PolicyEngineError
from lingong.policy.models import LedgerEntry, LedgerKind

_REGION = re.compile(r"^\d{6}$")
FACTS_BY_NAME: dict[str, et.FactInfo] = {f.name: f for f in et.FACTS}
#: Integers larger than this are typing mistakes, not facts (10 million yuan in fen).
MAX_INT = 10**9


class InvalidFacts(DomainError):
    pass


def _bad(name: str, message: str) -> InvalidFacts:
    info = FACTS_BY_NAME.get(name)
    label = info.label if info else name
    return InvalidFacts(
        "fact_invalid", _("“%(label)s”：%(message)s") % {"label": label, "message": message}, field=name
    )


def _parse_value(info: et.FactInfo, raw: Any) -> Any:
    """One fact from JSON or a form field; empty means "not known" (the engine's default)."""
    if raw is None or raw == "":
        return None
    kind = info.kind
    if kind == "date":
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(str(raw))
        except ValueError:
            raise _bad(info.name, _("请填写日期，格式如 2024-07-01。")) from None
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "on", "yes", "是"):
            return True
        if text in ("0", "false", "off", "no", "否"):
            return False
        raise _bad(info.name, _("请填写“是”或“否”。"))
    if kind in ("int", "fen"):
        if isinstance(raw, bool) or not isinstance(raw, (int, str)):
            raise _bad(info.name, _("请填写整数。"))
        try:
            number = int(str(raw).strip())
        except ValueError:
            raise _bad(info.name, _("请填写整数。")) from None
        if number < 0 or number > MAX_INT:
            raise _bad(info.name, _("数值超出范围。"))
        return number
    if kind == "region":
        text = str(raw).strip()
        if not _REGION.match(text):
            raise _bad(info.name, _("请填写6位行政区划代码。"))
        return text
    if kind == "choice":
        text = str(raw).strip()
        if info.choices is not None and text not in info.choices:
            raise _bad(info.name, _("不是可选的值。"))
        return text
    if kind == "multichoice":
        values = raw if isinstance(raw, (list, tuple, set, frozenset)) else str(raw).split(",")
        chosen = frozenset(str(v).strip() for v in values if str(v).strip())
        unknown = sorted(chosen - set(info.choices or {}))
        if unknown:
            raise _bad(info.name, _("未知的类别：%(codes)s。") % {"codes": "、".join(unknown)})
        return chosen
    raise _bad(info.name, _("无法识别。"))  # pragma: no cover - a new kind in the engine


def person_from_data(data: Mapping[str, Any], *, base: et.Person | None = None) -> et.Person:
    """Facts from JSON (the API, the CLI) laid over ``base``; an unknown or malformed fact is refused
    with its Chinese label and the stable code ``fact_invalid`` / ``fact_unknown``."""
    if not isinstance(data, Mapping):
        raise InvalidFacts("facts_invalid", _("个人情况应为键值对象。"), field="facts")
    changes: dict[str, Any] = {}
    for name, raw in data.items():
        info = FACTS_BY_NAME.get(name)
        if info is None:
            raise InvalidFacts(
                "fact_unknown", _("不认识的个人情况项：%(name)s。") % {"name": name}, field=str(name)
            )
        value = _parse_value(info, raw)
        if value is None:
            if base is None:
                continue
            value = _default(name)
        changes[name] = value
    return (base or et.Person()).with_changes(**changes)


def yuan_to_fen(name: str, text: str) -> int | None:
    """A yuan amount as typed on the page ("1,234.5") in integer fen, without a float."""
    text = str(text).strip().replace(",", "").replace("，", "")
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,9})(?:\.(\d{1,2}))?", text)
    if match is None:
        raise _bad(name, _("请填写金额（元），最多两位小数。"))
    return int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))


def person_from_form(post: Mapping[str, Any], *, base: et.Person) -> et.Person:
    """Facts from the page's form: every fact field is present (empty or not), checkboxes only when
    ticked, money typed in yuan."""
    data: dict[str, Any] = {}
    for info in et.FACTS:
        if info.kind == "multichoice":
            getlist = getattr(post, "getlist", None)
            data[info.name] = list(getlist(info.name)) if getlist else post.get(info.name, [])
        elif info.kind == "bool":
            data[info.name] = post.get(info.name) == "on"
        elif info.kind == "fen" and info.name in post:
            data[info.name] = yuan_to_fen(info.name, post.get(info.name, ""))
        elif info.name in post:
            data[info.name] = post.get(info.name)
    return person_from_data(data, base=base)


def shown_facts(person: et.Person) -> list[tuple[str, str]]:
    """The known facts as (Chinese label, readable value) pairs, for the page and the review screen."""
    rows = []
    for name, value in person_to_data(person).items():
        info = FACTS_BY_NAME[name]
        if info.kind == "fen":
            text = _("%(yuan)s元") % {"yuan": yuan_text(int(value))}
            label = info.label.replace("（分）", "")
        elif info.kind == "bool":
            text, label = (_("是") if value else _("否")), info.label
        elif info.choices:
            chosen = [str(v) for v in (value if isinstance(value, list) else [value])]
            text, label = "、".join(info.choices.get(v) or v for v in chosen), info.label
        else:
            text, label = str(value), info.label
        rows.append((label, text))
    return rows


def form_fields(person: et.Person) -> list[dict[str, Any]]:
    """The facts as the page's form shows them, prefilled from ``person`` (money in yuan)."""
    rows = []
    for info in et.FACTS:
        value = getattr(person, info.name)
        if info.kind == "fen":
            shown = "" if not value else yuan_text(value)
            label = info.label.replace("（分）", "（元）")
        elif isinstance(value, dt.date):
            shown, label = value.isoformat(), info.label
        elif value is None:
            shown, label = "", info.label
        else:
            shown, label = value, info.label
        choices = [
            {
                "value": code,
                "label": text,
                "selected": (code in value) if info.kind == "multichoice" else code == value,
            }
            for code, text in (info.choices or {}).items()
        ]
        rows.append(
            {
                "name": info.name,
                "label": label,
                "kind": info.kind,
                "help": info.help,
                "value": shown,
                "choices": choices,
            }
        )
    return rows


def _default(name: str) -> Any:
    return getattr(et.Person(), name)


def person_to_data(person: et.Person) -> dict[str, Any]:
    """JSON of the facts that differ from "unknown", for snapshots and the CLI."""
    out: dict[str, Any] = {}
    empty = et.Person()
    for info in et.FACTS:
        value = getattr(person, info.name)
        if value == getattr(empty, info.name):
            continue
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, frozenset):
            value = sorted(value)
        out[info.name] = value
    return out


# --- from the platform ------------------------------------------------------------------------------


def _birth_and_sex(user: User) -> tuple[dt.date | None, str | None]:
    """The account's birth date and sex, else what the ID number says (its digits 7-14 and 17)."""
    birth: dt.date | None = user.birth_date
    sex = {"M": "male", "F": "female"}.get(user.sex or "")
    if (birth is None or sex is None) and user.id_number:
        try:
            read = engine.facts_from_id_number(normalize_id_number(user.id_number))
        except PolicyEngineError:
            return birth, sex
        birth = birth or read["birth_date"]  # type: ignore[assignment]
        sex = sex or str(read["sex"])
    return birth, sex


def _groups(profile_groups: str) -> set[str]:
    return {g for g in profile_groups.split(",") if g and g in et.GROUPS}


def platform_person(user: User) -> et.Person:
    """What the platform knows about ``user`` (four queries)."""
    return platform_people([user])[user.pk]


def platform_people(users: Sequence[User]) -> dict[int, et.Person]:
    """What the platform knows about each of ``users``, in four queries whatever their number (the
    batch run reads the registry in chunks through this)."""
    from lingong.registration.models import EmploymentRegistration, Status, UnemploymentRegistration

    ids = [u.pk for u in users]
    profiles = {
        row["user_id"]: row
        for row in WorkerProfile.objects.filter(user_id__in=ids).values("user_id", "groups", "insurance")
    }
    unemployed = set(
        UnemploymentRegistration.objects.filter(person_id__in=ids, status=Status.REGISTERED).values_list(
            "person_id", flat=True
        )
    )
    employed: dict[int, tuple[dt.datetime | None, str]] = {}
    for person_id, closed_at, region_id in (
        EmploymentRegistration.objects.filter(person_id__in=ids, status=Status.REGISTERED)
        .order_by("closed_at")
        .values_list("person_id", "closed_at", "region_id")
    ):
        employed[person_id] = (closed_at, region_id)  # the latest wins
    out: dict[int, et.Person] = {}
    for user in users:
        birth, sex = _birth_and_sex(user)
        changes: dict[str, Any] = {"birth_date": birth, "sex": sex}
        if sex == "male":
            # Men have one original retirement age; a woman's depends on her job, so she is asked.
            changes["retirement_category"] = "male_60"
        if user.region_id:
            changes["residence_region"] = user.region_id
        if user.id_region:
            # The ID's first six digits name the household registration at issue; the person may correct it.
            changes["household_region"] = user.id_region
        groups: set[str] = set()
        profile = profiles.get(user.pk)
        if profile is not None:
            groups |= _groups(profile["groups"])
            if profile["insurance"] in (InsuranceStatus.PENSION, InsuranceStatus.PENSION_MEDICAL):
                changes["pension_enrolled"] = True
        if user.pk in unemployed:
            groups.add("registered_unemployed")
        if user.pk in employed:
            closed_at, region_id = employed[user.pk]
            changes["flexible_employment_registered_on"] = timezone.localdate(closed_at or timezone.now())
            changes["flexible_employment_region"] = region_id
            changes["part_time"] = True
        changes["groups"] = frozenset(groups)
        out[user.pk] = et.Person().with_changes(**changes)
    return out


def engine_entry(row: LedgerEntry) -> et.LedgerEntry:
    return et.LedgerEntry(
        benefit=row.benefit,
        granted_on=row.granted_on,
        region=row.region_id,
        policy=row.policy_id,
        months=row.months,
        amount_fen=row.amount_fen,
        period_start=row.period,
        principal_fen=row.amount_fen if row.kind == "loan" else 0,
        term_months=row.loan_term_months or 0,
        basis=row.basis,
    )


def ledger_for(user_id: int) -> list[et.LedgerEntry]:
    """The person's entitlement ledger as the engine reads it (one query)."""
    return ledgers_for([user_id])[user_id]


def ledgers_for(user_ids: Sequence[int]) -> dict[int, list[et.LedgerEntry]]:
    """Each person's ledger (one query for all of them)."""
    out: dict[int, list[et.LedgerEntry]] = {pk: [] for pk in user_ids}
    for row in LedgerEntry.objects.filter(person_id__in=list(user_ids)).order_by("period", "id"):
        out[row.person_id].append(engine_entry(row))
    return out


def ledger_from_data(rows: Iterable[Mapping[str, Any]]) -> list[et.LedgerEntry]:
    """Ledger entries given as JSON (the API and the CLI evaluate hypothetical cases too)."""
    entries = []
    for n, row in enumerate(rows, 1):
        try:
            benefit = str(row["benefit"])
            if benefit not in et.BENEFITS:
                raise KeyError(benefit)
            entries.append(
                et.LedgerEntry(
                    benefit=benefit,
                    granted_on=dt.date.fromisoformat(str(row["granted_on"])),
                    region=str(row.get("region", et.NATIONAL)),
                    policy=str(row.get("policy", "")),
                    months=int(row.get("months", 0)),
                    amount_fen=int(row.get("amount_fen", 0)),
                    period_start=dt.date.fromisoformat(str(row["period_start"]))
                    if row.get("period_start")
                    else None,
                    principal_fen=int(row.get("principal_fen", 0)),
                    term_months=int(row.get("term_months", 0)),
                    basis=str(row.get("basis", "")),
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            raise InvalidFacts(
                "ledger_invalid",
                _("第%(n)s条享受记录不完整或格式不对：需要待遇（benefit）和批准日期（granted_on）。")
                % {"n": n},
                field="ledger",
            ) from None
    return entries


# --- the whole registry as columns (batch runs over a province, the benchmark) --------------------------

_EPOCH = dt.date(1970, 1, 1)


def _blank_row(as_of: dt.date) -> dict[str, Any]:
    """Column values of a person about whom nothing is known, from the engine's own conversion."""
    row: dict[str, Any] = dict(engine.person_row(et.Person()))
    row.update(engine.ledger_summary([], as_of))
    return row


def _codes(name: str, values: Iterable[str]) -> dict[str, int]:
    """The engine's column code of each value of a choice fact (via its public ``person_row``)."""
    return {v: int(engine.person_row(et.Person().with_changes(**{name: v}))[name]) for v in values}


def registry(region_prefix: str) -> QuerySet[User]:
    """Every registered person of the region: workers with a needs-database profile or any registration."""
    from lingong.registration.models import EmploymentRegistration, UnemploymentRegistration

    profile = WorkerProfile.objects.filter(user=OuterRef("pk"))
    employment = EmploymentRegistration.objects.filter(person=OuterRef("pk"))
    unemployment = UnemploymentRegistration.objects.filter(person=OuterRef("pk"))
    return (
        User.objects.filter(role=Role.WORKER, is_active=True)
        .filter(prefix_q("region_id", region_prefix))
        .filter(Exists(profile) | Exists(employment) | Exists(unemployment))
    )


def registry_columns(region_prefix: str, *, as_of: dt.date) -> tuple[npt.NDArray[np.int64], Any]:
    """The registry of the region (``registry``) as the engine's columns, each person evaluated in their
    own county. Returns the person ids (ascending) and the columns aligned with them.

    Built for a province: four plain range scans (workers with their profile, employment and
    unemployment registrations, the ledger), read whole and turned into columns with numpy, the
    registry's "has a profile or a registration" applied as a mask rather than as a subquery per
    person, and PostgreSQL's JIT off for these simple scans (its compile time costs more than it saves).

    The encrypted ID number is not decrypted here (a million decryptions would dominate the load): the
    account keeps its region digits (household region), birth date and sex in plain columns, which is
    what this reads, as the per-person path does.
    """
    from lingong.registration.models import EmploymentRegistration, Status, UnemploymentRegistration

    blank = _blank_row(as_of)
    sex_codes = _codes("sex", ("male", "female"))
    male_60 = _codes("retirement_category", ("male_60",))["male_60"]
    missing_day = int(blank["birth_day"])
    bits_of: dict[str, int] = {}

    def bits(text: str | None) -> int:
        if not text:
            return 0
        found = bits_of.get(text)
        if found is None:
            found = 0
            for code in _groups(text):
                found |= engine.GROUP_BITS[code]
            bits_of[text] = found
        return found

    in_region = prefix_q("person__region__pk", region_prefix)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        rows = list(
            User.objects.filter(prefix_q("region_id", region_prefix), role=Role.WORKER, is_active=True)
            .order_by("pk")
            .values_list(
                "pk",
                "region_id",
                "id_region",
                "birth_date",
                "sex",
                "worker_profile__groups",
                "worker_profile__insurance",
            )
        )
        employments = list(
            EmploymentRegistration.objects.filter(in_region)
            .annotate(day=TruncDate("closed_at", tzinfo=timezone.get_current_timezone()))
            .order_by("closed_at")  # the latest registration is written last and wins
            .values_list("person_id", "status", "day", "region_id")
        )
        unemployments = list(
            UnemploymentRegistration.objects.filter(in_region).values_list("person_id", "status")
        )
        ledgers = _ledger_rows(in_region)
    # One pass per column over the transposed rows: list comprehensions and numpy, no per-row Python body.
    pks, regions, id_regions, births, sexes, profile_groups, insurances = (
        zip(*rows, strict=True) if rows else ((),) * 7
    )
    del rows
    n = len(pks)
    id_array = np.fromiter(pks, dtype=np.int64, count=n)
    data: dict[str, Any] = {
        name: np.full(n, blank[name], dtype=dtype) for name, dtype in engine.SCHEMA.items() if name in blank
    }
    data["region"] = np.array([int(r) if r else 0 for r in regions], dtype=engine.SCHEMA["region"])
    data["residence_region"] = data["region"].copy()
    data["household_region"] = np.array(
        [int(r) if r else 0 for r in id_regions], dtype=engine.SCHEMA["household_region"]
    )
    data["birth_day"] = _day_numbers(births, missing_day)
    by_letter = {"M": sex_codes["male"], "F": sex_codes["female"]}
    data["sex"] = np.array([by_letter.get(s, 0) for s in sexes], dtype=engine.SCHEMA["sex"])
    data["retirement_category"] = np.where(data["sex"] == sex_codes["male"], male_60, 0).astype(
        engine.SCHEMA["retirement_category"]
    )
    data["groups"] = np.array([bits(g) for g in profile_groups], dtype=engine.SCHEMA["groups"])
    enrolled = {InsuranceStatus.PENSION.value, InsuranceStatus.PENSION_MEDICAL.value}
    data["pension_enrolled"] = np.array([i in enrolled for i in insurances], dtype=np.bool_)
    # A profile's insurance column is never null, so null means the worker has no profile.
    registered = np.array([i is not None for i in insurances], dtype=np.bool_)

    def positions(person_ids: Sequence[int]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
        """Where each id sits among the workers, and which ids are workers of the region at all."""
        wanted = np.array(person_ids, dtype=np.int64)
        if not n:
            return np.zeros(len(wanted), dtype=np.int64), np.zeros(len(wanted), dtype=np.bool_)
        at = np.minimum(np.searchsorted(id_array, wanted), n - 1)
        return at, id_array[at] == wanted

    if unemployments:
        person_ids, statuses = zip(*unemployments, strict=True)
        at, found = positions(person_ids)
        registered[at[found]] = True
        now_registered = found & (np.array(statuses) == Status.REGISTERED)
        data["groups"][at[now_registered]] |= engine.GROUP_BITS["registered_unemployed"]
    if employments:
        person_ids, statuses, days, fe_regions = zip(*employments, strict=True)
        at, found = positions(person_ids)
        registered[at[found]] = True
        now = found & (np.array(statuses) == Status.REGISTERED)
        data["fe_registered_day"][at[now]] = _day_numbers(days, missing_day)[now]
        data["fe_region"][at[now]] = np.array([int(r) for r in fe_regions], dtype=np.int64)[now]
        data["part_time"][at[now]] = True
    if ledgers:
        at, found = positions(list(ledgers))
        for i, ok, entries in zip(at.tolist(), found.tolist(), ledgers.values(), strict=True):
            if ok:
                for name, value in engine.ledger_summary(entries, as_of).items():
                    data[name][i] = value
    return id_array[registered], engine.Columns({name: column[registered] for name, column in data.items()})


def _day_numbers(dates: Sequence[dt.date | None], missing: int) -> npt.NDArray[np.int64]:
    """Days since 1970-01-01, ``missing`` where there is no date (ordinals: faster than datetime64)."""
    epoch = _EPOCH.toordinal()
    return np.array([d.toordinal() - epoch if d is not None else missing for d in dates], dtype=np.int64)


def _ledger_rows(in_region: Q) -> dict[int, list[et.LedgerEntry]]:
    """The ledger of the persons ``in_region`` for the engine, each grant's monthly rows added up in SQL
    (what the engine reads of them is their months, first period and grant date): a tenth of the rows."""
    out: dict[int, list[et.LedgerEntry]] = {}
    monthly = (
        LedgerEntry.objects.filter(in_region, kind=LedgerKind.MONTHLY)
        .values("person_id", "benefit", "basis", "granted_on", "region_id", "policy_id")
        .annotate(n=Sum("months"), fen=Sum("amount_fen"), first=Min("period"))
        .order_by()
    )
    for row in monthly:
        out.setdefault(row["person_id"], []).append(
            et.LedgerEntry(
                benefit=row["benefit"],
                granted_on=row["granted_on"],
                region=row["region_id"],
                policy=row["policy_id"],
                months=int(row["n"] or 0),
                amount_fen=int(row["fen"] or 0),
                period_start=row["first"],
                basis=row["basis"],
            )
        )
    others = LedgerEntry.objects.filter(in_region).exclude(kind=LedgerKind.MONTHLY).order_by("period", "id")
    for entry in others:
        out.setdefault(entry.person_id, []).append(engine_entry(entry))
    return out
