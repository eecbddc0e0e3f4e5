"""Back office for matching: the weights' history and the dispatch rounds, read-only. Weights change
only on the 权重试算 page (``services.set_weights``: a new dated row, audited), never by editing here."""

from __future__ import annotations

from django.contrib import admin

from lingong.core.admin_scope import ReadOnlyMixin
from lingong.matching.models import DispatchRound, WeightSet


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


@admin.register(WeightSet)
class WeightSetAdmin(ReadOnlyAdmin):
    list_display = ("effective_from", "note", "created_by", "created_at")


@admin.register(DispatchRound)
class DispatchRoundAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "area", "offers", "total_score")
    list_filter = ("area",)
