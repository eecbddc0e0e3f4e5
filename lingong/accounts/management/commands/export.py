"""`lingong export people OUT.xlsx [--region CODE]` and `lingong export people-template OUT.xlsx`.

Personal data is masked. ``--full`` writes it unmasked, only for a staff account holding
accounts.export_personal_data (``--as-staff``), within that account's region, and audited.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models

from lingong.accounts import people_io
from lingong.accounts.models import User
from lingong.accounts.selectors import PERSON_ROLES, people_queryset
from lingong.core.errors import DomainError
from lingong.core.excel import write_template, write_xlsx
from lingong.core.models import Division


class Command(BaseCommand):
    help = "导出为Excel：people（人员名单，个人信息已脱敏）、people-template（导入模板）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["people", "people-template"], help="导出的内容")
        parser.add_argument("out", help="输出的 .xlsx 文件")
        parser.add_argument("--region", help="只导出该区划（省、市或县级代码）内的人员")
        parser.add_argument(
            "--role", default="worker", choices=[str(r) for r in PERSON_ROLES], help="人员类别（默认 worker）"
        )
        parser.add_argument(
            "--full", action="store_true", help="导出完整个人信息（需 --as-staff，记入审计日志）"
        )
        parser.add_argument("--as-staff", metavar="PHONE", help="以该工作人员的名义导出，只含其辖区")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if options["kind"] == "people-template":
            write_template(out, people_io.PEOPLE_COLUMNS, sheet_title="灵活就业人员")
            self.stdout.write(f"导入模板已写入：{out}")
            return
        if options["full"] and not options["as_staff"]:
            raise CommandError("导出完整个人信息须用 --as-staff 指定有“导出完整个人信息”权限的工作人员。")
        try:
            count = self._export(out, options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        masked = "完整个人信息" if options["full"] else "个人信息已脱敏"
        self.stdout.write(f"已导出 {count} 人（{masked}）：{out}")

    def _export(self, out: Path, options: dict[str, Any]) -> int:
        actor: User | None = None
        if options["as_staff"]:
            permission = "accounts.export_personal_data" if options["full"] else "accounts.view_user"
            actor = people_io.staff_actor(options["as_staff"], permission=permission)
        people: models.QuerySet[User] = (
            people_queryset(actor) if actor else User.objects.filter(role__in=PERSON_ROLES)
        ).filter(role=options["role"])
        region_code = ""
        if options["region"]:
            region = Division.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"找不到行政区划代码“{options['region']}”。")
            people_io.check_actor_region(actor, region)
            people = people.filter(region__pk__startswith=region.scope_prefix)
            region_code = region.code
        elif actor is not None and actor.region_id:
            region_code = actor.region_id
        people = people.order_by("region_id", "pk")
        count = write_xlsx(
            out,
            people_io.EXPORT_HEADERS,
            people_io.export_rows(people, full=options["full"]),
            sheet_title="人员名单",
        )
        if options["full"]:
            assert actor is not None
            try:
                people_io.record_full_export(
                    actor=actor, count=count, region_code=region_code, target=out.name
                )
            except BaseException:
                # Unaudited personal data must not stay on disk.
                out.unlink(missing_ok=True)
                raise
        return count
