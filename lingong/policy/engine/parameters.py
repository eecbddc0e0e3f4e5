"""Parameters as data: dated values by jurisdiction, each with its legal reference.

The YAML files under ``parameters/<jurisdiction>/<name>.yaml`` follow OpenFisca's parameter format
(a node per name, ``values`` keyed by effective date, each with ``value`` and ``reference``) plus what
OpenFisca lacks:

- the jurisdiction (the folder: ``000000`` national, ``210000`` Liaoning, ``210100`` Shenyang...), with
  inheritance by code prefix: county → city → province → national, the most specific value in force
  wins;
- ``overridable_by: [city]`` on a province's parameter where the document leaves the value to cities
  (辽人社〔2022〕22号 第十一条 "各市可根据实际确定延长享受期限"); a city value for any other key is refused;
- ``published`` beside the effective date, so a decision can be replayed as the rules stood on the day
  it was made (a value published later is invisible to ``published_by`` before it);
- money in integer fen (``unit: fen``), ratios as exact fractions (``2/3``).

A change is never an overwrite: it is a new dated value (from YAML or passed in by the caller, e.g.
staff edits stored in the database), and every old value stays for replay.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .errors import PolicyEngineError
from .types import GROUPS, NATIONAL, ParameterInfo, ParameterValue

UNITS = {"fen", "months", "ratio", "bool", "date", "groups", "years", "bp", "regions", "text", "list", "int"}


@functools.lru_cache(maxsize=4096)
def jurisdiction_chain(region: str) -> tuple[str, ...]:
    """Most specific first: 210102 → (210102, 210100, 210000, 000000)."""
    if not (len(region) == 6 and region.isdigit()):
        raise PolicyEngineError("bad_region", f"地区代码应为6位数字：{region!r}")
    chain = [region]
    for level in (region[:4] + "00", region[:2] + "0000", NATIONAL):
        if level != chain[-1]:
            chain.append(level)
    return tuple(dict.fromkeys(chain))


@functools.lru_cache(maxsize=4096)
def level_of(code: str) -> str:
    if code == NATIONAL:
        return "national"
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def convert_value(unit: str, raw: Any, key: str) -> Any:
    """Turn a YAML or caller value into the engine's type for ``unit`` (refusing what does not fit)."""
    try:
        if raw is None:
            return None
        if unit in {"fen", "months", "years", "bp", "int"}:
            if isinstance(raw, bool) or int(raw) != raw:
                raise ValueError
            return int(raw)
        if unit == "ratio":
            value = Fraction(str(raw))
            if not 0 <= value <= 1:
                raise ValueError
            return value
        if unit == "bool":
            if not isinstance(raw, bool):
                raise ValueError
            return raw
        if unit == "date":
            return raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))
        if unit == "groups":
            groups = tuple(raw)
            unknown = [g for g in groups if g not in GROUPS]
            if unknown:
                raise ValueError(f"未知人员类别 {unknown}")
            return groups
        if unit == "regions":
            codes = tuple(str(v) for v in raw)
            for code in codes:
                jurisdiction_chain(code)
            return codes
        if unit == "list":
            if isinstance(raw, (str, bytes)):
                raise ValueError("应为列表")
            return tuple(raw)
        return str(raw)
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise PolicyEngineError(
            "bad_parameter_value", f"参数 {key} 的取值 {raw!r} 不符合单位 {unit}：{exc}"
        ) from exc


