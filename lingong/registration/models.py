"""Employment and unemployment registration (辽人社〔2022〕22号 第九条, 第十五条).

- 灵活就业登记 at the public employment service of the place of work; a person who has registered a
  market entity or a non-profit need not register (第九条).
- 失业登记 at the place of household registration, usual residence, work or insurance, as the person
  chooses (第九条).
- Each is closed (registered or refused) within 7 working days, counted from the working day after it
  was received (第九条); only basic facts and a written commitment are asked for, no proof (第十五条):
  the commitment's wording and time are recorded on the row.
- What the platform pushed to the person after registration (第九条: 推送灵活就业、共享用工岗位信息, 对
  有创业意愿的提供创业培训、开业指导).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from lingong.core.fields import EncryptedCharField
from lingong.core.identity import mask_id_number, normalize_id_number
from lingong.core.models import Division, Occupation

#: Working days within which an application is closed (第九条: 在7个工作日内办结).
DEADLINE_WORKING_DAYS = 7

#: The written commitment (第十五条): shown in the reader's language, the Chinese wording copied onto each
#: registration.
COMMITMENT_TEXT = gettext_noop(
    "本人承诺：所填报的个人基本信息和就业失业情况真实、准确、完整，"
    "如有虚假，愿承担相应法律责任，并退回因此享受的扶持政策待遇。"
)

#: The consent to end unemployment automatically when work is found on the platform; the wording
#: shown is copied onto the registration with its time, like the commitment.
PLATFORM_WORK_CONSENT_TEXT = gettext_noop(
    "本人同意：通过本平台即时快招实现就业、完工并确认工时后，平台据此为本人办理失业登记终止，并通知本人。"
)


class Status(models.TextChoices):
    RECEIVED = "received", _("已受理")
    REGISTERED = "registered", _("已登记")
    REFUSED = "refused", _("不予登记")
    ENDED = "ended", _("已终止")


OPEN_STATUSES = (Status.RECEIVED, Status.REGISTERED)


class Channel(models.TextChoices):
    ONLINE = "online", _("网上办理")
    WINDOW = "window", _("窗口办理")


class NotifyBy(models.TextChoices):
    INBOX = "inbox", _("站内消息")
    SMS = "sms", _("短信")


class RegistrationBase(models.Model):
    """What both registrations share: who, where, how it was received, its deadline and its outcome."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    # The ID number as declared on the application (encrypted): the account may have none on record yet.
    id_number = EncryptedCharField(_("身份证号码"), normalizer=normalize_id_number)
    region = models.ForeignKey(
        Division, verbose_name=_("办理地（县区）"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("受理渠道"), max_length=8, choices=Channel.choices)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("受理时间"), default=timezone.now)
    commitment_text = models.TextField(_("书面承诺内容"))
    committed_at = models.DateTimeField(_("承诺时间"))
    wants_startup = models.BooleanField(_("有创业意愿"), default=False)
    notify_by = models.CharField(
        _("结果告知方式"), max_length=8, choices=NotifyBy.choices, default=NotifyBy.INBOX
    )
    deadline = models.DateField(_("办结期限"))
    deadline_provisional = models.BooleanField(
        _("期限暂定"), default=False, help_text=_("当年节假日安排尚未公布，期限按周一至周五推算")
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    reason = models.CharField(_("说明或不予登记理由"), max_length=255, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("为空表示系统自动核验通过、即时办结"),
    )
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    # Random, set when registered: the certificate's signed token carries it, not the row's id, so a
    # token reveals nothing and cannot be derived from another certificate.
    certificate_code = models.CharField(
        _("证明核验码"), max_length=32, blank=True, default="", editable=False, db_index=True
    )

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.RECEIVED: {Status.REGISTERED, Status.REFUSED},
        Status.REGISTERED: {Status.ENDED},
        Status.REFUSED: set(),
        Status.ENDED: set(),
    }
    #: ``employment`` or ``unemployment``: the kind in URLs, alert keys and the API.
    KIND: ClassVar[str] = ""

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def masked_id_number(self) -> str:
        """The declared ID number masked (the account's when the row predates the field)."""
        return mask_id_number(self.id_number or self.person.id_number or "")

    @property
    def alert_key(self) -> str:
        return f"registration-overdue:{self.KIND}:{self.pk}"


