"""Outcome figures of gig posts, for staff of a region: does 即时快招 deliver what 辽人社〔2022〕22号 第七条
promises ("即时确认结果、当日面试到岗")? Per district, occupation or post, over the posts published in a
date range: posts, places, places filled, fill rate, time to fill and time to start.

Time to fill runs from publication to the moment the post was full, or to its first confirmation when
it never filled; time to start runs from publication to the first check-in (posts nobody checked in to
yet have none). Counts and sums are SQL aggregates; medians need the single values, read in one more
query, so the number of queries does not grow with the number of posts.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.core.errors import DomainError, PermissionDenied
from lingong.core.scope import in_scope
from lingong.market.models import GigPost, PostStatus
from lingong.market.services.profiles import is_staff

#: What the figures are grouped by: the key and the label column of each grouping.
GROUPINGS: dict[str, tuple[str, str]] = {
    "district": ("region_id", "region__name"),
    "occupation": ("occupation_id", "occupation__name"),
    "post": ("id", "title"),
}
#: The longest range one request may cover (a year and a day, for leap years).
MAX_RANGE_DAYS = 366
#: Posts that never reached the market are not outcomes of it.
NOT_PUBLISHED = (PostStatus.IN_REVIEW, PostStatus.REJECTED)


@dataclass(frozen=True)
class OutcomeRow:
    key: str
    label: str
    posts: int
    places: int
    filled: int
    fill_rate: float | None  # filled / places, 0 to 1
    median_fill_minutes: float | None
    mean_fill_minutes: float | None
    median_start_minutes: float | None
    mean_start_minutes: float | None


@dataclass(frozen=True)
class Outcomes:
    by: str
    date_from: dt.date
    date_to: dt.date
    rows: list[OutcomeRow]
    total: OutcomeRow


def _minutes(start: dt.datetime, end: dt.datetime | None) -> float | None:
    return None if end is None else (end - start).total_seconds() / 60


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 1) if values else None


def _row(key: str, label: str, sums: dict[str, int], fills: list[float], starts: list[float]) -> OutcomeRow:
    places = sums["places"]
    return OutcomeRow(
        key=key,
        label=label,
        posts=sums["posts"],
        places=places,
        filled=sums["filled"],
        fill_rate=sums["filled"] / places if places else None,
        median_fill_minutes=_median(fills),
        mean_fill_minutes=_mean(fills),
        median_start_minutes=_median(starts),
        mean_start_minutes=_mean(starts),
    )


def outcome_posts(
    *, actor: Any, date_from: dt.date, date_to: dt.date, instant: bool | None = None
) -> models.QuerySet[GigPost]:
    """The posts the figures cover: published in the range (local days), in the actor's region."""
    if not is_staff(actor, write=False):
        raise PermissionDenied("staff_only", _("只有公共就业服务工作人员可以查看成效统计。"))
    if date_to < date_from:
        raise DomainError("range_invalid", _("结束日期不能早于开始日期。"), field="to")
    if (date_to - date_from).days >= MAX_RANGE_DAYS:
        raise DomainError("range_too_long", _("一次最多统计一年。"), field="from")
    start = timezone.make_aware(dt.datetime.combine(date_from, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min))
    qs = GigPost.objects.filter(created_at__gte=start, created_at__lt=end).exclude(status__in=NOT_PUBLISHED)
    if instant is not None:
        qs = qs.filter(instant=instant)
    return in_scope(qs, actor)


def outcomes(
    *,
    actor: Any,
    by: str = "district",
    date_from: dt.date,
    date_to: dt.date,
    instant: bool | None = None,
) -> Outcomes:
    """The figures grouped ``by`` district, occupation or post, with a total row. Two queries."""
    if by not in GROUPINGS:
        raise DomainError("by_invalid", _("分组只能是 district、occupation 或 post。"), field="by")
    key, label = GROUPINGS[by]
    qs = outcome_posts(actor=actor, date_from=date_from, date_to=date_to, instant=instant)
    grouped = list(
        qs.values(key, label)
        .annotate(
            posts=models.Count("id"),
            places=models.Sum("headcount"),
            filled=models.Sum("confirmed_count"),
        )
        .order_by(key)
    )
    fills: dict[str, list[float]] = defaultdict(list)
    starts: dict[str, list[float]] = defaultdict(list)
    times = qs.values_list(key, "created_at", "filled_at", "first_confirmed_at", "first_check_in_at")
    for group, created, filled_at, first_confirmed, first_check_in in times:
        fill = _minutes(created, filled_at or first_confirmed)
        if fill is not None:
            fills[str(group)].append(fill)
        start = _minutes(created, first_check_in)
        if start is not None:
            starts[str(group)].append(start)
    rows = [_row(str(g[key]), str(g[label]), g, fills[str(g[key])], starts[str(g[key])]) for g in grouped]
    totals = {name: sum(g[name] or 0 for g in grouped) for name in ("posts", "places", "filled")}
    total = _row(
        "",
        _("合计"),
        totals,
        [m for values in fills.values() for m in values],
        [m for values in starts.values() for m in values],
    )
    return Outcomes(by=by, date_from=date_from, date_to=date_to, rows=rows, total=total)


#: The export's columns, in the page's order.
EXPORT_HEADERS = (
    "分组",
    "发布数",
    "招聘人数",
    "已确认人数",
    "招满率",
    "招满用时中位数（分钟）",
    "招满用时平均数（分钟）",
    "到岗用时中位数（分钟）",
    "到岗用时平均数（分钟）",
)


def export_rows(result: Outcomes) -> list[list[Any]]:
    return [
        [
            r.label,
            r.posts,
            r.places,
            r.filled,
            None if r.fill_rate is None else round(r.fill_rate, 4),
            r.median_fill_minutes,
            r.mean_fill_minutes,
            r.median_start_minutes,
            r.mean_start_minutes,
        ]
        for r in [*result.rows, result.total]
    ]
