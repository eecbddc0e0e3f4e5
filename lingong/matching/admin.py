"""Back office for matching: the weights' history and the dispatch rounds, read-only. Weights change
only on the 权重试算 page (``services.set_weights``: a new dated row, audited), never by editing here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lingong.matching.models import DispatchRound, WeightSet


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WeightSet)
class WeightSetAdmin(ReadOnlyAdmin):
    list_display = ("effective_from", "note", "created_by", "created_at")


@admin.register(DispatchRound)
class DispatchRoundAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "area", "offers", "total_score")
    list_filter = ("area",)