@dataclass
class ParameterStore:
    """All dated values of every parameter, by key. Read with :meth:`resolve`."""

    infos: dict[str, ParameterInfo] = field(default_factory=dict)
    values: dict[str, list[ParameterValue]] = field(default_factory=dict)
    # (key, jurisdiction) → levels below it allowed to set their own value ("city", "county")
    delegations: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    # (key, jurisdiction) → what the delegating document says about the levels' own values
    default_notes: dict[tuple[str, str], str] = field(default_factory=dict)
    _cache: dict[tuple[str, str, dt.date, dt.date | None], ParameterValue | None] = field(
        default_factory=dict, repr=False
    )

    def add(self, value: ParameterValue) -> None:
        """Add one dated value, after checking the key, the unit and who may set it."""
        info = self.infos.get(value.key)
        if info is None:
            raise PolicyEngineError("unknown_parameter", f"未知参数：{value.key}")
        chain = jurisdiction_chain(value.jurisdiction)
        if info.declared_in not in chain:
            raise PolicyEngineError(
                "parameter_out_of_jurisdiction",
                f"参数 {value.key} 由 {info.declared_in} 规定，{value.jurisdiction} 无权设置",
            )
        level = level_of(value.jurisdiction)
        if level in {"city", "county"} and not any(
            level in self.delegations.get((value.key, j), ()) for j in chain[1:]
        ):
            label = {"city": "市", "county": "县（区）"}[level]
            raise PolicyEngineError("parameter_not_delegated", f"参数 {value.key} 未授权{label}级另行规定")
        converted = ParameterValue(
            key=value.key,
            jurisdiction=value.jurisdiction,
            effective=value.effective,
            value=convert_value(info.unit, value.value, value.key),
            reference=value.reference,
            published=value.published,
            note=value.note,
            source=value.source,
        )
        if not converted.reference.strip():
            raise PolicyEngineError(
                "parameter_without_reference", f"参数 {value.key} 的取值必须注明依据（文件和条款）"
            )
        bucket = self.values.setdefault(value.key, [])
        bucket.append(converted)
        bucket.sort(key=lambda v: (v.effective, v.published_on))
        self._cache.clear()

    def resolve(
        self, key: str, region: str, as_of: dt.date, published_by: dt.date | None = None
    ) -> ParameterValue | None:
        """The value in force in ``region`` on ``as_of``: the most specific jurisdiction that has one,
        and within it the latest effective (then latest published). Values published after
        ``published_by`` are ignored."""
        cache_key = (key, region, as_of, published_by)
        if cache_key in self._cache:
            return self._cache[cache_key]
        if key not in self.infos:
            raise PolicyEngineError("unknown_parameter", f"未知参数：{key}")
        found: ParameterValue | None = None
        candidates = self.values.get(key, [])
        for jurisdiction in jurisdiction_chain(region):
            for value in reversed(candidates):
                if value.jurisdiction != jurisdiction or value.effective > as_of:
                    continue
                if published_by is not None and value.published_on > published_by:
                    continue
                found = value
                break
            if found is not None:
                break
        if len(self._cache) > 200_000:  # a long-lived process sees new dates every day: stay bounded
            self._cache.clear()
        self._cache[cache_key] = found
        return found

    def history(self, key: str, region: str | None = None) -> list[ParameterValue]:
        """Every value of ``key`` (in ``region``'s chain when given), oldest first."""
        values = self.values.get(key, [])
        if region is None:
            return list(values)
        chain = set(jurisdiction_chain(region))
        return [v for v in values if v.jurisdiction in chain]

    def keys(self) -> list[str]:
        return sorted(self.infos)


def _package_parameter_dir() -> Path:
    return Path(str(resources.files("lingong.policy.engine") / "parameters"))


def _walk(node: dict[str, Any], prefix: str) -> Iterable[tuple[str, dict[str, Any]]]:
    if "values" in node:
        yield prefix, node
        return
    for name, child in node.items():
        if name in {"description", "jurisdiction", "documents"}:
            continue
        if not isinstance(child, dict):
            raise PolicyEngineError("bad_parameter_file", f"参数 {prefix}.{name} 缺少 values")
        yield from _walk(child, f"{prefix}.{name}")


def read_parameter_files(directory: Path | None = None) -> tuple[list[ParameterInfo], list[ParameterValue]]:
    """Parse every ``<jurisdiction>/<name>.yaml`` under ``directory`` (the shipped folder by default)."""
    directory = directory or _package_parameter_dir()
    infos: list[ParameterInfo] = []
    values: list[ParameterValue] = []
    for path in sorted(directory.glob("*/*.yaml")):
        jurisdiction = path.parent.name
        jurisdiction_chain(jurisdiction)
        with path.open(encoding="utf-8") as fh:
            doc = yaml.safe_load(fh) or {}
        for key, node in _walk(doc, path.stem):
            unit = node.get("unit", "text")
            if unit not in UNITS:
                raise PolicyEngineError("bad_parameter_file", f"{path.name}: 参数 {key} 的单位 {unit} 无效")
            if "description" in node:
                infos.append(
                    ParameterInfo(
                        key=key,
                        description=str(node["description"]),
                        unit=unit,
                        declared_in=jurisdiction,
                        overridable_by=tuple(node.get("overridable_by", ())),
                        city_default_note=str(node.get("default_note", "")),
                    )
                )
            for effective, entry in (node.get("values") or {}).items():
                if not isinstance(entry, dict):
                    entry = {"value": entry}
                values.append(
                    ParameterValue(
                        key=key,
                        jurisdiction=jurisdiction,
                        effective=effective
                        if isinstance(effective, dt.date)
                        else dt.date.fromisoformat(effective),
                        value=entry.get("value"),
                        reference=str(entry.get("reference", "")),
                        published=entry.get("published"),
                        note=str(entry.get("note", "")),
                    )
                )
    return infos, values


_DEFAULT: ParameterStore | None = None


def load_parameters(
    extra_values: Iterable[ParameterValue] = (), *, directory: Path | None = None
) -> ParameterStore:
    """The shipped YAML parameters plus ``extra_values`` (e.g. staff changes kept in the database).

    Extra values are added beside the shipped ones, never instead of them: to change a value, pass a new
    value with a later effective date; to replay, pass ``published_by`` to :func:`evaluate`."""
    global _DEFAULT
    extra = list(extra_values)
    if directory is None and not extra and _DEFAULT is not None:
        return _DEFAULT
    infos, values = read_parameter_files(directory)
    store = ParameterStore()
    for info in infos:
        if info.overridable_by:
            store.delegations[(info.key, info.declared_in)] = info.overridable_by
        if info.city_default_note:
            store.default_notes[(info.key, info.declared_in)] = info.city_default_note
        # a province restating a national parameter keeps the national declaration (the first read)
        store.infos.setdefault(info.key, info)
    for value in [*values, *extra]:
        store.add(value)
    if directory is None and not extra:
        _DEFAULT = store
    return store
