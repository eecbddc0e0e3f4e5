"""`lingong setup`: everything a fresh machine needs before `lingong serve`.

Migrates the database (SQLite in WAL mode under var/ by default), loads the reference data,
and the first time only, a small demo data set with a staff login printed at the end.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from lingong.accounts.models import User


class Command(BaseCommand):
    help = "初始化：迁移数据库、加载基础数据，首次运行时生成演示数据"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-demo", action="store_true", help="不生成演示数据")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("✓ database migrated")
        call_command("load_reference", verbosity=1)
        if not options["no_demo"] and not User.objects.exists():
            call_command("demo", workers=300, employers=30, gigs=60, region="210100", seed=1)
        call_command("collectstatic", interactive=False, verbosity=0)
        from lingong.demo.generate import DEMO_LOGINS

        self.stdout.write("")
        self.stdout.write("Demo logins (手机号 / 密码):")
        for label, phone, password in DEMO_LOGINS:
            if User.objects.filter_phone(phone).exists():
                self.stdout.write(f"  {label}: {phone} / {password}")
