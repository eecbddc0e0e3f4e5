"""Back office for the policy app: the three loan parties' account links are kept here (added and
changed by administrators); applications, the ledger and parameter values are shown read-only, in the
staff account's region. Decisions, payments and parameter changes go through the services (pages, API),
which check the rules, keep history and tell the person."""

from __future__ import annotations

from django.contrib import admin

from lingong.core.admin_scope import ReadOnlyScopedAdmin, RegionScopedAdmin
from lingong.policy.models import LedgerEntry, LoanParty, ParameterValue, PolicyApplication


@admin.register(LoanParty)
class LoanPartyAdmin(RegionScopedAdmin):
    list_display = ("institution", "kind", "region", "user")
    list_filter = ("kind",)
    raw_id_fields = ("user",)


@admin.register(PolicyApplication)
class PolicyApplicationAdmin(ReadOnlyScopedAdmin):
    list_display = ("__str__", "policy_id", "region", "status", "deadline", "submitted_at")
    list_filter = ("status", "source")
    exclude = ("person",)  # the person is shown masked on the pages, not here in full


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyScopedAdmin):
    list_display = ("policy_id", "benefit", "kind", "period", "amount_fen", "region")
    list_filter = ("benefit", "kind")
    exclude = ("person",)


@admin.register(ParameterValue)
class ParameterValueAdmin(ReadOnlyScopedAdmin):
    region_field = "jurisdiction"
    list_display = ("name", "jurisdiction", "value", "effective_from", "published_on", "reference")
    search_fields = ("name", "reference")
