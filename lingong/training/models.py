"""Training courses and startup services offered to flexible workers (辽人社〔2022〕22号 第九条: 对有创业
意愿的灵活就业人员提供创业培训、开业指导; 第十条: 职业技能培训, 按规定给予培训补贴).

A course belongs to the region of the employment service that publishes it (a county, a city or the
province) and serves everyone in that region; the public list and the push after registration read it
through ``selectors``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lingong.core.models import Division, Occupation


class CourseKind(models.TextChoices):
    SKILLS = "skills", _("职业技能培训")
    STARTUP_TRAINING = "startup_training", _("创业培训")
    STARTUP_GUIDANCE = "startup_guidance", _("开业指导服务")


#: The kinds that count as startup help (pushed to people who want to start a business).
STARTUP_KINDS = (CourseKind.STARTUP_TRAINING, CourseKind.STARTUP_GUIDANCE)


class TrainingCourse(models.Model):
    title = models.CharField(_("课程名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=20, choices=CourseKind.choices)
    provider = models.CharField(_("培训机构"), max_length=100)
    occupation = models.ForeignKey(
        Occupation,
        verbose_name=_("职业（工种）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("职业技能培训填写；创业培训、开业指导可不填"),
    )
    region = models.ForeignKey(
        Division,
        verbose_name=_("面向地区"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("发布课程的就业服务机构所在的省、市或县区，课程面向该地区的全部劳动者"),
    )
    start_date = models.DateField(_("开课日期"))
    end_date = models.DateField(_("结课日期"))
    seats = models.PositiveIntegerField(_("名额"))
    subsidised = models.BooleanField(_("享受培训补贴"), default=False)
    subsidy_note = models.CharField(_("补贴说明"), max_length=200, blank=True)
    # An institution's published contact (office phone), shown on the public list: not personal data.
    contact = models.CharField(_("报名联系方式"), max_length=100)
    address = models.CharField(_("培训地点"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    withdrawn = models.BooleanField(_("已撤下"), default=False)

    class Meta:
        verbose_name = _("培训课程")
        verbose_name_plural = _("培训课程与创业服务")
        ordering = ["start_date", "id"]
        indexes = [models.Index(fields=["region", "end_date"], name="course_region_end")]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="course_dates"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="course_seats_positive"),
        ]

    def __str__(self) -> str:
        return self.title
