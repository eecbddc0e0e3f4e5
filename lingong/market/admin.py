"""Back office for the gig market, each list kept inside the staff member's region."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lingong.core.admin_scope import RegionScopedAdmin
from lingong.market import admin_directory  # noqa: F401  (registers the directory's admin)
from lingong.market.models import (
    EmployerProfile,
    Engagement,
    ForbiddenTerm,
    GigPost,
    MinimumWage,
    SeekingPost,
    WorkerProfile,
)


class ReadOnlyStatusMixin:
    """Statuses change only through the workflow (services), never by editing a field here."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (*super().get_readonly_fields(request, obj), "status")  # type: ignore[misc]


@admin.register(WorkerProfile)
class WorkerProfileAdmin(RegionScopedAdmin):
    region_field = "user__region"
    list_display = (
        "user",
        "available_now",
        "expected_wage_fen",
        "expected_wage_type",
        "insurance",
        "updated_at",
    )
    list_filter = ("available_now", "insurance", "travel_mode")
    search_fields = ("user__display_name", "skills")
    autocomplete_fields = ("occupations",)
    raw_id_fields = ("user",)


@admin.register(EmployerProfile)
class EmployerProfileAdmin(RegionScopedAdmin):
    region_field = "user__region"
    list_display = ("user", "verified_at", "verified_by")
    list_filter = (("verified_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__display_name", "user__credit_code")
    readonly_fields = ("verified_at", "verified_by")
    raw_id_fields = ("user", "trusted_workers")


@admin.register(GigPost)
class GigPostAdmin(ReadOnlyStatusMixin, RegionScopedAdmin):
    list_display = (
        "title",
        "occupation",
        "region",
        "status",
        "headcount",
        "confirmed_count",
        "instant",
        "expires_at",
    )
    list_filter = ("status", "instant", "settlement", "wage_type")
    search_fields = ("title", "address")
    readonly_fields = ("confirmed_count", "review_reason")
    raw_id_fields = ("employer", "occupation")
    list_select_related = ("occupation", "region")


@admin.register(SeekingPost)
class SeekingPostAdmin(ReadOnlyStatusMixin, RegionScopedAdmin):
    list_display = ("title", "occupation", "region", "status", "expires_at")
    list_filter = ("status", "wage_type")
    search_fields = ("title", "address")
    raw_id_fields = ("worker", "occupation")


@admin.register(Engagement)
class EngagementAdmin(ReadOnlyStatusMixin, RegionScopedAdmin):
    region_field = "post__region"
    list_display = ("post", "worker", "status", "agreed_wage_fen", "created_at", "confirmed_at")
    list_filter = ("status",)
    raw_id_fields = ("post", "worker")
    readonly_fields = ("confirmed_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # engagements start from an application or an offer


@admin.register(MinimumWage)
class MinimumWageAdmin(admin.ModelAdmin):
    list_display = ("region", "effective_from", "monthly_fen", "hourly_fen", "source")
    list_filter = ("effective_from",)
    search_fields = ("region__name", "source")
    raw_id_fields = ("region",)


@admin.register(ForbiddenTerm)
class ForbiddenTermAdmin(admin.ModelAdmin):
    list_display = ("term", "reason", "active")
    list_filter = ("active",)
    search_fields = ("term", "reason")
