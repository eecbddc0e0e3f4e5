"""`lingong worker`: the task-queue consumer (huey), with its periodic tasks.

On one machine the queue lives in SQLite under var/; with REDIS_URL set it lives in Redis.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动后台任务进程（定时提醒、到期预警等）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--workers", "-w", type=int, default=None, help="并发数")

    def handle(self, *args: Any, **options: Any) -> None:
        extra = ["--workers", str(options["workers"])] if options["workers"] else []
        call_command("run_huey", *extra)
