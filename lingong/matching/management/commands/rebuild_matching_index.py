"""``lingong rebuild_matching_index``: rebuild the matching index from the database (recovery).

Each process keeps its own index in memory and syncs it every few seconds (docs/matching.md); this
command rebuilds the index of the process it runs in, and so checks that the database loads cleanly
and how long a full build takes. Running web processes rebuild on their own at the first request of
a new day, or when restarted.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from lingong.matching.index import get_index


class Command(BaseCommand):
    help = "从数据库重建人岗匹配索引（恢复用），并报告劳动者、招聘数量和用时。"

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        workers, posts = get_index(sync=False).rebuild()
        seconds = time.perf_counter() - started
        self.stdout.write(f"匹配索引已重建：劳动者 {workers} 人，在招招聘 {posts} 条，用时 {seconds:.2f} 秒")
