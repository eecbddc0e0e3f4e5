"""Policy engine on the platform's database: loading 1,000,000 persons' facts from PostgreSQL into the
engine (target under 15 s), every policy over them, and one person through the API (p99 under 10 ms),
each beside a baseline run in the same process.

    .venv/bin/python -m bench.policy_db [--persons 1000000] [--quick] [--runs 500] [--repeats 3]
        [--baseline-persons 100000] [--database-url postgres://postgres@127.0.0.1:5432/lg_bench_policy]

The database (``lg_bench_policy`` by default) is created and migrated when missing, and filled once
with generated rows (SQL ``generate_series``: accounts, needs-database profiles, registered flexible
employment for 40 %, unemployment for 10 %, a ledger for 5 %); later runs reuse them. ``--quick`` uses
20,000 persons.

Baselines, interleaved with what they are compared to (loads: ``--repeats`` times, the best run counts
and the median and worst are printed; API: every call, p50 and p99), CPU time of this process beside the
wall time (PostgreSQL's own is not in it):

- the load: two straightforward ORM readings of the first ``--baseline-persons`` of the registry,
  printed as measured and scaled linearly to the whole registry: in one pass (the registry and its
  profile through ``.values_list()``, registrations and ledger read once into dicts, a ``Person`` built
  per row, then ``engine.columns_from_persons``), and the platform's own per-chunk path, the one 政策找人
  reads with (``registry()`` model instances by primary key in chunks of ``runs.CHUNK_SIZE``,
  ``facts.platform_people``, ``facts.ledgers_for``). The facts of those persons must be identical,
  column by column, to what the fast load gives them.
- the API: in the same loop, through the same logged-in test client, the cheapest authenticated
  endpoint (``GET /api/v1/me``: routing, session, auth, JSON), and without HTTP the endpoint's own work
  in Python (facts parsed, every policy of the region evaluated, the answer built:
  ``decisions.evaluate_data``) and the rules alone (``engine.evaluate``). The API's answer must match
  the direct one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from bench._db import ensure_database

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lg_bench_policy"
MARK = "bench-policy-"  # phone_index prefix of the generated accounts

FACTS = {
    "birth_date": "2002-05-01",
    "sex": "female",
    "retirement_category": "female_cadre_55",
    "groups": ["recent_graduate", "college_graduate"],
    "graduation_date": "2025-06-30",
    "flexible_employment_registered_on": "2025-09-01",
    "flexible_employment_region": "210102",
    "part_time": True,
    "si_contribution_fen": 90000,
}


def _fill(persons: int, *, analyze: bool = True) -> float:
    """Generated rows in one transaction; returns the seconds taken. ``analyze``: refresh the planner's
    statistics after (not inside a test's transaction)."""
    from django.db import connection, transaction

    from lingong.core.models import Division, Occupation

    counties = list(
        Division.objects.filter(level="county", code__startswith="2101").values_list("code", flat=True)
    )
    occupation = Occupation.objects.order_by("code").values_list("code", flat=True).first() or ""
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        mine = "(SELECT id FROM accounts_user WHERE phone_index LIKE %s)"
        for table, column in (
            ("policy_ledgerentry", "person_id"),
            ("registration_employmentregistration", "person_id"),
            ("registration_unemploymentregistration", "person_id"),
            ("market_workerprofile", "user_id"),
        ):
            cur.execute(f"DELETE FROM {table} WHERE {column} IN {mine}", [MARK + "%"])
        cur.execute("DELETE FROM accounts_user WHERE phone_index LIKE %s", [MARK + "%"])
        cur.execute(
            """
            INSERT INTO accounts_user (password, is_superuser, role, employer_kind, display_name, phone,
                phone_index, id_number, id_number_index, address, address_index, credit_code, id_region,
                birth_date, sex, real_name_verified, is_active, is_staff, date_joined, failed_logins,
                large_text, region_id)
            SELECT '!', false, 'worker', '', 'bench ' || g, '', %(mark)s || g, '', '', '', '', '',
                (%(counties)s::text[])[1 + (g * 7) %% %(n_counties)s],
                DATE '1966-01-01' + (g::bigint * 7919 %% 16000)::int,
                CASE WHEN g %% 2 = 0 THEN 'M' ELSE 'F' END, true,
                true, false, now(), 0, false, (%(counties)s::text[])[1 + g %% %(n_counties)s]
            FROM generate_series(1, %(persons)s) AS g
            """,
            {"mark": MARK, "counties": counties, "n_counties": len(counties), "persons": persons},
        )
        cur.execute(
            """
            INSERT INTO market_workerprofile (user_id, skills, certificates, available_now, availability,
                expected_wage_fen, expected_wage_type, travel_minutes, travel_mode, insurance, needs, groups,
                updated_at)
            SELECT id, '', '[]', false, '{}', 0, 'day', 15, 'cycle',
                CASE WHEN id %% 3 = 0 THEN 'pension' ELSE 'none' END, '',
                (ARRAY[',employment_difficulty,', ',recent_graduate,', ',migrant_worker,',
                       ',veteran,disabled,', ''])[1 + id %% 5],
                now()
            FROM accounts_user WHERE phone_index LIKE %(like)s
            """,
            {"like": MARK + "%"},
        )
        cur.execute(
            """
            INSERT INTO policy_ledgerentry (person_id, policy_id, benefit, basis, kind, period, months,
                granted_on, amount_fen, region_id, recorded_at, note)
            SELECT id, 'liaoning.social_insurance_subsidy', 'social_insurance_subsidy', '', 'monthly',
                DATE '2024-01-01' + (m || ' month')::interval, 1, DATE '2024-01-01', 60000, region_id,
                now(), ''
            FROM accounts_user, generate_series(0, 11) AS m
            WHERE phone_index LIKE %(like)s AND id %% 20 = 3
            """,
            {"like": MARK + "%"},
        )
    _registrations(occupation)
    if analyze:
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return time.perf_counter() - start


def _registrations(occupation: str) -> None:
    """Registered flexible employment for 40 % and unemployment for 10 %, through the models (their
    columns change as the registration app grows; the ORM fills the defaults)."""
    from django.utils import timezone

    from lingong.accounts.models import User
    from lingong.registration.models import EmploymentRegistration, UnemploymentRegistration

    now = timezone.now()
    common: dict[str, Any] = {
        "channel": "online",
        "commitment_text": "承诺",
        "committed_at": now,
        "deadline": now.date(),
        "status": "registered",
    }
    people = User.objects.filter(phone_index__startswith=MARK).values_list("pk", "region_id")
    employed: list[EmploymentRegistration] = []
    unemployed: list[UnemploymentRegistration] = []
    for pk, region in people.iterator(chunk_size=20_000):
        if pk % 5 < 2:
            employed.append(
                EmploymentRegistration(
                    person_id=pk,
                    region_id=region,
                    closed_at=now - dt.timedelta(days=pk % 900),
                    form="part_time",
                    occupation_id=occupation,
                    start_date=dt.date(2023, 1, 1),
                    place="沈阳",
                    **common,
                )
            )
        elif pk % 10 == 7:
            unemployed.append(
                UnemploymentRegistration(
                    person_id=pk, region_id=region, closed_at=now, basis="residence", **common
                )
            )
        if len(employed) >= 10_000:
            EmploymentRegistration.objects.bulk_create(employed)
            employed = []
    EmploymentRegistration.objects.bulk_create(employed)
    UnemploymentRegistration.objects.bulk_create(unemployed, batch_size=10_000)


# measure, wall time, CPU time of this process (PostgreSQL's own is not in it), ratio, target, met
Row = tuple[str, str, str, str, str, str]


def _chunked_load(as_of: dt.date, limit: int) -> tuple[npt.NDArray[np.int64], Any]:
    """The first ``limit`` persons of the Liaoning registry read the way a 政策找人 chunk reads them
    (``runs.process_chunk``): model instances by primary key, four queries a chunk, a ``Person`` each."""
    from lingong.policy import facts, runs

    people: list[tuple[int, Any, str, Any]] = []
    cursor = 0
    while len(people) < limit:
        size = min(runs.CHUNK_SIZE, limit - len(people))
        chunk = list(
            facts.registry("21")
            .filter(pk__gt=cursor)
            .order_by("pk")
            .only("pk", "region_id", "id_region", "birth_date", "sex", "id_number")[:size]
        )
        if not chunk:
            break
        persons = facts.platform_people(chunk)
        ledgers = facts.ledgers_for([p.pk for p in chunk])
        people.extend((p.pk, persons[p.pk], p.region_id or "", ledgers[p.pk]) for p in chunk)
        cursor = chunk[-1].pk
    return _as_columns(people, as_of)


def _values_load(as_of: dt.date, limit: int) -> tuple[npt.NDArray[np.int64], Any]:
    """The first ``limit`` persons of the Liaoning registry, written the plain ORM way in one pass: the
    registry with its profile through ``.values_list()``, each registration table and the ledger read
    once into dicts, a ``Person`` built per row in Python, then the engine's ``columns_from_persons``.
    Like the fast load, birth date, sex and the ID's region digits come from the account's plain columns
    (no ID decryption)."""
    from django.utils import timezone

    from lingong.market.models import InsuranceStatus
    from lingong.policy import facts
    from lingong.policy.engine import types as et
    from lingong.policy.models import LedgerEntry
    from lingong.registration.models import EmploymentRegistration, Status, UnemploymentRegistration

    rows = list(
        facts.registry("21")
        .order_by("pk")
        .values_list(
            "pk",
            "region_id",
            "id_region",
            "birth_date",
            "sex",
            "worker_profile__groups",
            "worker_profile__insurance",
        )[:limit]
    )
    if not rows:
        return _as_columns([], as_of)
    last = rows[-1][0]
    mine = {"person_id__lte": last, "person__region__pk__startswith": "21"}
    unemployed = set(
        UnemploymentRegistration.objects.filter(status=Status.REGISTERED, **mine).values_list(
            "person_id", flat=True
        )
    )
    employed = {
        pk: (closed_at, region)  # ordered by closed_at: the latest registration wins
        for pk, closed_at, region in EmploymentRegistration.objects.filter(status=Status.REGISTERED, **mine)
        .order_by("closed_at")
        .values_list("person_id", "closed_at", "region_id")
    }
    ledgers: dict[int, list[et.LedgerEntry]] = {}
    for entry in LedgerEntry.objects.filter(**mine).order_by("period", "id"):
        ledgers.setdefault(entry.person_id, []).append(facts.engine_entry(entry))
    enrolled = {InsuranceStatus.PENSION, InsuranceStatus.PENSION_MEDICAL}
    people: list[tuple[int, Any, str, Any]] = []
    for pk, region, id_region, birth, sex, groups, insurance in rows:
        changes: dict[str, Any] = {"birth_date": birth, "sex": {"M": "male", "F": "female"}.get(sex or "")}
        if sex == "M":
            changes["retirement_category"] = "male_60"
        if region:
            changes["residence_region"] = region
        if id_region:
            changes["household_region"] = id_region
        codes = {g for g in (groups or "").split(",") if g in et.GROUPS}
        if insurance in enrolled:
            changes["pension_enrolled"] = True
        if pk in unemployed:
            codes.add("registered_unemployed")
        if pk in employed:
            closed_at, fe_region = employed[pk]
            changes["flexible_employment_registered_on"] = timezone.localdate(closed_at or timezone.now())
            changes["flexible_employment_region"] = fe_region
            changes["part_time"] = True
        changes["groups"] = frozenset(codes)
        people.append((pk, et.Person().with_changes(**changes), region or "", ledgers.get(pk, [])))
    return _as_columns(people, as_of)


def _as_columns(people: list[tuple[int, Any, str, Any]], as_of: dt.date) -> tuple[npt.NDArray[np.int64], Any]:
    """(id, Person, county, ledger) rows as the engine's columns, through its own conversion."""
    from lingong.policy import engine

    ids = np.array([p[0] for p in people], dtype=np.int64)
    cols = engine.columns_from_persons(
        [p[1] for p in people], regions=[p[2] for p in people], as_of=as_of, ledgers=[p[3] for p in people]
    )
    return ids, cols


def _same_facts(fast_ids: Any, fast: Any, base_ids: Any, base: Any) -> list[str]:
    """What differs between the fast load and the baseline for the baseline's persons (empty: nothing)."""
    from lingong.policy import engine

    k = len(base_ids)
    if not np.array_equal(fast_ids[:k], base_ids):
        return ["person ids"]
    return [name for name in engine.SCHEMA if not np.array_equal(fast[name][:k], base[name])]


def _load_rows(as_of: dt.date, repeats: int, baseline_persons: int) -> tuple[list[Row], Any]:
    from lingong.policy import facts

    def fast() -> tuple[npt.NDArray[np.int64], Any]:
        # The bench database holds the generated persons only, all in Liaoning (21).
        return facts.registry_columns("21", as_of=as_of)

    loads: dict[str, Callable[[], tuple[npt.NDArray[np.int64], Any]]] = {
        "fast": fast,
        "values": lambda: _values_load(as_of, baseline_persons),
        "chunked": lambda: _chunked_load(as_of, baseline_persons),
    }
    names = list(loads)
    times: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    got: dict[str, tuple[npt.NDArray[np.int64], Any]] = {}
    for r in range(repeats):
        # Rotate the order, so no variant always runs first or on the warmest cache.
        for name in names[r % len(names) :] + names[: r % len(names)]:
            got.pop(name, None)  # free the last repeat's columns before timing the next
            start, start_cpu = time.perf_counter(), time.process_time()
            got[name] = loads[name]()
            times[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    fast_ids, cols = got["fast"]
    n = len(fast_ids)
    for name in names[1:]:
        differ = _same_facts(fast_ids, cols, *got[name])
        if differ:
            raise SystemExit(f"the fast load and the {name} baseline disagree on: {', '.join(differ)}")
    k = len(got["values"][0])
    # Best of the repeats, as bench.policy: on a shared machine the other runs mostly measure the neighbours.
    per = {name: min(ts) / (n if name == "fast" else k) * 1e6 for name, ts in times.items()}
    rows: list[Row] = [
        (
            f"load facts of {n:,} persons from PostgreSQL (registry_columns), best of {repeats}",
            _spread(times["fast"]),
            f"{min(cpu['fast']):.2f} s",
            f"{per['fast']:.1f} µs/person",
            "< 15 s",
            _ok(min(times["fast"]) < 15),
        )
    ]
    labels = {
        "values": "ORM in one pass (.values_list, dicts, a Person per row)",
        "chunked": f"ORM per chunk of {_chunk():,}, as 政策找人 reads (platform_people)",
    }
    for name in names[1:]:
        rows.append(
            (
                f"  baseline: {labels[name]}, first {k:,} persons, measured",
                _spread(times[name]),
                f"{min(cpu[name]):.2f} s",
                f"{per[name]:.1f} µs/person",
                "",
                "",
            )
        )
        rows.append(
            (
                f"    scaled linearly to {n:,} persons; ratio fast / this, per person",
                f"{min(times[name]) * n / k:.1f} s",
                f"{min(cpu[name]) * n / k:.1f} s",
                f"{per['fast'] / per[name]:.3f}",
                "",
                "",
            )
        )
    rows.append(
        (f"  facts identical, column by column, for the {k:,} persons compared", "yes", "", "", "", "")
    )
    return rows, cols


def _chunk() -> int:
    from lingong.policy import runs

    return runs.CHUNK_SIZE


def _api_rows(as_of: dt.date, runs_n: int) -> list[Row]:
    from django.test import Client

    from lingong.accounts.models import User
    from lingong.policy import decisions, engine, facts

    worker = User.objects.filter(phone_index__startswith=MARK).order_by("pk").first()
    assert worker is not None
    client = Client()
    client.force_login(worker)
    region = "210102"
    body = json.dumps({"region": region, "as_of": as_of.isoformat(), "facts": FACTS})
    person = facts.person_from_data(FACTS)
    store = decisions.parameter_store()

    def api() -> Any:
        response = client.post("/api/v1/policy/evaluate", data=body, content_type="application/json")
        assert response.status_code == 200, response.content
        return response

    def me() -> Any:
        response = client.get("/api/v1/me")
        assert response.status_code == 200, response.content
        return response

    variants: dict[str, Callable[[], Any]] = {
        "api": api,
        "me": me,
        "direct": lambda: decisions.evaluate_data(facts.person_from_data(FACTS), region=region, as_of=as_of),
        "rules": lambda: engine.evaluate(person, region=region, as_of=as_of, store=store),
    }
    got = json.loads(api().content)
    want = json.loads(json.dumps(variants["direct"](), default=str))
    shown = (
        "policy",
        "eligible",
        "amount_fen",
        "amount_yuan",
        "months",
        "eligible_from",
        "reasons",
        "failed",
    )
    if [{f: d.get(f) for f in shown} for d in got["policies"]] != [
        {f: d.get(f) for f in shown} for d in want["policies"]
    ]:
        raise SystemExit("the API's answer differs from evaluate_data's")
    names = list(variants)
    times: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    for i in range(20 + runs_n):  # the first 20 warm caches and first-call imports
        for name in names[i % len(names) :] + names[: i % len(names)]:  # rotate the order
            t, c = time.perf_counter(), time.process_time()
            variants[name]()
            if i >= 20:
                times[name].append((time.perf_counter() - t) * 1000)
                cpu[name].append((time.process_time() - c) * 1000)
    p50 = {name: statistics.median(ts) for name, ts in times.items()}
    p99 = {name: _p99(ts) for name, ts in times.items()}
    n_policies = len(want["policies"])
    labels = {
        "api": f"one person through POST /api/v1/policy/evaluate ({n_policies} policies, {runs_n} calls)",
        "me": "  baseline: GET /api/v1/me, same client (HTTP, session, auth, JSON floor)",
        "direct": "  baseline: same evaluation in Python, no HTTP (decisions.evaluate_data)",
        "rules": "  baseline: the rules alone (engine.evaluate)",
    }
    rows: list[Row] = []
    for name in names:
        ratio = "" if name == "api" else f"API / this p50 {p50['api'] / p50[name]:.1f}×"
        rows.append(
            (
                labels[name] + ", p50 / p99",
                f"{p50[name]:.2f} / {p99[name]:.2f} ms",
                f"{statistics.median(cpu[name]):.2f} / {_p99(cpu[name]):.2f} ms",
                ratio,
                "p99 < 10 ms" if name == "api" else "",
                _ok(p99["api"] < 10) if name == "api" else "",
            )
        )
    rows.append(
        (
            "  HTTP layer's share of the API p50 (API − direct)",
            f"{p50['api'] - p50['direct']:.2f} ms",
            "",
            f"{(p50['api'] - p50['direct']) / p50['api']:.0%}",
            "",
            "",
        )
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="20,000 persons, 200 API calls")
    parser.add_argument("--runs", type=int, default=500, help="API calls timed (each variant)")
    parser.add_argument("--repeats", type=int, default=3, help="load and baseline, interleaved")
    parser.add_argument(
        "--baseline-persons", type=int, default=100_000, help="persons read by the ORM baseline"
    )
    parser.add_argument("--database-url", default=os.environ.get("LINGONG_BENCH_POLICY_DB", DEFAULT_URL))
    args = parser.parse_args()
    if args.quick:
        args.persons, args.runs, args.baseline_persons = 20_000, 200, 20_000

    ensure_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lingong.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from lingong.accounts.models import User
    from lingong.policy import decisions, engine

    try:
        call_command("migrate", verbosity=0)
    except Exception as exc:  # a migration of another app edited since this database was filled
        print(f"migrate failed ({exc.__class__.__name__}: {str(exc)[:120]}); using the tables as they are")
    present = User.objects.filter(phone_index__startswith=MARK).count()
    if present != args.persons:
        print(f"filling {args.persons:,} persons …")
        print(f"filled in {_fill(args.persons):.1f} s")
    as_of = timezone.localdate()
    loads_before = os.getloadavg()[0]

    rows, cols = _load_rows(as_of, args.repeats, args.baseline_persons)

    store = decisions.parameter_store()
    start, start_cpu = time.perf_counter(), time.process_time()
    result = engine.evaluate_batch(cols, as_of=as_of, store=store)
    batch_s, batch_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    eligible = sum(int(result.eligible[k].sum()) for k in result.policies)
    rows.append(
        (
            f"every policy over them ({len(result.policies)} policies, {eligible:,} eligible)",
            f"{batch_s:.2f} s",
            f"{batch_cpu:.2f} s",
            "",
            "",
            "",
        )
    )
    rows.extend(_api_rows(as_of, args.runs))
    _print(rows)
    # The machine is shared: the neighbours' load says how far wall time can be trusted.
    print(
        f"load average {loads_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
        f"({os.cpu_count()} cores)"
    )


def _p99(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _spread(times: list[float]) -> str:
    """The best run, and the median and worst when repeated."""
    best = f"{min(times):.2f} s"
    return (
        best if len(times) == 1 else f"{best} (median {statistics.median(times):.2f}, max {max(times):.2f})"
    )


def _ok(passed: bool) -> str:
    return "ok" if passed else "MISSED"


def _print(rows: list[Row]) -> None:
    header = ("measure", "wall", "cpu (this process)", "vs baseline", "target", "")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())


if __name__ == "__main__":  # pragma: no cover
    began = time.perf_counter()
    main()
    print(f"(whole run {time.perf_counter() - began:.0f} s)")
