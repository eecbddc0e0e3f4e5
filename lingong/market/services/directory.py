"""Writes on the gig market directory (建立零工市场动态管理名录, 辽人社〔2022〕22号 第三条).

Staff of a region keep its entries current: every change (and every "核实无误") leaves a version, a
copy of the entry as it is after the change, and an audit entry. Entries are deactivated, never
deleted, so the history of what was published stays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lingong.core import audit
from lingong.core.errors import DomainError, PermissionDenied
from lingong.core.geo import check_position
from lingong.core.models import Alert, AuditEntry, Division, Occupation
from lingong.core.scope import region_prefix
from lingong.core.services import raise_alert
from lingong.market.models import DirectoryPlace, DirectoryPlaceVersion, PlaceKind
from lingong.market.selectors import directory as selectors

#: What staff may change; ``region_code`` and ``trades`` (occupation codes) stand for the relations.
EDITABLE_FIELDS = (
    "kind",
    "name",
    "region_code",
    "address",
    "longitude",
    "latitude",
    "opening_hours",
    "trades",
    "trades_note",
    "contact",
    "operator",
    "active",
)
_TEXT_FIELDS = ("kind", "name", "address", "opening_hours", "trades_note", "contact", "operator")
_REQUIRED = {
    "name": gettext_lazy("请填写名称。"),
    "address": gettext_lazy("请填写地址。"),
    "opening_hours": gettext_lazy("请填写开放时间，如“周一至周六 05:30-11:30”。"),
    "contact": gettext_lazy("请填写对外公布的联系方式。"),
    "operator": gettext_lazy("请填写运营单位。"),
}


def _own_fields(place: DirectoryPlace) -> dict[str, Any]:
    """The entry's own columns as JSON (no query: trades and the region's name are added apart)."""
    return {
        "kind": place.kind,
        "name": place.name,
        "region_code": place.region_id,
        "address": place.address,
        "longitude": place.longitude,
        "latitude": place.latitude,
        "opening_hours": place.opening_hours,
        "trades_note": place.trades_note,
        "contact": place.contact,
        "operator": place.operator,
        "active": place.active,
        "last_verified_at": place.last_verified_at.isoformat() if place.last_verified_at else None,
    }


def snapshot(place: DirectoryPlace) -> dict[str, Any]:
    """The entry as JSON: what a version keeps."""
    return {
        **_own_fields(place),
        "region_name": str(place.region),
        "trades": sorted(t.code for t in place.trades.all()),
    }


def check_place(
    *,
    kind: str,
    name: str,
    region: Division | None,
    address: str,
    opening_hours: str,
    contact: str,
    operator: str,
    longitude: float | None,
    latitude: float | None,
) -> None:
    """The rules of one entry; the admin form calls this too, so both say the same thing."""
    if kind not in PlaceKind.values:
        raise DomainError("kind_unknown", _("名录类型 %(kind)s 不存在。") % {"kind": kind}, field="kind")
    values = {
        "name": name,
        "address": address,
        "opening_hours": opening_hours,
        "contact": contact,
        "operator": operator,
    }
    for key, message in _REQUIRED.items():
        if not (values[key] or "").strip():
            raise DomainError(f"{key}_required", str(message), field=key)
    if region is None or region.level != Division.Level.COUNTY:
        raise DomainError(
            "region_not_county", _("所在县区必须是县级行政区划（区、县、县级市）。"), field="region_code"
        )
    check_position(longitude, latitude)


def _coordinate(value: Any, key: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise DomainError("position_invalid", _("经纬度必须是数字。"), field=key) from exc


def _division(code: str | None) -> Division:
    division = Division.objects.filter(code=code or "").first()
    if division is None:
        raise DomainError(
            "region_unknown", _("行政区划代码 %(code)s 不存在。") % {"code": code}, field="region_code"
        )
    return division


def _occupations(codes: Iterable[str]) -> list[Occupation]:
    wanted = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    found = {o.code: o for o in Occupation.objects.filter(code__in=wanted)}
    missing = [c for c in wanted if c not in found]
    if missing:
        raise DomainError(
            "trade_unknown", _("职业编码不存在：%(codes)s") % {"codes": "、".join(missing)}, field="trades"
        )
    return [found[c] for c in wanted]


def _check_region_in_scope(actor: Any, region: Division) -> None:
    prefix = region_prefix(actor)
    if prefix is not None and not region.code.startswith(prefix):
        raise PermissionDenied(
            "region_out_of_scope", _("只能维护本辖区内的零工市场名录。"), field="region_code"
        )


def _apply(place: DirectoryPlace, changes: dict[str, Any], actor: Any) -> list[Occupation] | None:
    """Set ``changes`` on ``place`` and check the result; return the new trades, if they change."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError("field_unknown", _("不能修改这些字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    for key in _TEXT_FIELDS:
        if key in changes:
            setattr(place, key, (changes[key] or "").strip())
    for key in ("longitude", "latitude"):
        if key in changes:
            setattr(place, key, _coordinate(changes[key], key))
    if "active" in changes:
        place.active = bool(changes["active"])
    if "region_code" in changes:
        place.region = _division(changes["region_code"])
    check_place(
        kind=place.kind,
        name=place.name,
        region=place.region if place.region_id else None,
        address=place.address,
        opening_hours=place.opening_hours,
        contact=place.contact,
        operator=place.operator,
        longitude=place.longitude,
        latitude=place.latitude,
    )
    if "region_code" in changes:
        _check_region_in_scope(actor, place.region)
    return _occupations(changes["trades"]) if "trades" in changes else None


