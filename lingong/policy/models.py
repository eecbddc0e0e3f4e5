"""Policy as code inside the platform (辽人社〔2022〕22号 一 二 五 八 十 十一; 辽人社提〔2024〕5号;
青政办〔2021〕1号 2 5 7 19; 桂 2020-09-29 (一)(二)(十三)).

- ``ParameterValue``: a staff change to a policy parameter, a new dated row beside the YAML shipped
  with the engine, never an overwrite; the engine reads both (``engine.load_parameters``).
- ``LedgerEntry``: the entitlement ledger the rules read (months of a subsidy paid, one-off grants,
  loans and their terms), append-only, so caps such as 36 or 24 months and "once only" hold across
  years and applications.
- ``PolicyApplication``: an application with the facts and the engine's decision as they stood when
  it was made, a deadline in working days and a reviewed outcome.
- ``LoanReview`` and ``LoanParty``: startup guarantee loans reviewed in one pass by three parties
  (22号 第八条), each party's account linked to its kind and region here.
- ``PolicyRun``, ``PolicyHit``, ``PolicyNotice``: 政策找人 (免申即享), a batch run over the registry; a
  notice is unique per (policy, person), so a resumed run tells nobody twice.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lingong.core.models import Division

#: Working days within which staff decide an application; the documents set none of their own, so the
#: platform uses registration's 7 (22号 第九条) and says so in docs/policy.md.
DEADLINE_WORKING_DAYS = 7


class AppendOnly(models.Model):
    """Rows that record what happened: inserted once, never changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError(f"{type(self).__name__} is append-only")


