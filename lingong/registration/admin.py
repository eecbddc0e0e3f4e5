"""Back office for registrations: each staff account sees only its region's registrations (the same
``in_scope`` as the queue), personal data masked, and what was pushed after registration. Nothing is
edited here: receiving, closing and ending go through the services (workbench, API), which check the
deadline rules, log each transition and tell the person."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lingong.core.admin_scope import ReadOnlyScopedAdmin
from lingong.core.identity import mask_name
from lingong.registration.models import (
    EmploymentRegistration,
    Push,
    RegistrationBase,
    UnemploymentRegistration,
)


class PushInline(admin.TabularInline):
    model = Push
    fields = ("kind", "title", "link", "sent_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EmploymentPushInline(PushInline):
    fk_name = "employment"


class UnemploymentPushInline(PushInline):
    fk_name = "unemployment"


class RegistrationAdmin(ReadOnlyScopedAdmin):
    date_hierarchy = "received_at"
    ordering = ("deadline", "pk")

    @admin.display(description=_("登记人"))
    def masked_person(self, obj: RegistrationBase) -> str:
        return mask_name(obj.person.display_name)

    @admin.display(description=_("身份证号码"))
    def masked_id_number(self, obj: RegistrationBase) -> str:
        return obj.masked_id_number


_LIST_FILTER = ("status", "channel", "deadline_provisional")
_COMMON_FIELDS = (
    "masked_person",
    "masked_id_number",
    "region",
    "channel",
    "received_at",
    "commitment_text",
    "committed_at",
    "wants_startup",
    "notify_by",
    "deadline",
    "deadline_provisional",
    "status",
    "reason",
    "closed_at",
    "ended_on",
)


@admin.register(EmploymentRegistration)
class EmploymentRegistrationAdmin(RegistrationAdmin):
    list_display = ("__str__", "masked_person", "region", "form", "occupation", "status", "deadline")
    list_filter = (*_LIST_FILTER, "form")
    fields = (*_COMMON_FIELDS, "form", "occupation", "start_date", "place")
    readonly_fields = fields
    inlines = [EmploymentPushInline]
    list_select_related = ("person", "region", "occupation")


@admin.register(UnemploymentRegistration)
class UnemploymentRegistrationAdmin(RegistrationAdmin):
    list_display = (
        "__str__",
        "masked_person",
        "region",
        "basis",
        "status",
        "deadline",
        "platform_work_consent",
    )
    list_filter = (*_LIST_FILTER, "basis", "platform_work_consent")
    fields = (
        *_COMMON_FIELDS,
        "basis",
        "household_region",
        "platform_work_consent",
        "consent_text",
        "consented_at",
    )
    readonly_fields = fields
    inlines = [UnemploymentPushInline]
    list_select_related = ("person", "region")
