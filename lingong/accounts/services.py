"""Writes on accounts: registration with real-name checks, personal-data changes and views (audited),
login with lockout, API tokens. Keyword-only, one transaction each, acting user first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.accounts.models import ApiToken, Role, User
from lingong.core import audit
from lingong.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from lingong.core.fields import lookup_value
from lingong.core.identity import validate_credit_code, validate_phone, validate_resident_id
from lingong.core.models import AuditEntry, Division
from lingong.core.scope import get_in_scope, region_prefix

PERSONAL_FIELDS = ("phone", "id_number", "address")
EDITABLE_FIELDS = ("display_name", "phone", "id_number", "address", "region_code", "credit_code")


def _division(code: str | None) -> Division | None:
    if not code:
        return None
    try:
        return Division.objects.get(code=code)
    except Division.DoesNotExist as exc:
        raise DomainError(
            "region_unknown", _("行政区划代码 %(code)s 不存在。") % {"code": code}, field="region_code"
        ) from exc


def _check_actor_may_act_in(actor: Any, region: Division | None) -> None:
    """Staff create and change people only inside their region."""
    if actor is None:
        return  # self-registration: the person acts for themself
    prefix = region_prefix(actor)
    if prefix is None:
        return
    if region is None or not region.code.startswith(prefix):
        raise PermissionDenied("region_out_of_scope", _("只能办理本辖区内的人员和单位。"))


def _apply_identity(user: User, fields: dict[str, Any]) -> list[str]:
    """Validate and set the identity fields present in ``fields``; return the names changed."""
    changed: list[str] = []
    if "display_name" in fields:
        name = (fields["display_name"] or "").strip()
        if not name:
            raise DomainError("name_required", _("请填写姓名或名称。"), field="display_name")
        if name != user.display_name:
            user.display_name = name
            changed.append("display_name")
    if "phone" in fields:
        phone = validate_phone(fields["phone"])
        if phone != user.phone:
            user.phone = phone
            changed.append("phone")
    if fields.get("id_number"):
        rid = validate_resident_id(fields["id_number"])
        if rid.number != user.id_number:
            user.id_number = rid.number
            user.birth_date = rid.birth_date
            user.sex = rid.sex
            changed.append("id_number")
    if "address" in fields:
        address = (fields["address"] or "").strip()
        if address != user.address:
            user.address = address
            changed.append("address")
    if fields.get("credit_code"):
        code = validate_credit_code(fields["credit_code"])
        if code != user.credit_code:
            user.credit_code = code
            changed.append("credit_code")
    return changed


@transaction.atomic
def register_user(
    *,
    actor: User | None,
    role: str,
    display_name: str,
    phone: str,
    password: str | None = None,
    region_code: str | None = None,
    id_number: str = "",
    address: str = "",
    employer_kind: str = "",
    credit_code: str = "",
) -> User:
    """Create an account. Staff may register people in their region (at a service window)."""
    if role not in Role.values:
        raise DomainError("role_unknown", _("未知的角色。"), field="role")
    if role in (Role.STAFF, Role.SUPERVISOR, Role.ADMIN) and not (
        actor is not None and (actor.is_superuser or actor.role == Role.ADMIN)
    ):
        raise PermissionDenied("role_forbidden", _("只有系统管理员可以创建工作人员账号。"))
    region = _division(region_code)
    _check_actor_may_act_in(actor, region)
    if role == Role.EMPLOYER and employer_kind == User.EmployerKind.ENTERPRISE and not credit_code:
        raise DomainError("credit_code_required", _("企业须填写统一社会信用代码。"), field="credit_code")
    user = User(role=role, region=region, employer_kind=employer_kind)
    _apply_identity(
        user,
        {
            "display_name": display_name,
            "phone": phone,
            "id_number": id_number,
            "address": address,
            "credit_code": credit_code,
        },
    )
    if User.objects.filter_phone(user.phone).exists():
        raise Conflict("phone_taken", _("该手机号码已注册，请直接登录或找回密码。"), field="phone")
    if user.id_number and User.objects.filter_id_number(user.id_number).filter(role=role).exists():
        raise Conflict("id_number_taken", _("该身份证号码已登记过同类账号。"), field="id_number")
    user.real_name_verified = bool(user.id_number)
    if password:
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise DomainError("password_weak", " ".join(exc.messages), field="password") from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent registration of the same phone
        raise Conflict("phone_taken", _("该手机号码已注册，请直接登录或找回密码。"), field="phone") from exc
    audit.record(
        actor=actor or user, action=AuditEntry.Action.CREATE, obj=user, fields=_personal_present(user)
    )
    return user


def _personal_present(user: User) -> list[str]:
    return [f for f in PERSONAL_FIELDS if getattr(user, f)]


@transaction.atomic
def update_person(*, actor: User, person_id: int, changes: dict[str, Any]) -> User:
    """Change a person's identity and contact data; staff only within their region."""
    from lingong.accounts.selectors import people_queryset

    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError("field_unknown", _("不能修改这些字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    if actor.pk == person_id:
        person = User.objects.select_for_update().get(pk=person_id)
    else:
        if not actor.has_perm("accounts.change_user"):
            raise PermissionDenied("permission_denied", _("您没有修改人员信息的权限。"))
        person = get_in_scope(people_queryset(actor).select_for_update(of=("self",)), actor, pk=person_id)
    changed = _apply_identity(person, changes)
    if "region_code" in changes and changes["region_code"] != person.region_id:
        region = _division(changes["region_code"])
        _check_actor_may_act_in(actor, region)
        person.region = region
        changed.append("region")
    if not changed:
        return person
    if "phone" in changed and User.objects.filter_phone(person.phone).exclude(pk=person.pk).exists():
        raise Conflict("phone_taken", _("该手机号码已被其他账号使用。"), field="phone")
    person.save()
    audit.record(actor=actor, action=AuditEntry.Action.CHANGE, obj=person, fields=changed)
    return person


@transaction.atomic
def reveal_personal_data(*, actor: User, person_id: int) -> dict[str, str]:
    """The unmasked ID number, phone and address, for staff with the permission; audited."""
    from lingong.accounts.selectors import people_queryset

    if not actor.has_perm("accounts.view_personal_data"):
        raise PermissionDenied("personal_data_forbidden", _("您没有查看完整个人信息的权限。"))
    person = get_in_scope(people_queryset(actor), actor, pk=person_id)
    shown = _personal_present(person)
    audit.record(actor=actor, action=AuditEntry.Action.VIEW_PERSONAL, obj=person, fields=shown)
    return {f: getattr(person, f) for f in PERSONAL_FIELDS}


class LoginFailed(DomainError):
    status = 401


def authenticate_phone(*, phone: str, password: str, ip_address: str | None = None) -> User:
    """Check a phone number and password, counting failures and locking the account after too many.

    The failure count is updated in its own transaction with a row lock, so parallel guesses
    cannot slip past the limit.
    """
    generic = LoginFailed("login_failed", _("手机号码或密码不正确。"))
    try:
        normalized = validate_phone(phone)
    except DomainError:
        raise generic from None
    now = timezone.now()
    with transaction.atomic():
        user = (
            User.objects.select_for_update()
            .filter(phone_index=lookup_value(User, "phone", normalized))
            .first()
        )
        if user is None:
            User().set_password(password)  # same cost as a real check: no account probing by timing
            raise generic
        if user.is_locked(now):
            raise LoginFailed(
                "account_locked",
                _("登录失败次数过多，账号已暂时锁定，请在 %(time)s 后再试，或到服务窗口求助。")
                % {"time": timezone.localtime(user.locked_until).strftime("%H:%M")},
            )
        if not user.is_active:
            raise LoginFailed("account_inactive", _("该账号已停用，请联系所在地公共就业服务机构。"))
        ok = user.check_password(password)
        if ok:
            if user.failed_logins or user.locked_until:
                user.failed_logins = 0
                user.locked_until = None
                user.save(update_fields=["failed_logins", "locked_until"])
            audit.record(actor=user, action=AuditEntry.Action.LOGIN, obj=user, ip_address=ip_address)
            return user
        user.failed_logins += 1
        locked = user.failed_logins >= settings.LINGONG_LOGIN_MAX_FAILURES
        if locked:
            user.locked_until = now + dt.timedelta(minutes=settings.LINGONG_LOGIN_LOCK_MINUTES)
            user.failed_logins = 0
        user.save(update_fields=["failed_logins", "locked_until"])
        audit.record(
            actor=None,
            action=AuditEntry.Action.LOCKED if locked else AuditEntry.Action.LOGIN_FAILED,
            obj=user,
            ip_address=ip_address,
        )
    if locked:
        raise LoginFailed(
            "account_locked",
            _("登录失败次数过多，账号已锁定%(m)d分钟。") % {"m": settings.LINGONG_LOGIN_LOCK_MINUTES},
        )
    raise generic


@transaction.atomic
def issue_api_token(*, actor: User, name: str, days: int | None = 365) -> tuple[ApiToken, str]:
    """A new API token for the acting user; the returned key is shown once and never stored."""
    if not name.strip():
        raise DomainError("token_name_required", _("请说明令牌的用途。"), field="name")
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=actor,
        name=name.strip(),
        prefix=key[3:11],
        key_hash=ApiToken.hash_key(key),
        expires_at=timezone.now() + dt.timedelta(days=days) if days else None,
    )
    audit.record(actor=actor, action=AuditEntry.Action.TOKEN, obj=token, note=f"issued {token.prefix}")
    return token, key


@transaction.atomic
def revoke_api_token(*, actor: User, token_id: int) -> None:
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
    if token is None:
        raise NotFound("not_found", _("找不到该令牌。"))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action=AuditEntry.Action.TOKEN, obj=token, note=f"revoked {token.prefix}")


def user_for_token(key: str) -> User | None:
    """The active user behind a bearer key, or ``None``."""
    if not key or not key.startswith("lg_"):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__region")
        .filter(key_hash=ApiToken.hash_key(key))
        .first()
    )
    if token is None or not token.is_usable() or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        # Coarse on purpose: one write per token per five minutes, not per request.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def set_large_text(*, actor: User, on: bool) -> None:
    """Remember the large-type choice, so it follows the person to another phone."""
    User.objects.filter(pk=actor.pk).update(large_text=on)
