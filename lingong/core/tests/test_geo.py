import pytest

from lingong.core.errors import DomainError
from lingong.core.geo import check_position, haversine_km
from lingong.core.scope import code_prefix


def test_distance_across_shenyang() -> None:
    # 和平区 to 铁西区 centres: about 7 km as the crow flies.
    assert haversine_km(123.4202, 41.7898, 123.3340, 41.8208) == pytest.approx(7.9, abs=0.3)


@pytest.mark.parametrize(
    ("lon", "lat", "code"),
    [
        (41.79, 123.41, "position_outside_china"),
        (2.35, 48.85, "position_outside_china"),
        (123.4, None, "position_incomplete"),
    ],
)
def test_one_position_rule_everywhere(lon: float | None, lat: float | None, code: str) -> None:
    with pytest.raises(DomainError) as info:
        check_position(lon, lat)
    assert info.value.code == code


def test_position_rounded_and_optional() -> None:
    assert check_position(123.42020049, 41.78980051) == (123.4202, 41.789801)
    assert check_position(None, None) is None


def test_code_prefix() -> None:
    assert [code_prefix(c) for c in ("210000", "210100", "210102")] == ["21", "2101", "210102"]
