"""The task queue end to end on one machine: a task queued in huey's SQLite storage is run by
`lingong worker`, a real separate process, exactly once even when queued twice."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="one machine means SQLite; run once")
def test_worker_runs_queued_task_once(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(LINGONG_VAR_DIR=str(tmp_path), LINGONG_TASKS_IMMEDIATE="0", PYTHONPATH=str(ROOT))

    def run(*args: str) -> None:
        subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300
        )

    run("manage.py", "migrate", "--verbosity", "0")
    enqueue = (
        "import django, os; django.setup(); from lingong.core.tasks import record_alert; "
        "record_alert('worker-test', 'test', '队列测试'); record_alert('worker-test', 'test', '队列测试')"
    )
    run("-c", f"import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'lingong.settings'); {enqueue}")
    assert not _alerts(tmp_path), "queued, not run in-process"

    worker = subprocess.Popen(
        [sys.executable, "-m", "lingong.cli", "worker", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90  # generous: CI machines can be busy
        while time.monotonic() < deadline and not _alerts(tmp_path):
            time.sleep(0.2)
        time.sleep(1)  # let the second copy run too
    finally:
        worker.terminate()
        worker.wait(timeout=10)
    assert _alerts(tmp_path) == [("worker-test", "队列测试")]


def _alerts(var: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(var / "lingong.sqlite3") as db:
        return db.execute("SELECT key, message FROM core_alert").fetchall()
