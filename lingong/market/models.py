"""The gig market (零工市场): 辽人社〔2022〕22号 第三条 (gig markets and their directory), 第六条 (the
flexible workers' needs database), 第七条 (gig information service and 即时快招); 青政办〔2021〕1号 13.

Money is kept in integer fen. Multi-choice facts (needs, groups) are stored as ``,a,b,`` strings so
"has need X" is one ``contains`` lookup that works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lingong.core.fields import BlindIndexField, EncryptedCharField
from lingong.core.identity import normalize_phone
from lingong.core.models import Division, Occupation


class WageType(models.TextChoices):
    HOUR = "hour", _("按小时")
    DAY = "day", _("按天")
    PIECE = "piece", _("计件")


class Settlement(models.TextChoices):
    SAME_DAY = "same_day", _("当天结算")
    WEEKLY = "weekly", _("按周结算")
    ON_COMPLETION = "on_completion", _("完工结算")


class TravelMode(models.TextChoices):
    WALK = "walk", _("步行")
    CYCLE = "cycle", _("骑行")
    TRANSIT = "transit", _("公交")
    DRIVE = "drive", _("驾车")


class Need(models.TextChoices):
    TRAINING = "training", _("技能培训")
    STARTUP = "startup", _("创业扶持")
    SOCIAL_INSURANCE = "social_insurance", _("社会保险")
    LEGAL_AID = "legal_aid", _("法律援助")
    JOB_REFERRAL = "job_referral", _("职业介绍")


class Group(models.TextChoices):
    """Priority groups named in the policies (就业困难人员, 离校2年内未就业高校毕业生 …)."""

    EMPLOYMENT_DIFFICULTY = "employment_difficulty", _("就业困难人员")
    RECENT_GRADUATE = "recent_graduate", _("离校2年内未就业高校毕业生")
    MIGRANT_WORKER = "migrant_worker", _("农民工")
    VETERAN = "veteran", _("退役军人")
    DISABLED = "disabled", _("残疾人")
    REGISTERED_UNEMPLOYED = "registered_unemployed", _("登记失业人员")
    POVERTY_RELIEVED = "poverty_relieved", _("脱贫人口")


class InsuranceStatus(models.TextChoices):
    NONE = "none", _("未参保")
    PENSION = "pension", _("已参加养老保险")
    PENSION_MEDICAL = "pension_medical", _("已参加养老和医疗保险")
    EMPLOYEE = "employee", _("随单位参加职工社会保险")


class WorkerProfile(models.Model):
    """A flexible worker's entry in the needs database (灵活就业人员需求数据库, 22号 第六条)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("本人"),
        on_delete=models.CASCADE,
        related_name="worker_profile",
    )
    occupations = models.ManyToManyField(
        Occupation, verbose_name=_("职业（工种）"), blank=True, related_name="+"
    )
    skills = models.CharField(_("技能说明"), max_length=200, blank=True)
    certificates = models.JSONField(
        _("证书"), default=list, blank=True, help_text=_("[{名称, 编号, 发证日期}]")
    )
    available_now = models.BooleanField(_("现在可以上工"), default=False)
    availability = models.JSONField(
        _("可工作时间"), default=dict, blank=True, help_text=_('按星期，如 {"1": ["08:00-12:00"]}，1为周一')
    )
    expected_wage_fen = models.PositiveIntegerField(_("期望工资（分）"), default=0)
    expected_wage_type = models.CharField(
        _("工资方式"), max_length=8, choices=WageType.choices, default=WageType.DAY
    )
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    travel_minutes = models.PositiveSmallIntegerField(_("愿意通勤（分钟）"), default=15)
    travel_mode = models.CharField(
        _("出行方式"), max_length=8, choices=TravelMode.choices, default=TravelMode.CYCLE
    )
    insurance = models.CharField(
        _("参保情况"), max_length=16, choices=InsuranceStatus.choices, default=InsuranceStatus.NONE
    )
    needs = models.CharField(_("需要的服务"), max_length=200, blank=True, default="")
    groups = models.CharField(_("所属群体"), max_length=200, blank=True, default="")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("灵活就业人员档案")
        verbose_name_plural = _("灵活就业人员需求数据库")
        # The staff list shows the most recently updated first: read in index order, stop at a page.
        indexes = [models.Index(fields=["updated_at", "id"], name="workerprofile_recent")]

    def __str__(self) -> str:
        return str(self.user)


