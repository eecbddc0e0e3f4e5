"""Page times on SQLite with a city-sized market: 100,000 workers and 10,000 gig posts by default.

    .venv/bin/python -m bench.pages [--workers 100000] [--gigs 10000] [--runs 20] [--var DIR]

Fills a scratch database with ``lingong demo`` (or reuses ``--var`` from an earlier run), then
times each page through Django's test client (no network, so the figures are the server's own
work) and prints median and p95 next to the home page, the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--employers", type=int, default=2_000)
    parser.add_argument("--gigs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--var", help="database folder; filled on first use, reused after")
    args = parser.parse_args()

    var = args.var or tempfile.mkdtemp(prefix="lingong-pages-")
    os.environ["LINGONG_VAR_DIR"] = var
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lingong.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from lingong.accounts.models import User
    from lingong.market.models import GigPost

    call_command("migrate", verbosity=0)
    if not User.objects.filter(role="worker").exists():
        start = time.perf_counter()
        call_command(
            "demo",
            workers=args.workers,
            employers=args.employers,
            gigs=args.gigs,
            region="210100",
            verbosity=0,
        )
        print(f"filled in {time.perf_counter() - start:.0f} s: {var}")
    print(f"workers {User.objects.filter(role='worker').count():,}, gig posts {GigPost.objects.count():,}")

    staff = User.objects.get_by_phone("17000000002")  # the demo's city staff, full permissions
    worker = User.objects.get_by_phone("17000000005")
    anonymous, as_staff, as_worker = Client(), Client(), Client()
    as_staff.force_login(staff)
    as_worker.force_login(worker)
    pages = [
        ("home (baseline)", anonymous, "/"),
        ("gig search, first page", anonymous, "/market/gigs/"),
        ("gig search, keyword 保洁", anonymous, "/market/gigs/?q=保洁"),
        ("gig search, near me 5 km", anonymous, "/market/gigs/?lon=123.42&lat=41.79&radius=5&sort=distance"),
        ("gig search, map view", anonymous, "/market/gigs/?lon=123.42&lat=41.79&radius=5&view=map"),
        ("gig search API", anonymous, "/api/v1/market/gigs?q=保洁"),
        ("directory (public)", anonymous, "/market/directory/"),
        ("staff: people list", as_staff, "/staff/people/"),
        ("staff: people search by phone", as_staff, "/staff/people/?q=17100000001"),
        ("staff: needs database", as_staff, "/market/workers/"),
        ("staff: review queue", as_staff, "/market/review/"),
        ("staff: workbench", as_staff, "/staff/"),
        ("worker: my profile", as_worker, "/market/profile/"),
    ]
    results = []
    for label, client, url in pages:
        response = client.get(url)
        if response.status_code != 200:
            print(f"!! {label}: HTTP {response.status_code}")
            continue
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        results.append((label, statistics.median(times), times[int(len(times) * 0.95) - 1]))
    base = results[0][1]
    print(f"{'page':<34}{'median ms':>10}{'p95 ms':>9}{'× home':>8}")
    for label, median, p95 in results:
        print(f"{label:<34}{median:>10.1f}{p95:>9.1f}{median / base:>8.1f}")


if __name__ == "__main__":
    main()
