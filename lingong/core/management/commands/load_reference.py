"""``lingong load_reference``: load or update the divisions, occupations and calendar from core/data."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count

from lingong.core import reference
from lingong.core.models import Division


class Command(BaseCommand):
    help = "载入或更新随版本发布的基础数据：行政区划、职业分类、节假日与调休（可重复运行）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args: Any, **options: Any) -> None:
        using = options["database"]
        with transaction.atomic(using=using):
            counts = reference.load_all(using=using)
        levels = dict(Division.objects.using(using).values_list("level").annotate(n=Count("code")))
        labels = dict(Division.Level.choices)
        by_level = "，".join(f"{labels[lv]} {levels.get(lv, 0)}" for lv in reference.DIVISION_LEVELS)
        self.stdout.write(f"行政区划：文件 {counts['divisions']} 条（数据库中 {by_level}）")
        self.stdout.write(f"职业分类：{counts['occupations']} 条")
        self.stdout.write(
            f"节假日与调休：{counts['calendar_days']} 天；已完整录入的年份：{counts['calendar_years']} 个"
        )
