"""Administrative divisions loaded from core/data/divisions.csv (derived from cpca, see scripts/)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from django.test import Client

from lingong.accounts.models import Role
from lingong.conftest import make_user
from lingong.core import reference
from lingong.core.models import Division

pytestmark = pytest.mark.django_db

# Liaoning spans about 118°53'E-125°46'E and 38°43'N-43°26'N; a little margin for county seats.
LIAONING_BOX = {"longitude": (118.5, 126.0), "latitude": (38.5, 43.7)}


def build_script() -> ModuleType:
    path = Path(__file__).resolve().parents[3] / "scripts" / "build_divisions.py"
    spec = importlib.util.spec_from_file_location("build_divisions", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shenyang_districts_hang_under_shenyang() -> None:
    heping = Division.objects.get(code="210102")
    tiexi = Division.objects.get(code="210106")
    assert (heping.name, heping.level, heping.parent_id) == ("和平区", "county", "210100")
    assert (tiexi.name, tiexi.parent_id) == ("铁西区", "210100")
    assert heping.full_name == "辽宁省沈阳市和平区"
    assert heping.parent is not None and heping.parent.parent_id == "210000"


def test_grouping_rows_are_gone_and_their_children_attached_to_the_real_ancestor() -> None:
    placeholders = ["市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"]
    assert not Division.objects.filter(name__in=placeholders).exists()
    assert not Division.objects.filter(code__in=["110100", "500200", "429000"]).exists()
    dongcheng = Division.objects.get(code="110101")
    assert (dongcheng.parent_id, dongcheng.full_name) == ("110000", "北京市东城区")
    xiantao = Division.objects.get(code="429004")
    assert (xiantao.level, xiantao.parent_id, xiantao.full_name) == ("county", "420000", "湖北省仙桃市")


def test_levels_and_parents_are_consistent() -> None:
    assert Division.objects.filter(level="province").count() == 34
    assert not Division.objects.filter(level="province", parent__isnull=False).exists()
    assert not Division.objects.filter(level="city").exclude(parent__level="province").exists()
    assert not Division.objects.filter(level="county", parent__isnull=True).exists()
    assert not Division.objects.filter(level="county", parent__level="county").exists()


def test_every_province_and_city_has_coordinates() -> None:
    missing = Division.objects.exclude(level="county").filter(longitude__isnull=True)
    assert list(missing.values_list("code", flat=True)) == []


def test_every_liaoning_county_lies_in_liaoning() -> None:
    counties = list(Division.objects.filter(code__startswith="21", level="county"))
    assert len(counties) > 90
    for county in counties:
        assert county.longitude is not None and county.latitude is not None, county.code
        assert LIAONING_BOX["longitude"][0] < county.longitude < LIAONING_BOX["longitude"][1], county.code
        assert LIAONING_BOX["latitude"][0] < county.latitude < LIAONING_BOX["latitude"][1], county.code


def test_scope_prefix_of_loaded_divisions_contains_their_counties() -> None:
    shenyang = Division.objects.get(code="210100")
    assert shenyang.contains("210106")
    assert not shenyang.contains("210202")


def test_shenyang_fixture_finds_the_loaded_rows(shenyang: dict[str, Division]) -> None:
    assert shenyang["heping"].full_name == "辽宁省沈阳市和平区"
    assert shenyang["heping"].longitude is not None


def test_loading_twice_changes_nothing_and_restores_edited_rows() -> None:
    before = Division.objects.count()
    Division.objects.filter(code="210102").update(name="改过的名字", latitude=0)
    assert reference.load_divisions(Division) == before
    assert reference.load_divisions(Division) == before
    assert Division.objects.count() == before
    heping = Division.objects.get(code="210102")
    assert heping.name == "和平区" and heping.latitude == pytest.approx(41.79, abs=0.05)


def test_build_script_rules() -> None:
    rows = [
        {"adcode": "110000000000", "name": "北京市", "longitude": "116.4", "latitude": "39.9"},
        {"adcode": "110100000000", "name": "市辖区", "longitude": "116.4", "latitude": "39.9"},
        {"adcode": "110101000000", "name": "东城区", "longitude": "116.41", "latitude": "39.93"},
        {"adcode": "420000000000", "name": "湖北省", "longitude": "", "latitude": ""},
        {"adcode": "420100000000", "name": "武汉市", "longitude": "", "latitude": ""},
        {"adcode": "420101000000", "name": "市辖区", "longitude": "", "latitude": ""},
        {"adcode": "420102000000", "name": "江岸区", "longitude": "114.0", "latitude": "30.0"},
        {"adcode": "420103000000", "name": "江汉区", "longitude": "114.2", "latitude": "30.2"},
        {"adcode": "429000000000", "name": "省直辖县级行政区划", "longitude": "", "latitude": ""},
        {"adcode": "429004000000", "name": "仙桃市", "longitude": "113.4", "latitude": "30.4"},
    ]
    built = {d["code"]: d for d in build_script().build(rows)}
    assert set(built) == {"110000", "110101", "420000", "420100", "420102", "420103", "429004"}
    assert built["110101"]["parent"] == "110000"
    assert built["429004"]["parent"] == "420000"
    assert built["429004"]["full_name"] == "湖北省仙桃市"
    assert built["420102"]["full_name"] == "湖北省武汉市江岸区"
    assert (built["420100"]["longitude"], built["420100"]["latitude"]) == ("114.100000", "30.100000")
    assert built["420000"]["longitude"] == "113.750000"  # mean of 武汉市 (itself a mean) and 仙桃市


def test_back_office_shows_divisions_read_only(client: Client) -> None:
    admin = make_user(role=Role.ADMIN, region=None, phone="13900000009", name="管理员", is_superuser=True)
    client.force_login(admin)
    page = client.get("/admin/core/division/", {"q": "和平区"}).content.decode()
    assert "辽宁省沈阳市和平区" in page
    assert client.get("/admin/core/division/210102/change/").status_code == 200
    assert client.get("/admin/core/division/add/").status_code == 403
    assert client.post("/admin/core/division/210102/delete/", {"post": "yes"}).status_code == 403
    assert Division.objects.filter(code="210102").exists()
