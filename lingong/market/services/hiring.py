"""Hiring on gig posts (辽人社〔2022〕22号 第七条, 零工对接服务 and 即时快招's "即时确认结果"): a worker
applies, the employer (or staff of the post's region) confirms or refuses; the employer may offer a
post to a worker, who accepts or declines; a confirmed place can be cancelled, which frees it.

Every step is a ``transition`` logged with actor and time. The number of confirmed workers never
exceeds the post's headcount: whatever changes ``confirmed_count`` locks the post row first, then the
engagement (always in that order, so two such calls cannot deadlock), and a check constraint on the
table backs it up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.accounts.models import Role, User
from lingong.accounts.notify import notify
from lingong.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from lingong.core.models import Transition
from lingong.core.workflow import allowed, transition
from lingong.market.models import Engagement, EngagementStatus, GigPost, PostStatus
from lingong.market.selectors.hiring import get_manageable_post


def post_full() -> Conflict:
    return Conflict("post_full", _("已满：该零工招聘的人数已招满。"))


def _check_place(post: GigPost) -> None:
    """A place can still be taken on ``post`` (read under its row lock when it matters)."""
    if post.status == PostStatus.FILLED or post.confirmed_count >= post.headcount:
        raise post_full()
    if not post.is_open():
        raise Conflict("post_closed", _("该招聘已结束或未在招聘中，不能再报名或录用。"))


def _log_created(engagement: Engagement, actor: User) -> None:
    """The first step of an engagement's log: it starts in a status rather than moving into one."""
    Transition.objects.create(
        object_type=engagement._meta.label_lower,
        object_id=str(engagement.pk),
        from_status="",
        to_status=engagement.status,
        actor=actor,
        at=engagement.created_at,
    )


def _not_found() -> NotFound:
    return NotFound("not_found", _("找不到该用工记录，或它不在您的辖区内。"))


def _lock_as_manager(actor: User, engagement_id: int) -> tuple[GigPost, Engagement]:
    """The post (locked first) and the engagement (locked second), for its employer or staff of its region."""
    post_id = Engagement.objects.filter(pk=engagement_id).values_list("post_id", flat=True).first()
    if post_id is None:
        raise _not_found()
    post = get_manageable_post(actor, post_id, lock=True)
    return post, Engagement.objects.select_for_update().get(pk=engagement_id)


def _lock_as_worker(actor: User, engagement_id: int) -> Engagement:
    engagement = Engagement.objects.select_for_update().filter(pk=engagement_id, worker=actor).first()
    if engagement is None:
        raise _not_found()
    return engagement


def _status_check(engagement: Engagement, to: str) -> None:
    if not allowed(engagement, to):
        labels = dict(EngagementStatus.choices)
        raise Conflict(
            "invalid_transition",
            _("当前状态为“%(now)s”，不能改为“%(to)s”。")
            % {"now": labels.get(engagement.status, engagement.status), "to": labels.get(to, to)},
        )


@transaction.atomic
def apply(*, actor: User, post_id: int) -> Engagement:
    """A worker applies to an open post at the post's wage."""
    if actor.role != Role.WORKER:
        raise PermissionDenied("worker_only", _("只有灵活就业人员可以报名。"))
    post = (
        GigPost.objects.filter(pk=post_id)
        .exclude(status__in=[PostStatus.IN_REVIEW, PostStatus.REJECTED])
        .first()
    )
    if post is None:
        raise NotFound("not_found", _("找不到该招聘。"))
    _check_place(post)
    engagement = Engagement(
        post=post,
        worker=actor,
        status=EngagementStatus.APPLIED,
        agreed_wage_fen=post.wage_fen,
        agreed_wage_type=post.wage_type,
    )
    try:
        with transaction.atomic():  # a double tap on "报名" is settled by the unique constraint
            engagement.save()
    except IntegrityError as exc:
        raise Conflict("already_applied", _("您已报名过该招聘。")) from exc
    _log_created(engagement, actor)
    return engagement


