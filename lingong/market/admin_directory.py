"""Back office for the gig market directory (零工市场名录, 辽人社〔2022〕22号 第三条).

Saving goes through the directory services, so an edit here leaves a version and an audit entry
like one through the API; entries are deactivated, not deleted, so their history stays.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from lingong.core.admin_scope import RegionScopedAdmin
from lingong.core.errors import DomainError
from lingong.market.models import DirectoryPlace, DirectoryPlaceVersion
from lingong.market.selectors import directory as selectors
from lingong.market.services import directory as services

#: Form fields passed to the services as they are (region and trades are translated to codes).
_PLAIN = (
    "kind",
    "name",
    "address",
    "longitude",
    "latitude",
    "opening_hours",
    "trades_note",
    "contact",
    "operator",
    "active",
)


class StaleFilter(admin.SimpleListFilter):
    title = _("核实情况")
    parameter_name = "stale"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("待核实")), ("no", _("核实未过期"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(selectors.stale_q())
        if self.value() == "no":
            return queryset.exclude(selectors.stale_q())
        return queryset


class DirectoryPlaceForm(forms.ModelForm):
    class Meta:
        model = DirectoryPlace
        fields = (
            "kind",
            "name",
            "region",
            "address",
            "longitude",
            "latitude",
            "opening_hours",
            "trades",
            "trades_note",
            "contact",
            "operator",
            "active",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            services.check_place(
                kind=data.get("kind", ""),
                name=data.get("name", ""),
                region=data.get("region"),
                address=data.get("address", ""),
                opening_hours=data.get("opening_hours", ""),
                contact=data.get("contact", ""),
                operator=data.get("operator", ""),
                longitude=data.get("longitude"),
                latitude=data.get("latitude"),
            )
        except DomainError as exc:
            field = "region" if exc.field == "region_code" else exc.field
            self.add_error(field if field in self.fields else None, exc.message)
        return data


class VersionInline(admin.TabularInline):
    """The entry's history, newest first: read-only, written only by the services."""

    model = DirectoryPlaceVersion
    extra = 0
    can_delete = False
    fields = readonly_fields = ("changed_at", "changed_by", "note", "content")
    verbose_name_plural = _("修改记录")

    @admin.display(description=_("修改后的内容"))
    def content(self, obj: DirectoryPlaceVersion) -> str:
        return format_html(
            "<details><summary>{}</summary><pre>{}</pre></details>",
            _("展开"),
            json.dumps(obj.data, ensure_ascii=False, indent=1),
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Whoever may see the entry may see its history: no separate permission to grant.
        return request.user.has_perm("market.view_directoryplace") or request.user.has_perm(
            "market.change_directoryplace"
        )


@admin.register(DirectoryPlace)
class DirectoryPlaceAdmin(RegionScopedAdmin):
    form = DirectoryPlaceForm
    list_display = (
        "name",
        "kind",
        "region",
        "opening_hours",
        "contact",
        "active",
        "last_verified_at",
        "stale",
    )
    list_filter = ("kind", "active", StaleFilter)
    search_fields = ("name", "address", "operator", "contact", "trades_note")
    search_help_text = _("按名称、地址、运营单位、联系方式或工种说明搜索。")
    list_select_related = ("region",)
    autocomplete_fields = ("trades",)
    readonly_fields = ("last_verified_at", "updated_at")
    inlines = (VersionInline,)
    actions = ("verify",)

    @admin.display(description=_("待核实"), boolean=True)
    def stale(self, obj: DirectoryPlace) -> bool:
        return obj.active and selectors.is_stale(obj)

    @admin.action(description=_("核实无误"))
    def verify(self, request: HttpRequest, queryset: QuerySet[DirectoryPlace]) -> None:
        done = 0
        for place in queryset:
            try:
                services.verify_place(actor=request.user, place_id=place.pk)
            except DomainError as exc:
                self.message_user(request, f"{place.name}：{exc.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, _("已核实 %(n)d 处，核实记录已保存。") % {"n": done}, messages.SUCCESS)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: what was published stays on record

    def save_model(self, request: HttpRequest, obj: DirectoryPlace, form: Any, change: bool) -> None:
        data = form.cleaned_data
        values: dict[str, Any] = {k: data[k] for k in _PLAIN if k in data}
        values["region_code"] = data["region"].code
        values["trades"] = [o.code for o in data.get("trades") or []]
        if change:
            wanted = {"region_code" if f == "region" else f for f in form.changed_data}
            changes = {k: v for k, v in values.items() if k in wanted}
            place = services.update_place(actor=request.user, place_id=obj.pk, **changes)
        else:
            place = services.create_place(actor=request.user, **values)
        obj.pk = place.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The services set the trades; the history inline is read-only. Nothing else to save.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
