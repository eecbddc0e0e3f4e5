"""`lingong createsuperuser`: the first system administrator, by phone number and password.

Replaces Django's command, which would ask for the phone's keyed hash (the login field).
``--noinput`` reads the password from DJANGO_SUPERUSER_PASSWORD, as Django's does.
"""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from lingong.accounts.models import User
from lingong.core import audit
from lingong.core.errors import DomainError
from lingong.core.identity import validate_phone
from lingong.core.models import AuditEntry


class Command(BaseCommand):
    help = "创建系统管理员账号（手机号码 + 密码）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--phone", help="手机号码（登录用）")
        parser.add_argument("--display_name", "--name", default="系统管理员", help="姓名")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="不询问；密码取自 DJANGO_SUPERUSER_PASSWORD",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interactive = options["interactive"]
        phone = options["phone"] or (input("手机号码: ") if interactive else "")
        try:
            phone = validate_phone(phone)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if User.objects.filter_phone(phone).exists():
            raise CommandError("该手机号码已有账号。")
        if interactive:
            password = getpass.getpass("密码: ")
            if password != getpass.getpass("再次输入密码: "):
                raise CommandError("两次输入的密码不一致。")
        else:
            password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
            if not password:
                raise CommandError("请通过环境变量 DJANGO_SUPERUSER_PASSWORD 提供密码。")
        candidate = User(phone=phone, display_name=options["display_name"])
        try:
            validate_password(password, candidate)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        with transaction.atomic():
            user = User.objects.create_superuser(phone, password, display_name=options["display_name"])
            audit.record(actor=None, action=AuditEntry.Action.CREATE, obj=user, note="createsuperuser")
        self.stdout.write(f"已创建系统管理员 {user.display_name}（{user.masked_phone}）。")
