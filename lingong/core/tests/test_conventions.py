"""Conventions the code keeps, checked in code (STYLE: statuses change only through the workflow)."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
DIRECT_STATUS_WRITE = re.compile(r"\.status\s*=[^=]|\.update\([^)]*\bstatus\s*=")


def source_files() -> list[Path]:
    return [
        p
        for p in ROOT.rglob("*.py")
        if "tests" not in p.parts and "migrations" not in p.parts and p.name != "workflow.py"
    ]


def test_no_code_assigns_a_status_directly() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in source_files()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if DIRECT_STATUS_WRITE.search(line) and "noqa: workflow" not in line
    ]
    assert offenders == [], "use lingong.core.workflow.transition: " + ", ".join(offenders)


def test_every_state_machine_covers_its_statuses() -> None:
    for model in apps.get_models():
        moves = getattr(model, "TRANSITIONS", None)
        if moves is None:
            continue
        field = model._meta.get_field("status")
        statuses = {value for value, _label in getattr(field, "choices", None) or []}
        assert set(moves) == statuses, model
        for targets in moves.values():
            assert targets <= statuses, model
