"""The occupation catalogue and its search by name, common name, pinyin and initials."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lingong.accounts.models import Role
from lingong.conftest import make_user
from lingong.core import reference
from lingong.core.models import Occupation
from lingong.core.occupations import romanize, search_occupations

pytestmark = pytest.mark.django_db


def first(query: str) -> Occupation:
    results = search_occupations(query)
    assert results, query
    return results[0]


class TestSearch:
    def test_chinese_name_prefix(self) -> None:
        assert first("保洁").code == "4-09-08-01"

    def test_pinyin_any_case(self) -> None:
        assert first("baojie").name == "保洁员"
        assert first("BaoJie").name == "保洁员"
        assert first("bao jie").name == "保洁员"

    def test_initials(self) -> None:
        assert first("bjy").name == "保洁员"
        assert first("JZFWY").name == "家政服务员"

    def test_common_names(self) -> None:
        assert (first("外卖").name, first("外卖").code) == ("网约配送员", "4-10-08-01")
        assert first("主播").name == "互联网营销师"
        assert first("直播销售员").name == "互联网营销师"
        assert first("保姆").name == "家政服务员"
        assert first("月嫂").name == "家政服务员"
        assert first("力工").name == "装卸搬运工"
        assert first("瓦工").name == "砌筑工"
        assert first("网约车司机").name == "客运车辆驾驶员"

    def test_exact_name_comes_before_longer_names(self) -> None:
        assert first("电工").code == "6-31-01-03"
        assert first("焊工").code == "6-18-02-04"

    def test_name_matches_come_before_common_names(self) -> None:
        names = [o.name for o in search_occupations("保洁")]
        assert names[0] == "保洁员"
        assert "客房服务员" in names  # by its common name 客房保洁, after the name match

    def test_detailed_occupations_come_before_their_groups(self) -> None:
        names = [o.name for o in search_occupations("家政")]
        assert names[0] == "家政服务员"

    def test_blank_query_and_limit(self) -> None:
        assert search_occupations("  ") == []
        assert len(search_occupations("工", limit=3)) == 3

    def test_one_query(self, django_assert_num_queries: Any) -> None:
        with django_assert_num_queries(1):
            search_occupations("yangl")


class TestCatalogue:
    def test_codes_and_parents(self) -> None:
        carer = Occupation.objects.select_related("parent__parent__parent").get(code="4-10-01-05")
        assert carer.name == "养老护理员"
        assert carer.parent is not None and carer.parent.name == "生活照料服务人员"
        assert carer.parent.parent is not None and carer.parent.parent.code == "4-10"
        assert not Occupation.objects.filter(code__contains="-", parent__isnull=True).exists()
        assert set(Occupation.objects.filter(parent__isnull=True).values_list("code", flat=True)) == {
            str(n) for n in range(1, 9)
        }

    def test_new_occupations_are_marked_with_their_batch(self) -> None:
        rider = Occupation.objects.get(name="网约配送员")
        assert (rider.is_new, rider.announced, rider.common_in_flexible_work) == (True, "2020-02", True)
        batches = set(Occupation.objects.filter(is_new=True).values_list("announced", flat=True))
        assert batches == {"2019-04", "2020-02", "2020-07", "2021-03", "2022-06"}
        assert not Occupation.objects.filter(is_new=True, code__regex=r"^\d(-\d\d){0,2}$").exists()

    def test_pinyin_is_computed_at_load(self) -> None:
        cleaner = Occupation.objects.get(code="4-09-08-01")
        assert (cleaner.pinyin, cleaner.initials) == ("baojieyuan", "bjy")
        assert romanize("调饮师") == ("tiaoyinshi", "tys")
        assert romanize("畜禽饲养人员")[0].startswith("xuqin")

    def test_loading_twice_gives_the_same_catalogue(self) -> None:
        count = Occupation.objects.count()
        Occupation.objects.filter(code="4-09-08-01").update(aliases="", pinyin="")
        assert reference.load_occupations(Occupation) == count
        assert reference.load_occupations(Occupation) == count
        assert Occupation.objects.count() == count
        cleaner = Occupation.objects.get(code="4-09-08-01")
        assert cleaner.pinyin == "baojieyuan" and "保洁阿姨" in cleaner.aliases.split()


class TestBackOffice:
    def test_search_by_pinyin_and_edit_recomputes_it(self, client: Client) -> None:
        admin = make_user(role=Role.ADMIN, region=None, phone="13900000009", name="管理员", is_superuser=True)
        client.force_login(admin)
        page = client.get("/admin/core/occupation/", {"q": "baojie"}).content.decode()
        assert "保洁员" in page
        response = client.post(
            "/admin/core/occupation/4-09-08-01/change/",
            {
                "code": "4-09-08-01",
                "name": "保洁员",
                "parent": "4-09-08",
                "aliases": "保洁 清洁工 家庭保洁",
                "announced": "",
                "common_in_flexible_work": "on",
            },
        )
        assert response.status_code == 302, response.content.decode()
        cleaner = Occupation.objects.get(code="4-09-08-01")
        assert cleaner.aliases == "保洁 清洁工 家庭保洁"
        assert (cleaner.pinyin, cleaner.initials) == ("baojieyuan", "bjy")
        assert first("家庭保洁") == cleaner