@transaction.atomic
def offer(
    *,
    actor: User,
    post_id: int,
    worker_id: int,
    tier: int | None = None,
    expires_at: dt.datetime | None = None,
) -> Engagement:
    """The employer (or staff) invites a worker to an open post; the worker accepts or declines
    (before ``expires_at``, when the offer has a reply time, as instant hire's offers do)."""
    post = get_manageable_post(actor, post_id)
    _check_place(post)
    worker = User.objects.filter(pk=worker_id, role=Role.WORKER, is_active=True).first()
    if worker is None:
        raise NotFound("not_found", _("找不到该劳动者。"))
    engagement = Engagement(
        post=post,
        worker=worker,
        status=EngagementStatus.OFFERED,
        agreed_wage_fen=post.wage_fen,
        agreed_wage_type=post.wage_type,
        tier=tier,
        offer_expires_at=expires_at,
    )
    try:
        with transaction.atomic():
            engagement.save()
    except IntegrityError as exc:
        raise Conflict("already_engaged", _("该劳动者已报名或已被邀请过该招聘。")) from exc
    _log_created(engagement, actor)
    return engagement


def invite(*, actor: User, post_id: int, worker_id: int) -> Engagement:
    """An employer's (or staff's) invitation, from the 推荐人选 panel or the API: the offer, and a
    message in the worker's inbox pointing to where they accept or decline. Instant hire's dispatch
    sends its own message with the reply time."""
    engagement = offer(actor=actor, post_id=post_id, worker_id=worker_id)
    post = engagement.post
    notify(
        recipient_id=worker_id,
        kind="gig_offer",
        title=_("零工邀请：%(title)s") % {"title": post.title},
        body=_("%(address)s，%(start)s开始，工资%(wage)s。请到“我的报名”接受或谢绝。")
        % {"address": post.address, "start": f"{post.start_date:%m月%d日}", "wage": post.wage_label},
        link=reverse("market:my_engagements"),
        key=f"gig-offer-{engagement.pk}",
    )
    return engagement


@transaction.atomic
def confirm_worker(*, actor: User, engagement_id: int, note: str = "") -> Engagement:
    """Confirm an applicant (or a worker who accepted an offer) for one place of the post.

    The post row is locked before its count is read, so of any number of simultaneous confirmations
    exactly as many succeed as there are places; the others get ``post_full``.
    """
    post, engagement = _lock_as_manager(actor, engagement_id)
    _status_check(engagement, EngagementStatus.CONFIRMED)
    _check_place(post)
    now = timezone.now()
    engagement.confirmed_at = now
    transition(
        engagement, EngagementStatus.CONFIRMED, actor=actor, note=note, also_save=["confirmed_at"], at=now
    )
    post.confirmed_count += 1  # the locked value: nobody else can change it before we commit
    # The first times are kept (a freed and re-taken place does not move them): time-to-fill figures.
    stamps = ["confirmed_count"]
    if post.first_confirmed_at is None:
        post.first_confirmed_at = now
        stamps.append("first_confirmed_at")
    if post.confirmed_count >= post.headcount:
        if post.filled_at is None:
            post.filled_at = now
            stamps.append("filled_at")
        transition(post, PostStatus.FILLED, actor=actor, note=_("人数已招满"), also_save=stamps, at=now)
        _withdraw_open_offers(post, now=now)
    else:
        post.save(update_fields=stamps)
    _refresh_matching(post, engagement)
    return engagement


def _refresh_matching(post: GigPost, engagement: Engagement) -> None:
    """A place taken or freed changes the post's places and the worker's gigs in the matching index."""
    from lingong.matching.index import refresh_after_commit  # after commit; other processes sync

    refresh_after_commit(worker_ids=[engagement.worker_id], post_ids=[post.pk])


def _withdraw_open_offers(post: GigPost, *, now: dt.datetime) -> None:
    """A full post takes back the offers nobody has answered yet, and says so, rather than letting
    workers accept a place that no longer exists."""
    for offered in post.engagements.select_for_update().filter(status=EngagementStatus.OFFERED):
        transition(offered, EngagementStatus.CANCELLED, actor=None, note=_("人数已招满，邀请收回"), at=now)
        notify(
            recipient_id=offered.worker_id,
            kind="offer_withdrawn",
            title=_("邀请已收回：%(title)s 已招满") % {"title": post.title},
            key=f"offer-withdrawn:{offered.pk}",
        )


