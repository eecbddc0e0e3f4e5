"""How fast `lingong demo` fills a fresh SQLite database, against the plain ORM loop.

    .venv/bin/python -m bench.demo [--workers 100000] [--baseline 2000]

Both paths build the same synthetic people (same generator, same encryption and keyed hashes);
the baseline saves them one ``save()`` at a time, the engine in batched ``bulk_create``. The target
from the foundation issue: 100,000 workers in under a minute on SQLite.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=2_000, help="rows for the one-by-one baseline")
    args = parser.parse_args()

    var = tempfile.mkdtemp(prefix="lingong-bench-")
    os.environ["LINGONG_VAR_DIR"] = var
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lingong.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from lingong.accounts.models import Role, User
    from lingong.core.models import Division
    from lingong.demo import generate, services

    call_command("migrate", verbosity=0)
    counties = generate.counties_of(Division.objects.get(code="210100"))

    # Baseline: the same people, one ORM save each (in one transaction, which is its best case).
    now = timezone.now()
    specs = list(generate.people(seed=99, counties=counties, count=args.baseline, phone_prefix="1729"))
    start = time.perf_counter()
    with transaction.atomic():
        for spec in specs:
            services._person(spec, Role.WORKER, now).save()
    baseline_s = time.perf_counter() - start

    # Where the time goes: building the people alone (names, ID numbers, addresses), and sealing them
    # (three AES-GCM encryptions and three keyed hashes per person).
    start = time.perf_counter()
    sample = list(generate.people(seed=5, counties=counties, count=args.workers, phone_prefix="1728"))
    generate_s = time.perf_counter() - start
    field = {f.name: f for f in User._meta.fields}
    start = time.perf_counter()
    for spec in sample:
        for name, value in (("phone", spec.phone), ("id_number", spec.id_number), ("address", spec.address)):
            field[name].get_prep_value(value)
            field[name].index_of(value)  # type: ignore[attr-defined]
    seal_s = time.perf_counter() - start

    start = time.perf_counter()
    call_command("demo", workers=args.workers, employers=0, gigs=0, region="210100", seed=1, verbosity=0)
    engine_s = time.perf_counter() - start
    made = User.objects.filter(role=Role.WORKER).count() - args.baseline

    base_rate = args.baseline / baseline_s
    rate = made / engine_s
    print(f"{'path':<34}{'rows':>10}{'seconds':>10}{'rows/s':>10}")
    print(f"{'baseline: one save() per row':<34}{args.baseline:>10}{baseline_s:>10.2f}{base_rate:>10.0f}")
    print(f"{'lingong demo (bulk, batched)':<34}{made:>10}{engine_s:>10.2f}{rate:>10.0f}")
    n = args.workers
    print(f"{'  of which: generating people':<34}{n:>10}{generate_s:>10.2f}{n / generate_s:>10.0f}")
    print(f"{'  of which: encrypting + hashing':<34}{n:>10}{seal_s:>10.2f}{n / seal_s:>10.0f}")
    print(f"ratio: {rate / base_rate:.2f}x the baseline's rate")
    print(f"100,000 workers: {100_000 / rate:.1f} s (target < 60 s); baseline {100_000 / base_rate:.1f} s")
    size = os.path.getsize(os.path.join(var, "lingong.sqlite3")) / 2**20
    print(f"database: {var}/lingong.sqlite3 ({size:.0f} MiB)")


if __name__ == "__main__":
    main()
