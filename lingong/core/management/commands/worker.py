"""`lingong worker`: the task-queue consumer (huey), with its periodic tasks.

On one machine the queue lives in SQLite under var/; with REDIS_URL set it lives in Redis. In
development web processes run tasks in-process, so the worker there only runs the periodic tasks.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动后台任务进程（定时提醒、到期预警等）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--workers", "-w", type=int, default=None, help="并发数")

    def handle(self, *args: Any, **options: Any) -> None:
        from huey.contrib.djhuey import HUEY

        # A consumer always reads the real queue, even where web processes run tasks in-process.
        HUEY.immediate = False
        logging.getLogger("huey").propagate = False  # the consumer logs through its own handler
        extra = ["--workers", str(options["workers"])] if options["workers"] else []
        call_command("run_huey", *extra)
