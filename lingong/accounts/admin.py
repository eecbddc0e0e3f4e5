"""Back office for accounts. Personal data appears masked here; full values and their changes go
through the staff pages (/staff/people/…), which check the permission and write the audit log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lingong.accounts import services
from lingong.accounts.models import ApiToken, Role, User
from lingong.core import audit
from lingong.core.admin_scope import RegionScopedAdmin
from lingong.core.errors import DomainError
from lingong.core.fields import lookup_value
from lingong.core.identity import validate_phone
from lingong.core.models import AuditEntry


class AccountAddForm(forms.ModelForm):
    """Opening an account in the back office: staff, supervisors and other roles, by phone number."""

    phone = forms.CharField(label=_("手机号码"), max_length=20)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, strip=False)

    class Meta:
        model = User
        fields = ("display_name", "role", "region", "phone", "password")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") in (Role.STAFF, Role.SUPERVISOR) and not data.get("region"):
            self.add_error("region", _("工作人员和监管人员必须指定辖区。"))
        try:
            data["phone"] = validate_phone(data.get("phone", ""))
        except DomainError as exc:
            self.add_error("phone", exc.message)
        else:
            if User.objects.filter_phone(data["phone"]).exists():
                self.add_error("phone", _("该手机号码已有账号。"))
        if data.get("password"):
            try:
                validate_password(data["password"], User(display_name=data.get("display_name", "")))
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


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

    def _change_fieldsets(self, request: HttpRequest) -> Any:
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
        # Administrators open staff accounts here; people register themselves or at a service window.
        return bool(request.user.is_superuser or getattr(request.user, "role", None) == Role.ADMIN)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = AccountAddForm
            kwargs["fields"] = AccountAddForm.Meta.fields
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return [(None, {"fields": AccountAddForm.Meta.fields})]
        return self._change_fieldsets(request)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.readonly_fields

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
        if not change:
            # Through the registration service: phone and password checks, audit entry.
            try:
                created = services.register_user(
                    actor=request.user,  # type: ignore[arg-type]
                    role=form.cleaned_data["role"],
                    display_name=form.cleaned_data["display_name"],
                    phone=form.cleaned_data["phone"],
                    password=form.cleaned_data["password"],
                    region_code=form.cleaned_data["region"].code if form.cleaned_data["region"] else None,
                )
            except DomainError as exc:
                raise ValidationError(exc.message) from exc
            created.is_staff = created.role in (Role.STAFF, Role.SUPERVISOR, Role.ADMIN)
            created.save(update_fields=["is_staff"])
            obj.pk = created.pk
            return
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