class EmployerProfile(models.Model):
    """An employer (用工主体): an enterprise (credit code checked) or an individual. Unverified
    employers may post, and their posts say so."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        on_delete=models.CASCADE,
        related_name="employer_profile",
    )
    verified_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核验人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    trusted_workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("常用工人"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("用工主体")
        verbose_name_plural = _("用工主体")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class MinimumWage(models.Model):
    """The local minimum wage (最低工资标准), by region and effective date. The most specific region
    with a value in force on the day wins (county, then city, then province)."""

    region = models.ForeignKey(Division, verbose_name=_("地区"), on_delete=models.PROTECT, related_name="+")
    effective_from = models.DateField(_("执行日期"))
    monthly_fen = models.PositiveIntegerField(_("月最低工资（分）"))
    hourly_fen = models.PositiveIntegerField(_("小时最低工资（分）"), help_text=_("非全日制用工小时最低工资"))
    source = models.CharField(_("依据"), max_length=200)

    class Meta:
        verbose_name = _("最低工资标准")
        verbose_name_plural = _("最低工资标准")
        ordering = ["region", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], name="minimum_wage_region_date")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.effective_from} {self.hourly_fen / 100:.2f}元/小时"


class ForbiddenTerm(models.Model):
    """A word or phrase that sends a post to staff review (e.g. deposits, fees, discrimination)."""

    term = models.CharField(_("词语"), max_length=50, unique=True)
    reason = models.CharField(_("原因"), max_length=100)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("违规词")
        verbose_name_plural = _("违规词")
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term


class PostStatus(models.TextChoices):
    IN_REVIEW = "in_review", _("待审核")
    PUBLISHED = "published", _("招聘中")
    REJECTED = "rejected", _("未通过审核")
    FILLED = "filled", _("已招满")
    CLOSED = "closed", _("已关闭")
    EXPIRED = "expired", _("已过期")


class PostBase(models.Model):
    """What gig posts and seeking posts share: text, place, dates, wage, review and expiry."""

    occupation = models.ForeignKey(
        Occupation, verbose_name=_("职业（工种）"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=60)
    description = models.TextField(_("内容"), blank=True)
    region = models.ForeignKey(
        Division, verbose_name=_("所在县区"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("地点"), max_length=200)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    time_slots = models.CharField(
        _("时段"), max_length=100, blank=True, help_text=_("如 08:00-12:00,13:00-17:00")
    )
    wage_fen = models.PositiveIntegerField(_("工资（分）"))
    wage_type = models.CharField(_("工资方式"), max_length=8, choices=WageType.choices)
    status = models.CharField(_("状态"), max_length=12, choices=PostStatus.choices, db_index=True)
    review_reason = models.CharField(_("审核原因"), max_length=255, blank=True)
    search_text = models.TextField(_("检索词"), blank=True, editable=False)
    created_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("有效期至"), db_index=True)

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        PostStatus.IN_REVIEW: {
            PostStatus.PUBLISHED,
            PostStatus.REJECTED,
            PostStatus.CLOSED,
            PostStatus.EXPIRED,
        },
        PostStatus.PUBLISHED: {
            PostStatus.FILLED,
            PostStatus.CLOSED,
            PostStatus.EXPIRED,
            PostStatus.IN_REVIEW,
        },
        PostStatus.FILLED: {PostStatus.PUBLISHED, PostStatus.CLOSED, PostStatus.EXPIRED},
        PostStatus.REJECTED: {PostStatus.IN_REVIEW, PostStatus.CLOSED},
        PostStatus.CLOSED: set(),
        PostStatus.EXPIRED: set(),
    }

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def wage_yuan(self) -> str:
        return f"{self.wage_fen / 100:.2f}".rstrip("0").rstrip(".")

    @property
    def wage_label(self) -> str:
        """``230 元/天``: the pay as people read it."""
        unit: dict[str, Any] = {
            WageType.HOUR: _("元/小时"),
            WageType.DAY: _("元/天"),
            WageType.PIECE: _("元/件"),
        }
        return f"{self.wage_yuan} {unit.get(self.wage_type, '')}"

    def is_open(self, now: dt.datetime | None = None) -> bool:
        return self.status == PostStatus.PUBLISHED and self.expires_at > (now or timezone.now())


class GigPost(PostBase):
    """零工招聘: an employer's call for workers, free to publish (22号 第七条)."""

    employer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用工主体"),
        on_delete=models.PROTECT,
        related_name="gig_posts",
    )
    headcount = models.PositiveSmallIntegerField(_("招聘人数"))
    confirmed_count = models.PositiveSmallIntegerField(_("已确认人数"), default=0)
    settlement = models.CharField(_("结算方式"), max_length=16, choices=Settlement.choices)
    requirements = models.TextField(_("要求"), blank=True)
    contact_name = models.CharField(_("联系人"), max_length=30, blank=True)
    contact_phone = EncryptedCharField(
        _("联系电话"), index_field="contact_phone_index", normalizer=normalize_phone
    )
    contact_phone_index = BlindIndexField()
    checkin_radius_m = models.PositiveIntegerField(_("签到范围（米）"), default=300)
    checkin_secret = models.CharField(max_length=32, blank=True, editable=False)
    filled_at = models.DateTimeField(_("招满时间"), null=True, blank=True)
    first_confirmed_at = models.DateTimeField(_("首次确认录用时间"), null=True, blank=True)
    first_check_in_at = models.DateTimeField(_("首次签到时间"), null=True, blank=True)
    next_tier_at = models.DateTimeField(_("下一批推送时间"), null=True, blank=True)
    current_tier = models.PositiveSmallIntegerField(_("当前推送批次"), default=0)
    instant = models.BooleanField(
        _("即时快招"), default=False, help_text=_("当天上岗，自动分批推送给附近的劳动者")
    )

    class Meta:
        verbose_name = _("零工招聘")
        verbose_name_plural = _("零工招聘")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "region", "expires_at"], name="gigpost_open_region"),
            models.Index(fields=["status", "occupation"], name="gigpost_open_occupation"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confirmed_count__lte=models.F("headcount")),
                name="gigpost_not_over_headcount",
            ),
            models.CheckConstraint(condition=models.Q(headcount__gte=1), name="gigpost_headcount_positive"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="gigpost_dates"
            ),
        ]

    @property
    def places_left(self) -> int:
        return max(0, self.headcount - self.confirmed_count)


