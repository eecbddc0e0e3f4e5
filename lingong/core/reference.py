"""Reference data every domain shares (seed: all): administrative divisions, the occupation catalogue
and the working-day calendar, shipped as CSV files in ``core/data`` and loaded into the database.

The loaders take the model classes as arguments so the data migration can pass its historical models;
they upsert in bulk, so running them again (``lingong load_reference`` after an upgrade) changes only
what the files changed. They never delete: a division or occupation dropped from a file may still be
referred to by people and posts. Sources and licences: ``docs/reference-data.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from lingong.core import calendar
from lingong.core.errors import DomainError, NotFound
from lingong.core.models import CalendarDay, CalendarYear, Division, Occupation
from lingong.core.occupations import romanize

DATA_DIR = Path(__file__).resolve().parent / "data"
DIVISION_LEVELS = ("province", "city", "county")  # parents before children
BATCH_SIZE = 500


def read_rows(name: str) -> list[dict[str, str]]:
    """Rows of ``core/data/<name>``; rows whose first cell starts with ``#`` are comments."""
    with (DATA_DIR / name).open(encoding="utf-8-sig", newline="") as f:  # -sig: files saved by Excel
        return [
            {k: (v or "").strip() for k, v in row.items() if k}
            for row in csv.DictReader(f)
            if not next(iter(row.values()), "").lstrip().startswith("#")
        ]


def _upsert(model: Any, objs: list[Any], unique: str, fields: list[str], using: str) -> None:
    model.objects.using(using).bulk_create(
        objs, batch_size=BATCH_SIZE, update_conflicts=True, unique_fields=[unique], update_fields=fields
    )


def _float(value: str) -> float | None:
    return float(value) if value else None


def load_divisions(division_model: Any, *, using: str = "default") -> int:
    """Upsert ``divisions.csv``, a level at a time so every parent exists before its children."""
    rows = read_rows("divisions.csv")
    for level in DIVISION_LEVELS:
        objs = [
            division_model(
                code=r["code"],
                name=r["name"],
                level=r["level"],
                parent_id=r["parent"] or None,
                full_name=r["full_name"],
                longitude=_float(r["longitude"]),
                latitude=_float(r["latitude"]),
            )
            for r in rows
            if r["level"] == level
        ]
        fields = ["name", "level", "parent", "full_name", "longitude", "latitude"]
        _upsert(division_model, objs, "code", fields, using)
    return len(rows)


def occupation_parent(code: str) -> str | None:
    """``4-10-01-06`` → ``4-10-01`` → ``4-10`` → ``4`` → None."""
    return code.rsplit("-", 1)[0] if "-" in code else None


def load_occupations(occupation_model: Any, *, using: str = "default") -> int:
    """Upsert ``occupations.csv``, coarser levels first; pinyin is computed here, not stored in the file."""
    rows = sorted(read_rows("occupations.csv"), key=lambda r: r["code"].count("-"))
    objs = []
    for r in rows:
        pinyin, initials = romanize(r["name"])
        objs.append(
            occupation_model(
                code=r["code"],
                name=r["name"],
                parent_id=occupation_parent(r["code"]),
                pinyin=pinyin,
                initials=initials,
                aliases=" ".join(r["aliases"].split()),
                is_new=r["is_new"] == "1",
                announced=r["announced"],
                common_in_flexible_work=r["common_in_flexible_work"] == "1",
            )
        )
    fields = [
        "name",
        "parent",
        "pinyin",
        "initials",
        "aliases",
        "is_new",
        "announced",
        "common_in_flexible_work",
    ]
    for depth in range(4):
        _upsert(occupation_model, [o for o in objs if o.code.count("-") == depth], "code", fields, using)
    return len(objs)


def load_calendar(day_model: Any, year_model: Any, *, using: str = "default") -> tuple[int, int]:
    """Upsert ``calendar.csv`` (days) and ``calendar_years.csv`` (years entered in full).

    For the dates the files list, the files win over edits made in the back office.
    """
    days = []
    for r in read_rows("calendar.csv"):
        if r["is_workday"] not in ("0", "1"):
            raise ValueError(f"calendar.csv {r['date']}: is_workday must be 1 (上班) or 0 (放假)")
        days.append(
            day_model(
                date=dt.date.fromisoformat(r["date"]), is_workday=r["is_workday"] == "1", name=r["name"]
            )
        )
    years = [year_model(year=int(r["year"]), source=r["source"]) for r in read_rows("calendar_years.csv")]
    _upsert(day_model, days, "date", ["is_workday", "name", "updated_at"], using)
    _upsert(year_model, years, "year", ["source", "updated_at"], using)
    calendar.invalidate()  # bulk writes send no signals
    return len(days), len(years)


def load_all(*, using: str = "default") -> dict[str, int]:
    days, years = load_calendar(CalendarDay, CalendarYear, using=using)
    return {
        "divisions": load_divisions(Division, using=using),
        "occupations": load_occupations(Occupation, using=using),
        "calendar_days": days,
        "calendar_years": years,
    }


# Reads, for the reference API and pickers.


def get_division(code: str) -> Division:
    code = (code or "").strip()
    if not (len(code) == 6 and code.isdigit()):
        raise DomainError("division_code_invalid", _("行政区划代码应为6位数字。"), field="code")
    try:
        return Division.objects.select_related("parent").get(code=code)
    except Division.DoesNotExist:
        raise NotFound("division_not_found", _("找不到行政区划代码 %(code)s。") % {"code": code}) from None


def find_divisions(
    *, parent: str | None = None, query: str = "", level: str | None = None
) -> models.QuerySet[Division]:
    """Divisions under ``parent`` (its direct children), by level, or matching a name or code prefix."""
    qs = Division.objects.all()
    if parent:
        qs = qs.filter(parent=get_division(parent))
    if level:
        if level not in Division.Level.values:
            message = _("级别应为 province（省级）、city（地级）或 county（县级）。")
            raise DomainError("division_level_invalid", message, field="level")
        qs = qs.filter(level=level)
    query = query.strip()
    if query:
        match = models.Q(name__icontains=query) | models.Q(full_name__icontains=query)
        if query.isdigit():
            match |= models.Q(code__startswith=query)
        qs = qs.filter(match)
    return qs.order_by("code")
