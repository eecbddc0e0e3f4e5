"""Reads on hiring (辽人社〔2022〕22号 第七条): a worker's applications, an employer's applicants.

``manageable_posts`` is the one permission-aware lookup of the posts an actor may hire for: the
employer's own posts, or the posts of a staff member's region. Services lock through it too.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _

from lingong.accounts.models import Role, User
from lingong.core.errors import NotFound, PermissionDenied
from lingong.core.scope import in_scope
from lingong.market.models import Engagement, GigPost
from lingong.market.services.profiles import is_staff


def manageable_posts(actor: User) -> models.QuerySet[GigPost]:
    if is_staff(actor):
        return in_scope(GigPost.objects.all(), actor)
    if actor.role in (Role.EMPLOYER, Role.AGENCY):
        # Not ``in_scope``: an employer's region is their address, and they may post in another county.
        return GigPost.objects.filter(employer=actor)
    raise PermissionDenied("employer_only", _("只有发布该招聘的用工主体或辖区工作人员可以办理。"))


def get_manageable_post(actor: User, post_id: int, *, lock: bool = False) -> GigPost:
    qs = manageable_posts(actor)
    if lock:
        qs = qs.select_for_update()
    post = qs.filter(pk=post_id).first()
    if post is None:
        raise NotFound("not_found", _("找不到该招聘，或它不在您的辖区内。"))
    return post


def engagements_shown() -> models.QuerySet[Engagement]:
    """Engagements with what a list row shows: the post, the worker and the wage in yuan."""
    return Engagement.objects.select_related("post", "post__region", "worker", "worker__region").annotate(
        wage_yuan=models.ExpressionWrapper(
            models.F("agreed_wage_fen") / 100.0, output_field=models.FloatField()
        )
    )


def my_engagements(*, actor: User, status: str | None = None) -> models.QuerySet[Engagement]:
    """A worker's applications and offers, or the engagements on an employer's posts."""
    qs = engagements_shown()
    if actor.role == Role.WORKER:
        qs = qs.filter(worker=actor)
    elif actor.role == Role.EMPLOYER:
        qs = qs.filter(post__employer=actor)
    else:
        raise PermissionDenied("not_a_party", _("只有劳动者和用工主体有自己的用工记录。"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def post_applicants(*, actor: User, post_id: int) -> tuple[GigPost, models.QuerySet[Engagement]]:
    post = get_manageable_post(actor, post_id)
    engagements = engagements_shown().filter(post=post).order_by("created_at", "pk")
    return post, engagements