@transaction.atomic
def refuse(*, actor: User, engagement_id: int, note: str = "") -> Engagement:
    _post, engagement = _lock_as_manager(actor, engagement_id)
    _status_check(engagement, EngagementStatus.REFUSED)
    transition(engagement, EngagementStatus.REFUSED, actor=actor, note=note)
    return engagement


@transaction.atomic
def cancel(*, actor: User, engagement_id: int, note: str = "") -> Engagement:
    """Cancel a confirmed place (by the employer, staff or the worker) or an offer (by the employer).
    A confirmed place is freed: the count goes down and a filled post is published again."""
    ref = Engagement.objects.filter(pk=engagement_id).values_list("post_id", "worker_id").first()
    if ref is None:
        raise _not_found()
    post_id, worker_id = ref
    if worker_id == actor.pk:
        post = GigPost.objects.select_for_update().get(pk=post_id)
    else:
        post = get_manageable_post(actor, post_id, lock=True)
    engagement = Engagement.objects.select_for_update().get(pk=engagement_id)
    if worker_id == actor.pk and engagement.status == EngagementStatus.OFFERED:
        raise Conflict("use_decline", _("邀请请选择“谢绝”。"))
    _status_check(engagement, EngagementStatus.CANCELLED)
    was_confirmed = engagement.status == EngagementStatus.CONFIRMED
    # Reliability counts the worker's own late cancellations of a confirmed place (selectors.work).
    engagement.cancelled_by_worker = was_confirmed and worker_id == actor.pk
    transition(
        engagement, EngagementStatus.CANCELLED, actor=actor, note=note, also_save=["cancelled_by_worker"]
    )
    if was_confirmed:
        post.confirmed_count -= 1
        if post.status == PostStatus.FILLED:
            transition(
                post, PostStatus.PUBLISHED, actor=actor, note=_("有名额空出"), also_save=["confirmed_count"]
            )
        else:
            post.save(update_fields=["confirmed_count"])
        _refresh_matching(post, engagement)
    return engagement


def _worker_step(actor: User, engagement_id: int, to: str, note: str) -> Engagement:
    engagement = _lock_as_worker(actor, engagement_id)
    _status_check(engagement, to)
    transition(engagement, to, actor=actor, note=note)
    return engagement


@transaction.atomic
def withdraw(*, actor: User, engagement_id: int, note: str = "") -> Engagement:
    """The worker takes back an application (or an accepted offer) before being confirmed."""
    return _worker_step(actor, engagement_id, EngagementStatus.WITHDRAWN, note)


#: How the worker and the employer settle the details of an accepted offer (即时快招: 现场对接洽谈).
NEGOTIATION_WAYS = ("on_site", "online")


@transaction.atomic
def accept(*, actor: User, engagement_id: int, note: str = "", negotiation: str = "") -> Engagement:
    """The worker accepts an offer, optionally saying how they will settle the details (on site or
    online) in ``note``. An offer past its reply time cannot be accepted, even before the periodic
    task has cancelled it."""
    if negotiation and negotiation not in NEGOTIATION_WAYS:
        raise DomainError("negotiation_invalid", _("协商方式只能是现场协商或线上协商。"))
    engagement = _lock_as_worker(actor, engagement_id)
    _status_check(engagement, EngagementStatus.ACCEPTED)
    now = timezone.now()
    if engagement.offer_expires_at is not None and engagement.offer_expires_at <= now:
        raise Conflict("offer_expired", _("该邀请已超过回复时间。"))
    engagement.accepted_at = now
    engagement.negotiation = negotiation
    engagement.negotiation_note = note[:255] if negotiation else ""
    transition(
        engagement,
        EngagementStatus.ACCEPTED,
        actor=actor,
        note=note,
        also_save=["accepted_at", "negotiation", "negotiation_note"],
        at=now,
    )
    return engagement


@transaction.atomic
def decline(*, actor: User, engagement_id: int, note: str = "") -> Engagement:
    return _worker_step(actor, engagement_id, EngagementStatus.DECLINED, note)


#: The engagement steps the API and pages expose, by the name in their URLs.
ACTIONS: dict[str, Callable[..., Engagement]] = {
    "confirm": confirm_worker,
    "refuse": refuse,
    "cancel": cancel,
    "withdraw": withdraw,
    "accept": accept,
    "decline": decline,
}
