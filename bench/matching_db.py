"""Matching index from the platform's database: loading 1,000,000 workers from PostgreSQL into the engine's
``WorkerIndex`` (issue 4 target: load + build ≤ 3 s, ≤ 500 MiB resident), against the previous row-wise
loader as the baseline.

    .venv/bin/python -m bench.matching_db [--workers 1000000] [--quick]
        [--database-url postgres://postgres@127.0.0.1:5432/lg_bench_load]

The database (``lg_bench_load`` by default) is created and migrated when missing, and filled once with
generated rows (SQL ``generate_series``: worker accounts in Shenyang's counties, their profiles with a
position for 90 % (the rest stand at their county's centre), a dozen availability patterns, mixed travel
modes, wages and groups, one or two trades each); later runs reuse them. ``--quick`` uses 50,000 workers
in a database of its own (``lg_bench_load_quick``), so the million stay filled. Each loader runs in a fresh
child process, so its peak RSS is its own: shown after Django's setup, after the load and after the build.
The targets are judged at a million workers.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

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


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _fill(workers: int) -> float:
    """Generated rows in one transaction; returns the seconds taken."""
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
                real_name_verified, is_active, is_staff, date_joined, failed_logins, large_text, region_id)
            SELECT '!', false, 'worker', '', 'bench ' || g, '', %(mark)s || g, '', '', '', '', '',
                DATE '1966-01-01' + (g::bigint * 7919 %% 16000)::int,
                CASE WHEN g %% 2 = 0 THEN 'M' ELSE 'F' END, true,
                g %% 50 <> 7, false, now(), 0, false, (%(counties)s::text[])[1 + g %% %(n_counties)s]
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
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    return time.perf_counter() - start


def _measure(which: str) -> dict[str, float]:
    """One loader and the build, in this (child) process."""
    import resource

    import django

    django.setup()

    def peak() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    base = peak()
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
    return {
        "load": load_s,
        "build": build_s,
        "workers": float(len(index)),
        "base_rss": base,
        "load_rss": load_rss,
        "rss": peak(),
    }


def _child(which: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.matching_db", "--child", which],
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
    parser.add_argument("--child", choices=["new", "old"], help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default=os.environ.get("LINGONG_BENCH_LOAD_DB", DEFAULT_URL))
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lingong.settings")
    if args.child:
        print(json.dumps(_measure(args.child)))
        return
    if args.quick:
        args.workers = 50_000
        if args.database_url == DEFAULT_URL:  # its own rows: the million stay filled for full runs
            args.database_url += "_quick"

    _ensure_database(args.database_url)
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

    def best(which: str) -> dict[str, float]:
        runs = [_child(which) for _ in range(max(1, args.runs))]
        return min(runs, key=lambda r: r["load"] + r["build"])

    new = best("new")
    old = None if args.no_baseline else best("old")
    rows: list[tuple[str, ...]] = []
    for name, r in (("load_worker_columns (COPY, numpy)", new), ("previous row-wise loader", old)):
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
