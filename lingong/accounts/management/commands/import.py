"""`lingong import people FILE --region CODE --as-staff PHONE`: batch registration of workers.

All or nothing: when any row is wrong nothing is registered, the file comes back as
FILE.errors.xlsx with the wrong cells in red, and the command exits non-zero. (Django loads a
command module by name, so a module called ``import`` works though Python would not ``import`` it.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lingong.accounts import people_io
from lingong.accounts.models import User
from lingong.core.errors import DomainError
from lingong.core.excel import import_xlsx
from lingong.core.models import Division


class Command(BaseCommand):
    help = "从Excel批量导入：people（灵活就业人员，列：姓名、身份证号码、手机号码、居住地址、所属区划代码）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["people"], help="导入的内容")
        parser.add_argument("file", help=".xlsx 文件（模板：lingong export people-template 模板.xlsx）")
        parser.add_argument("--region", required=True, help="本次导入的区划代码；每行的所属区划须在其内")
        # Required: every registration in the audit log names the member of staff who made it.
        parser.add_argument(
            "--as-staff", metavar="PHONE", required=True, help="以该工作人员的名义办理（记入审计日志）"
        )
        parser.add_argument(
            "--errors", metavar="PATH", help="错误说明表格的保存位置（默认：FILE.errors.xlsx）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        region = Division.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"找不到行政区划代码“{options['region']}”。")
        errors_path = Path(options["errors"]) if options["errors"] else path.with_suffix(".errors.xlsx")
        try:
            actor: User = people_io.staff_actor(options["as_staff"], permission="accounts.add_user")
            people_io.check_actor_region(actor, region)
            result = import_xlsx(
                path,
                people_io.PEOPLE_COLUMNS,
                lambda rows: people_io.save_people(rows, actor=actor, region=region, source=path.name),
                check=lambda rows: people_io.check_people(rows, region=region),
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if not result.ok:
            errors_path.write_bytes(result.error_workbook())
            raise CommandError(f"导入失败。{result.summary()}\n错误说明已写入：{errors_path}")
        errors_path.unlink(missing_ok=True)  # a stale one from an earlier attempt would mislead
        self.stdout.write(f"已导入灵活就业人员 {result.written} 人（{region}）。")
