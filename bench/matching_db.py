"""Matching index from the platform's database: loading 1,000,000 workers from PostgreSQL into the engine's
``WorkerIndex`` (issue 4 targets: load + build ≤ 3 s and ≤ 500 MiB resident; an incremental update
≤ 0.1 ms), against the previous row-wise loader as the baseline.

    .venv/bin/python -m bench.matching_db [--workers 1000000] [--quick] [--runs 1] [--updates 10000]
        [--database-url postgres://postgres@127.0.0.1:5432/lg_bench_load]

The database (``lg_bench_load`` by default) is created and migrated when missing, and filled once with
generated rows (SQL ``generate_series``: worker accounts in Shenyang's counties, their profiles with a
position for 90 % (the rest stand at their county's centre), a dozen availability patterns, mixed travel
modes, wages and groups, one or two trades each); later runs reuse them. ``--quick`` uses 50,000 workers
in a database of its own (``lg_bench_load_quick``), so the million stay filled. Each loader runs in a fresh
child process (the runs interleaved), so its peak resident memory (``ru_maxrss``, the kernel's high-water
mark, not a sample) is its own: shown after Django's setup, after the load and after the build. Then the
same child moves ``--updates`` loaded workers one at a time (``WorkerIndex.upsert``), merges of the
index's delta included. The targets are judged at a million workers.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingong.matching.engine import Worker, WorkerColumns

from bench._db import ensure_database

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lg_bench_load"
MARK = "bench-load-"  # phone_index prefix of the generated accounts

AVAILABILITIES = [
    {},
    {"1": ["08:00-12:00"], "2": ["08:00-12:00"], "3": ["08:00-12:00"]},
    {"6": ["08:00-18:00"], "7": ["08:00-18:00"]},
    {str(d): ["18:00-22:00"] for d in range(1, 6)},
    {str(d): ["08:00-12:00", "13:00-17:00"] for d in range(1, 8)},
    {"1": ["13:00-17:00"], "4": ["13:00-17:00"]},
    {"5": ["19:00-23:00"], "6": ["09:00-21:00"]},
    {},
]
MODES = ["walk", "cycle", "cycle", "transit", "drive"]
GROUPS = ["", "", ",employment_difficulty,", ",recent_graduate,", ",migrant_worker,", ",veteran,disabled,"]


def _fill(workers: int, *, analyze: bool = True) -> float:
    """Generated rows in one transaction; returns the seconds taken. ``analyze``: refresh the planner's
    statistics after (not inside a test's transaction)."""
    from django.db import connection, transaction

    from lingong.core.models import Division, Occupation

    counties = list(
        Division.objects.filter(level="county", code__startswith="2101").values_list("code", flat=True)
    )
    trades = list(Occupation.objects.order_by("code").values_list("code", flat=True)[:40])
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        mine = "(SELECT id FROM accounts_user WHERE phone_index LIKE %s)"
        cur.execute(
            "DELETE FROM market_workerprofile_occupations WHERE workerprofile_id IN "
            f"(SELECT id FROM market_workerprofile WHERE user_id IN {mine})",
            [MARK + "%"],
        )
        cur.execute(f"DELETE FROM market_workerprofile WHERE user_id IN {mine}", [MARK + "%"])
        cur.execute("DELETE FROM accounts_user WHERE phone_index LIKE %s", [MARK + "%"])
        cur.execute(
            """
            INSERT INTO accounts_user (password, is_superuser, role, employer_kind, display_name, phone,
                phone_index, id_number, id_number_index, address, address_index, credit_code, birth_date, sex,
                real_name_verified, is_active, is_staff, date_joined, failed_logins, large_text, region_id,
                id_region)
            SELECT '!', false, 'worker', '', 'bench ' || g, '', %(mark)s || g, '', '', '', '', '',
                DATE '1966-01-01' + (g::bigint * 7919 %% 16000)::int,
                CASE WHEN g %% 2 = 0 THEN 'M' ELSE 'F' END, true,
                g %% 50 <> 7, false, now(), 0, false, (%(counties)s::text[])[1 + g %% %(n_counties)s], ''
            FROM generate_series(1, %(workers)s) AS g
            """,
            {"mark": MARK, "counties": counties, "n_counties": len(counties), "workers": workers},
        )
        cur.execute(
            """
            INSERT INTO market_workerprofile (user_id, skills, certificates, available_now, availability,
                expected_wage_fen, expected_wage_type, travel_minutes, travel_mode, insurance, needs, groups,
                latitude, longitude, updated_at)
            SELECT id, '', '[]', id %% 4 = 0, ((%(avail)s::text[])[1 + id %% %(n_avail)s])::jsonb,
                CASE WHEN id %% 3 = 0 THEN 0 ELSE 1000 + (id * 37) %% 30000 END,
                (ARRAY['day', 'hour', 'piece'])[1 + id %% 3], 10 + (id %% 6) * 10,
                (%(modes)s::text[])[1 + id %% %(n_modes)s], 'none', '',
                (%(groups)s::text[])[1 + id %% %(n_groups)s],
                CASE WHEN id %% 10 = 1 THEN NULL ELSE 41.70 + ((id * 7919) %% 40000) / 100000.0 END,
                CASE WHEN id %% 10 = 1 THEN NULL ELSE 123.20 + ((id * 104729) %% 50000) / 100000.0 END,
                now()
            FROM accounts_user WHERE phone_index LIKE %(like)s
            """,
            {
                "like": MARK + "%",
                "avail": [json.dumps(a) for a in AVAILABILITIES],
                "n_avail": len(AVAILABILITIES),
                "modes": MODES,
                "n_modes": len(MODES),
                "groups": GROUPS,
                "n_groups": len(GROUPS),
            },
        )
        cur.execute(
            """
            INSERT INTO market_workerprofile_occupations (workerprofile_id, occupation_id)
            SELECT p.id, (%(trades)s::text[])[1 + (p.id * k) %% %(n_trades)s]
            FROM market_workerprofile p JOIN accounts_user u ON u.id = p.user_id,
                generate_series(1, 2) AS k
            WHERE u.phone_index LIKE %(like)s AND (k = 1 OR p.id %% 2 = 0)
            ON CONFLICT DO NOTHING
            """,
            {"like": MARK + "%", "trades": trades, "n_trades": len(trades)},
        )
    if analyze:
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    return time.perf_counter() - start


def _measure(which: str, updates: int) -> dict[str, float]:
    """One loader, the build and ``updates`` incremental updates, in this (child) process."""
    import resource

    import django

    django.setup()

    def peak() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    base = peak()
    import numpy as np

    from lingong.matching import feed
    from lingong.matching.engine import WorkerIndex

    load = feed.load_worker_columns if which == "new" else feed._load_worker_columns_rows
    start = time.perf_counter()
    columns = load()
    load_s = time.perf_counter() - start
    load_rss = peak()
    start = time.perf_counter()
    index = WorkerIndex.from_columns(columns)
    build_s = time.perf_counter() - start
    build_rss = peak()
    # A serving process then answers queries: its first loads the compiled loops (numba, ADR 0008).
    from lingong.matching.engine import Post

    first = int(np.asarray(columns.occupation_rows)[0])
    code = columns.codes[int(np.asarray(columns.occupation_codes)[0])]
    lat, lon = np.asarray(columns.latitude)[first], np.asarray(columns.longitude)[first]
    post = Post(1, float(lat), float(lon), code)
    start = time.perf_counter()
    index.top_workers(post, 20)
    first_query_s = time.perf_counter() - start
    query_rss = peak()
    moved = _moved_workers(columns, updates)
    del columns
    times = []
    for worker in moved:
        start = time.perf_counter()
        index.upsert(worker)
        times.append(time.perf_counter() - start)
    spent = sorted(times) or [0.0]
    return {
        "load": load_s,
        "build": build_s,
        "workers": float(len(index)),
        "base_rss": base,
        "load_rss": load_rss,
        "rss": build_rss,
        "first_query": first_query_s,
        "query_rss": query_rss,
        "updates": float(len(times)),
        "update_median": spent[len(spent) // 2],
        "update_p99": spent[min(len(spent) - 1, int(len(spent) * 0.99))],
        "update_mean": sum(spent) / len(spent),
        "update_max": spent[-1],
        "update_rss": peak(),
    }


def _moved_workers(columns: WorkerColumns, count: int) -> list[Worker]:
    """``count`` loaded workers (a fixed random sample), each 300 m further north: an update replaces a
    worker already in the index, as a profile saved in the platform does."""
    import numpy as np

    from lingong.matching.engine import TRAVEL_MODES, Worker

    ids = np.asarray(columns.id)
    rows = np.random.default_rng(4).choice(len(ids), size=min(count, len(ids)), replace=False)
    occupation_rows = np.asarray(columns.occupation_rows)
    occupation_codes = np.asarray(columns.occupation_codes)
    trades: dict[int, list[str]] = {}
    for pair in np.flatnonzero(np.isin(occupation_rows, rows)).tolist():
        trades.setdefault(int(occupation_rows[pair]), []).append(columns.codes[occupation_codes[pair]])
    c = {name: np.asarray(getattr(columns, name)) for name in columns.__dataclass_fields__}
    return [
        Worker(
            id=int(ids[r]),
            latitude=float(c["latitude"][r]) + 0.0027,
            longitude=float(c["longitude"][r]),
            occupations=tuple(trades.get(r, ())),
            travel_mode=TRAVEL_MODES[int(c["travel_mode"][r])],
            travel_minutes=float(c["travel_minutes"][r]),
            min_hourly_fen=int(c["min_hourly_fen"][r]) or None,
            availability=int(c["availability"][r]),
            completed=int(c["completed"][r]),
            no_shows=int(c["no_shows"][r]),
            rating=None if np.isnan(c["rating"][r]) else float(c["rating"][r]),
            days_since_last_gig=None if c["days_since_last_gig"][r] < 0 else int(c["days_since_last_gig"][r]),
            priority_groups=frozenset({"recent_graduate"}) if c["priority"][r] else frozenset(),
        )
        for r in rows.tolist()
    ]


def _child(which: str, updates: int) -> dict[str, float]:
    """``_measure`` in a fresh process: its peak resident memory (``ru_maxrss``) is this loader's alone."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.matching_db", "--child", which, "--updates", str(updates)],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="50,000 workers")
    parser.add_argument("--runs", type=int, default=1, help="timed runs of each loader (the best is shown)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the previous loader")
    parser.add_argument(
        "--updates", type=int, default=10_000, help="incremental updates timed after the build"
    )
    parser.add_argument("--child", choices=["new", "old"], help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default=os.environ.get("LINGONG_BENCH_LOAD_DB", DEFAULT_URL))
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lingong.settings")
    if args.child:
        print(json.dumps(_measure(args.child, args.updates)))
        return
    if args.quick:
        args.workers = 50_000
        if args.database_url == DEFAULT_URL:  # its own rows: the million stay filled for full runs
            args.database_url += "_quick"

    ensure_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    import django

    django.setup()
    from django.core.management import call_command

    from lingong.accounts.models import User

    try:
        call_command("migrate", verbosity=0)
    except Exception as exc:  # a migration of another app edited since this database was filled
        print(f"migrate failed ({exc.__class__.__name__}: {str(exc)[:120]}); using the tables as they are")
    present = User.objects.filter(phone_index__startswith=MARK).count()
    if present != args.workers:
        print(f"filling {args.workers:,} workers …")
        print(f"filled in {_fill(args.workers):.1f} s")

    # Interleaved (new, old, new, old, …): a busy spell of the shared machine hits both alike.
    runs: dict[str, list[dict[str, float]]] = {"new": [], "old": []}
    for _ in range(max(1, args.runs)):
        for which in ("new",) if args.no_baseline else ("new", "old"):
            runs[which].append(_child(which, args.updates))
    new = min(runs["new"], key=lambda r: r["load"] + r["build"])
    old = min(runs["old"], key=lambda r: r["load"] + r["build"]) if runs["old"] else None
    rows: list[tuple[str, ...]] = []
    for name, r in (("load_worker_columns (COPY in chunks)", new), ("previous row-wise loader", old)):
        if r is None:
            continue
        total = r["load"] + r["build"]
        target = total <= 3 and r["rss"] <= 500
        rows.append(
            (
                name,
                f"{int(r['workers']):,}",
                f"{r['load']:.2f} s",
                f"{r['build']:.2f} s",
                f"{total:.2f} s",
                f"{r['base_rss']:.0f} / {r['load_rss']:.0f} / {r['rss']:.0f} MiB",
                ("ok" if target else "MISSED") if args.workers >= 1_000_000 else "(at 1M)",
            )
        )
    if old is not None:
        ratio = (old["load"] + old["build"]) / (new["load"] + new["build"])
        rows.append(
            (
                "speed-up (previous / new)",
                "",
                f"{old['load'] / new['load']:.1f}×",
                "",
                f"{ratio:.1f}×",
                "",
                "",
            )
        )
    header = (
        "loader",
        "workers",
        "load",
        "build",
        "total",
        "peak RSS: Django / +load / +build",
        "≤ 3 s, 500 MiB",
    )
    _print(rows, header)
    print(
        f"then the first query of the new loader's process (it loads numba's compiled loops):"
        f" {new['first_query'] * 1e3:.0f} ms, peak RSS {new['query_rss']:.0f} MiB"
    )
    print()
    _print(
        [
            (
                name,
                f"{int(r['updates']):,}",
                f"{r['update_median'] * 1e3:.3f} ms",
                f"{r['update_p99'] * 1e3:.3f} ms",
                f"{r['update_mean'] * 1e3:.3f} ms",
                f"{r['update_max'] * 1e3:.1f} ms",
                f"{r['update_rss']:.0f} MiB",
            )
            for name, r in (("WorkerIndex.upsert after the build above", new),)
        ],
        (
            "incremental update (a worker moved)",
            "updates",
            "median",
            "p99",
            "mean, merges included",
            "slowest (a merge)",
            "peak RSS then",
        ),
    )
    print("target: an incremental update ≤ 0.1 ms")


def _print(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))


if __name__ == "__main__":  # pragma: no cover
    began = time.perf_counter()
    main()
    if "--child" not in sys.argv:
        print(f"(whole run {time.perf_counter() - began:.0f} s)")
