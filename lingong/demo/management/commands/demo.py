"""`lingong demo`: synthetic workers, employers and demo logins for a region (see demo/generate.py).

    lingong demo --workers 300 --employers 30 --gigs 60 --region 210100 --seed 1

The same seed gives the same people; running again skips everyone already registered, so it is
safe to repeat and a larger ``--workers`` only adds the missing people.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from lingong.core.models import Division
from lingong.demo import services
from lingong.demo.generate import counties_of


class Command(BaseCommand):
    help = (
        "生成演示数据：灵活就业人员、用工主体和演示账号（均为可识别的合成数据，见 lingong/demo/generate.py）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", type=int, default=300, help="灵活就业人员人数（默认300）")
        parser.add_argument("--employers", type=int, default=30, help="用工主体个数（默认30，约六成为企业）")
        parser.add_argument(
            "--gigs", type=int, default=60, help="零工招聘信息条数（默认60，需要 market 应用）"
        )
        parser.add_argument(
            "--region", default="210100", help="省、市或县级行政区划代码（默认210100 沈阳市）"
        )
        parser.add_argument("--seed", type=int, default=1, help="随机种子：相同种子生成相同的人（默认1）")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("生产环境（LINGONG_ENV=production）不能生成演示数据。")
        for name in ("workers", "employers", "gigs"):
            if options[name] < 0:
                raise CommandError(f"--{name} 不能为负数。")
        code = str(options["region"]).strip()
        region = Division.objects.filter(code=code).first()
        if region is None:
            raise CommandError(
                f"找不到行政区划代码“{code}”：请填写省、市或县级的6位代码，如 210000 辽宁省、210100 沈阳市、"
                "210102 和平区。若基础数据尚未加载，请先运行 lingong setup。"
            )
        counties = counties_of(region)
        if not counties:
            raise CommandError(
                f"{region} 下没有县级区划数据，无法分配人员：请先运行 lingong setup 加载基础数据。"
            )
        seed: int = options["seed"]
        show = options["verbosity"] > 0

        created = services.create_demo_logins(seed=seed, region=region, counties=counties)
        if created:
            self.stdout.write(f"演示账号：新建 {len(created)} 个（{'、'.join(created)}）")
        else:
            self.stdout.write("演示账号：已存在，未作改动")

        with tqdm(
            total=options["workers"], desc="灵活就业人员", unit="人", file=sys.stderr, disable=not show
        ) as bar:
            workers = services.create_workers(
                seed=seed, counties=counties, count=options["workers"], progress=bar.update
            )
        self.stdout.write(
            f"灵活就业人员：新建 {workers.created} 人{self._skipped(workers)}"
            f"（{region}，{len(counties)} 个县区）"
        )

        with tqdm(
            total=options["employers"], desc="用工主体", unit="个", file=sys.stderr, disable=not show
        ) as bar:
            firms, households = services.create_employers(
                seed=seed, counties=counties, count=options["employers"], progress=bar.update
            )
        self.stdout.write(
            f"用工主体：新建企业 {firms.created} 个{self._skipped(firms, '个')}，"
            f"个人雇主 {households.created} 人{self._skipped(households)}"
        )

        services.refresh_statistics()

        if apps.is_installed("lingong.market"):
            profiles = services.create_demo_profiles(seed=seed, region=region)
            self.stdout.write(f"灵活就业人员需求数据库：新建档案 {profiles} 份")
            with tqdm(
                total=options["gigs"], desc="零工招聘", unit="条", file=sys.stderr, disable=not show
            ) as bar:
                gigs = services.create_demo_gigs(
                    seed=seed, region=region, count=options["gigs"], progress=bar.update
                )
            self.stdout.write(f"零工招聘：发布 {gigs} 条")
            hires = services.create_demo_hires(seed=seed, region=region)
            self.stdout.write(f"报名与录用：确认录用 {hires} 人次")
            matches = services.create_demo_matches(seed=seed)
            self.stdout.write(f"为演示账号准备的匹配岗位：{matches} 条")
            places = services.create_demo_places(seed=seed, region=region)
            self.stdout.write(f"零工市场名录：新建 {places} 处")
        if apps.is_installed("lingong.training"):
            courses = services.create_demo_courses(seed=seed, region=region)
            self.stdout.write(f"培训课程与创业服务：新建 {courses} 个")
        if apps.is_installed("lingong.registration"):
            # Each registration's pushes run on the queue (inline here): their log lines would bury the
            # command's own summary.
            with _quiet("huey", "lingong.accounts.notify"):
                registered = services.create_demo_registrations(seed=seed, region=region)
            self.stdout.write(f"灵活就业登记：{registered} 人（已推送岗位、课程和可享受的政策）")

    @staticmethod
    def _skipped(result: services.Created, unit: str = "人") -> str:
        return f"，跳过已存在 {result.skipped} {unit}" if result.skipped else ""


@contextlib.contextmanager
def _quiet(*names: str) -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
