"""Back office for accounts. Personal data appears masked here; full values and their changes go
through the staff pages (/staff/people/…), which check the permission and write the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lingong.accounts.models import ApiToken, User
from lingong.core import audit
from lingong.core.admin_scope import RegionScopedAdmin
from lingong.core.fields import lookup_value
from lingong.core.models import AuditEntry


@admin.register(User)
class UserAdmin(RegionScopedAdmin):
    list_display = (
        "display_name",
        "role",
        "region",
        "masked_phone",
        "masked_id_number",
        "real_name_verified",
        "is_active",
        "date_joined",
    )
    list_filter = ("role", "is_active", "real_name_verified", "employer_kind")
    search_fields = ("display_name", "credit_code")
    search_help_text = _("按姓名、单位名称或统一社会信用代码搜索；手机号码和身份证号码须完整输入。")
    readonly_fields = (
        "masked_phone",
        "masked_id_number",
        "masked_address",
        "birth_date",
        "sex",
        "date_joined",
        "last_login",
        "failed_logins",
        "locked_until",
    )
    list_select_related = ("region",)
    ordering = ("-date_joined",)

    @admin.display(description=_("手机号码"))
    def masked_phone(self, obj: User) -> str:
        return obj.masked_phone

    @admin.display(description=_("身份证号码"))
    def masked_id_number(self, obj: User) -> str:
        return obj.masked_id_number

    @admin.display(description=_("居住地址"))
    def masked_address(self, obj: User) -> str:
        return obj.masked_address

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        basic = ("display_name", "role", "employer_kind", "region", "credit_code", "real_name_verified")
        personal = ("masked_phone", "masked_id_number", "masked_address", "birth_date", "sex")
        account = ("is_active", "is_staff", "date_joined", "last_login", "failed_logins", "locked_until")
        sets: list[Any] = [
            (None, {"fields": basic}),
            (_("个人信息（脱敏显示）"), {"fields": personal}),
            (_("账号"), {"fields": account}),
        ]
        if request.user.is_superuser:
            sets.append((_("权限"), {"fields": ("is_superuser", "groups", "user_permissions")}))
        return sets

    def has_add_permission(self, request: HttpRequest) -> bool:
        # New accounts are opened through registration (checks ID, phone, region): not a bare form.
        return False

    def get_search_results(
        self, request: HttpRequest, queryset: models.QuerySet[Any], search_term: str
    ) -> Any:
        qs, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            exact = queryset.filter(
                models.Q(phone_index=lookup_value(User, "phone", term))
                | models.Q(id_number_index=lookup_value(User, "id_number", term))
            )
            qs = qs | exact
        return qs, may_have_duplicates

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            audit.record(
                actor=request.user,
                action=AuditEntry.Action.CHANGE,
                obj=obj,
                fields=form.changed_data,
                note="admin",
            )

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        audit.record(actor=request.user, action=AuditEntry.Action.DELETE, obj=obj, note="admin")
        super().delete_model(request, obj)


@admin.register(ApiToken)
class ApiTokenAdmin(RegionScopedAdmin):
    region_field = "user__region"
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # issued by their owner through the API, which shows the key once

    @admin.action(description=_("撤销所选令牌"))
    def revoke(self, request: HttpRequest, queryset: models.QuerySet[ApiToken]) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        for token in queryset:
            audit.record(
                actor=request.user, action=AuditEntry.Action.TOKEN, obj=token, note=f"revoked {token.prefix}"
            )
        messages.success(request, _("已撤销 %(n)d 个令牌。") % {"n": count})
