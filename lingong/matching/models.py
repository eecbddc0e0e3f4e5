"""What the matching integration keeps in the database (辽人社〔2022〕22号 第六条 第七条: 精准、高效匹配).

The index itself lives in each process's memory (``lingong.matching.index``); the database keeps what
must outlive a process: the score weights with their history (STYLE habit 8: data with history, not
constants in code) and a record of each instant-hire dispatch round, so staff can re-score yesterday's
rounds with other weights on the 权重试算 page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WeightSet(models.Model):
    """One dated version of the score weights. A change is a new row (never an edit), so the weights in
    force at any moment, and who set them and why, can always be told."""

    effective_from = models.DateTimeField(_("生效时间"), default=timezone.now, db_index=True)
    values = models.JSONField(_("权重"), help_text=_('匹配引擎 Weights 的各项，如 {"travel": 20}'))
    note = models.CharField(_("调整说明"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("调整人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("匹配权重")
        verbose_name_plural = _("匹配权重")
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return f"{self.effective_from:%Y-%m-%d %H:%M} {self.note}"


class DispatchRound(models.Model):
    """One batch-dispatch round of instant hire in one area: who was waiting, which posts had places,
    and which offers the optimal assignment sent (the input of the weights trial)."""

    area = models.CharField(_("区域"), max_length=6, db_index=True, help_text=_("市或县区的行政区划代码"))
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now, db_index=True)
    posts = models.JSONField(_("参与的招聘"), default=list, help_text=_("[[招聘, 可发邀请数], …]"))
    worker_ids = models.JSONField(_("等待的劳动者"), default=list)
    assignments = models.JSONField(_("分配结果"), default=list, help_text=_("[[招聘, 劳动者, 得分], …]"))
    offers = models.PositiveIntegerField(_("发出邀请数"), default=0)
    total_score = models.FloatField(_("总得分"), default=0.0)
    weights = models.JSONField(_("所用权重"), default=dict)

    class Meta:
        verbose_name = _("快招分配轮次")
        verbose_name_plural = _("快招分配轮次")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.area} {self.started_at:%Y-%m-%d %H:%M:%S}"
