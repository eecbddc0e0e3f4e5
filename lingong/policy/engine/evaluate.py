"""Running the rules: one person with explanations, or a whole registry as arrays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from . import policies as _policies  # noqa: F401  (registers the rules)
from .columns import Columns, columns_from_persons
from .dates import MISSING_DAY, from_day_number
from .errors import PolicyEngineError
from .parameters import ParameterStore, jurisdiction_chain, load_parameters
from .rules import REGISTRY, Check, Ctx, Outcome, Policy, RegionIndex
from .types import BatchResult, Condition, Decision, LedgerEntry, Person, PolicyInfo


def _in_force(info: PolicyInfo, as_of: dt.date) -> bool:
    return info.effective_from <= as_of and (info.effective_to is None or as_of <= info.effective_to)


def policies_for(region_code: str, as_of: dt.date) -> list[PolicyInfo]:
    chain = set(jurisdiction_chain(region_code))
    return [p.info for p in REGISTRY.values() if p.info.jurisdiction in chain and _in_force(p.info, as_of)]


def _first(arr: Any) -> Any:
    return np.asarray(arr).reshape(-1)[0]


def _detail(check: Check) -> str:
    if check.detail is None:
        return ""
    return check.detail if isinstance(check.detail, str) else check.detail()


def _decision(pol: Policy, ctx: Ctx, out: Outcome) -> Decision:
    reasons: list[Condition] = []
    failed: list[Condition] = []
    time_only = True
    eligible_from = MISSING_DAY
    for c in ctx.checks:
        cond = Condition(c.name, c.label, c.reference, bool(_first(c.passed)), _detail(c))
        (reasons if cond.passed else failed).append(cond)
        if not cond.passed:
            when = MISSING_DAY if c.passes_on is None else int(_first(c.passes_on))
            if when <= MISSING_DAY:
                time_only = False
            eligible_from = max(eligible_from, when)
    eligible = not failed
    amount = None if out.amount_fen is None else int(_first(out.amount_fen))
    months = None if out.months is None else int(_first(out.months))
    return Decision(
        policy=pol.info.key,
        title=pol.info.title,
        jurisdiction=pol.info.jurisdiction,
        reference=pol.info.reference,
        eligible=eligible,
        amount_fen=amount if eligible else (None if amount is None else 0),
        amount_unit=out.amount_unit,
        months=months if eligible else (None if months is None else 0),
        reasons=tuple(reasons),
        failed=tuple(failed),
        eligible_from=from_day_number(eligible_from) if failed and time_only else None,
        parameters=tuple(ctx.cited.values()),
        notes=tuple(dict.fromkeys([*out.notes, *ctx.notes])),
        options=out.options if eligible else {},
    )


def evaluate(
    person: Person,
    *,
    region: str,
    as_of: dt.date,
    ledger: Iterable[LedgerEntry] = (),
    store: ParameterStore | None = None,
    published_by: dt.date | None = None,
    policies: Sequence[str] | None = None,
) -> list[Decision]:
    """Every policy of ``region`` in force on ``as_of`` for ``person``, with cited reasons.

    ``ledger`` is what the person already received (caps count across years, regions, applications).
    ``published_by`` replays the rules as they stood on that date: values published later are ignored.
    ``policies`` limits the answer to these keys."""
    store = store or load_parameters()
    cols = columns_from_persons([person], regions=[region], as_of=as_of, ledgers=[list(ledger)])
    regions = RegionIndex(cols["region"])
    decisions = []
    for info in policies_for(region, as_of):
        if policies is not None and info.key not in policies:
            continue
        pol = REGISTRY[info.key]
        ctx = Ctx(
            cols,
            store=store,
            as_of=as_of,
            published_by=published_by,
            regions=regions,
            policy_info=info,
            scalar=True,
        )
        out = pol.rule(ctx)
        decisions.append(_decision(pol, ctx, out))
    return decisions


def evaluate_batch(
    columns_or_persons: Columns | Sequence[Person],
    *,
    as_of: dt.date,
    regions: Sequence[str] | None = None,
    ledgers: Sequence[Iterable[LedgerEntry]] | None = None,
    store: ParameterStore | None = None,
    published_by: dt.date | None = None,
    policies: Sequence[str] | None = None,
) -> BatchResult:
    """Every registered policy over a batch, as arrays aligned with the input.

    Pass :class:`Columns` (each person's evaluation region in ``cols["region"]``, ledger summaries in the
    ``led_*`` columns) or persons with ``regions`` and optional ``ledgers``. For each policy:
    ``applies`` (the person's region is in the policy's jurisdiction and the policy is in force),
    ``eligible``, ``amount_fen`` (int64, per the policy's unit), ``months`` (-1 where the policy has no
    duration), ``eligible_from`` (day number since 1970-01-01, -1 when not a matter of time)."""
    store = store or load_parameters()
    if isinstance(columns_or_persons, Columns):
        cols = columns_or_persons
    else:
        if regions is None:
            raise PolicyEngineError("bad_columns", "按人员列表计算时必须给出每人的地区")
        cols = columns_from_persons(list(columns_or_persons), regions=regions, as_of=as_of, ledgers=ledgers)
    keys = [k for k in REGISTRY if policies is None or k in policies]
    n = cols.n
    eligible_out: dict[str, Any] = {}
    amount_out: dict[str, Any] = {}
    months_out: dict[str, Any] = {}
    applies_out: dict[str, Any] = {}
    from_out: dict[str, Any] = {}
    first_out: dict[str, Any] = {}
    names: dict[str, tuple[str, ...]] = {}
    # Each province's policies run on that province's persons only (a view of the batch taken once).
    subsets: dict[str, tuple[Any, Columns, RegionIndex]] = {}
    for key in keys:
        pol = REGISTRY[key]
        jurisdiction = pol.info.jurisdiction
        if jurisdiction not in subsets:
            inside = _in_jurisdiction(cols["region"], jurisdiction)
            if inside.all():
                subsets[jurisdiction] = (None, cols, RegionIndex(cols["region"]))
            else:
                index = np.flatnonzero(inside)
                sub = cols.take(index)
                subsets[jurisdiction] = (
                    index,
                    sub,
                    RegionIndex(sub["region"]) if sub.n else RegionIndex(np.zeros(1, np.int32)),
                )
        index, sub, region_index = subsets[jurisdiction]
        applies = np.zeros(n, dtype=np.bool_)
        eligible = np.zeros(n, dtype=np.bool_)
        amount = np.zeros(n, dtype=np.int64)
        months = np.full(n, -1, dtype=np.int32)
        from_day = np.full(n, -1, dtype=np.int64)
        first = np.full(n, -1, dtype=np.int16)
        names[key] = ()
        if _in_force(pol.info, as_of) and sub.n:
            ctx = Ctx(
                sub,
                store=store,
                as_of=as_of,
                published_by=published_by,
                regions=region_index,
                policy_info=pol.info,
                scalar=False,
            )
            out = pol.rule(ctx)
            names[key] = tuple(c.name for c in ctx.checks)
            s_elig, s_first, s_from = _combine(ctx.checks, sub.n)
            s_amount = (
                np.zeros(sub.n, np.int64) if out.amount_fen is None else np.where(s_elig, out.amount_fen, 0)
            )
            s_months = (
                np.full(sub.n, -1, np.int32)
                if out.months is None
                else np.where(s_elig, out.months, 0).astype(np.int32)
            )
            where = slice(None) if index is None else index
            applies[where] = True
            eligible[where] = s_elig
            amount[where] = s_amount
            months[where] = s_months
            from_day[where] = s_from
            first[where] = s_first
        eligible_out[key], amount_out[key], months_out[key] = eligible, amount, months
        applies_out[key], from_out[key], first_out[key] = applies, from_day, first
    return BatchResult(
        policies=tuple(keys),
        eligible=eligible_out,
        amount_fen=amount_out,
        months=months_out,
        applies=applies_out,
        eligible_from=from_out,
        failed_first=first_out,
        condition_names=names,
    )


def _in_jurisdiction(region: Any, jurisdiction: str) -> Any:
    digits = jurisdiction.rstrip("0")
    if not digits:
        return region > 0
    return (region // 10 ** (6 - len(digits))) == int(digits)


def _combine(checks: list[Check], n: int) -> tuple[Any, Any, Any]:
    """Eligible (every check passed), the first failed check's index (-1 if none) and the day from
    which the person becomes eligible when only checks with a ``passes_on`` date failed (-1 if not)."""
    if not checks:
        return np.ones(n, np.bool_), np.full(n, -1, np.int16), np.full(n, -1, np.int64)
    eligible = np.ones(n, dtype=np.bool_)
    first = np.full(n, -1, dtype=np.int16)
    for i in range(len(checks) - 1, -1, -1):
        failed = ~np.broadcast_to(checks[i].passed, (n,))
        np.putmask(first, failed, i)
        eligible &= ~failed
    timed = [c for c in checks if c.passes_on is not None]
    untimed = [c for c in checks if c.passes_on is None]
    from_day = np.full(n, -1, dtype=np.int64)
    if timed:
        time_only = ~eligible
        for c in untimed:
            time_only &= c.passed
        when = np.full(n, MISSING_DAY, dtype=np.int64)
        for c in timed:
            assert c.passes_on is not None
            time_only &= c.passed | (c.passes_on > MISSING_DAY)
            when = np.where(c.passed, when, np.maximum(when, c.passes_on))
        time_only &= when > MISSING_DAY
        from_day = np.where(time_only, when, -1)
    return eligible, first, from_day
