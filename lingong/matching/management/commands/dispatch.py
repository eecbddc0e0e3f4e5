"""``lingong dispatch``: run instant hire's batch dispatch rounds every few seconds (docs/matching.md).

Run it as one long-lived process beside the web and ``lingong worker`` (two at once are safe: every
offer is made under row locks, but one is enough). Without it, the per-minute periodic task still runs
the rounds, less often. ``--once`` runs one round set and stops (for cron or a check).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lingong.matching.services import dispatch_loop, dispatch_seconds, run_dispatch_rounds


class Command(BaseCommand):
    help = "即时快招批量分配：每隔几秒为各地等待中的劳动者和招聘做一次最优分配并发出邀请。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="只运行一轮")
        parser.add_argument("--every", type=int, default=0, help="间隔秒数（默认 MATCHING_DISPATCH_SECONDS）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            r = run_dispatch_rounds()
            self.stdout.write(f"过期邀请 {r['expired']} 条；分配区域 {r['areas']} 个；")
            self.stdout.write(f"发出邀请 {r['offered']} 条")
            return
        every = options["every"] or dispatch_seconds()
        self.stdout.write(f"即时快招批量分配已启动，每 {every} 秒一轮（Ctrl+C 停止）")
        dispatch_loop(seconds=float("inf"), every=every)