class SeekingPost(PostBase):
    """零工求职: a worker's offer of their labour."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("求职人"),
        on_delete=models.CASCADE,
        related_name="seeking_posts",
    )

    class Meta:
        verbose_name = _("零工求职")
        verbose_name_plural = _("零工求职")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "region", "expires_at"], name="seekingpost_open_region")]


class EngagementStatus(models.TextChoices):
    APPLIED = "applied", _("已报名")
    OFFERED = "offered", _("已邀请")
    ACCEPTED = "accepted", _("已接受")
    CONFIRMED = "confirmed", _("已确认录用")
    DECLINED = "declined", _("已谢绝")
    REFUSED = "refused", _("未录用")
    WITHDRAWN = "withdrawn", _("已撤回")
    CANCELLED = "cancelled", _("已取消")
    COMPLETED = "completed", _("已完工")
    NO_SHOW = "no_show", _("未到岗")


class Engagement(models.Model):
    """A worker and a gig post coming together: applied or offered, accepted, confirmed, worked.

    The confirmed places of a post never exceed its headcount: confirmation locks the post row and
    counts inside one transaction (services.confirm_worker), and a check constraint backs it up.
    """

    post = models.ForeignKey(
        GigPost, verbose_name=_("零工招聘"), on_delete=models.PROTECT, related_name="engagements"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("劳动者"),
        on_delete=models.PROTECT,
        related_name="engagements",
    )
    status = models.CharField(_("状态"), max_length=12, choices=EngagementStatus.choices, db_index=True)
    agreed_wage_fen = models.PositiveIntegerField(_("约定工资（分）"))
    agreed_wage_type = models.CharField(_("工资方式"), max_length=8, choices=WageType.choices)
    tier = models.PositiveSmallIntegerField(_("推送批次"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    offer_expires_at = models.DateTimeField(_("邀请有效期至"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("接受时间"), null=True, blank=True)
    negotiation = models.CharField(
        _("协商方式"),
        max_length=8,
        blank=True,
        choices=[("on_site", _("现场协商")), ("online", _("线上协商"))],
    )
    negotiation_note = models.CharField(_("协商记录"), max_length=255, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    # Attendance proof: the on-site QR code of the day plus the phone's position inside the radius.
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    check_in_longitude = models.FloatField(_("签到经度"), null=True, blank=True)
    check_in_latitude = models.FloatField(_("签到纬度"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    check_out_longitude = models.FloatField(_("签退经度"), null=True, blank=True)
    check_out_latitude = models.FloatField(_("签退纬度"), null=True, blank=True)
    # Wage protection: hours the employer leaves unapproved are approved automatically.
    hours_worked = models.DecimalField(_("工时"), max_digits=6, decimal_places=2, null=True, blank=True)
    hours_approved_at = models.DateTimeField(_("工时确认时间"), null=True, blank=True)
    hours_auto_approved = models.BooleanField(_("工时系统自动确认"), default=False)
    completed_at = models.DateTimeField(_("完工时间"), null=True, blank=True)
    wage_due_fen = models.PositiveIntegerField(_("应付工资（分）"), null=True, blank=True)
    wage_received_at = models.DateTimeField(_("确认收到工资时间"), null=True, blank=True)
    cancelled_by_worker = models.BooleanField(_("由劳动者取消"), default=False)

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        EngagementStatus.APPLIED: {
            EngagementStatus.CONFIRMED,
            EngagementStatus.REFUSED,
            EngagementStatus.WITHDRAWN,
        },
        EngagementStatus.OFFERED: {
            EngagementStatus.ACCEPTED,
            EngagementStatus.DECLINED,
            EngagementStatus.CANCELLED,
        },
        EngagementStatus.ACCEPTED: {
            EngagementStatus.CONFIRMED,
            EngagementStatus.REFUSED,
            EngagementStatus.WITHDRAWN,
        },
        EngagementStatus.CONFIRMED: {
            EngagementStatus.COMPLETED,
            EngagementStatus.CANCELLED,
            EngagementStatus.NO_SHOW,
        },
        EngagementStatus.DECLINED: set(),
        EngagementStatus.REFUSED: set(),
        EngagementStatus.WITHDRAWN: set(),
        EngagementStatus.CANCELLED: set(),
        EngagementStatus.COMPLETED: set(),
        EngagementStatus.NO_SHOW: set(),
    }

    class Meta:
        verbose_name = _("用工记录")
        verbose_name_plural = _("用工记录")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["post", "worker"], name="engagement_once_per_post")]

    def __str__(self) -> str:
        return f"{self.worker} @ {self.post}"


class PlaceKind(models.TextChoices):
    PUBLIC_HALL = "public_hall", _("公共就业服务机构零工专区")
    MARKET = "market", _("市场化零工市场")
    COMMUNITY_STATION = "community_station", _("社区零工驿站")
    SERVICE_STATION = "service_station", _("舒心就业服务站")


class DirectoryPlace(models.Model):
    """An entry of the gig market directory (零工市场名录, 22号 第三条): published with address,
    opening hours, trades and contacts; staff keep it current and verify it periodically."""

    kind = models.CharField(_("类型"), max_length=20, choices=PlaceKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey(
        Division, verbose_name=_("所在县区"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("地址"), max_length=200)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    opening_hours = models.CharField(_("开放时间"), max_length=100, help_text=_("如 周一至周六 05:30-11:30"))
    trades = models.ManyToManyField(Occupation, verbose_name=_("服务工种"), blank=True, related_name="+")
    trades_note = models.CharField(_("工种说明"), max_length=200, blank=True)
    contact = models.CharField(_("联系方式"), max_length=100, help_text=_("对外公布的服务电话"))
    operator = models.CharField(_("运营单位"), max_length=100)
    active = models.BooleanField(_("运营中"), default=True)
    last_verified_at = models.DateTimeField(_("最近核实时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("零工市场名录")
        verbose_name_plural = _("零工市场名录")
        ordering = ["region", "name"]

    def __str__(self) -> str:
        return self.name


class DirectoryPlaceVersion(models.Model):
    """The history of a directory entry: a copy of it as it was after each change."""

    place = models.ForeignKey(DirectoryPlace, on_delete=models.CASCADE, related_name="versions")
    data = models.JSONField(_("内容"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("修改时间"), default=timezone.now)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("名录修改记录")
        verbose_name_plural = _("名录修改记录")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.place_id} {self.changed_at:%Y-%m-%d}"


class PostTemplate(models.Model):
    """A saved gig for an employer who posts the same work again and again (quick posting)."""

    employer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用工主体"),
        on_delete=models.CASCADE,
        related_name="post_templates",
    )
    name = models.CharField(_("模板名称"), max_length=40)
    fields = models.JSONField(_("内容"), default=dict)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("发布模板")
        verbose_name_plural = _("发布模板")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["employer", "name"], name="post_template_name")]

    def __str__(self) -> str:
        return self.name


class RatingStatus(models.TextChoices):
    STANDING = "standing", _("有效")
    APPEALED = "appealed", _("申诉中")
    UPHELD = "upheld", _("申诉未支持")
    WITHDRAWN = "withdrawn", _("已撤销")


class Rating(models.Model):
    """One side's rating of the other after a completed gig; the rated side may appeal it."""

    engagement = models.ForeignKey(
        Engagement, verbose_name=_("用工记录"), on_delete=models.CASCADE, related_name="ratings"
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评价人"), on_delete=models.PROTECT, related_name="+"
    )
    ratee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("被评价人"),
        on_delete=models.PROTECT,
        related_name="ratings_received",
    )
    stars = models.PositiveSmallIntegerField(_("星级"))
    comment = models.CharField(_("评语"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("评价时间"), default=timezone.now)
    status = models.CharField(
        _("状态"), max_length=10, choices=RatingStatus.choices, default=RatingStatus.STANDING
    )
    appeal_reason = models.CharField(_("申诉理由"), max_length=255, blank=True)
    appeal_decision = models.CharField(_("申诉处理意见"), max_length=255, blank=True)

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        RatingStatus.STANDING: {RatingStatus.APPEALED},
        RatingStatus.APPEALED: {RatingStatus.UPHELD, RatingStatus.WITHDRAWN},
        RatingStatus.UPHELD: set(),
        RatingStatus.WITHDRAWN: set(),
    }

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "rater"], name="rating_once_per_side"),
            models.CheckConstraint(
                condition=models.Q(stars__gte=1, stars__lte=5), name="rating_stars_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stars}★ {self.ratee}"


class WageClaimStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    PAID = "paid", _("已支付")
    REFERRED = "referred", _("已转劳动保障监察")
    CLOSED = "closed", _("已结案")


class WageClaim(models.Model):
    """A worker's one-tap report that a gig's wage was not paid. It carries the evidence the
    platform already holds (agreed wage, approved hours, attendance), so nobody has to prove it again."""

    engagement = models.OneToOneField(
        Engagement, verbose_name=_("用工记录"), on_delete=models.PROTECT, related_name="wage_claim"
    )
    reported_at = models.DateTimeField(_("报告时间"), default=timezone.now)
    agreed_wage_fen = models.PositiveIntegerField(_("约定工资（分）"))
    wage_due_fen = models.PositiveIntegerField(_("应付工资（分）"))
    evidence = models.JSONField(_("证据"), default=dict, help_text=_("签到签退时间与位置、工时及确认方式"))
    status = models.CharField(
        _("状态"), max_length=10, choices=WageClaimStatus.choices, default=WageClaimStatus.OPEN
    )
    region = models.ForeignKey(
        Division, verbose_name=_("所在县区"), on_delete=models.PROTECT, related_name="+"
    )

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        WageClaimStatus.OPEN: {WageClaimStatus.PAID, WageClaimStatus.REFERRED, WageClaimStatus.CLOSED},
        WageClaimStatus.REFERRED: {WageClaimStatus.PAID, WageClaimStatus.CLOSED},
        WageClaimStatus.PAID: {WageClaimStatus.CLOSED},
        WageClaimStatus.CLOSED: set(),
    }

    class Meta:
        verbose_name = _("欠薪报告")
        verbose_name_plural = _("欠薪报告")
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        return f"{self.engagement} {self.get_status_display()}"


