"""Back office for core data.

Divisions are read-only here: they come from ``core/data/divisions.csv`` and change with a release.
Occupations and the calendar can be corrected by staff; ``lingong load_reference`` reapplies the files.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lingong.core.admin_scope import RegionScopedAdmin
from lingong.core.models import Alert, AuditEntry, CalendarDay, CalendarYear, Division, Occupation
from lingong.core.occupations import romanize

WEEKDAYS = (_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日"))


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "full_name", "longitude", "latitude")
    list_filter = ("level",)
    search_fields = ("code", "name", "full_name")
    search_help_text = _("按行政区划代码、名称或全称搜索。")
    list_select_related = ("parent",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "aliases", "is_new", "announced", "common_in_flexible_work")
    list_filter = ("common_in_flexible_work", "is_new", "announced")
    search_fields = ("code", "name", "aliases", "pinyin", "initials")
    search_help_text = _("按职业编码、名称、常用名或拼音（如 baojie、bjy）搜索。")
    readonly_fields = ("pinyin", "initials")
    raw_id_fields = ("parent",)

    def save_model(self, request: HttpRequest, obj: Occupation, form: Any, change: bool) -> None:
        obj.pinyin, obj.initials = romanize(obj.name)
        super().save_model(request, obj, form, change)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "is_workday", "name", "updated_at")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
    search_fields = ("name",)
    search_help_text = _("只需录入与“周一至周五上班、周六周日休息”不同的日子。")
    ordering = ("-date",)

    @admin.display(description=_("星期"))
    def weekday(self, obj: CalendarDay) -> str:
        return str(WEEKDAYS[obj.date.weekday()])


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source", "updated_at")
    search_fields = ("source",)
    ordering = ("-year",)


@admin.register(AuditEntry)
class AuditEntryAdmin(RegionScopedAdmin):
    """Read-only: the audit log is append-only, and staff see the entries of their region."""

    region_field = "region_code"
    list_display = ("at", "actor_label", "action", "object_type", "object_id", "region_code", "ip_address")
    list_filter = ("action", "object_type")
    search_fields = ("actor_label", "object_id", "note")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(RegionScopedAdmin):
    region_field = "region_code"
    list_display = ("created_at", "level", "kind", "message", "region_code", "resolved_at")
    list_filter = ("level", "kind", ("resolved_at", admin.EmptyFieldListFilter))
    readonly_fields = ("key", "kind", "level", "region_code", "message", "created_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Alert]:
        # Alerts with no region (e.g. next year's calendar is missing) concern every office.
        return super().get_queryset(request) | Alert.objects.filter(region_code="")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
