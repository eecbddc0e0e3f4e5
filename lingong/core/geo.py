"""Positions: the great-circle distance, and a rough check that a position lies in China.

Every distance on the platform (near me, the 15-minute service circle, check-in radius) and every
coordinate check goes through here, so they agree.
"""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088

#: A rough box around China (the South China Sea islands included): a position outside it is a
#: typo, a swapped pair or a zero, not a place our users work.
CHINA_LONGITUDE = (73.0, 136.0)
CHINA_LATITUDE = (3.0, 54.0)


def in_china(longitude: float, latitude: float) -> bool:
    return (
        math.isfinite(longitude)
        and math.isfinite(latitude)
        and CHINA_LONGITUDE[0] <= longitude <= CHINA_LONGITUDE[1]
        and CHINA_LATITUDE[0] <= latitude <= CHINA_LATITUDE[1]
    )


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance; a few metres off at city scale, which is all we need."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def check_position(longitude: float | None, latitude: float | None) -> tuple[float, float] | None:
    """A position as entered (both or neither), rounded to 6 decimals (about 0.1 m), or a clear
    Chinese error: the same rule and the same codes wherever a place is entered."""
    from django.utils.translation import gettext as _

    from lingong.core.errors import DomainError

    if longitude is None and latitude is None:
        return None
    if longitude is None or latitude is None:
        raise DomainError("position_incomplete", _("经度和纬度须同时填写，或都不填。"), field="longitude")
    if not in_china(longitude, latitude):
        raise DomainError(
            "position_outside_china",
            _("位置不在中国境内：请检查经度（73～136）和纬度（3～54）是否填反。"),
            field="longitude",
        )
    return round(longitude, 6), round(latitude, 6)
