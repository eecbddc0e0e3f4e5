"""The flexible workers' needs database (辽人社〔2022〕22号 第六条) and employer verification."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from lingong.accounts.models import Role, User
from lingong.conftest import make_user
from lingong.core.errors import DomainError
from lingong.core.models import AuditEntry, Division
from lingong.market.models import EmployerProfile, Group, Need, WorkerProfile
from lingong.market.selectors import profiles as selectors
from lingong.market.services import profiles as services
from lingong.market.tests.conftest_hiring import CLEANER, employer, other_employer  # noqa: F401

pytestmark = pytest.mark.django_db

NURSE = "4-10-01-05"  # 养老护理员, also in 4-10-01


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the ",a,b," sets ------------------------------------------------------------------------------


def test_choice_sets_round_trip_sorted_and_reject_unknown_values() -> None:
    stored = services.write_choices(["startup", "training", "startup"], Need, field="needs")
    assert stored == ",startup,training,"
    assert services.read_choices(stored) == {"startup", "training"}
    assert services.write_choices([], Need, field="needs") == ""
    assert services.read_choices("") == set()
    with pytest.raises(DomainError) as exc:
        services.write_choices(["flying"], Need, field="needs")
    assert exc.value.code == "choice_unknown"


# --- the worker's own profile ----------------------------------------------------------------------


def test_worker_fills_in_their_profile(heping_worker: User) -> None:
    profile = services.update_worker_profile(
        actor=heping_worker,
        worker_id=heping_worker.pk,
        occupations=[CLEANER, NURSE],
        skills="  会做饭   照顾老人 ",
        availability={"1": ["08:00-12:00", "13:00-17:00"], 6: "09:00-11:30"},
        available_now=True,
        expected_wage_yuan="180.5",
        expected_wage_type="day",
        longitude=123.4194,
        latitude=41.7968,
        travel_minutes=30,
        travel_mode="transit",
        insurance="pension",
        needs=["training", "social_insurance"],
        groups=["employment_difficulty"],
        certificates=[{"name": "养老护理员（四级）", "number": "S2021"}],
    )
    profile.refresh_from_db()
    assert profile.expected_wage_fen == 18050
    assert profile.skills == "会做饭 照顾老人"
    assert profile.availability == {"1": ["08:00-12:00", "13:00-17:00"], "6": ["09:00-11:30"]}
    assert profile.needs == ",social_insurance,training,"
    assert profile.groups == ",employment_difficulty,"
    assert set(profile.occupations.values_list("code", flat=True)) == {CLEANER, NURSE}
    assert profile.certificates == [{"name": "养老护理员（四级）", "number": "S2021", "issued_on": ""}]
    # A worker's own changes are theirs: no audit entry about them.
    assert not AuditEntry.objects.filter(object_type="market.workerprofile").exists()

    view = selectors.profile_view(profile)
    assert view.phone == "138****5678"
    assert view.needs_labels == ["社会保险", "技能培训"]
    assert view.expected_wage_yuan == "180.5"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"availability": {"1": ["8-12"]}}, "availability_invalid"),
        ({"availability": {"1": ["12:00-08:00"]}}, "availability_invalid"),
        ({"availability": {"8": ["08:00-12:00"]}}, "availability_invalid"),
        ({"longitude": 2.35, "latitude": 48.85}, "position_outside_china"),
        ({"longitude": 41.79, "latitude": 123.41}, "position_outside_china"),  # swapped
        ({"longitude": 123.4}, "position_incomplete"),
        ({"expected_wage_yuan": "-5"}, "wage_invalid"),
        ({"expected_wage_yuan": "18.555"}, "wage_invalid"),
        ({"expected_wage_yuan": "两百"}, "wage_invalid"),
        ({"occupations": ["9-99-99-99"]}, "occupation_unknown"),
        ({"groups": ["astronaut"]}, "choice_unknown"),
        ({"travel_minutes": 0}, "travel_invalid"),
        ({"insurance": "gold"}, "choice_unknown"),
    ],
)
def test_invalid_profile_input_is_refused_and_nothing_saved(
    heping_worker: User, changes: dict[str, Any], code: str
) -> None:
    with pytest.raises(DomainError) as exc:
        services.update_worker_profile(
            actor=heping_worker, worker_id=heping_worker.pk, skills="保洁", **changes
        )
    assert exc.value.code == code
    assert not WorkerProfile.objects.filter(user=heping_worker, skills="保洁").exists()


def test_a_worker_cannot_change_someone_elses_profile(heping_worker: User, tiexi_worker: User) -> None:
    with pytest.raises(DomainError) as exc:
        services.update_worker_profile(actor=heping_worker, worker_id=tiexi_worker.pk, skills="x")
    assert exc.value.code == "staff_only"


def test_staff_change_a_profile_in_their_region_and_it_is_audited(
    heping_staff: User, heping_worker: User
) -> None:
    services.update_worker_profile(
        actor=heping_staff, worker_id=heping_worker.pk, needs=["legal_aid"], occupations=[CLEANER]
    )
    entry = AuditEntry.objects.get(object_type="market.workerprofile")
    assert entry.actor == heping_staff
    assert entry.action == AuditEntry.Action.CHANGE
    assert entry.region_code == "210102"
    assert set(entry.fields) == {"needs", "occupations"}
    # Saving the same values again changes nothing and writes nothing.
    services.update_worker_profile(actor=heping_staff, worker_id=heping_worker.pk, needs=["legal_aid"])
    assert AuditEntry.objects.filter(object_type="market.workerprofile").count() == 1


def test_staff_of_another_county_get_not_found(tiexi_staff: User, heping_worker: User) -> None:
    with pytest.raises(DomainError) as exc:
        services.update_worker_profile(actor=tiexi_staff, worker_id=heping_worker.pk, skills="x")
    assert exc.value.code == "not_found"
    assert exc.value.status == 404


# --- the staff's search and export -------------------------------------------------------------------


@pytest.fixture
def database(shenyang: dict[str, Division], heping_worker: User, tiexi_worker: User) -> dict[str, User]:
    """Four workers' profiles: two in Heping, one in Tiexi, one in Dalian's Zhongshan."""
    zhongshan = make_user(role=Role.WORKER, region=shenyang["zhongshan"], phone="13512340000", name="周敏")
    heping_2 = make_user(role=Role.WORKER, region=shenyang["heping"], phone="13512340001", name="吴刚")
    rows: list[tuple[User, list[str], dict[str, Any]]] = [
        (heping_worker, [CLEANER], {"groups": ["employment_difficulty"], "needs": ["training"]}),
        (heping_2, [NURSE], {"available_now": True, "needs": ["training", "legal_aid"]}),
        (tiexi_worker, ["4-02-07-08"], {"available_now": True, "groups": ["recent_graduate"]}),
        (zhongshan, [CLEANER], {"groups": ["employment_difficulty"]}),
    ]
    for worker, codes, extra in rows:
        services.update_worker_profile(actor=worker, worker_id=worker.pk, occupations=codes, **extra)
    return {"heping": heping_worker, "heping_2": heping_2, "tiexi": tiexi_worker, "zhongshan": zhongshan}


def _names(qs: object) -> set[str]:
    return {p.user.display_name for p in qs}  # type: ignore[attr-defined]


def test_search_is_limited_to_the_staff_region(
    database: dict[str, User], heping_staff: User, city_staff: User
) -> None:
    assert _names(selectors.search_worker_profiles(actor=heping_staff)) == {"张秀兰", "吴刚"}
    assert _names(selectors.search_worker_profiles(actor=city_staff)) == {"张秀兰", "吴刚", "刘洋"}
    assert _names(selectors.search_worker_profiles(actor=city_staff, region_code="210106")) == {"刘洋"}


def test_search_filters(database: dict[str, User], city_staff: User) -> None:
    search = selectors.search_worker_profiles
    assert _names(search(actor=city_staff, occupation=CLEANER)) == {"张秀兰"}
    # A catalogue group finds the occupations inside it, and only those (4-1 is not 4-10).
    assert _names(search(actor=city_staff, occupation="4-10-01")) == {"张秀兰", "吴刚"}
    assert _names(search(actor=city_staff, occupation="4-1")) == set()
    assert _names(search(actor=city_staff, group=Group.EMPLOYMENT_DIFFICULTY)) == {"张秀兰"}
    assert _names(search(actor=city_staff, need=Need.LEGAL_AID)) == {"吴刚"}
    assert _names(search(actor=city_staff, need=Need.TRAINING)) == {"张秀兰", "吴刚"}
    assert _names(search(actor=city_staff, available_now=True)) == {"吴刚", "刘洋"}
    assert _names(search(actor=city_staff, query="吴")) == {"吴刚"}


def test_workers_cannot_search_the_database(database: dict[str, User]) -> None:
    with pytest.raises(DomainError) as exc:
        selectors.search_worker_profiles(actor=database["heping"])
    assert exc.value.code == "staff_only"


def test_the_list_page_takes_the_same_queries_whatever_the_count(
    database: dict[str, User], city_staff: User, shenyang: dict[str, Division]
) -> None:
    client = _client(city_staff)
    client.get("/market/workers/")  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        response = client.get("/market/workers/")
    assert response.status_code == 200
    for i in range(5):
        worker = make_user(
            role=Role.WORKER, region=shenyang["tiexi"], phone=f"1351234100{i}", name=f"新人{i}"
        )
        services.update_worker_profile(actor=worker, worker_id=worker.pk, occupations=[CLEANER, NURSE])
    with CaptureQueriesContext(connection) as more:
        response = client.get("/market/workers/")
    assert response.status_code == 200
    assert len(more.captured_queries) == len(few.captured_queries)
    assert "新人4" in response.content.decode()
    assert "138****5678" in response.content.decode()


def test_export_has_masked_phones_and_is_audited(database: dict[str, User], heping_staff: User) -> None:
    response = _client(heping_staff).get("/market/workers/export.xlsx?need=training")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("姓名", "手机号码")
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {"张秀兰", "吴刚"}
    assert by_name["张秀兰"][1] == "138****5678"
    assert "13812345678" not in str(rows)
    assert by_name["吴刚"][10] == "法律援助、技能培训"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.actor == heping_staff
    assert entry.object_type == "market.workerprofile"
    assert "need=training" in entry.note


# --- API ----------------------------------------------------------------------------------------------


def test_api_my_profile_get_and_put(heping_worker: User) -> None:
    client = _client(heping_worker)
    blank = client.get("/api/v1/market/profile").json()
    assert blank["occupations"] == [] and blank["updated_at"] is None
    response = client.put(
        "/api/v1/market/profile",
        {
            "occupations": [CLEANER],
            "expected_wage_yuan": "25",
            "expected_wage_type": "hour",
            "needs": ["startup"],
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["occupations"] == [{"code": CLEANER, "name": "家政服务员"}]
    assert data["expected_wage_yuan"] == "25"
    assert data["needs"] == ["startup"]
    bad = client.put(
        "/api/v1/market/profile", {"availability": {"1": ["25:00-26:00"]}}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "availability_invalid"


def test_api_workers_list_and_export(
    database: dict[str, User], heping_staff: User, heping_worker: User
) -> None:
    data = _client(heping_staff).get("/api/v1/market/workers?available_now=true").json()
    assert data["count"] == 1
    assert data["items"][0]["display_name"] == "吴刚"
    assert data["items"][0]["phone"].startswith("135****")
    assert _client(heping_worker).get("/api/v1/market/workers").json()["code"] == "staff_only"
    export = _client(heping_staff).get("/api/v1/market/workers/export.xlsx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == 1


def test_staff_edit_a_workers_profile_over_the_api(
    heping_staff: User, tiexi_staff: User, heping_worker: User
) -> None:
    url = f"/api/v1/market/workers/{heping_worker.pk}/profile"
    assert _client(tiexi_staff).put(url, {"skills": "x"}, content_type="application/json").status_code == 404
    response = _client(heping_staff).put(url, {"groups": ["veteran"]}, content_type="application/json")
    assert response.json()["groups_labels"] == ["退役军人"]


# --- pages --------------------------------------------------------------------------------------------


def test_worker_profile_page_saves_the_form(heping_worker: User) -> None:
    client = _client(heping_worker)
    page = client.get("/market/profile/")
    assert page.status_code == 200
    assert "我的档案" in page.content.decode()
    response = client.post(
        "/market/profile/",
        {
            "available_now": "on",
            "occupations": [CLEANER],
            "skills": "擦玻璃",
            "expected_wage_yuan": "200",
            "expected_wage_type": "day",
            "day_1": "08:00-12:00，13:00-17:00",
            "day_3": "",
            "longitude": "123.42",
            "latitude": "41.79",
            "travel_minutes": "20",
            "travel_mode": "walk",
            "insurance": "none",
            "needs": ["training"],
        },
    )
    assert response.status_code == 302
    profile = WorkerProfile.objects.get(user=heping_worker)
    assert profile.available_now
    assert profile.availability == {"1": ["08:00-12:00", "13:00-17:00"]}
    assert profile.expected_wage_fen == 20000
    assert profile.needs == ",training,"
    assert profile.groups == ""
    bad = client.post("/market/profile/", {"day_2": "早上", "expected_wage_yuan": "200"})
    assert bad.status_code == 400
    assert 'data-code="availability_invalid"' in bad.content.decode()


def test_staff_pages_refuse_workers(heping_worker: User) -> None:
    assert _client(heping_worker).get("/market/workers/").status_code == 403
    assert _client(heping_worker).get("/market/employers/").status_code == 403


# --- employers ----------------------------------------------------------------------------------------


def test_staff_verify_an_enterprise_of_their_region(employer: User, heping_staff: User) -> None:  # noqa: F811
    profile = services.verify_employer(actor=heping_staff, employer_id=employer.pk)
    assert profile.is_verified and profile.verified_by == heping_staff
    entry = AuditEntry.objects.get(object_type="market.employerprofile")
    assert entry.region_code == "210102" and entry.fields == ["verified_at"]
    # Verifying again is harmless and not logged twice.
    services.verify_employer(actor=heping_staff, employer_id=employer.pk)
    assert AuditEntry.objects.filter(object_type="market.employerprofile").count() == 1


def test_an_enterprise_needs_a_valid_credit_code(employer: User, heping_staff: User) -> None:  # noqa: F811
    User.objects.filter(pk=employer.pk).update(credit_code="91210102YY00000000")
    with pytest.raises(DomainError) as exc:
        services.verify_employer(actor=heping_staff, employer_id=employer.pk)
    assert exc.value.code.startswith("credit_code")
    assert not EmployerProfile.objects.filter(user=employer, verified_at__isnull=False).exists()


def test_verification_is_region_scoped_and_staff_only(
    employer: User,  # noqa: F811
    tiexi_staff: User,
    heping_worker: User,
) -> None:
    with pytest.raises(DomainError) as exc:
        services.verify_employer(actor=tiexi_staff, employer_id=employer.pk)
    assert exc.value.status == 404
    with pytest.raises(DomainError) as exc:
        services.verify_employer(actor=heping_worker, employer_id=employer.pk)
    assert exc.value.code == "staff_only"


def test_employer_page_lists_unverified_first_and_verifies(
    employer: User,  # noqa: F811
    other_employer: User,  # noqa: F811
    city_staff: User,
) -> None:
    client = _client(city_staff)
    services.verify_employer(actor=city_staff, employer_id=other_employer.pk)
    page = client.get("/market/employers/").content.decode()
    assert page.index("沈阳和平家政服务有限公司") < page.index("孙伟")
    response = client.post(f"/market/employers/{employer.pk}/verify/")
    assert response.status_code == 302
    assert EmployerProfile.objects.get(user=employer).is_verified
    api = client.get("/api/v1/market/employers?verified=true").json()
    assert api["count"] == 2


def test_trusted_workers(employer: User, heping_worker: User, heping_staff: User) -> None:  # noqa: F811
    services.add_trusted_worker(actor=employer, worker_id=heping_worker.pk)
    assert list(EmployerProfile.objects.get(user=employer).trusted_workers.all()) == [heping_worker]
    with pytest.raises(DomainError) as exc:
        services.add_trusted_worker(actor=employer, worker_id=heping_staff.pk)
    assert exc.value.code == "not_found"
    response = _client(employer).delete(f"/api/v1/market/trusted-workers/{heping_worker.pk}")
    assert response.status_code == 204
    assert not EmployerProfile.objects.get(user=employer).trusted_workers.exists()


# --- demo ---------------------------------------------------------------------------------------------


def test_demo_profiles_are_reproducible(shenyang: dict[str, Division]) -> None:
    Division.objects.filter(code="210102").update(longitude=123.42, latitude=41.79)
    workers = [
        make_user(
            role=Role.WORKER,
            region=Division.objects.get(code="210102"),
            phone=f"1710000000{i}",
            name=f"演示{i}",
        )
        for i in range(3)
    ]
    codes = [CLEANER, NURSE]
    assert services.create_demo_profiles(seed=7, workers=workers, occupation_codes=codes) == 3
    assert services.create_demo_profiles(seed=7, workers=workers, occupation_codes=codes) == 0
    first = {p.user_id: (p.longitude, p.expected_wage_fen, p.needs) for p in WorkerProfile.objects.all()}
    WorkerProfile.objects.all().delete()
    services.create_demo_profiles(seed=7, workers=workers, occupation_codes=codes)
    again = {p.user_id: (p.longitude, p.expected_wage_fen, p.needs) for p in WorkerProfile.objects.all()}
    assert first == again
    for profile in WorkerProfile.objects.all():
        assert profile.occupations.exists()
        assert services.validate_location(profile.longitude, profile.latitude) == (
            profile.longitude,
            profile.latitude,
        )
        services.validate_availability(profile.availability)
