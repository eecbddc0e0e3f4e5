"""Policy engine benchmark: every encoded policy over a synthetic registry, against openfisca-core.

    .venv/bin/python -m bench.policy [--persons 1000000] [--runs 3] [--quick] [--no-openfisca]

1. Builds ``--persons`` synthetic persons as columns (three provinces, ledgers included).
2. Times ``evaluate_batch`` over every encoded policy (target: under 2 s for 1,000,000 persons).
3. Times the Liaoning social-insurance subsidy and the Qinghai startup subsidy alone, then the same two
   rules written a second time for openfisca-core (``bench/policy_openfisca.py``), run in a subprocess
   of a separate virtualenv ``var/bench-openfisca/`` that this benchmark creates on first use
   (openfisca-core is AGPL: a benchmark-only dependency, never imported by the platform). Checks both
   give the same answers for every person and prints both times and the ratio (target: ours at most
   half of openfisca-core's).
4. Times ``evaluate`` for one person (every policy of the region, with explanations): p50 and p99.
5. Prints the money totals (integer fen, exact).

``--quick``: 100,000 persons, one run. Times are wall-clock on a shared machine; the CPU time of the
process is printed beside them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from lingong.policy.engine import Columns, Person, evaluate, evaluate_batch, load_parameters
from lingong.policy.engine.columns import GROUP_BITS
from lingong.policy.engine.dates import day_number
from lingong.policy.engine.synthetic import synthetic_columns

AS_OF = dt.date(2025, 6, 1)
OPENFISCA_VERSION = "46.0.1"
ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / "var" / "bench-openfisca"
COMPARED = ("liaoning.social_insurance_subsidy", "qinghai.startup_subsidy")
# the columns bench/policy_openfisca.py reads (its INPUTS; that module imports openfisca_core, so not here)
OPENFISCA_INPUTS = (
    "region",
    "birth_day",
    "retirement_category",
    "groups",
    "graduation_day",
    "fe_registered_day",
    "fe_region",
    "si_contribution_fen",
    "led_si_months",
    "led_si_first_day",
    "business_kind",
    "business_day",
    "business_region",
    "business_ok",
    "business_family_subsidised",
    "led_startup_subsidy",
    "household_region",
    "residence_region",
)


def timed(fn: Any, runs: int) -> tuple[float, float, Any]:
    """(best wall seconds, CPU seconds of that run, result)."""
    best, cpu, result = float("inf"), 0.0, None
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        wall = time.perf_counter() - t
        if wall < best:
            best, cpu = wall, time.process_time() - c
    return best, cpu, result


def ensure_openfisca() -> tuple[Path | None, str]:
    python = VENV / "bin" / "python"
    if python.exists():
        check = subprocess.run([python, "-c", "import openfisca_core"], capture_output=True, text=True)
        if check.returncode == 0:
            return python, "existing"
    try:
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, capture_output=True, text=True)
        subprocess.run(
            [python, "-m", "pip", "install", "-q", f"openfisca-core=={OPENFISCA_VERSION}"],
            check=True,
            capture_output=True,
            text=True,
        )
    except subprocess.CalledProcessError as exc:
        return None, f"cannot install openfisca-core {OPENFISCA_VERSION}: {(exc.stderr or exc.stdout)[-800:]}"
    return python, "installed"


def openfisca_params() -> dict[str, Any]:
    """The figures the two rules use, resolved from our own parameter store (same law, same dates)."""
    store = load_parameters()

    def value(key: str, region: str) -> Any:
        found = store.resolve(key, region, AS_OF)
        return None if found is None else found.value

    def leaf(v: Any) -> dict[str, Any]:
        return {"values": {"1900-01-01": {"value": v}}}

    ln, qh = "210102", "630102"
    share = value("social_insurance_subsidy.max_share", ln)
    reform = value("retirement.gradual_increase_from", "000000")
    from lingong.policy.engine.dates import RETIREMENT_RULES

    retirement: dict[str, Any] = {"reform_from_day": leaf(day_number(reform) if reform else 10**9)}
    for name, (base, first, per, cap) in RETIREMENT_RULES.items():
        retirement[name] = {
            "base_months": leaf(base),
            "first_birth_year": leaf(first // 12),
            "first_birth_month": leaf(first % 12 + 1),
            "birth_months_per_step": leaf(per),
            "cap_months": leaf(cap),
        }
    si = {
        "share_numerator": leaf(share.numerator),
        "share_denominator": leaf(share.denominator),
        "difficulty_max_months": leaf(value("social_insurance_subsidy.difficulty_max_months", ln)),
        "retirement_extension_years": leaf(value("social_insurance_subsidy.retirement_extension_years", ln)),
        "graduate_max_months": leaf(value("social_insurance_subsidy.graduate_max_months", ln)),
        "graduate_extension_months": leaf(value("social_insurance_subsidy.graduate_extension_months", ln)),
        "graduate_extension_cap": leaf(value("social_insurance_subsidy.graduate_extension_cap_months", ln)),
        "graduate_window_years": leaf(value("social_insurance_subsidy.graduate_window_years", ln)),
    }
    startup = {
        "amount_fen": leaf(value("startup_subsidy.amount_fen", qh)),
        "min_operating_years": leaf(value("startup_subsidy.min_operating_years", qh)),
    }
    mask = 0
    for g in value("startup_subsidy.groups", qh):
        mask |= GROUP_BITS[g]
    return {
        "period": AS_OF.strftime("%Y-%m"),
        "today": day_number(AS_OF),
        "start": {"month_index": AS_OF.year * 12 + AS_OF.month - 1},
        "group_bits": GROUP_BITS,
        "startup_groups_mask": mask,
        "sanjiangyuan_prefix4": [int(c[:4]) for c in value("startup_subsidy.sanjiangyuan_regions", qh)],
        "openfisca_parameters": {
            "retirement": retirement,
            "liaoning": {"social_insurance_subsidy": si},
            "qinghai": {"startup_subsidy": startup},
        },
    }


def run_openfisca(python: Path, cols: Columns, workdir: Path) -> dict[str, Any]:
    arrays: dict[str, Any] = {name: cols[name] for name in OPENFISCA_INPUTS}
    np.savez(workdir / "input.npz", **arrays)
    (workdir / "params.json").write_text(json.dumps(openfisca_params()), encoding="utf-8")
    t = time.perf_counter()
    done = subprocess.run(
        [
            python,
            str(ROOT / "bench" / "policy_openfisca.py"),
            workdir / "input.npz",
            workdir / "params.json",
            workdir / "out.npz",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": ""},
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    out = dict(np.load(workdir / "out.npz"))
    out["seconds_process"] = time.perf_counter() - t
    return out


def sample_persons(count: int) -> list[tuple[Person, str]]:
    rng = np.random.default_rng(3)
    regions = ["210102", "210203", "630102", "632701", "450103"]
    groups = list(GROUP_BITS)
    out = []
    for i in range(count):
        born = dt.date(1960, 1, 1) + dt.timedelta(days=int(rng.integers(0, 45 * 365)))
        region = regions[i % len(regions)]
        person = Person(
            birth_date=born,
            sex="male" if i % 2 else "female",
            retirement_category="male_60" if i % 2 else "female_worker_50",
            household_region=region,
            groups=frozenset(rng.choice(groups, size=int(rng.integers(0, 3)), replace=False).tolist()),
            graduation_date=AS_OF - dt.timedelta(days=int(rng.integers(0, 1200))),
            flexible_employment_registered_on=AS_OF - dt.timedelta(days=int(rng.integers(0, 900))),
            flexible_employment_region=region,
            si_contribution_fen=int(rng.integers(0, 200_000)),
            business_kind="individual" if i % 3 == 0 else None,
            business_registered_on=AS_OF - dt.timedelta(days=int(rng.integers(0, 900))),
            business_region=region,
            business_operating_normally=True,
            loan_amount_fen=10_000_000,
            loan_term_months=24,
            loan_rate_bp=420,
        )
        out.append((person, region))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="100,000 persons, one run")
    parser.add_argument("--no-openfisca", action="store_true")
    parser.add_argument("--single", type=int, default=2000, help="evaluate() calls for the p99")
    args = parser.parse_args()
    if args.quick:
        args.persons, args.runs, args.single = min(args.persons, 100_000), 1, 300
    n = args.persons
    print(f"policy engine benchmark: {n:,} synthetic persons, as of {AS_OF}, best of {args.runs}")

    t = time.perf_counter()
    base = synthetic_columns(n, seed=1, as_of=AS_OF)
    print(f"  synthetic registry built in {time.perf_counter() - t:.2f} s")
    store = load_parameters()

    def fresh() -> Columns:  # no derived arrays carried over from an earlier run
        return Columns(dict(base.data))

    all_wall, all_cpu, result = timed(lambda: evaluate_batch(fresh(), as_of=AS_OF, store=store), args.runs)
    two_wall, two_cpu, two = timed(
        lambda: evaluate_batch(fresh(), as_of=AS_OF, store=store, policies=COMPARED), args.runs
    )

    rows = [(f"every policy ({len(result.policies)}), ours", all_wall, all_cpu)]
    rows.append(("SI subsidy + startup subsidy, ours", two_wall, two_cpu))
    of_line = ""
    if not args.no_openfisca:
        python, how = ensure_openfisca()
        if python is None:
            of_line = f"openfisca-core not run: {how}"
        else:
            with tempfile.TemporaryDirectory(prefix="lingong-bench-policy-") as tmp:
                best: dict[str, Any] | None = None
                for _ in range(args.runs):
                    out = run_openfisca(python, base, Path(tmp))
                    if best is None or out["seconds_calculate"] + out["seconds_inputs"] < (
                        best["seconds_calculate"] + best["seconds_inputs"]
                    ):
                        best = out
            assert best is not None
            of_time = float(best["seconds_calculate"] + best["seconds_inputs"])
            rows.append(("SI subsidy + startup subsidy, openfisca-core", of_time, float("nan")))
            si, st = COMPARED
            checks = {
                "SI amount": np.array_equal(best["si_amount"], two.amount_fen[si]),
                "SI months": np.array_equal(best["si_months"], np.where(two.eligible[si], two.months[si], 0)),
                "startup amount": np.array_equal(best["startup_amount"], two.amount_fen[st]),
                "startup eligible-from": np.array_equal(best["startup_from"], two.eligible_from[st]),
            }
            same = all(checks.values())
            of_line = (
                f"openfisca-core {OPENFISCA_VERSION} ({how} venv {VENV.relative_to(ROOT)}): "
                f"same answers for all {n:,} persons: {'YES' if same else 'NO ' + str(checks)}; "
                f"ratio ours/openfisca = {two_wall / of_time:.3f} (target <= 0.5)"
            )

    singles = sample_persons(200)
    evaluate(singles[0][0], region=singles[0][1], as_of=AS_OF, store=store)  # warm
    times, cpu_times = [], []
    for i in range(args.single):
        person, region = singles[i % len(singles)]
        t, c = time.perf_counter(), time.thread_time()
        evaluate(person, region=region, as_of=AS_OF, store=store)
        times.append(time.perf_counter() - t)
        cpu_times.append(time.thread_time() - c)
    times.sort()
    cpu_times.sort()
    p50 = statistics.median(times) * 1000
    p99 = times[int(len(times) * 0.99) - 1] * 1000
    cpu_p99 = cpu_times[int(len(cpu_times) * 0.99) - 1] * 1000

    print()
    print(f"  {'measure':<48}{'wall s':>10}{'cpu s':>10}")
    for label, wall, cpu in rows:
        print(f"  {label:<48}{wall:>10.3f}{cpu:>10.3f}")
    print(f"  {'one person, evaluate() p50 ms (wall)':<48}{p50:>10.2f}")
    print(f"  {'one person, evaluate() p99 ms (wall / cpu)':<48}{p99:>10.2f}{cpu_p99:>10.2f}")
    print()
    target = "MET" if all_wall < 2.0 * n / 1_000_000 else "MISSED"
    print(
        f"  every policy: {all_wall:.3f} s wall ({all_cpu:.3f} s cpu) for {n:,} persons; "
        f"target < 2 s per million: {target}"
    )
    if of_line:
        print("  " + of_line)
    eligible = sum(int(result.eligible[k].sum()) for k in result.policies)
    total = sum(int(result.amount_fen[k].sum(dtype=np.int64)) for k in result.policies)
    print(
        f"  {eligible:,} eligible (person, policy) pairs; "
        f"amounts (mixed units) total {total:,} fen, integer and exact"
    )
    print()
    print(f"  {'policy':<42}{'applies':>10}{'eligible':>10}{'amount total (yuan)':>24}")
    for k in result.policies:
        amount = int(result.amount_fen[k].sum(dtype=np.int64))
        print(
            f"  {k:<42}{int(result.applies[k].sum()):>10,}{int(result.eligible[k].sum()):>10,}"
            f"{amount // 100:>21,}.{amount % 100:02d}"
        )


if __name__ == "__main__":
    main()
