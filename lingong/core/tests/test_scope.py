"""Region prefixes as ranges: the same rows as ``startswith``, for every kind of prefix."""

from __future__ import annotations

import pytest

from lingong.core.models import Division
from lingong.core.scope import NO_REGION, prefix_q

pytestmark = [pytest.mark.django_db]


@pytest.mark.parametrize("prefix", ["21", "2101", "210102", "2109", "19", "65", NO_REGION])
def test_prefix_range_selects_what_startswith_selects(prefix: str) -> None:
    by_range = set(Division.objects.filter(prefix_q("code", prefix)).values_list("code", flat=True))
    by_like = set(Division.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    assert by_range == by_like
    if prefix == "2101":  # Shenyang and its districts, not Dalian
        assert "210102" in by_range and "210200" not in by_range and len(by_range) > 10


def test_empty_prefix_selects_everything() -> None:
    assert Division.objects.filter(prefix_q("code", "")).count() == Division.objects.count()


def test_no_region_selects_nothing() -> None:
    assert not Division.objects.filter(prefix_q("code", NO_REGION)).exists()
