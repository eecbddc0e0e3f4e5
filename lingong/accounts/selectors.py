"""Reads on accounts, always for an acting user and within their region."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _

from lingong.accounts.models import Role, User
from lingong.core.errors import PermissionDenied
from lingong.core.fields import lookup_value
from lingong.core.scope import get_in_scope, in_scope, prefix_q

#: The people staff manage: not other staff accounts.
PERSON_ROLES = (Role.WORKER, Role.EMPLOYER, Role.AGENCY, Role.HOSTING_PLATFORM)


def people_queryset(actor: User) -> models.QuerySet[User]:
    """Workers, employers, agencies and hosting platforms the actor may see."""
    if actor.role not in (Role.STAFF, Role.SUPERVISOR, Role.ADMIN) and not actor.is_superuser:
        raise PermissionDenied("staff_only", _("只有公共就业服务工作人员可以查看人员信息。"))
    qs = User.objects.filter(role__in=PERSON_ROLES).select_related("region")
    return in_scope(qs, actor)


def list_people(
    *, actor: User, role: str | None = None, region_code: str | None = None, query: str = ""
) -> models.QuerySet[User]:
    qs = people_queryset(actor)
    if role:
        qs = qs.filter(role=role)
    if region_code:
        qs = qs.filter(prefix_q("region_id", region_code))
    query = query.strip()
    if query:
        # Personal data is encrypted: exact phone or ID number through the keyed hash, names by text.
        qs = qs.filter(
            models.Q(display_name__contains=query)
            | models.Q(phone_index=lookup_value(User, "phone", query))
            | models.Q(id_number_index=lookup_value(User, "id_number", query))
        )
    return qs.order_by("-date_joined", "-pk")


def get_person(*, actor: User, person_id: int) -> User:
    return get_in_scope(people_queryset(actor), actor, pk=person_id)


@dataclass(frozen=True)
class PersonView:
    """What a page or the API shows of a person to an actor: masked unless revealed."""

    id: int
    display_name: str
    role: str
    role_label: str
    region_code: str
    region_name: str
    phone: str
    id_number: str
    address: str
    credit_code: str
    real_name_verified: bool
    can_reveal: bool
    can_change: bool


def person_view(*, actor: User, person: User) -> PersonView:
    return PersonView(
        id=person.pk,
        display_name=person.display_name,
        role=person.role,
        role_label=str(person.get_role_display()),
        region_code=person.region_id or "",
        region_name=str(person.region) if person.region else "",
        phone=person.masked_phone,
        id_number=person.masked_id_number,
        address=person.masked_address,
        credit_code=person.credit_code,
        real_name_verified=person.real_name_verified,
        can_reveal=actor.has_perm("accounts.view_personal_data"),
        can_change=actor.has_perm("accounts.change_user"),
    )
