"""Rules as code: the policy registry and the context every rule reads.

A rule is one function over a batch of persons (numpy arrays). Each legal condition is a named, cited
predicate registered with :meth:`Ctx.check`; the person is eligible when every check passes. A check
may say when it will pass by time alone (``passes_on``), so a refusal can say "eligible from
2025-03-01" when nothing else is missing. Parameters are read through :meth:`Ctx.param` and friends,
which resolve them per region (county → city → province → national) and cite them in the answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from .columns import GROUP_BITS, Columns
from .dates import MISSING_DAY, day_number
from .errors import PolicyEngineError
from .parameters import ParameterStore, jurisdiction_chain, level_of
from .types import ParameterValue, PolicyInfo

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
Detail = str | Callable[[], str] | None


@dataclass
class Check:
    name: str
    label: str
    reference: str
    passed: BoolArray
    detail: Detail = None
    passes_on: IntArray | None = None  # day number when time alone makes it pass, MISSING_DAY if never


@dataclass
class Outcome:
    amount_fen: IntArray | None = None
    amount_unit: str | None = None
    months: IntArray | None = None
    notes: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Policy:
    info: PolicyInfo
    rule: Callable[[Ctx], Outcome]


REGISTRY: dict[str, Policy] = {}


def policy(
    key: str,
    *,
    title: str,
    jurisdiction: str,
    reference: str,
    effective_from: dt.date,
    effective_to: dt.date | None = None,
    summary: str = "",
    benefit: str | None = None,
) -> Callable[[Callable[[Ctx], Outcome]], Callable[[Ctx], Outcome]]:
    """Register a rule function as policy ``key``."""

    def register(fn: Callable[[Ctx], Outcome]) -> Callable[[Ctx], Outcome]:
        if key in REGISTRY:
            raise PolicyEngineError("duplicate_policy", f"政策 {key} 重复登记")
        info = PolicyInfo(key, title, jurisdiction, reference, effective_from, effective_to, summary, benefit)
        REGISTRY[key] = Policy(info, fn)
        return fn

    return register


class RegionIndex:
    """The distinct evaluation regions of a batch, so parameters are resolved once per region."""

    def __init__(self, region_col: npt.NDArray[np.int32]):
        if len(region_col) == 1:
            self.codes = [f"{int(region_col[0]):06d}"]
            self.inverse = np.zeros(1, dtype=np.intp)
        else:
            uniq, inverse = np.unique(region_col, return_inverse=True)
            self.codes = [f"{int(c):06d}" for c in uniq]
            self.inverse = inverse


class Ctx:
    """What a rule sees: the columns, the date, the parameters and the checks made so far."""

    def __init__(
        self,
        cols: Columns,
        *,
        store: ParameterStore,
        as_of: dt.date,
        published_by: dt.date | None,
        regions: RegionIndex,
        policy_info: PolicyInfo,
        scalar: bool,
    ):
        self.cols = cols
        self.store = store
        self.as_of = as_of
        self.as_of_day = day_number(as_of)
        self.published_by = published_by
        self.regions = regions
        self.info = policy_info
        self.scalar = scalar
        self.checks: list[Check] = []
        self.cited: dict[tuple[str, str], ParameterValue] = {}
        self.notes: list[str] = []
        self._cache: dict[tuple[str, str], Any] = {}

    # --- parameters ------------------------------------------------------------------------------

    def _resolve(
        self, key: str, code: str, on: dt.date | None = None, *, note_default: bool = True
    ) -> ParameterValue | None:
        if not code.startswith(self.info.jurisdiction.rstrip("0")[:2]) and self.info.jurisdiction != "000000":
            # a person outside this policy's jurisdiction: the policy does not apply to them anyway
            return None
        try:
            jurisdiction_chain(code)
        except PolicyEngineError:
            return None
        value = self.store.resolve(key, code, on or self.as_of, self.published_by)
        if value is None:
            return None
        if self.scalar:
            self.cited[(key, value.jurisdiction)] = value
            if note_default:
                self._note_default(key, code, value)
        return value

    def _note_default(self, key: str, code: str, value: ParameterValue) -> None:
        """Say so when a city could set this value and did not, so the province default applies."""
        level = level_of(code)
        if level not in {"city", "county"} or value.jurisdiction == code:
            return
        city = code[:4] + "00"
        for j in jurisdiction_chain(code)[1:]:
            if "city" in self.store.delegations.get((key, j), ()) and value.jurisdiction != city:
                info = self.store.infos[key]
                note = self.store.default_notes.get((key, j)) or f"{info.description}由各市确定"
                level = {"province": "省级", "national": "国家"}.get(level_of(value.jurisdiction), "上级")
                self.notes.append(
                    f"{note}；本地未另行规定，按{level}默认值 {_show(value.value, info.unit)}"
                    f"（{value.reference}）。"
                )
                return

    def _per_region(
        self, key: str, convert: Callable[[Any], Any], dtype: Any, missing: Any, note_default: bool = True
    ) -> Any:
        cache_key = (key, getattr(convert, "__name__", ""))
        if cache_key in self._cache:
            return self._cache[cache_key]
        values = []
        for code in self.regions.codes:
            pv = self._resolve(key, code, note_default=note_default)
            values.append(missing if pv is None or pv.value is None else convert(pv.value))
        # one value for the whole batch (the usual case): a numpy scalar, which broadcasts for free
        arr = np.asarray(values, dtype=dtype)
        out = arr[0] if len(values) == 1 or (arr == arr[0]).all() else arr[self.regions.inverse]
        self._cache[cache_key] = out
        return out

    def param(self, key: str, *, note_default: bool = True) -> IntArray:
        """An integer parameter (fen, months, bp, years) per person; 0 where not set. When a city could
        set it and did not, the answer says the province default applies (unless ``note_default`` is
        False: the rule then calls :meth:`note_default` only for the persons it concerns)."""
        return self._per_region(key, int, np.int64, 0, note_default)

    def note_default(self, key: str) -> None:
        """Scalar answers: add the "province default applies" note for ``key`` if it applies."""
        if self.scalar:
            code = self.regions.codes[0]
            value = self._resolve(key, code, note_default=False)
            if value is not None:
                self._note_default(key, code, value)

    def flag(self, key: str) -> BoolArray:
        return self._per_region(key, bool, np.bool_, False)

    def date_param(self, key: str) -> IntArray:
        def to_day(v: dt.date) -> int:
            return day_number(v)

        return self._per_region(key, to_day, np.int64, MISSING_DAY)

    def ratio(self, key: str) -> tuple[IntArray, IntArray]:
        def numerator(v: Fraction) -> int:
            return v.numerator

        def denominator(v: Fraction) -> int:
            return v.denominator

        return (
            self._per_region(key, numerator, np.int64, 0),
            self._per_region(key, denominator, np.int64, 1),
        )

    def groups_param(self, key: str) -> IntArray:
        """A list-of-groups parameter as a bitmask per person."""

        def bits(groups: tuple[str, ...]) -> int:
            out = 0
            for g in groups:
                out |= GROUP_BITS[g]
            return out

        return self._per_region(key, bits, np.int64, 0)

    def value(self, key: str, on: dt.date | None = None) -> Any:
        """A parameter that is the same for every person of the batch (national or the first region)."""
        code = self.regions.codes[0] if self.info.jurisdiction == "000000" else self.info.jurisdiction
        pv = self._resolve(key, code, on)
        return None if pv is None else pv.value

    def resolved(self, key: str) -> ParameterValue | None:
        """The value of ``key`` for the first region of the batch (the one person of ``evaluate``)."""
        return self._resolve(key, self.regions.codes[0])

    def region_in(self, key: str, col: npt.NDArray[np.int32]) -> BoolArray:
        """Whether each person's ``col`` region lies in the regions listed by parameter ``key``
        (6-digit codes, matched by their significant prefix)."""
        out = np.zeros(self.cols.n, dtype=np.bool_)
        for i, code in enumerate(self.regions.codes):
            pv = self._resolve(key, code)
            if pv is None:
                continue
            sel = self.regions.inverse == i
            hit = np.zeros(int(sel.sum()), dtype=np.bool_)
            sub = col[sel]
            for prefix_code in pv.value:
                digits = prefix_code.rstrip("0") or "0"
                scale = 10 ** (6 - len(digits))
                hit |= (sub // scale) == int(digits)
            out[sel] = hit
        return out

    # --- facts ------------------------------------------------------------------------------------

    def has_group(self, code: str) -> BoolArray:
        return (self.cols["groups"] & GROUP_BITS[code]) != 0

    def in_groups(self, mask: IntArray) -> BoolArray:
        return (self.cols["groups"] & mask) != 0

    def in_jurisdiction(self, col: npt.NDArray[np.int32]) -> BoolArray:
        """Region column lies in this policy's jurisdiction (by code prefix)."""
        digits = self.info.jurisdiction.rstrip("0")
        if not digits:
            return col > 0
        scale = 10 ** (6 - len(digits))
        return (col // scale) == int(digits)

    def v(self, arr: npt.NDArray[Any]) -> Any:
        """The scalar value for the one person of a scalar evaluation (for detail texts)."""
        return np.asarray(arr).reshape(-1)[0].item()

    # --- conditions -------------------------------------------------------------------------------

    def check(
        self,
        name: str,
        label: str,
        reference: str,
        passed: BoolArray,
        detail: Detail = None,
        *,
        passes_on: IntArray | None = None,
    ) -> BoolArray:
        self.checks.append(
            Check(name, label, reference, np.asarray(passed, dtype=np.bool_), detail, passes_on)
        )
        return passed


def _show(value: Any, unit: str) -> str:
    if unit == "fen" and isinstance(value, int):
        return f"{value / 100:.2f}元"
    if unit == "months":
        return f"{value}个月"
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    return str(value)
