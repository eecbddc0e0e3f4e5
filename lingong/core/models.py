"""Reference data shared by every domain, and the append-only audit log.

- Administrative divisions with coordinates: where people live and work, and the scope of staff.
- The occupation catalogue (国家职业分类大典 codes) that gigs and skills refer to.
- Working-day calendar overrides staff maintain for years `chinese_calendar` does not know.
- The audit log of every view of unmasked personal data and every change to it.
- Alerts raised by periodic tasks for staff (deadlines, stale data).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Division(models.Model):
    """An administrative division (行政区划) at province, city or county level."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("地级")
        COUNTY = "county", _("县级")

    code = models.CharField(_("行政区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("级别"), max_length=8, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    full_name = models.CharField(_("全称"), max_length=128, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.full_name or self.name

    @property
    def scope_prefix(self) -> str:
        """Codes of every division inside this one start with this prefix (GB/T 2260)."""
        if self.level == self.Level.PROVINCE:
            return self.code[:2]
        if self.level == self.Level.CITY:
            return self.code[:4]
        return self.code

    def contains(self, code: str | None) -> bool:
        return bool(code) and str(code).startswith(self.scope_prefix)


class Occupation(models.Model):
    """An occupation from the national occupational classification (国家职业分类大典, 2022 edition).

    Codes look like ``4-10-01-01`` (major-middle-minor-detail); coarser levels are kept too so a
    search for "家政" can land on the group as well as the detailed occupations in it.
    """

    code = models.CharField(_("职业编码"), max_length=16, primary_key=True)
    name = models.CharField(_("职业名称"), max_length=64, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    pinyin = models.CharField(_("拼音"), max_length=256, blank=True, db_index=True)
    initials = models.CharField(_("拼音首字母"), max_length=64, blank=True, db_index=True)
    aliases = models.CharField(
        _("常用名"), max_length=256, blank=True, help_text=_("以空格分隔的俗称，如“保姆 月嫂”")
    )
    is_new = models.BooleanField(_("新职业"), default=False, help_text=_("2019-2022年人社部发布的新职业"))
    announced = models.CharField(_("发布批次"), max_length=32, blank=True)
    common_in_flexible_work = models.BooleanField(_("灵活就业常见"), default=False)

    class Meta:
        verbose_name = _("职业")
        verbose_name_plural = _("职业分类")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class CalendarDay(models.Model):
    """A day whose working status differs from the weekday rule: a holiday or a make-up working day.

    ``chinese_calendar`` answers for the years it knows; rows here answer for later years (loaded
    from ``core/data/calendar.csv`` and editable by staff in the back office), and win over it.
    """

    date = models.DateField(_("日期"), primary_key=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("说明"), max_length=64, blank=True, help_text=_("如“春节”“国庆节调休上班”"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '放假'} {self.name}"


class CalendarYear(models.Model):
    """A year whose holiday arrangement staff have entered in full (so answers are not provisional)."""

    year = models.PositiveSmallIntegerField(_("年份"), primary_key=True)
    source = models.CharField(
        _("依据"), max_length=200, help_text=_("如“国务院办公厅关于2027年部分节假日安排的通知”")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("已公布节假日安排的年份")
        verbose_name_plural = _("已公布节假日安排的年份")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class AppendOnlyQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class AuditEntry(models.Model):
    """One line of the append-only audit log: who did what to which record, when, from where."""

    class Action(models.TextChoices):
        VIEW_PERSONAL = "view_personal", _("查看完整个人信息")
        CREATE = "create", _("新增")
        CHANGE = "change", _("修改")
        DELETE = "delete", _("删除")
        EXPORT = "export", _("导出")
        IMPORT = "import", _("导入")
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKED = "locked", _("账号锁定")
        TOKEN = "token", _("API令牌")
        KEY_ROTATION = "key_rotation", _("密钥轮换")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人（记录时）"), max_length=128, blank=True)
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    region_code = models.CharField(_("所属区划"), max_length=6, blank=True, db_index=True)
    fields = models.JSONField(_("涉及字段"), default=list, blank=True)
    ip_address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)

    objects: ClassVar[AppendOnlyQuerySet] = AppendOnlyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        permissions = [("export_auditentry", _("可以导出审计日志"))]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.get_action_display()} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")

    @property
    def object_label(self) -> str:
        """``accounts.user`` → ``用户``: what staff read on the page and in the export."""
        model = self._model()
        return str(model._meta.verbose_name) if model else self.object_type

    @property
    def fields_label(self) -> str:
        model = self._model()
        names = []
        for name in self.fields or []:
            try:
                names.append(str(model._meta.get_field(name).verbose_name) if model else name)
            except Exception:
                names.append(name)
        return "、".join(names)

    def _model(self) -> Any:
        from django.apps import apps

        try:
            return apps.get_model(self.object_type) if self.object_type else None
        except (LookupError, ValueError):
            return None


class Alert(models.Model):
    """Something staff of a region should act on, raised by a periodic task.

    ``key`` makes raising idempotent: a task that runs twice raises one alert.
    """

    class Level(models.TextChoices):
        INFO = "info", _("提示")
        WARNING = "warning", _("预警")
        URGENT = "urgent", _("紧急")

    key = models.CharField(_("唯一键"), max_length=128, unique=True)
    kind = models.CharField(_("类别"), max_length=32, db_index=True)
    level = models.CharField(_("级别"), max_length=8, choices=Level.choices, default=Level.WARNING)
    region_code = models.CharField(_("所属区划"), max_length=6, blank=True, db_index=True)
    message = models.CharField(_("内容"), max_length=255)
    created_at = models.DateTimeField(_("产生时间"), default=timezone.now)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒与预警")
        verbose_name_plural = _("提醒与预警")
        ordering = ["resolved_at", "-created_at"]

    def __str__(self) -> str:
        return self.message


class Transition(models.Model):
    """One step of a workflow: which record went from which status to which, by whom, when.

    Written only by ``lingong.core.workflow.transition``; the workflows of every app share it.
    """

    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象编号"), max_length=64)
    field = models.CharField(_("状态字段"), max_length=32, default="status")
    from_status = models.CharField(_("原状态"), max_length=32, blank=True)
    to_status = models.CharField(_("新状态"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.CharField(_("说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("状态变更记录")
        verbose_name_plural = _("状态变更记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"], name="transition_object_at")]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id} {self.from_status}→{self.to_status}"
