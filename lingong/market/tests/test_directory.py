"""The gig market directory (零工市场名录, 辽人社〔2022〕22号 第三条): published with address, hours,
trades and contacts; kept current by the staff of each district, every change on record."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

import lingong.market.admin_directory  # noqa: F401 - registers the admin before the URLconf loads
from lingong.accounts.models import User
from lingong.core.errors import DomainError, NotFound
from lingong.core.models import Alert, AuditEntry, Occupation
from lingong.market.models import DirectoryPlace, DirectoryPlaceVersion, PlaceKind
from lingong.market.qr import qr_svg
from lingong.market.services import directory as services
from lingong.market.tasks_directory import remind_stale_directory_places

pytestmark = pytest.mark.django_db

# A visitor standing on 兴华北街 in Tiexi.
IN_TIEXI = {"lon": "123.340", "lat": "41.800"}


@pytest.fixture
def trades(db: None) -> dict[str, Occupation]:
    """From the occupation catalogue the migrations load."""
    return {
        "cleaner": Occupation.objects.get(code="4-09-08-01", name="保洁员"),
        "mason": Occupation.objects.get(code="6-29-01-01", name="砌筑工"),
    }


def new_place(actor: User, **overrides: Any) -> DirectoryPlace:
    values: dict[str, Any] = {
        "kind": PlaceKind.COMMUNITY_STATION,
        "name": "和平区南市零工驿站",
        "region_code": "210102",
        "address": "沈阳市和平区南京南街18号",
        "opening_hours": "周一至周六 05:30-11:30",
        "contact": "024-23456789",
        "operator": "和平区就业服务中心",
        "longitude": 123.43,
        "latitude": 41.78,
        "trades": ["4-09-08-01"],
    }
    values.update(overrides)
    return services.create_place(actor=actor, **values)


@pytest.fixture
def places(heping_staff: User, tiexi_staff: User, trades: dict[str, Occupation]) -> dict[str, DirectoryPlace]:
    return {
        "nanshi": new_place(heping_staff),
        "beishi": new_place(
            heping_staff,
            name="和平区北市场零工服务站",
            kind=PlaceKind.SERVICE_STATION,
            address="沈阳市和平区北市场街1号",
            contact="服务电话 13900001111 转 2",
            longitude=None,
            latitude=None,
            trades=[],
            trades_note="搬运、装卸",
        ),
        "tiexi": new_place(
            tiexi_staff,
            name="铁西区劳务市场",
            kind=PlaceKind.MARKET,
            region_code="210106",
            address="沈阳市铁西区兴华北街7号",
            contact="024-25678901",
            operator="沈阳兴华人力资源有限公司",
            longitude=123.35,
            latitude=41.80,
            trades=["6-29-01-01", "4-09-08-01"],
        ),
    }


def grant(user: User, *codenames: str) -> User:
    perms = Permission.objects.filter(content_type__app_label="market", codename__in=codenames)
    user.user_permissions.add(*perms)
    return User.objects.get(pk=user.pk)


def make_stale(place: DirectoryPlace, days: int = 120) -> None:
    DirectoryPlace.objects.filter(pk=place.pk).update(
        last_verified_at=timezone.now() - dt.timedelta(days=days)
    )


# --- the public page --------------------------------------------------------------------------------


def test_public_list_groups_places_by_district(client: Client, places: dict[str, DirectoryPlace]) -> None:
    page = client.get("/market/directory/").content.decode()
    assert page.index("和平区") < page.index("和平区南市零工驿站") < page.index("铁西区劳务市场")
    assert len(re.findall('data-testid="directory-district"', page)) == 2
    for text in (
        "社区零工驿站",
        "沈阳市和平区南京南街18号",
        "周一至周六 05:30-11:30",
        "保洁员",
        "和平区就业服务中心",
        f"最近核实：{timezone.localdate():%Y-%m-%d}",
    ):
        assert text in page
    assert 'href="tel:024-23456789"' in page or 'href="tel:02423456789"' in page
    assert 'href="tel:13900001111"' in page  # the number, not the extension text
    assert "搬运、装卸" in page
    assert "待核实" not in page
    assert "公里" not in page  # no position, no distances


def test_public_list_nearest_first_with_a_position(client: Client, places: dict[str, DirectoryPlace]) -> None:
    page = client.get("/market/directory/", IN_TIEXI).content.decode()
    # Tiexi's market is 0.8 km away, Nanshi 7.7 km; Beishi has no coordinates and comes last.
    order = [page.index(name) for name in ("铁西区劳务市场", "和平区南市零工驿站", "和平区北市场零工服务站")]
    assert order == sorted(order)
    assert "约 0.8 公里" in page
    assert "已按与您的距离由近及远排列" in page
    assert 'name="lon" value="123.34000"' in page  # kept when the visitor then picks a district


def test_public_list_filters_by_district_without_javascript(
    client: Client, places: dict[str, DirectoryPlace]
) -> None:
    page = client.get("/market/directory/", {"district": "210106"}).content.decode()
    assert "铁西区劳务市场" in page and "和平区南市零工驿站" not in page
    assert 'id="use-location" hidden' in page  # shown by the script only where geolocation exists


def test_a_bad_position_is_a_note_not_an_error(client: Client, places: dict[str, DirectoryPlace]) -> None:
    response = client.get("/market/directory/", {"lon": "41.8", "lat": "123.3"})  # swapped
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-code="position_invalid"' in page
    assert "铁西区劳务市场" in page


def test_stale_and_inactive_places(
    client: Client, places: dict[str, DirectoryPlace], heping_staff: User
) -> None:
    make_stale(places["nanshi"])
    services.deactivate_place(actor=heping_staff, place_id=places["beishi"].pk, reason="场地拆迁")
    page = client.get("/market/directory/").content.decode()
    assert "待核实" in page
    assert "和平区北市场零工服务站" not in page
    assert client.get(f"/market/directory/{places['beishi'].pk}/").status_code == 404


def test_public_list_query_count(
    client: Client, places: dict[str, DirectoryPlace], heping_staff: User, django_assert_num_queries: Any
) -> None:
    for i in range(5):
        new_place(heping_staff, name=f"和平区零工驿站{i}")
    # places, their trades, the districts of the filter: however many places there are
    with django_assert_num_queries(3):
        client.get("/market/directory/", IN_TIEXI)


# --- printed matter and export -----------------------------------------------------------------------


def test_print_page_is_a_clean_a4_sheet(client: Client, places: dict[str, DirectoryPlace]) -> None:
    page = client.get("/market/directory/print/").content.decode()
    assert "@page { size: A4" in page
    assert 'class="main"' not in page  # no site navigation on a notice board
    assert len(re.findall('data-testid="print-row"', page)) == 3
    assert qr_svg("http://testserver/market/directory/", size_mm=30) in page


def test_place_page_and_poster_carry_a_qr_code_to_the_place(
    client: Client, places: dict[str, DirectoryPlace]
) -> None:
    pk = places["tiexi"].pk
    url = f"http://testserver/market/directory/{pk}/"
    detail = client.get(f"/market/directory/{pk}/").content.decode()
    assert qr_svg(url, size_mm=40) in detail
    assert f'href="/market/directory/{pk}/poster/"' in detail
    poster = client.get(f"/market/directory/{pk}/poster/").content.decode()
    assert qr_svg(url, size_mm=80) in poster
    assert '<svg width="80mm" height="80mm"' in poster
    assert "铁西区劳务市场" in poster and "砌筑工" in poster and url in poster
    assert client.get("/market/directory/99999/poster/").status_code == 404


def test_qr_svg_is_sized_and_self_contained() -> None:
    svg = qr_svg("https://lingong.example.cn/market/directory/1/", size_mm=50)
    assert svg.startswith('<svg width="50mm" height="50mm"')
    assert svg.endswith("</svg>")
    assert "<?xml" not in svg and "id=" not in svg


def test_excel_export_rows(client: Client, places: dict[str, DirectoryPlace]) -> None:
    response = client.get("/market/directory/export.xlsx", {"district": "2101"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active  # type: ignore[attr-defined]
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("区县", "名称", "类型", "地址")
    assert [r[1] for r in rows[1:]] == ["和平区北市场零工服务站", "和平区南市零工驿站", "铁西区劳务市场"]
    tiexi = rows[3]
    assert tiexi[5] == "砌筑工、保洁员" or tiexi[5] == "保洁员、砌筑工"
    assert tiexi[7] == "024-25678901"


# --- staff: scope, versions, validation -------------------------------------------------------------


def test_every_change_leaves_a_version_and_an_audit_entry(
    places: dict[str, DirectoryPlace], heping_staff: User
) -> None:
    place = places["nanshi"]
    first = DirectoryPlaceVersion.objects.get(place=place)
    assert first.note == "新增" and first.changed_by == heping_staff
    assert first.data["trades"] == ["4-09-08-01"] and first.data["region_code"] == "210102"

    services.update_place(actor=heping_staff, place_id=place.pk, opening_hours="每天 05:00-10:00")
    services.update_place(actor=heping_staff, place_id=place.pk, opening_hours="每天 05:00-10:00")  # no-op
    services.update_place(actor=heping_staff, place_id=place.pk, trades=["4-09-08-01", "6-29-01-01"])
    services.verify_place(actor=heping_staff, place_id=place.pk)
    services.deactivate_place(actor=heping_staff, place_id=place.pk)

    versions = DirectoryPlaceVersion.objects.filter(place=place).order_by("pk")
    notes = list(versions.values_list("note", flat=True))
    assert notes == ["新增", "修改：开放时间", "修改：服务工种", "核实无误", "停止运营"]
    last = DirectoryPlaceVersion.objects.filter(place=place).latest("pk")
    assert last.data["opening_hours"] == "每天 05:00-10:00" and last.data["active"] is False
    assert last.data["trades"] == ["4-09-08-01", "6-29-01-01"]
    entries = AuditEntry.objects.filter(object_type="market.directoryplace", object_id=str(place.pk))
    assert entries.count() == 5
    assert entries.filter(action="change", fields=["opening_hours"]).exists()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"region_code": "210100"}, "region_not_county"),
        ({"region_code": "999999"}, "region_unknown"),
        ({"longitude": 41.8, "latitude": 123.4}, "position_outside_china"),
        ({"longitude": None}, "position_incomplete"),
        ({"opening_hours": "  "}, "opening_hours_required"),
        ({"contact": ""}, "contact_required"),
        ({"kind": "tea_house"}, "kind_unknown"),
        ({"trades": ["9-99"]}, "trade_unknown"),
        ({"owner": "x"}, "field_unknown"),
    ],
)
def test_validation_in_chinese(
    places: dict[str, DirectoryPlace], city_staff: User, changes: dict[str, Any], code: str
) -> None:
    with pytest.raises(DomainError) as caught:
        services.update_place(actor=city_staff, place_id=places["nanshi"].pk, **changes)
    assert caught.value.code == code
    assert re.search(r"[\u4e00-\u9fff]", caught.value.message)
    assert DirectoryPlaceVersion.objects.filter(place=places["nanshi"]).count() == 1


def test_staff_of_another_county_cannot_change_an_entry(
    places: dict[str, DirectoryPlace], tiexi_staff: User, heping_worker: User
) -> None:
    pk = places["nanshi"].pk
    with pytest.raises(NotFound):
        services.update_place(actor=tiexi_staff, place_id=pk, name="改名")
    with pytest.raises(NotFound):
        services.verify_place(actor=tiexi_staff, place_id=pk)
    with pytest.raises(DomainError) as caught:  # nor move their own entry into Heping
        services.update_place(actor=tiexi_staff, place_id=places["tiexi"].pk, region_code="210102")
    assert caught.value.code == "region_out_of_scope"
    with pytest.raises(DomainError) as caught:
        new_place(heping_worker)
    assert caught.value.code == "directory_forbidden"


def test_city_staff_maintain_every_district_of_the_city(
    places: dict[str, DirectoryPlace], city_staff: User
) -> None:
    services.verify_place(actor=city_staff, place_id=places["tiexi"].pk)
    services.update_place(actor=city_staff, place_id=places["nanshi"].pk, region_code="210106")
    assert DirectoryPlace.objects.get(pk=places["nanshi"].pk).region_id == "210106"


# --- the staff page ---------------------------------------------------------------------------------


def test_staff_page_lists_stale_first_and_verifies(
    client: Client, places: dict[str, DirectoryPlace], heping_staff: User
) -> None:
    make_stale(places["nanshi"])
    client.force_login(heping_staff)
    page = client.get("/market/directory/manage/").content.decode()
    assert "铁西区劳务市场" not in page
    assert page.index("和平区南市零工驿站") < page.index("和平区北市场零工服务站")
    assert "待核实" in page
    response = client.post(f"/market/directory/{places['nanshi'].pk}/verify/", follow=True)
    assert "已核实：和平区南市零工驿站" in response.content.decode()
    assert "待核实" not in response.content.decode()


def test_staff_page_is_for_staff_of_the_region(
    client: Client, places: dict[str, DirectoryPlace], tiexi_staff: User, heping_worker: User
) -> None:
    assert client.get("/market/directory/manage/").status_code == 302  # to the login page
    client.force_login(heping_worker)
    assert client.get("/market/directory/manage/").status_code == 403
    client.force_login(tiexi_staff)
    before = DirectoryPlace.objects.get(pk=places["nanshi"].pk).last_verified_at
    assert client.post(f"/market/directory/{places['nanshi'].pk}/verify/").status_code == 404
    assert DirectoryPlace.objects.get(pk=places["nanshi"].pk).last_verified_at == before
    assert client.get(f"/market/directory/{places['nanshi'].pk}/verify/").status_code == 405


# --- the back office --------------------------------------------------------------------------------

ADMIN_PERMS = ("view_directoryplace", "add_directoryplace", "change_directoryplace")


def admin_form(place: DirectoryPlace | None = None, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "public_hall",
        "name": "和平区人力资源市场零工专区",
        "region": "210102",
        "address": "沈阳市和平区太原街2号",
        "longitude": "123.41",
        "latitude": "41.79",
        "opening_hours": "工作日 06:00-11:00",
        "trades": ["4-09-08-01"],
        "trades_note": "",
        "contact": "024-22223333",
        "operator": "和平区就业服务中心",
        "active": "on",
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
    }
    if place is not None:
        count = place.versions.count()
        data.update({"versions-TOTAL_FORMS": str(count), "versions-INITIAL_FORMS": str(count)})
        for i, version in enumerate(place.versions.all()):
            data[f"versions-{i}-id"] = str(version.pk)
            data[f"versions-{i}-place"] = str(place.pk)
    data.update(overrides)
    return data


def test_admin_add_and_change_write_versions(
    client: Client, places: dict[str, DirectoryPlace], heping_staff: User
) -> None:
    client.force_login(grant(heping_staff, *ADMIN_PERMS))
    response = client.post("/admin/market/directoryplace/add/", admin_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    place = DirectoryPlace.objects.get(name="和平区人力资源市场零工专区")
    assert [v.note for v in place.versions.all()] == ["新增"]
    assert place.last_verified_at is not None

    url = f"/admin/market/directoryplace/{place.pk}/change/"
    page = client.get(url).content.decode()
    assert "修改记录" in page and "新增" in page
    response = client.post(url, admin_form(place, opening_hours="工作日 05:30-11:00", trades=[]))
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.opening_hours == "工作日 05:30-11:00"
    assert list(place.trades.all()) == []
    assert place.versions.first().note == "修改：开放时间、服务工种"  # type: ignore[union-attr]


def test_admin_shows_validation_in_chinese(
    client: Client, places: dict[str, DirectoryPlace], heping_staff: User
) -> None:
    client.force_login(grant(heping_staff, *ADMIN_PERMS))
    swapped = admin_form(longitude="41.79", latitude="123.41")
    response = client.post("/admin/market/directoryplace/add/", swapped)
    assert response.status_code == 200
    assert "位置不在中国境内" in response.content.decode()
    assert not DirectoryPlace.objects.filter(name="和平区人力资源市场零工专区").exists()


def test_admin_is_scoped_and_verifies(
    client: Client, places: dict[str, DirectoryPlace], heping_staff: User, tiexi_staff: User
) -> None:
    make_stale(places["nanshi"])
    make_stale(places["tiexi"])
    client.force_login(grant(heping_staff, *ADMIN_PERMS))
    listing = client.get("/admin/market/directoryplace/", {"stale": "yes"}).content.decode()
    assert "和平区南市零工驿站" in listing and "和平区北市场零工服务站" not in listing
    assert "铁西区劳务市场" not in listing

    tiexi_url = f"/admin/market/directoryplace/{places['tiexi'].pk}/change/"
    assert client.get(tiexi_url).status_code == 302  # "doesn't exist"
    client.post(tiexi_url, admin_form(places["tiexi"], name="被改名", region="210102"))
    assert DirectoryPlace.objects.get(pk=places["tiexi"].pk).name == "铁西区劳务市场"

    response = client.post(
        "/admin/market/directoryplace/",
        {"action": "verify", "_selected_action": [places["nanshi"].pk, places["tiexi"].pk]},
        follow=True,
    )
    assert "已核实 1 处" in response.content.decode()
    tiexi_verified = DirectoryPlace.objects.get(pk=places["tiexi"].pk).last_verified_at
    assert tiexi_verified is not None and tiexi_verified < timezone.now() - dt.timedelta(days=100)
    assert places["nanshi"].versions.first().note == "核实无误"  # type: ignore[union-attr]
    assert (
        client.get("/admin/market/directoryplace/", {"stale": "yes"})
        .content.decode()
        .count("和平区南市零工驿站")
        == 0
    )


# --- the stale reminder -----------------------------------------------------------------------------


def test_stale_reminder_is_raised_once_and_resolved_by_verifying(
    places: dict[str, DirectoryPlace], heping_staff: User, settings: Any
) -> None:
    settings.LINGONG_DIRECTORY_STALE_DAYS = 30
    make_stale(places["nanshi"], days=31)
    remind_stale_directory_places()
    remind_stale_directory_places()
    alert = Alert.objects.get()
    assert alert.kind == "directory_stale" and alert.region_code == "210102"
    assert "和平区南市零工驿站" in alert.message and "30天" in alert.message
    assert alert.resolved_at is None

    services.verify_place(actor=heping_staff, place_id=places["nanshi"].pk)
    alert.refresh_from_db()
    assert alert.resolved_at is not None
    remind_stale_directory_places()
    assert Alert.objects.count() == 1

    # Stale again a period later: a new reminder, for the new period.
    make_stale(places["nanshi"], days=45)
    remind_stale_directory_places()
    assert Alert.objects.filter(resolved_at__isnull=True).count() == 1
    assert Alert.objects.count() == 2


def test_stale_reminder_skips_inactive_and_fresh_places(
    places: dict[str, DirectoryPlace], heping_staff: User
) -> None:
    assert services.raise_stale_alerts() == 0
    make_stale(places["beishi"])
    services.deactivate_place(actor=heping_staff, place_id=places["beishi"].pk)
    assert services.raise_stale_alerts() == 0
    DirectoryPlace.objects.filter(pk=places["tiexi"].pk).update(last_verified_at=None)
    assert services.raise_stale_alerts() == 1
    assert Alert.objects.get().key == f"directory-stale-{places['tiexi'].pk}-never"


# --- the API ----------------------------------------------------------------------------------------

API = "/api/v1/market/directory"


def post_json(client: Client, url: str, data: Any = None, method: str = "post") -> Any:
    return getattr(client, method)(url, data=json.dumps(data or {}), content_type="application/json")


def test_api_public_list_and_filters(client: Client, places: dict[str, DirectoryPlace]) -> None:
    response = client.get(API)
    assert response.status_code == 200
    by_district = ["和平区北市场零工服务站", "和平区南市零工驿站", "铁西区劳务市场"]
    assert [p["name"] for p in response.json()] == by_district
    nearest = client.get(API, IN_TIEXI).json()
    assert nearest[0]["name"] == "铁西区劳务市场"
    assert nearest[0]["distance_km"] == 0.8 and nearest[-1]["distance_km"] is None
    assert nearest[0]["url"] == f"http://testserver/market/directory/{places['tiexi'].pk}/"
    assert {t["name"] for t in nearest[0]["trades"]} == {"砌筑工", "保洁员"}

    def names(**params: str) -> list[str]:
        return [p["name"] for p in client.get(API, params).json()]

    assert names(district="210106") == ["铁西区劳务市场"]
    assert len(names(district="210100")) == 3  # a city code means its districts
    assert len(names(district="2101")) == 3
    assert names(district="210202") == []
    assert names(kind="market") == ["铁西区劳务市场"]
    assert names(occupation="6-29-01-01") == ["铁西区劳务市场"]
    assert names(occupation="4-09") == ["和平区南市零工驿站", "铁西区劳务市场"]  # a group: what is inside


def test_api_error_codes(client: Client, places: dict[str, DirectoryPlace]) -> None:
    assert client.get(API, {"lon": "200", "lat": "41"}).json()["code"] == "position_invalid"
    assert client.get(API, {"kind": "tea_house"}).status_code == 400
    assert client.get(API, {"district": "和平"}).json()["code"] == "region_unknown"
    assert client.get(f"{API}/{places['nanshi'].pk}").json()["name"] == "和平区南市零工驿站"
    assert client.get(f"{API}/99999").status_code == 404
    assert post_json(client, API, {"name": "x"}).status_code == 401
    assert post_json(client, f"{API}/{places['nanshi'].pk}/verify").status_code == 401


def test_api_staff_create_patch_verify(
    client: Client,
    places: dict[str, DirectoryPlace],
    heping_staff: User,
    tiexi_staff: User,
    heping_worker: User,
) -> None:
    body = {
        "kind": "community_station",
        "name": "和平区长白零工驿站",
        "region_code": "210102",
        "address": "沈阳市和平区长白岛",
        "opening_hours": "周一至周日 06:00-10:00",
        "contact": "024-21112222",
        "operator": "长白街道",
        "trades": ["4-09-08-01"],
    }
    client.force_login(heping_worker)
    assert post_json(client, API, body).json()["code"] == "directory_forbidden"

    client.force_login(heping_staff)
    bad = post_json(client, API, {**body, "region_code": "210100"})
    assert bad.status_code == 400 and bad.json()["code"] == "region_not_county"
    assert bad.json()["field"] == "region_code"
    assert post_json(client, API, {**body, "region_code": "210106"}).status_code == 403
    created = post_json(client, API, body)
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["stale"] is False

    patched = post_json(client, f"{API}/{pk}", {"contact": "024-21113333"}, method="patch")
    assert patched.status_code == 200 and patched.json()["contact"] == "024-21113333"
    assert post_json(client, f"{API}/{pk}/verify").status_code == 200
    assert DirectoryPlaceVersion.objects.filter(place_id=pk).count() == 3

    client.force_login(tiexi_staff)
    assert post_json(client, f"{API}/{pk}", {"contact": "1"}, method="patch").status_code == 404
    assert post_json(client, f"{API}/{pk}/verify").status_code == 404
    assert DirectoryPlace.objects.get(pk=pk).contact == "024-21113333"

    client.force_login(heping_staff)
    post_json(client, f"{API}/{pk}", {"active": False}, method="patch")
    assert client.get(f"{API}/{pk}").status_code == 404  # no longer published
