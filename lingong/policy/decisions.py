"""The platform's one door to the policy engine: the parameter store (shipped YAML plus staff's dated
values from the database), one person's decisions as JSON, and engine errors as domain errors.

The API, the page, the CLI, applications and the batch run all call these, so an answer is the same
wherever it is asked for.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Count, Max, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lingong.core.errors import DomainError
from lingong.policy import engine
from lingong.policy.engine import types as et
from lingong.policy.engine.errors import PolicyEngineError
from lingong.policy.models import ParameterValue

_lock = threading.Lock()
_cached: tuple[tuple[int, ...], Any] | None = None
#: How long a process trusts its store before asking the database again whether staff added values.
RECHECK_SECONDS = 1.0
_checked_at = 0.0


def engine_error(exc: PolicyEngineError) -> DomainError:
    """An engine error as the platform's domain error: same stable code, same Chinese message."""
    return DomainError(exc.code, exc.message)


def stored_values(rows: Iterable[ParameterValue]) -> list[et.ParameterValue]:
    return [
        et.ParameterValue(
            key=row.name,
            jurisdiction=row.jurisdiction,
            effective=row.effective_from,
            value=row.value,
            reference=row.reference,
            published=row.published_on,
            note=row.note,
            source=f"db:{row.pk}",
        )
        for row in rows
    ]


def minimum_wage_values() -> list[et.ParameterValue]:
    """The market's minimum wage table (maintained by staff in the back office) as the engine's
    ``minimum_wage.hourly_fen``: one table for the wage check on posts and for the public-welfare post
    subsidy (辽人社〔2022〕22号 第一条: at most the local hourly minimum wage times the hours worked)."""
    from lingong.market.models import MinimumWage

    return [
        et.ParameterValue(
            key="minimum_wage.hourly_fen",
            jurisdiction=row.region_id,
            effective=row.effective_from,
            value=row.hourly_fen,
            reference=row.source,
            published=row.effective_from,
            note="",
            source=f"market:minimumwage:{row.pk}",
        )
        for row in MinimumWage.objects.order_by("region_id", "effective_from")
    ]


def forget_store() -> None:
    """Drop this process's store: the next call reads the values again (after a change, in tests)."""
    global _cached, _checked_at
    with _lock:
        _cached, _checked_at = None, 0.0


def parameter_store() -> Any:
    """The shipped parameters plus every value staff added. Rows are append-only, so their count and
    highest id tell whether the cached store is current; the process asks at most once a second, so a
    value added in another process is used within a second (and at once in the process that added it)."""
    global _cached, _checked_at
    now = time.monotonic()
    if _cached is not None and now - _checked_at < RECHECK_SECONDS:
        return _cached[1]
    from lingong.market.models import MinimumWage

    stats = ParameterValue.objects.aggregate(n=Count("pk"), last=Max("pk"))
    # Minimum wages may be corrected in place, so their sum is part of the signature too.
    wages = MinimumWage.objects.aggregate(n=Count("pk"), last=Max("pk"), total=Sum("hourly_fen"))
    signature = (
        int(stats["n"] or 0),
        int(stats["last"] or 0),
        int(wages["n"] or 0),
        int(wages["last"] or 0),
        int(wages["total"] or 0),
    )
    with _lock:
        if _cached is not None and _cached[0] == signature:
            _checked_at = now
            return _cached[1]
        try:
            store = engine.load_parameters(
                extra_values=[*minimum_wage_values(), *stored_values(ParameterValue.objects.order_by("pk"))]
            )
        except PolicyEngineError as exc:
            raise engine_error(exc) from exc
        _cached, _checked_at = (signature, store), now
        return store


def check_region(region: str) -> str:
    region = (region or "").strip()
    if len(region) != 6 or not region.isdigit():
        raise DomainError("region_invalid", _("请填写6位行政区划代码（县区、市或省）。"), field="region")
    return region


def evaluate(
    person: et.Person,
    *,
    region: str,
    as_of: dt.date,
    ledger: Sequence[et.LedgerEntry] = (),
    published_by: dt.date | None = None,
) -> list[et.Decision]:
    """Every policy of ``region`` for one person on ``as_of``."""
    region = check_region(region)
    try:
        decisions: list[et.Decision] = engine.evaluate(
            person,
            region=region,
            as_of=as_of,
            ledger=tuple(ledger),
            store=parameter_store(),
            published_by=published_by,
        )
    except PolicyEngineError as exc:
        raise engine_error(exc) from exc
    return decisions


def yuan_text(fen: int | None) -> str:
    """Integer fen as the yuan text people read (600.00); never through a float."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}.{cents:02d}"


UNIT_LABELS = {
    "month": gettext_lazy("每月"),
    "once": gettext_lazy("一次性"),
    "hour_month": gettext_lazy("每月（按小时计）"),
    "year": gettext_lazy("每年"),
    "total": gettext_lazy("合计"),
}


def decision_data(decision: et.Decision, *, as_of: dt.date, published_by: dt.date | None) -> dict[str, Any]:
    """A decision as the API, the CLI and the snapshots show it: the engine's dict plus the yuan text
    and the parameter publication state it was computed under (to replay it later)."""
    data = decision.as_dict()
    data["amount_yuan"] = yuan_text(decision.amount_fen)
    data["amount_unit_label"] = str(UNIT_LABELS.get(decision.amount_unit or "", decision.amount_unit or ""))
    data["as_of"] = as_of.isoformat()
    data["published_by"] = published_by.isoformat() if published_by else None
    return data


def evaluate_data(
    person: et.Person,
    *,
    region: str,
    as_of: dt.date,
    ledger: Sequence[et.LedgerEntry] = (),
    published_by: dt.date | None = None,
) -> dict[str, Any]:
    """The JSON answer of ``POST /api/v1/policy/evaluate`` and ``lingong policy evaluate``."""
    decisions = evaluate(person, region=region, as_of=as_of, ledger=ledger, published_by=published_by)
    return {
        "region": region,
        "as_of": as_of.isoformat(),
        "published_by": published_by.isoformat() if published_by else None,
        "policies": [decision_data(d, as_of=as_of, published_by=published_by) for d in decisions],
    }


def policies_for(region: str, as_of: dt.date) -> list[et.PolicyInfo]:
    try:
        found: list[et.PolicyInfo] = engine.policies_for(check_region(region), as_of)
    except PolicyEngineError as exc:
        raise engine_error(exc) from exc
    return found


def policy_title(policy_id: str, region: str, as_of: dt.date) -> str:
    for info in policies_for(region, as_of):
        if info.key == policy_id:
            return info.title
    raise DomainError(
        "policy_unknown", _("该地区没有这项政策，或它在该日期不在有效期内。"), field="policy_id"
    )