class FairKind(models.TextChoices):
    JOB_FAIR = "job_fair", _("招聘会")
    GIG_SPECIAL = "gig_special", _("零工专场")


class FairStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("报名中")
    CANCELLED = "cancelled", _("已取消")
    FINISHED = "finished", _("已结束")


class JobFair(models.Model):
    """A job fair or a gig-only fair (零工专场) held at a directory place (青政办〔2021〕1号 13)."""

    kind = models.CharField(_("类型"), max_length=12, choices=FairKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    place = models.ForeignKey(
        DirectoryPlace, verbose_name=_("举办地点"), on_delete=models.PROTECT, related_name="fairs"
    )
    region = models.ForeignKey(
        Division, verbose_name=_("所在县区"), on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    description = models.TextField(_("说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=FairStatus.choices, default=FairStatus.SCHEDULED
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("组织者"), on_delete=models.PROTECT, related_name="+"
    )
    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        FairStatus.SCHEDULED: {FairStatus.CANCELLED, FairStatus.FINISHED},
        FairStatus.CANCELLED: set(),
        FairStatus.FINISHED: set(),
    }

    class Meta:
        verbose_name = _("招聘会")
        verbose_name_plural = _("招聘会与零工专场")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="fair_times")
        ]

    def __str__(self) -> str:
        return self.name


class FairEmployer(models.Model):
    fair = models.ForeignKey(JobFair, on_delete=models.CASCADE, related_name="employer_entries")
    employer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    posts = models.ManyToManyField(GigPost, blank=True, related_name="+")
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fair", "employer"], name="fair_employer_once")]

    def __str__(self) -> str:
        return f"{self.fair_id}:{self.employer_id}"


class FairWorker(models.Model):
    fair = models.ForeignKey(JobFair, on_delete=models.CASCADE, related_name="worker_entries")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fair", "worker"], name="fair_worker_once")]

    def __str__(self) -> str:
        return f"{self.fair_id}:{self.worker_id}"
