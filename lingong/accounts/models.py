"""Users, real-name identity and roles (003 二: real-name, every process in the system).

One ``User`` per person or organisation account. Personal data (ID number, phone, home address) is
encrypted at rest and searchable by exact value through its blind index; ``region`` is where the
person is registered (workers, employers) or the area a staff account may see and change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lingong.core.fields import BlindIndexField, EncryptedCharField, lookup_value
from lingong.core.identity import (
    mask_address,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    normalize_phone,
)
from lingong.core.models import Division


class Role(models.TextChoices):
    WORKER = "worker", _("灵活就业人员")
    EMPLOYER = "employer", _("用工主体")
    AGENCY = "agency", _("人力资源服务机构")
    STAFF = "staff", _("公共就业服务工作人员")
    HOSTING_PLATFORM = "hosting_platform", _("托管平台公司")
    # A guarantee institution or lending bank of startup guarantee loans (辽人社〔2022〕22号 第八条): sees
    # only the loan reviews its policy.LoanParty link gives it.
    PARTNER = "partner", _("担保机构或经办银行")
    SUPERVISOR = "supervisor", _("监管人员")
    ADMIN = "admin", _("系统管理员")


#: Roles whose ``region`` is a scope over other people's data, not their own address.
SCOPED_ROLES = frozenset({Role.STAFF, Role.SUPERVISOR})


class UserManager(BaseUserManager["User"]):
    def get_by_phone(self, phone: str) -> User:
        return self.get(phone_index=lookup_value(User, "phone", phone))

    def filter_phone(self, phone: str) -> models.QuerySet[User]:
        return self.filter(phone_index=lookup_value(User, "phone", phone))

    def filter_id_number(self, id_number: str) -> models.QuerySet[User]:
        return self.filter(id_number_index=lookup_value(User, "id_number", id_number))

    def create_user(self, phone: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(phone=phone, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, password: str | None = None, **extra: Any) -> User:
        extra.update(role=Role.ADMIN, is_staff=True, is_superuser=True)
        extra.setdefault("display_name", "系统管理员")
        return self.create_user(phone, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        # The login form gives a phone number; the natural key is its keyed hash.
        return self.get_by_phone(username or "")


class User(AbstractBaseUser, PermissionsMixin):
    class EmployerKind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        INDIVIDUAL = "individual", _("个人")

    role = models.CharField(
        _("角色"), max_length=20, choices=Role.choices, default=Role.WORKER, db_index=True
    )
    employer_kind = models.CharField(
        _("用工主体类型"), max_length=12, choices=EmployerKind.choices, blank=True
    )
    display_name = models.CharField(_("姓名或名称"), max_length=100)
    region = models.ForeignKey(
        Division,
        verbose_name=_("所属区划"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("个人：登记所在县区；工作人员：可查看和办理的辖区"),
    )
    # Personal data: each encrypted field is declared before its index so saving fills the index.
    phone = EncryptedCharField(_("手机号码"), index_field="phone_index", normalizer=normalize_phone)
    phone_index = BlindIndexField(unique=True)
    id_number = EncryptedCharField(
        _("身份证号码"), index_field="id_number_index", normalizer=normalize_id_number
    )
    id_number_index = BlindIndexField()
    address = EncryptedCharField(_("居住地址"), index_field="address_index")
    address_index = BlindIndexField(db_index=False)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    # The ID number's first six digits (the county of household registration when it was issued), kept
    # in clear beside birth date and sex so batch rules need not decrypt a million ID numbers.
    id_region = models.CharField(_("身份证地区代码"), max_length=6, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    sex = models.CharField(_("性别"), max_length=1, blank=True, choices=[("M", _("男")), ("F", _("女"))])
    real_name_verified = models.BooleanField(_("已实名"), default=False)

    is_active = models.BooleanField(_("启用"), default=True)
    is_staff = models.BooleanField(_("可进入后台"), default=False)
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)
    failed_logins = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    large_text = models.BooleanField(_("大字模式"), default=False)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "phone_index"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["phone", "display_name"]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        permissions = [
            ("view_personal_data", _("可以查看完整的个人信息（身份证、手机号、地址）")),
            ("export_personal_data", _("可以导出含完整个人信息的表格")),
        ]
        indexes = [
            # "Has this person already registered as a worker?" without scanning every worker.
            models.Index(fields=["id_number_index", "role"], name="user_id_number_role"),
            # Staff lists show the newest registrations first.
            models.Index(fields=["date_joined", "id"], name="user_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=[Role.STAFF, Role.SUPERVISOR]) | models.Q(region__isnull=False),
                name="scoped_roles_have_region",
                violation_error_message=_("工作人员和监管人员必须指定辖区。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.display_name}（{self.masked_phone}）"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.id_region = normalize_id_number(self.id_number)[:6] if self.id_number else ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "id_number" in update_fields:
            kwargs["update_fields"] = {*update_fields, "id_region"}
        super().save(*args, **kwargs)

    def get_short_name(self) -> str:
        # The admin greets people by this; the login field itself is a keyed hash.
        return self.display_name

    def get_full_name(self) -> str:
        return self.display_name

    @property
    def is_scoped(self) -> bool:
        return self.role in SCOPED_ROLES

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_address(self) -> str:
        return mask_address(self.address)

    def is_locked(self, now: dt.datetime | None = None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or timezone.now()))


class ApiToken(models.Model):
    """A bearer token for a machine client. Only a hash is stored; the key is shown once."""

    user = models.ForeignKey(
        User, verbose_name=_("所属用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "lg_" + secrets.token_urlsafe(32)

    def is_usable(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class Notification(models.Model):
    """One message in a person's in-app inbox; SMS and WeChat copies go out through the task queue
    via pluggable backends (lingong/accounts/notify.py), recorded in ``channels``."""

    recipient = models.ForeignKey(
        User, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类别"), max_length=32, db_index=True)
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=200, blank=True)
    key = models.CharField(_("唯一键"), max_length=128, blank=True, help_text=_("同一事件只通知一次"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    channels = models.JSONField(_("发送渠道"), default=dict, blank=True, help_text=_('如 {"sms": "sent"}'))

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~models.Q(key=""), name="notification_once_per_key"
            )
        ]

    def __str__(self) -> str:
        return self.title
