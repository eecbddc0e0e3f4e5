"""API of the gig market directory (零工市场名录, 辽人社〔2022〕22号 第三条): public reads (no login,
the directory is published to everyone), staff writes inside their region."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from lingong.market.models import DirectoryPlace
from lingong.market.selectors import directory as selectors
from lingong.market.services import directory as services

router = Router(tags=["market-directory"])


class TradeOut(Schema):
    code: str
    name: str


class PlaceOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    region_code: str
    region_name: str
    address: str
    longitude: float | None
    latitude: float | None
    opening_hours: str
    trades: list[TradeOut]
    trades_note: str
    contact: str
    operator: str
    active: bool
    last_verified_at: dt.datetime | None
    stale: bool = Field(description="超过核实周期未核实（待核实）")
    distance_km: float | None = Field(None, description="与所给位置的直线距离（公里）")
    url: str = Field(description="名录页面地址（海报二维码指向此地址）")


class PlaceIn(Schema):
    kind: str
    name: str
    region_code: str = Field(description="县级行政区划代码")
    address: str
    opening_hours: str = Field(description="如 周一至周六 05:30-11:30")
    contact: str
    operator: str
    longitude: float | None = None
    latitude: float | None = None
    trades: list[str] = Field(default_factory=list, description="职业编码，如 4-10-01-01")
    trades_note: str = ""


class PlacePatch(Schema):
    kind: str | None = None
    name: str | None = None
    region_code: str | None = None
    address: str | None = None
    opening_hours: str | None = None
    contact: str | None = None
    operator: str | None = None
    longitude: float | None = None
    latitude: float | None = None
    trades: list[str] | None = None
    trades_note: str | None = None
    active: bool | None = None


def _out(request: HttpRequest, row: selectors.PlaceRow) -> dict[str, Any]:
    p = row.place
    return {
        "id": p.pk,
        "kind": p.kind,
        "kind_label": p.get_kind_display(),
        "name": p.name,
        "region_code": p.region_id,
        "region_name": str(p.region),
        "address": p.address,
        "longitude": p.longitude,
        "latitude": p.latitude,
        "opening_hours": p.opening_hours,
        "trades": [{"code": t.code, "name": t.name} for t in p.trades.all()],
        "trades_note": p.trades_note,
        "contact": p.contact,
        "operator": p.operator,
        "active": p.active,
        "last_verified_at": p.last_verified_at,
        "stale": row.stale,
        "distance_km": row.distance_km,
        "url": request.build_absolute_uri(reverse("market:directory_place", args=[p.pk])),
    }


def _staff_out(request: HttpRequest, place: DirectoryPlace) -> dict[str, Any]:
    fresh = DirectoryPlace.objects.select_related("region").prefetch_related("trades").get(pk=place.pk)
    return _out(request, selectors.PlaceRow(place=fresh, stale=selectors.is_stale(fresh)))


@router.get(
    "/directory", response=list[PlaceOut], auth=None, summary="零工市场名录（公开；可按位置由近及远排序）"
)
def list_places(
    request: HttpRequest,
    district: str | None = None,
    kind: str | None = None,
    occupation: str | None = None,
    lon: float | None = None,
    lat: float | None = None,
) -> list[dict[str, Any]]:
    """``district``: a county or city code (``210102``, ``210100``) or a code prefix (``2101``);
    ``occupation``: an occupation code or group (``4-10``); ``lon``/``lat``: nearest first."""
    rows = selectors.public_places(
        district=district,
        kind=kind,
        occupation=occupation,
        position=selectors.parse_position(lon, lat),
    )
    return [_out(request, r) for r in rows]


@router.get("/directory/{place_id}", response=PlaceOut, auth=None, summary="零工市场名录详情（公开）")
def get_place(request: HttpRequest, place_id: int) -> dict[str, Any]:
    return _out(request, selectors.get_public_place(place_id=place_id))


@router.post("/directory", response={201: PlaceOut}, summary="新增零工市场名录（工作人员，本辖区）")
def create_place(request: HttpRequest, payload: PlaceIn) -> Status[dict[str, Any]]:
    place = services.create_place(actor=request.user, **payload.dict())
    return Status(201, _staff_out(request, place))


@router.patch("/directory/{place_id}", response=PlaceOut, summary="修改零工市场名录（工作人员，本辖区）")
def patch_place(request: HttpRequest, place_id: int, payload: PlacePatch) -> dict[str, Any]:
    place = services.update_place(actor=request.user, place_id=place_id, **payload.dict(exclude_unset=True))
    return _staff_out(request, place)


@router.post("/directory/{place_id}/verify", response=PlaceOut, summary="核实无误（工作人员，本辖区）")
def verify_place(request: HttpRequest, place_id: int) -> dict[str, Any]:
    place = services.verify_place(actor=request.user, place_id=place_id)
    return _staff_out(request, place)