class ParameterValue(AppendOnly):
    """One dated value of a policy parameter set by staff (a city's own figure, a new document)."""

    name = models.CharField(_("参数"), max_length=120, db_index=True)
    jurisdiction = models.CharField(
        _("适用区划代码"), max_length=6, help_text=_("000000 为全国；省、市、县用其区划代码")
    )
    value = models.JSONField(_("取值"), help_text=_("金额以分为单位的整数"))
    effective_from = models.DateField(_("生效日期"))
    published_on = models.DateField(_("公布日期"))
    reference = models.CharField(_("依据（文件及条款）"), max_length=255)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("政策参数取值")
        verbose_name_plural = _("政策参数取值")
        ordering = ["name", "jurisdiction", "effective_from", "published_on", "id"]
        constraints = [
            # A correction of a value is published later, so it is a new row, not the same one twice.
            models.UniqueConstraint(
                fields=["name", "jurisdiction", "effective_from", "published_on"],
                name="parametervalue_once_per_publication",
                violation_error_message=_("同一参数在该区划、生效日期和公布日期已有取值。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}@{self.jurisdiction} {self.effective_from}"


class LedgerKind(models.TextChoices):
    MONTHLY = "monthly", _("按月补贴")
    GRANT = "grant", _("一次性补贴")
    LOAN = "loan", _("贷款")


class LedgerEntry(AppendOnly):
    """One entitlement paid or granted: a month of a subsidy, a one-off grant, or a loan."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("享受人"), on_delete=models.PROTECT, related_name="+"
    )
    policy_id = models.CharField(_("政策"), max_length=64)
    # Caps count over every entry of the same benefit, whatever policy or region wrote it (the engine's
    # BENEFITS keys), so 36 months of social-insurance subsidy hold across provinces too.
    benefit = models.CharField(_("待遇"), max_length=40)
    basis = models.CharField(
        _("享受身份"), max_length=40, blank=True, help_text=_("如按高校毕业生或就业困难人员享受")
    )
    kind = models.CharField(_("类别"), max_length=8, choices=LedgerKind.choices)
    period = models.DateField(_("所属期间"), help_text=_("按月补贴为所属月份的1日；其他为发放或放款日期"))
    months = models.PositiveSmallIntegerField(_("月数"), default=0)
    granted_on = models.DateField(_("批准日期"))
    amount_fen = models.BigIntegerField(_("金额（分）"))
    loan_rate_bp = models.PositiveIntegerField(_("贷款年利率（基点）"), null=True, blank=True)
    loan_term_months = models.PositiveSmallIntegerField(_("贷款期限（月）"), null=True, blank=True)
    region = models.ForeignKey(Division, verbose_name=_("发放地"), on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(
        "PolicyApplication",
        verbose_name=_("来源申请"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    note = models.CharField(_("说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("待遇享受记录")
        verbose_name_plural = _("待遇享受台账")
        ordering = ["person", "policy_id", "period", "id"]
        indexes = [models.Index(fields=["person", "benefit"], name="ledger_person_benefit")]
        constraints = [
            # A month of a subsidy is paid once, however often staff press the button.
            models.UniqueConstraint(
                fields=["person", "benefit", "period"],
                condition=Q(kind="monthly"),
                name="ledger_month_once",
                violation_error_message=_("该月补贴已发放，不能重复发放。"),
            ),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="ledger_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} {self.period} {self.amount_fen}分"


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("不予批准")


class Source(models.TextChoices):
    ONLINE = "online", _("网上申请")
    WINDOW = "window", _("窗口受理")
    PROACTIVE = "proactive", _("政策找人确认")


class PolicyApplication(models.Model):
    """An application for one policy, with what the engine said when it was made."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    policy_id = models.CharField(_("政策"), max_length=64, db_index=True)
    policy_title = models.CharField(_("政策名称"), max_length=200)
    region = models.ForeignKey(
        Division, verbose_name=_("办理地（县区）"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.ONLINE)
    facts = models.JSONField(_("申请时的个人情况"))
    decision = models.JSONField(
        _("申请时的计算结果"), help_text=_("含所用参数的公布状态（as_of, published_by）")
    )
    eligible = models.BooleanField(_("计算结果：符合条件"), default=False)
    amount_fen = models.BigIntegerField(_("计算金额（分）"), default=0)
    months = models.PositiveSmallIntegerField(_("计算期限（月）"), default=0)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    deadline = models.DateField(_("审核期限"))
    deadline_provisional = models.BooleanField(_("期限暂定"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    reason = models.CharField(_("审核意见或不予批准理由"), max_length=255, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.SUBMITTED: {Status.APPROVED, Status.REFUSED},
        Status.APPROVED: set(),
        Status.REFUSED: set(),
    }

    class Meta:
        verbose_name = _("政策申请")
        verbose_name_plural = _("政策申请")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["status", "deadline"], name="policyapp_status_deadline")]
        constraints = [
            # Two clicks at once cannot open two applications for the same policy.
            models.UniqueConstraint(
                fields=["person", "policy_id"],
                condition=Q(status="submitted"),
                name="policyapp_one_open_per_policy",
                violation_error_message=_("您已有一份待审核的该项政策申请。"),
            )
        ]

    def __str__(self) -> str:
        return str(_("%(policy)s申请#%(id)s") % {"policy": self.policy_title, "id": self.pk})

    @property
    def alert_key(self) -> str:
        return f"policy-overdue:{self.pk}"


class PartyKind(models.TextChoices):
    """The three parties of a startup guarantee loan (22号 第八条; 青政办〔2021〕1号 2)."""

    OFFICE = "office", _("人社部门（资格审核）")
    GUARANTOR = "guarantor", _("担保机构")
    BANK = "bank", _("经办银行")


class LoanParty(models.Model):
    """Links an account to the party it reviews loans for, in a region (a city or a county)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("参与方"), max_length=10, choices=PartyKind.choices)
    region = models.ForeignKey(
        Division, verbose_name=_("负责区划"), on_delete=models.PROTECT, related_name="+"
    )
    institution = models.CharField(_("机构名称"), max_length=100)

    class Meta:
        verbose_name = _("创业担保贷款参与方")
        verbose_name_plural = _("创业担保贷款参与方")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="loanparty_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.institution}（{self.get_kind_display()}）"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("同意")
    REFUSED = "refused", _("不同意")


class LoanReview(models.Model):
    """One party's part of a loan review; the three are opened together and decided independently."""

    application = models.ForeignKey(
        PolicyApplication, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="reviews"
    )
    party = models.CharField(_("参与方"), max_length=10, choices=PartyKind.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    amount_fen = models.BigIntegerField(_("核定额度（分）"), null=True, blank=True)
    term_months = models.PositiveSmallIntegerField(_("期限（月）"), null=True, blank=True)
    rate_bp = models.PositiveIntegerField(_("年利率（基点）"), null=True, blank=True)
    reason = models.CharField(_("意见"), max_length=255, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        ReviewStatus.PENDING: {ReviewStatus.APPROVED, ReviewStatus.REFUSED},
        ReviewStatus.APPROVED: set(),
        ReviewStatus.REFUSED: set(),
    }

    class Meta:
        verbose_name = _("创业担保贷款审核")
        verbose_name_plural = _("创业担保贷款审核")
        ordering = ["application", "party"]
        constraints = [models.UniqueConstraint(fields=["application", "party"], name="loanreview_once")]

    def __str__(self) -> str:
        return f"{self.application} · {self.get_party_display()}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    DONE = "done", _("已完成")


class PolicyRun(models.Model):
    """政策找人: one pass of every policy over every registered person of a region."""

    region = models.ForeignKey(Division, verbose_name=_("范围"), on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField(_("计算日期"))
    status = models.CharField(_("状态"), max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    total = models.PositiveIntegerField(_("人数"), default=0)
    processed = models.PositiveIntegerField(_("已处理"), default=0)
    cursor = models.BigIntegerField(_("已处理到的人员编号"), default=0)
    chunk_size = models.PositiveIntegerField(_("每批人数"), default=500)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进展时间"), null=True, blank=True)

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        RunStatus.QUEUED: {RunStatus.RUNNING},
        RunStatus.RUNNING: {RunStatus.DONE},
        RunStatus.DONE: set(),
    }

    class Meta:
        verbose_name = _("政策找人批次")
        verbose_name_plural = _("政策找人批次")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Two staff starting a run over the same region at once get one run, not two in parallel.
            models.UniqueConstraint(
                fields=["region"],
                condition=Q(status__in=["queued", "running"]),
                name="policyrun_one_open_per_region",
                violation_error_message=_("该范围已有一个正在运行的批次，请等它完成。"),
            )
        ]

    def __str__(self) -> str:
        label = _("政策找人#%(id)s（%(region)s，%(date)s）")
        return str(label % {"id": self.pk, "region": self.region, "date": self.as_of})

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.processed * 100 // self.total)


class PolicyHit(models.Model):
    """A person found eligible for a policy in a run."""

    run = models.ForeignKey(PolicyRun, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="hits")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="+"
    )
    policy_id = models.CharField(_("政策"), max_length=64)
    district = models.ForeignKey(Division, verbose_name=_("县区"), on_delete=models.PROTECT, related_name="+")
    amount_fen = models.BigIntegerField(_("金额（分）"), default=0)
    months = models.PositiveSmallIntegerField(_("期限（月）"), default=0)
    newly = models.BooleanField(_("新符合条件"), default=True)

    class Meta:
        verbose_name = _("政策找人结果")
        verbose_name_plural = _("政策找人结果")
        ordering = ["run", "policy_id", "district", "person"]
        constraints = [
            models.UniqueConstraint(fields=["run", "person", "policy_id"], name="policyhit_once_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.policy_id}：{self.person_id}"


class PolicyNotice(models.Model):
    """A person told they may enjoy a policy. Unique per (policy, person): the database, not the run's
    memory, settles that a resumed or repeated run tells nobody twice."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="+"
    )
    policy_id = models.CharField(_("政策"), max_length=64)
    run = models.ForeignKey(
        PolicyRun, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="notices"
    )
    facts = models.JSONField(_("计算时的个人情况"), default=dict)
    created_at = models.DateTimeField(_("通知时间"), default=timezone.now)
    application = models.OneToOneField(
        PolicyApplication,
        verbose_name=_("确认后的申请"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notice",
    )

    class Meta:
        verbose_name = _("政策找人通知")
        verbose_name_plural = _("政策找人通知")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["policy_id", "person"], name="policynotice_once")]

    def __str__(self) -> str:
        return f"{self.policy_id}：{self.person_id}"