def _changed_note(before: dict[str, Any], after: dict[str, Any]) -> tuple[list[str], str]:
    """The model fields that changed, and a note naming them in Chinese for staff."""
    keys = [k for k in after if k != "region_name" and before.get(k) != after[k]]
    names = ["region" if k == "region_code" else k for k in keys]
    labels = [str(getattr(DirectoryPlace._meta.get_field(n), "verbose_name", n)) for n in names]
    return names, _("修改：%(fields)s") % {"fields": "、".join(labels)}


def _version(place: DirectoryPlace, actor: Any, note: str, now: dt.datetime) -> DirectoryPlaceVersion:
    return DirectoryPlaceVersion.objects.create(
        place=place,
        data=snapshot(place),
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        changed_at=now,
        note=note[:200],
    )


def _resolve_stale_alerts(place_id: int, now: dt.datetime) -> int:
    return Alert.objects.filter(
        key__startswith=stale_alert_prefix(place_id), resolved_at__isnull=True
    ).update(resolved_at=now)


@transaction.atomic
def create_place(
    *,
    actor: Any,
    kind: str,
    name: str,
    region_code: str,
    address: str,
    opening_hours: str,
    contact: str,
    operator: str,
    longitude: float | None = None,
    latitude: float | None = None,
    trades: Sequence[str] = (),
    trades_note: str = "",
    active: bool = True,
) -> DirectoryPlace:
    """Add an entry in the actor's region. Staff enter what they have checked, so a new entry counts
    as verified today."""
    selectors.require_maintainer(actor)
    now = timezone.now()
    place = DirectoryPlace(last_verified_at=now, kind=kind)
    occupations = _apply(
        place,
        {
            "name": name,
            "region_code": region_code,
            "address": address,
            "opening_hours": opening_hours,
            "contact": contact,
            "operator": operator,
            "longitude": longitude,
            "latitude": latitude,
            "trades": trades,
            "trades_note": trades_note,
            "active": active,
        },
        actor,
    )
    place.save()
    place.trades.set(occupations or [])
    _version(place, actor, _("新增"), now)
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=place, note=f"零工市场名录：{place.name}")
    return place


def update_place(*, actor: Any, place_id: int, note: str = "", **changes: Any) -> DirectoryPlace:
    """Change an entry of the actor's region; nothing is written when nothing changes."""
    return _change(actor=actor, place_id=place_id, changes=changes, note=note)


def deactivate_place(*, actor: Any, place_id: int, reason: str = "") -> DirectoryPlace:
    """The place has stopped operating: it leaves the public list, its history stays."""
    note = _("停止运营") + (f"：{reason.strip()}" if reason.strip() else "")
    return _change(actor=actor, place_id=place_id, changes={"active": False}, note=note)


@transaction.atomic
def _change(*, actor: Any, place_id: int, changes: dict[str, Any], note: str) -> DirectoryPlace:
    place = selectors.get_staff_place(actor=actor, place_id=place_id, for_update=True)
    before = snapshot(place)
    occupations = _apply(place, changes, actor)
    after_trades = before["trades"] if occupations is None else sorted(o.code for o in occupations)
    after = {**_own_fields(place), "trades": after_trades}
    fields, changed_note = _changed_note(before, after)
    if not fields:
        return place
    now = timezone.now()
    place.save()
    if occupations is not None:
        place.trades.set(occupations)
    if not place.active:
        _resolve_stale_alerts(place.pk, now)
    _version(place, actor, note or changed_note, now)
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        obj=place,
        fields=fields,
        note=note or f"零工市场名录：{place.name}",
    )
    return place


@transaction.atomic
def verify_place(*, actor: Any, place_id: int) -> DirectoryPlace:
    """Staff checked the entry against the place itself: "核实无误". Resolves its stale reminder."""
    place = selectors.get_staff_place(actor=actor, place_id=place_id, for_update=True)
    now = timezone.now()
    place.last_verified_at = now
    place.save(update_fields=["last_verified_at", "updated_at"])
    _resolve_stale_alerts(place.pk, now)
    _version(place, actor, _("核实无误"), now)
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        obj=place,
        fields=["last_verified_at"],
        note=f"零工市场名录核实无误：{place.name}",
    )
    return place


# --- stale reminder ---------------------------------------------------------------------------------


def stale_alert_prefix(place_id: int) -> str:
    return f"directory-stale-{place_id}-"


def stale_alert_key(place: DirectoryPlace) -> str:
    """One alert per place per staleness period: the period is named by the last verification."""
    since = timezone.localdate(place.last_verified_at).isoformat() if place.last_verified_at else "never"
    return f"{stale_alert_prefix(place.pk)}{since}"


def raise_stale_alerts(*, now: dt.datetime | None = None) -> int:
    """Remind the staff of each region of its stale entries; return how many new alerts were raised."""
    days = selectors.stale_days()
    places = DirectoryPlace.objects.filter(selectors.stale_q(now), active=True).only(
        "pk", "name", "region_id", "last_verified_at"
    )
    created = 0
    for place in places.iterator():
        created += raise_alert(
            key=stale_alert_key(place),
            kind="directory_stale",
            region_code=place.region_id,
            message=_(
                "零工市场名录“%(name)s”已超过%(days)d天未核实：请核实地址、开放时间、工种和联系方式，"
                "无误后点击“核实无误”。"
            )
            % {"name": place.name, "days": days},
        )
    return created
