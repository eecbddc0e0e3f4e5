"""``lingong load_market_reference``: load or update minimum wages and forbidden terms from market/data."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from lingong.market.models import ForbiddenTerm, MinimumWage
from lingong.market.services.posts import load_market_reference


class Command(BaseCommand):
    help = "载入或更新随版本发布的最低工资标准和违规词（可重复运行，不删除已有记录）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args: Any, **options: Any) -> None:
        using = options["database"]
        with transaction.atomic(using=using):
            wages, terms = load_market_reference(MinimumWage, ForbiddenTerm, using=using)
        self.stdout.write(f"最低工资标准：文件 {wages} 条；违规词：文件 {terms} 条")