class EmploymentForm(models.TextChoices):
    INDIVIDUAL_BUSINESS = "individual_business", _("个体经营（未雇工）")
    PART_TIME = "part_time", _("非全日制就业")
    PLATFORM = "platform", _("新就业形态（平台就业）")
    FREELANCE = "freelance", _("自由职业")


class EmploymentRegistration(RegistrationBase):
    """灵活就业登记, at the place of work (第九条: 自行到就业地公共就业服务机构申办)."""

    form = models.CharField(_("就业形式"), max_length=20, choices=EmploymentForm.choices)
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("职业（工种）"), on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField(_("开始就业日期"))
    place = models.CharField(_("就业地点"), max_length=200)

    KIND: ClassVar[str] = "employment"

    class Meta:
        verbose_name = _("灵活就业登记")
        verbose_name_plural = _("灵活就业登记")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "deadline"], name="empreg_status_deadline")]
        constraints = [
            # Nobody is registered twice: at most one received or registered application per person.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["received", "registered"]),
                name="empreg_one_open_per_person",
                violation_error_message=_("您已有一份受理中或有效的灵活就业登记。"),
            )
        ]

    def __str__(self) -> str:
        return f"灵活就业登记#{self.pk}"


class UnemploymentBasis(models.TextChoices):
    HOUSEHOLD = "household", _("户籍地")
    RESIDENCE = "residence", _("常住地")
    WORK = "work", _("就业地")
    INSURANCE = "insurance", _("参保地")


class UnemploymentRegistration(RegistrationBase):
    """失业登记, at any of four places the person chooses (第九条)."""

    basis = models.CharField(_("办理地依据"), max_length=12, choices=UnemploymentBasis.choices)
    # Not encrypted: a county, the same six digits the masked ID number shows to everyone. Defaults
    # to the ID's region prefix (the place of household registration at issue); the person corrects it.
    household_region = models.ForeignKey(
        Division,
        verbose_name=_("户籍地（县区）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("默认取身份证号码前6位（发证时的户籍地），本人可更正；更正后由工作人员核实"),
    )
    platform_work_consent = models.BooleanField(_("同意平台就业后自动终止"), default=False)
    consent_text = models.TextField(_("同意内容"), blank=True)
    consented_at = models.DateTimeField(_("同意时间"), null=True, blank=True)

    KIND: ClassVar[str] = "unemployment"

    class Meta:
        verbose_name = _("失业登记")
        verbose_name_plural = _("失业登记")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "deadline"], name="unempreg_status_deadline")]
        constraints = [
            # Two requests at once cannot both succeed: the database refuses the second open row.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["received", "registered"]),
                name="unempreg_one_open_per_person",
                violation_error_message=_("您已有一份受理中或有效的失业登记。"),
            )
        ]

    def __str__(self) -> str:
        return f"失业登记#{self.pk}"


class PushKind(models.TextChoices):
    GIG = "gig", _("零工岗位")
    FAIR = "fair", _("招聘会")
    TRAINING = "training", _("培训课程")
    STARTUP = "startup", _("创业服务")
    SUBSIDY = "subsidy", _("可享受的政策")
    # 共享用工 offers: no sharing app yet, so nothing is pushed under this kind; it is reserved so
    # the push record needs no migration when the sharing app starts offering them.
    SHARING = "sharing", _("共享用工岗位")


class Push(models.Model):
    """One service pushed to a registered person, so staff can see what reached whom."""

    employment = models.ForeignKey(
        EmploymentRegistration, null=True, blank=True, on_delete=models.CASCADE, related_name="pushes"
    )
    unemployment = models.ForeignKey(
        UnemploymentRegistration, null=True, blank=True, on_delete=models.CASCADE, related_name="pushes"
    )
    kind = models.CharField(_("类别"), max_length=8, choices=PushKind.choices)
    target_id = models.CharField(_("推送对象编号"), max_length=80, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    link = models.CharField(_("链接"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("推送时间"), default=timezone.now)

    class Meta:
        verbose_name = _("登记后推送")
        verbose_name_plural = _("登记后推送")
        ordering = ["sent_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(employment__isnull=False, unemployment__isnull=True)
                | Q(employment__isnull=True, unemployment__isnull=False),
                name="push_one_registration",
            ),
            # A retried task pushes nothing twice.
            models.UniqueConstraint(fields=["employment", "kind", "target_id"], name="push_once_employment"),
            models.UniqueConstraint(
                fields=["unemployment", "kind", "target_id"], name="push_once_unemployment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"
