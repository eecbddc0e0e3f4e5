"""The Django admin is the staff back office; this mixin keeps each staff account inside its
region there too, through the same ``in_scope`` the selectors use."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from lingong.core.models import Division
from lingong.core.scope import in_scope, region_prefix


class ReadOnlyMixin:
    """Rows written only by the platform's services (logs, ledgers, records): the admin shows them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RegionScopedAdmin(admin.ModelAdmin):
    #: the field holding the row's region: a Division FK or a code column
    region_field = "region"

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        return in_scope(super().get_queryset(request), request.user, field=self.region_field)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is Division:
            prefix = region_prefix(request.user)
            qs = Division.objects.all()
            if prefix is not None:
                qs = qs.filter(code__startswith=prefix)
            kwargs["queryset"] = qs
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyScopedAdmin(ReadOnlyMixin, RegionScopedAdmin):
    """Read-only rows of the staff member's region."""
