"""Writes on employment and unemployment registrations (辽人社〔2022〕22号 第九条, 第十五条).

Receiving an application validates identity and region, records the written commitment and either
closes it at once (every automatic check passed) or gives it a deadline of 7 working days counted from
the working day after receipt, for staff of the region to close. The result goes to the person; once
registered, the services they can use are pushed through the task queue.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.accounts.models import Role, User
from lingong.accounts.notify import notify
from lingong.core import audit
from lingong.core.calendar import add_working_days
from lingong.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from lingong.core.identity import normalize_id_number, validate_resident_id
from lingong.core.models import Alert, AuditEntry, Division, Occupation
from lingong.core.scope import get_in_scope, region_prefix
from lingong.core.selectors import county
from lingong.core.services import raise_alert
from lingong.core.workflow import transition
from lingong.market.models import Engagement, EngagementStatus, FairStatus, JobFair
from lingong.market.selectors.posts import GigFilters, GigRow, gig_row, search_gigs
from lingong.market.services.profiles import is_staff
from lingong.matching.selectors import gigs_for_worker
from lingong.registration.models import (
    COMMITMENT_TEXT,
    DEADLINE_WORKING_DAYS,
    OPEN_STATUSES,
    PLATFORM_WORK_CONSENT_TEXT,
    Channel,
    EmploymentForm,
    EmploymentRegistration,
    NotifyBy,
    Push,
    PushKind,
    RegistrationBase,
    Status,
    UnemploymentBasis,
    UnemploymentRegistration,
)
from lingong.registration.subsidies import subsidy_suggestions
from lingong.training.models import STARTUP_KINDS
from lingong.training.selectors import courses_for, wishes

#: Roles that receive applications at a window and close them.
#: At most this many gigs and fairs go into one push message.
PUSH_LIMIT = 5

MODELS: dict[str, type[RegistrationBase]] = {
    EmploymentRegistration.KIND: EmploymentRegistration,
    UnemploymentRegistration.KIND: UnemploymentRegistration,
}


def model_for(kind: str) -> type[RegistrationBase]:
    try:
        return MODELS[kind]
    except KeyError as exc:
        raise DomainError("kind_invalid", _("未知的登记类别。"), field="kind") from exc


def is_handler(actor: Any) -> bool:
    """Staff and administrators (``is_staff``: the roles that write in their region)."""
    return is_staff(actor)


# --- receiving --------------------------------------------------------------------------------------


def _person_for(*, actor: User, channel: str, id_number: str, person_id: int | None) -> User:
    """Online: the actor registers themself. At a window: staff name the person by ID number (or id)."""
    if channel == Channel.ONLINE:
        if actor.role != Role.WORKER:
            raise PermissionDenied("online_self_only", _("网上登记只能由劳动者本人办理。"))
        return actor
    if channel != Channel.WINDOW:
        raise DomainError("channel_invalid", _("未知的受理渠道。"), field="channel")
    if not is_handler(actor):
        raise PermissionDenied("window_staff_only", _("窗口登记须由公共就业服务工作人员受理。"))
    people = (
        User.objects.filter(pk=person_id)
        if person_id
        else User.objects.filter_id_number(normalize_id_number(id_number))
    )
    person = people.filter(role=Role.WORKER).first()
    if person is None:
        raise DomainError(
            "person_not_found", _("没有找到该身份证号码对应的劳动者，请先为其注册账号。"), field="id_number"
        )
    return person


def _identity_verified(person: User, id_number: str) -> bool:
    """Valid ID number; it must match the one on record. Without one on record staff check it."""
    number = validate_resident_id(id_number).number
    stored = normalize_id_number(person.id_number or "")
    if stored and stored != number:
        raise DomainError(
            "id_number_mismatch", _("身份证号码与账号实名信息不一致，请核对。"), field="id_number"
        )
    if not stored and User.objects.filter_id_number(number).exclude(pk=person.pk).exists():
        raise DomainError(
            "id_number_taken",
            _("该身份证号码已登记在另一个账号上，请本人持证到窗口办理。"),
            field="id_number",
        )
    return bool(stored)


def _check_window_scope(actor: User, channel: str, region: Division) -> None:
    if channel != Channel.WINDOW:
        return
    prefix = region_prefix(actor)
    if prefix is not None and not region.code.startswith(prefix):
        raise PermissionDenied("region_out_of_scope", _("只能受理本辖区的登记。"), field="region_code")


def _commitment(accepted: bool, now: dt.datetime) -> dict[str, Any]:
    if not accepted:
        raise DomainError(
            "commitment_required", _("请阅读并勾选书面承诺：信息真实，无需提供证明材料。"), field="commitment"
        )
    return {"commitment_text": COMMITMENT_TEXT, "committed_at": now}


def _deadline(now: dt.datetime) -> dict[str, Any]:
    due = add_working_days(timezone.localdate(now), DEADLINE_WORKING_DAYS)
    return {"deadline": due.date, "deadline_provisional": due.provisional}


def _save_new(registration: RegistrationBase, *, duplicate: str, message: str) -> None:
    """Insert; the conditional unique constraint settles two requests at once (STYLE habit 5)."""
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as exc:
        raise Conflict(duplicate, message) from exc


def _receive(registration: RegistrationBase, *, actor: User, auto_ok: bool, now: dt.datetime) -> None:
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=registration, note="registration received")
    if auto_ok:
        _close(registration, to=Status.REGISTERED, actor=None, reason=_("自动核验通过，即时办结"), now=now)


def _checked_notify_by(notify_by: str) -> str:
    if notify_by not in NotifyBy.values:
        raise DomainError("notify_by_invalid", _("请选择结果告知方式。"), field="notify_by")
    return notify_by


@transaction.atomic
def register_employment(
    *,
    actor: User,
    channel: str,
    id_number: str,
    form: str,
    occupation_code: str,
    start_date: dt.date,
    place: str,
    region_code: str,
    commitment: bool,
    has_market_entity: bool = False,
    wants_startup: bool = False,
    notify_by: str = NotifyBy.INBOX,
    person_id: int | None = None,
    now: dt.datetime | None = None,
) -> EmploymentRegistration:
    """Receive a flexible-employment registration at the place of work (第九条)."""
    now = now or timezone.now()
    if has_market_entity:
        raise DomainError(
            "market_entity_registered",
            _("您已注册市场主体或非营利组织，无需另行办理灵活就业登记。"),
            field="has_market_entity",
        )
    person = _person_for(actor=actor, channel=channel, id_number=id_number, person_id=person_id)
    verified = _identity_verified(person, id_number)
    region = county(region_code)
    _check_window_scope(actor, channel, region)
    if form not in EmploymentForm.values:
        raise DomainError("form_invalid", _("请选择就业形式。"), field="form")
    occupation = Occupation.objects.filter(pk=occupation_code).first()
    if occupation is None:
        raise DomainError(
            "occupation_invalid", _("请从职业分类中选择职业（工种）。"), field="occupation_code"
        )
    if start_date > timezone.localdate(now):
        raise DomainError("start_date_future", _("开始就业日期不能晚于今天。"), field="start_date")
    if not place.strip():
        raise DomainError("place_required", _("请填写就业地点。"), field="place")
    if EmploymentRegistration.objects.filter(person=person, status__in=OPEN_STATUSES).exists():
        raise Conflict("employment_already_open", _("您已有一份受理中或有效的灵活就业登记，无需重复登记。"))
    registration = EmploymentRegistration(
        person=person,
        id_number=normalize_id_number(id_number),
        region=region,
        channel=channel,
        received_by=actor if channel == Channel.WINDOW else None,
        received_at=now,
        form=form,
        occupation=occupation,
        start_date=start_date,
        place=place.strip()[:200],
        wants_startup=wants_startup,
        notify_by=_checked_notify_by(notify_by),
        **_commitment(commitment, now),
        **_deadline(now),
    )
    _save_new(
        registration,
        duplicate="employment_already_open",
        message=_("您已有一份受理中或有效的灵活就业登记，无需重复登记。"),
    )
    # An open unemployment registration contradicts this one: staff end one of them by hand.
    unemployed = UnemploymentRegistration.objects.filter(person=person, status__in=OPEN_STATUSES).exists()
    _receive(registration, actor=actor, auto_ok=verified and not unemployed, now=now)
    return registration


def _household_region(code: str, id_number: str) -> Division | None:
    """The place of household registration: as stated, or by default the county of the ID number's
    first six digits (where the household was registered when the ID was issued)."""
    code = code.strip()
    if code:
        region = Division.objects.filter(pk=code, level=Division.Level.COUNTY).first()
        if region is None:
            raise DomainError(
                "household_region_invalid", _("请选择户籍所在的县（区）。"), field="household_region_code"
            )
        return region
    prefix = normalize_id_number(id_number)[:6]
    return Division.objects.filter(pk=prefix, level=Division.Level.COUNTY).first()


def _unemployment_region_matches(
    person: User, basis: str, region: Division, *, household: Division | None, id_number: str
) -> bool:
    """Whether the person's own data shows the chosen place (第九条: 户籍地、常住地、就业地或参保地).

    Household registration: the ID number's region (a place the person corrected is checked by staff).
    Usual residence: the account's region. Work: an employment registration there. Insurance: not in
    our data yet, so staff check it.
    """
    if basis == UnemploymentBasis.HOUSEHOLD:
        return household is not None and household.code == region.code == normalize_id_number(id_number)[:6]
    if basis == UnemploymentBasis.RESIDENCE:
        return person.region_id == region.code
    if basis == UnemploymentBasis.WORK:
        return EmploymentRegistration.objects.filter(
            person=person, region=region, status__in=[Status.REGISTERED, Status.ENDED]
        ).exists()
    return False


@transaction.atomic
def register_unemployment(
    *,
    actor: User,
    channel: str,
    id_number: str,
    basis: str,
    region_code: str,
    commitment: bool,
    household_region_code: str = "",
    platform_work_consent: bool = False,
    wants_startup: bool = False,
    notify_by: str = NotifyBy.INBOX,
    person_id: int | None = None,
    now: dt.datetime | None = None,
) -> UnemploymentRegistration:
    """Receive an unemployment registration at the place the person chose among four (第九条).

    ``platform_work_consent``: the person agrees that work found through an instant hire on the
    platform ends this registration by itself; the wording is recorded with its time.
    """
    now = now or timezone.now()
    person = _person_for(actor=actor, channel=channel, id_number=id_number, person_id=person_id)
    verified = _identity_verified(person, id_number)
    region = county(region_code)
    _check_window_scope(actor, channel, region)
    if basis not in UnemploymentBasis.values:
        raise DomainError("basis_invalid", _("请选择在户籍地、常住地、就业地或参保地办理。"), field="basis")
    household = _household_region(household_region_code, id_number)
    if basis == UnemploymentBasis.HOUSEHOLD and household is None:
        raise DomainError(
            "household_region_required",
            _("身份证号码的地区代码已不是现行县（区），请选择户籍所在的县（区）。"),
            field="household_region_code",
        )
    if basis == UnemploymentBasis.HOUSEHOLD and household is not None and household.code != region.code:
        raise DomainError(
            "household_region_mismatch",
            _("您选择在户籍地办理，办理地应为户籍所在的%(place)s。") % {"place": household},
            field="region_code",
        )
    duplicate = _("您已有一份受理中或有效的失业登记，无需重复登记。")
    if UnemploymentRegistration.objects.filter(person=person, status__in=OPEN_STATUSES).exists():
        raise Conflict("unemployment_already_open", duplicate)
    registration = UnemploymentRegistration(
        person=person,
        id_number=normalize_id_number(id_number),
        region=region,
        channel=channel,
        received_by=actor if channel == Channel.WINDOW else None,
        received_at=now,
        basis=basis,
        household_region=household,
        platform_work_consent=platform_work_consent,
        consent_text=PLATFORM_WORK_CONSENT_TEXT if platform_work_consent else "",
        consented_at=now if platform_work_consent else None,
        wants_startup=wants_startup,
        notify_by=_checked_notify_by(notify_by),
        **_commitment(commitment, now),
        **_deadline(now),
    )
    _save_new(registration, duplicate="unemployment_already_open", message=duplicate)
    employed = EmploymentRegistration.objects.filter(person=person, status=Status.REGISTERED).exists()
    matches = _unemployment_region_matches(person, basis, region, household=household, id_number=id_number)
    auto_ok = verified and matches and not employed
    _receive(registration, actor=actor, auto_ok=auto_ok, now=now)
    return registration


# --- closing ----------------------------------------------------------------------------------------


def _close(
    registration: RegistrationBase, *, to: str, actor: User | None, reason: str, now: dt.datetime
) -> None:
    registration.reason = reason[:255]
    registration.closed_at = now
    registration.closed_by = actor
    if to == Status.REGISTERED:
        registration.certificate_code = secrets.token_urlsafe(16)
    transition(
        registration,
        to,
        actor=actor,
        note=reason,
        also_save=["reason", "closed_at", "closed_by", "certificate_code"],
        at=now,
    )
    Alert.objects.filter(key=registration.alert_key, resolved_at__isnull=True).update(resolved_at=now)
    kind_label = registration._meta.verbose_name
    if to == Status.REGISTERED:
        title = _("您的%(kind)s已办结：已登记") % {"kind": kind_label}
        body = _("办理地：%(region)s。平台将为您推送可用的岗位和服务。") % {"region": registration.region}
    else:
        title = _("您的%(kind)s未予登记") % {"kind": kind_label}
        body = _("理由：%(reason)s。如有疑问，请联系办理地公共就业服务机构。") % {"reason": reason}
    notify(
        recipient_id=registration.person_id,
        kind="registration_result",
        title=str(title),
        body=str(body),
        link=reverse("registration:detail", args=[registration.KIND, registration.pk]),
        key=f"registration:{registration.KIND}:{registration.pk}:{to}",
        # The result goes the way the person chose (seed 001 九): the inbox always, an SMS if asked.
        only=("sms",) if registration.notify_by == NotifyBy.SMS else (),
    )
    if to == Status.REGISTERED:
        from lingong.registration.tasks import push_services_task

        kind, pk = registration.KIND, registration.pk
        transaction.on_commit(lambda: push_services_task(kind, pk))


def _locked(kind: str, actor: User, registration_id: int) -> RegistrationBase:
    model = model_for(kind)
    qs: QuerySet[Any] = model._default_manager.select_for_update()
    registration: RegistrationBase = get_in_scope(qs, actor, pk=registration_id)
    return registration


@transaction.atomic
def close_registration(
    *,
    actor: User,
    kind: str,
    registration_id: int,
    outcome: str,
    reason: str = "",
    now: dt.datetime | None = None,
) -> RegistrationBase:
    """Staff of the region close an application: registered, or refused with a reason."""
    if not is_handler(actor):
        raise PermissionDenied("staff_only", _("只有公共就业服务工作人员可以办结登记。"))
    if outcome not in (Status.REGISTERED, Status.REFUSED):
        raise DomainError("outcome_invalid", _("请选择“予以登记”或“不予登记”。"), field="outcome")
    reason = reason.strip()
    if outcome == Status.REFUSED and not reason:
        raise DomainError("reason_required", _("不予登记须写明理由。"), field="reason")
    registration = _locked(kind, actor, registration_id)
    _close(registration, to=outcome, actor=actor, reason=reason, now=now or timezone.now())
    audit.record(actor=actor, action=AuditEntry.Action.CHANGE, obj=registration, fields=["status"])
    return registration


# --- status changes after registration --------------------------------------------------------------


@transaction.atomic
def end_employment(
    *,
    actor: User,
    registration_id: int,
    ended_on: dt.date | None = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> EmploymentRegistration:
    """The person (or staff of the region) records that the flexible employment ended."""
    now = now or timezone.now()
    qs = EmploymentRegistration.objects.select_for_update()
    if is_handler(actor):
        registration = get_in_scope(qs, actor, pk=registration_id)
    else:
        registration = qs.filter(pk=registration_id, person=actor).first()  # type: ignore[assignment]
        if registration is None:
            raise PermissionDenied("not_yours", _("只能终止本人的就业登记。"))
    ended_on = ended_on or timezone.localdate(now)
    if ended_on < registration.start_date:
        raise DomainError("ended_before_start", _("终止日期不能早于开始就业日期。"), field="ended_on")
    registration.ended_on = ended_on
    transition(
        registration, Status.ENDED, actor=actor, note=reason or "就业终止", also_save=["ended_on"], at=now
    )
    audit.record(
        actor=actor, action=AuditEntry.Action.CHANGE, obj=registration, fields=["status", "ended_on"]
    )
    return registration


@transaction.atomic
def set_platform_work_consent(
    *, actor: User, registration_id: int, consent: bool, now: dt.datetime | None = None
) -> UnemploymentRegistration:
    """The person gives, or withdraws, consent to end their unemployment registration by platform work
    after registering; only they may (it is their choice), while the registration is open. Giving it
    records the wording and time anew; each change is audited."""
    registration = (
        UnemploymentRegistration.objects.select_for_update().filter(pk=registration_id, person=actor).first()
    )
    if registration is None:
        raise NotFound("not_found", _("找不到该登记。"))
    if not registration.is_open:
        raise Conflict("registration_closed", _("该失业登记已办结或终止，不能再更改。"))
    now = now or timezone.now()
    registration.platform_work_consent = consent
    registration.consent_text = PLATFORM_WORK_CONSENT_TEXT if consent else ""
    registration.consented_at = now if consent else None
    registration.save(update_fields=["platform_work_consent", "consent_text", "consented_at"])
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        obj=registration,
        fields=["platform_work_consent"],
        note="consent given" if consent else "consent withdrawn",
    )
    return registration


@transaction.atomic
def end_unemployment_by_platform_work(
    *, engagement_id: int, now: dt.datetime | None = None
) -> UnemploymentRegistration | None:
    """Unemployment ended by work found on the platform (第九条): called, through the task queue, when
    an engagement completes. Only an instant hire counts, and only for a person who consented on their
    unemployment registration; the transition is logged and the person told. Idempotent."""
    now = now or timezone.now()
    engagement = Engagement.objects.select_related("post").filter(pk=engagement_id).first()
    if engagement is None or engagement.status != EngagementStatus.COMPLETED or not engagement.post.instant:
        return None
    registration = (
        UnemploymentRegistration.objects.select_for_update()
        .filter(person_id=engagement.worker_id, status=Status.REGISTERED, platform_work_consent=True)
        .first()
    )
    if registration is None:
        return None
    registration.ended_on = timezone.localdate(engagement.completed_at or now)
    note = _("通过平台即时快招实现就业（用工记录#%(id)s：%(title)s）") % {
        "id": engagement.pk,
        "title": engagement.post.title,
    }
    transition(registration, Status.ENDED, actor=None, note=note, also_save=["ended_on"], at=now)
    audit.record(
        actor=None,
        action=AuditEntry.Action.CHANGE,
        obj=registration,
        fields=["status", "ended_on"],
        note=f"platform work, engagement {engagement.pk}",
    )
    notify(
        recipient_id=registration.person_id,
        kind="registration_result",
        title=_("您的失业登记已因实现就业而终止"),
        body=note,
        link=reverse("registration:detail", args=[registration.KIND, registration.pk]),
        key=f"registration:unemployment:{registration.pk}:ended",
    )
    return registration


# --- overdue ----------------------------------------------------------------------------------------


def raise_overdue_alerts(*, today: dt.date | None = None) -> int:
    """One alert per application still open after its deadline, for its region; idempotent by key."""
    today = today or timezone.localdate()
    created = 0
    for model in MODELS.values():
        overdue = model._default_manager.filter(status=Status.RECEIVED, deadline__lt=today).select_related(
            "region"
        )
        for registration in overdue.iterator():
            created += raise_alert(
                key=registration.alert_key,
                kind="registration_overdue",
                region_code=registration.region_id,
                level=Alert.Level.URGENT,
                message=_("%(kind)s#%(id)s 已超过办结期限（%(deadline)s），请尽快办结。")
                % {
                    "kind": model._meta.verbose_name,
                    "id": registration.pk,
                    "deadline": registration.deadline,
                },
            )
    return created


# --- services pushed after registration ------------------------------------------------------------


def _occupation_of(registration: RegistrationBase) -> str:
    if isinstance(registration, EmploymentRegistration):
        return registration.occupation_id
    profile = getattr(registration.person, "worker_profile", None)
    first = profile.occupations.order_by("code").first() if profile is not None else None
    return first.code if first is not None else ""


def _record(
    registration: RegistrationBase, kind: str, target_id: str, title: str, now: dt.datetime, link: str = ""
) -> bool:
    where = {registration.KIND: registration}
    _push, created = Push.objects.get_or_create(
        kind=kind,
        target_id=target_id,
        defaults={"title": title[:200], "link": link[:200], "sent_at": now},
        **where,
    )
    return created


def _gigs_for(registration: RegistrationBase, *, occupation: str, now: dt.datetime) -> list[GigRow]:
    """Gigs to push: the matching engine's best for the person (their profile's trades, place, reach,
    availability and wage), then open posts of the registered trade in the district of registration
    to fill up, for someone whose profile does not say enough for the engine yet."""
    rows: list[GigRow] = []
    if registration.person.role == Role.WORKER:
        matched = gigs_for_worker(registration.person, limit=PUSH_LIMIT, now=now)
        rows = [gig_row(m.post, now=now) for m in matched]
    if occupation and len(rows) < PUSH_LIMIT:
        seen = {r.id for r in rows}
        found = search_gigs(GigFilters(occupation=occupation, district=registration.region_id), now=now).rows
        rows += [r for r in found if r.id not in seen][: PUSH_LIMIT - len(rows)]
    return rows


def push_services(*, kind: str, registration_id: int, now: dt.datetime | None = None) -> list[Push]:
    """Push what the person can use after registration (第九条): matching gigs, fairs of the region,
    training courses (skills for the unemployed and those who asked for training; startup training and
    guidance for those who want to start a business) and the subsidies they may be eligible for.
    共享用工 offers are not pushed yet: there is no sharing app (``PushKind.SHARING`` is reserved).

    Idempotent: a retried task records and notifies nothing twice.
    """
    now = now or timezone.now()
    model = model_for(kind)
    registration = (
        model._default_manager.select_related("person", "region").filter(pk=registration_id).first()
    )
    if registration is None or registration.status != Status.REGISTERED:
        return []
    person = registration.person
    prefix = f"registration-push:{kind}:{registration.pk}"
    occupation = _occupation_of(registration)
    gigs = _gigs_for(registration, occupation=occupation, now=now)
    for gig in gigs:
        _record(registration, PushKind.GIG, str(gig.id), gig.title, now, reverse("market:gig", args=[gig.id]))
    if gigs:
        notify(
            recipient_id=registration.person_id,
            kind="registration_push",
            title=_("为您推荐 %(n)s 个匹配的零工岗位") % {"n": len(gigs)},
            body="\n".join(f"{g.title}（{g.region_name}，{g.wage_label}）" for g in gigs),
            link=reverse("market:gigs") + f"?occupation={occupation}&district={registration.region_id}",
            key=f"{prefix}:gigs",
        )
    fairs = list(
        JobFair.objects.filter(
            status=FairStatus.SCHEDULED, ends_at__gt=now, region=registration.region
        ).order_by("starts_at", "pk")[:PUSH_LIMIT]
    )
    for fair in fairs:
        _record(registration, PushKind.FAIR, str(fair.pk), fair.name, now, reverse("market:fairs"))
    if fairs:
        notify(
            recipient_id=registration.person_id,
            kind="registration_push",
            title=_("您所在县区近期有 %(n)s 场招聘会") % {"n": len(fairs)},
            body="\n".join(f"{f.name}（{timezone.localtime(f.starts_at):%m-%d %H:%M}）" for f in fairs),
            link=reverse("market:fairs"),
            key=f"{prefix}:fairs",
        )

    _trades, wants_training, wants_startup = wishes(person)
    wants_startup = wants_startup or registration.wants_startup
    # Vocational training is offered to every registered unemployed person (第十条), and to others who asked.
    training = wants_training or isinstance(registration, UnemploymentRegistration)
    courses = courses_for(
        person,
        region_code=registration.region_id,
        occupation_codes=[occupation],
        training=training,
        startup=wants_startup,
        today=timezone.localdate(now),
        limit=PUSH_LIMIT,
    )
    for course in courses:
        course_kind = PushKind.STARTUP if course.kind in STARTUP_KINDS else PushKind.TRAINING
        link = reverse("training:course", args=[course.pk])
        _record(registration, course_kind, str(course.pk), course.title, now, link)
    if courses:
        notify(
            recipient_id=registration.person_id,
            kind="registration_push",
            title=_("为您推荐 %(n)s 个培训课程和创业服务") % {"n": len(courses)},
            body="\n".join(
                (
                    _("%(title)s（%(kind)s，%(date)s开课，享受培训补贴）")
                    if c.subsidised
                    else _("%(title)s（%(kind)s，%(date)s开课）")
                )
                % {"title": c.title, "kind": c.get_kind_display(), "date": f"{c.start_date:%m-%d}"}
                for c in courses
            ),
            link=reverse("training:courses"),
            key=f"{prefix}:courses",
        )
    if wants_startup:
        title = _("创业培训、开业指导和创业扶持政策")
        _record(
            registration,
            PushKind.STARTUP,
            "",
            str(title),
            now,
            reverse("training:courses") + "?kind=startup_training",
        )
        notify(
            recipient_id=registration.person_id,
            kind="registration_push",
            title=str(title),
            body=_(
                "您登记时表示有创业意愿。可报名创业培训、申请开业指导，也可向%(region)s公共就业服务机构咨询。"
            )
            % {"region": registration.region},
            link=reverse("training:courses") + "?kind=startup_training",
            key=f"{prefix}:startup",
        )

    suggestions = subsidy_suggestions(registration)
    for suggestion in suggestions:
        _record(registration, PushKind.SUBSIDY, suggestion.key, suggestion.title, now, suggestion.link)
    if suggestions:
        notify(
            recipient_id=registration.person_id,
            kind="registration_push",
            title=_("您可能可以享受的政策"),
            body="\n".join(f"{s.title}：{s.reason}" for s in suggestions),
            link=suggestions[0].link,
            key=f"{prefix}:subsidies",
        )
    return list(Push.objects.filter(**{kind: registration}))
