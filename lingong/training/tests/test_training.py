"""Training courses and startup services (辽人社〔2022〕22号 第九条, 第十条): staff publish the courses of
their region, everyone reads the public list, and ``courses_for`` chooses what a person is offered."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lingong.accounts.models import Role, User
from lingong.conftest import make_user
from lingong.core.errors import DomainError
from lingong.core.models import AuditEntry, Division, Occupation
from lingong.market.models import WorkerProfile
from lingong.training import selectors, services
from lingong.training.models import TrainingCourse

pytestmark = pytest.mark.django_db

CLEANER = "4-09-08-01"
ELECTRICIAN = "6-29-03-02"


def fields(**over: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "title": "保洁员技能提升班",
        "kind": "skills",
        "provider": "和平区职业技能培训学校",
        "occupation_code": CLEANER,
        "region_code": "210102",
        "start_date": today + dt.timedelta(days=3),
        "end_date": today + dt.timedelta(days=10),
        "seats": 40,
        "subsidised": True,
        "subsidy_note": "取得证书的按规定给予培训补贴",
        "contact": "024-23456789",
        "address": "和平区太原街1号",
    }
    data.update(over)
    return data


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("over", "code"),
    [
        ({"kind": "yoga"}, "kind_invalid"),
        ({"occupation_code": ""}, "occupation_required"),
        ({"occupation_code": "9-99"}, "occupation_invalid"),
        ({"end_date": dt.date(2020, 1, 1)}, "end_before_start"),
        ({"seats": 0}, "seats_invalid"),
        ({"title": " "}, "title_required"),
        ({"region_code": "999999"}, "region_invalid"),
        ({"region_code": "210106"}, "region_out_of_scope"),
    ],
)
def test_staff_publish_only_sound_courses_of_their_region(
    heping_staff: User, over: dict[str, Any], code: str
) -> None:
    with pytest.raises(DomainError) as exc:
        services.create_course(actor=heping_staff, data=fields(**over))
    assert exc.value.code == code
    assert not TrainingCourse.objects.exists()


def test_publish_correct_withdraw_audited(heping_staff: User, heping_worker: User, tiexi_staff: User) -> None:
    with pytest.raises(DomainError) as exc:
        services.create_course(actor=heping_worker, data=fields())
    assert exc.value.code == "staff_only"
    course = services.create_course(actor=heping_staff, data=fields())
    with pytest.raises(DomainError) as exc:
        services.update_course(actor=tiexi_staff, course_id=course.pk, data={"seats": 5})
    assert exc.value.code == "not_found"
    services.update_course(actor=heping_staff, course_id=course.pk, data={"seats": 5})
    course.refresh_from_db()
    assert course.seats == 5 and course.title == "保洁员技能提升班"
    services.withdraw_course(actor=heping_staff, course_id=course.pk)
    assert selectors.public_courses() == []
    actions = list(
        AuditEntry.objects.filter(object_type="training.trainingcourse")
        .order_by("pk")
        .values_list("action", "fields")
    )
    assert actions == [("create", []), ("change", ["seats"]), ("change", ["withdrawn"])]


def test_courses_for_a_person(heping_worker: User, shenyang: dict[str, Division]) -> None:
    staff = make_user(role=Role.ADMIN, region=None, phone="13900000099", name="管理员")
    today = timezone.localdate()
    own = services.create_course(actor=staff, data=fields())
    city = services.create_course(actor=staff, data=fields(title="沈阳市保洁培训", region_code="210100"))
    services.create_course(actor=staff, data=fields(title="电工班", occupation_code=ELECTRICIAN))
    services.create_course(actor=staff, data=fields(title="铁西保洁班", region_code="210106"))
    services.create_course(actor=staff, data=fields(title="大连保洁班", region_code="210202"))
    startup = services.create_course(
        actor=staff,
        data=fields(title="SYB创业培训", kind="startup_training", occupation_code="", region_code="210000"),
    )
    assert selectors.courses_for(heping_worker, region_code="210102") == []  # asked for nothing
    trained = selectors.courses_for(
        heping_worker, region_code="210102", occupation_codes=[CLEANER], training=True
    )
    assert trained == [own, city]
    # With no trade on record, any skills course of the region may help.
    assert len(selectors.courses_for(heping_worker, region_code="210102", training=True)) == 3
    assert selectors.courses_for(heping_worker, region_code="210102", startup=True) == [startup]
    # The needs database counts too: a profile asking for training and startup help, with a trade.
    profile = WorkerProfile.objects.create(user=heping_worker, needs=",training,startup,")
    profile.occupations.add(Occupation.objects.get(pk=CLEANER))
    assert selectors.courses_for(heping_worker, region_code="210102", today=today) == [own, city, startup]


def test_the_public_list_page_and_api(heping_staff: User, tiexi_staff: User) -> None:
    course = services.create_course(actor=heping_staff, data=fields())
    services.create_course(actor=tiexi_staff, data=fields(title="铁西保洁班", region_code="210106"))
    anyone = Client()
    html = anyone.get(reverse("training:courses") + "?region=210102").content.decode()
    assert "保洁员技能提升班" in html and "铁西保洁班" not in html and "享受培训补贴" in html
    assert anyone.get(reverse("training:course", args=[course.pk])).status_code == 200
    rows = anyone.get("/api/v1/training/courses?region=210106").json()
    assert [r["title"] for r in rows] == ["铁西保洁班"]
    assert anyone.get(f"/api/v1/training/courses/{course.pk}").json()["contact"] == "024-23456789"
    assert (
        anyone.post("/api/v1/training/courses", fields(), content_type="application/json").status_code == 401
    )


def test_staff_manage_through_the_api(heping_staff: User, tiexi_staff: User, heping_worker: User) -> None:
    api = login(heping_staff)
    body = {
        **fields(),
        "start_date": fields()["start_date"].isoformat(),
        "end_date": fields()["end_date"].isoformat(),
    }
    created = api.post("/api/v1/training/courses", body, content_type="application/json")
    assert created.status_code == 201
    course_id = created.json()["id"]
    bad = api.post(
        "/api/v1/training/courses", {**body, "region_code": "210106"}, content_type="application/json"
    )
    assert bad.status_code == 403 and bad.json()["code"] == "region_out_of_scope"
    patched = api.patch(
        f"/api/v1/training/courses/{course_id}", {"seats": 12}, content_type="application/json"
    )
    assert patched.json()["seats"] == 12
    other = login(tiexi_staff).patch(
        f"/api/v1/training/courses/{course_id}", {"seats": 1}, content_type="application/json"
    )
    assert other.status_code == 404
    assert [c["id"] for c in api.get("/api/v1/training/manage/courses").json()] == [course_id]
    assert login(tiexi_staff).get("/api/v1/training/manage/courses").json() == []
    assert login(heping_worker).get("/api/v1/training/manage/courses").json()["code"] == "staff_only"
    assert api.post(f"/api/v1/training/courses/{course_id}/withdraw").json()["withdrawn"] is True


def test_the_back_office_is_scoped_and_runs_the_checks(
    heping_staff: User, tiexi_staff: User, shenyang: Any
) -> None:
    perms = ("training.view_trainingcourse", "training.add_trainingcourse", "training.change_trainingcourse")
    manager = make_user(
        role=Role.STAFF, region=shenyang["heping"], phone="13900000088", name="孟晓", perms=perms
    )
    services.create_course(actor=tiexi_staff, data=fields(title="铁西保洁班", region_code="210106"))
    client = login(manager)
    listing = client.get(reverse("admin:training_trainingcourse_changelist")).content.decode()
    assert "铁西保洁班" not in listing
    data = {k: v for k, v in fields().items() if k not in ("occupation_code", "region_code")}
    form = {
        **data,
        "occupation": CLEANER,
        "region": "210102",
        "start_date": data["start_date"].isoformat(),
        "end_date": data["end_date"].isoformat(),
        "subsidised": "on",
    }
    wrong = client.post(reverse("admin:training_trainingcourse_add"), {**form, "seats": 0})
    assert wrong.status_code == 200 and "名额至少为1人" in wrong.content.decode()
    added = client.post(reverse("admin:training_trainingcourse_add"), form)
    assert added.status_code == 302
    course = TrainingCourse.objects.get(title="保洁员技能提升班")
    assert course.created_by == manager
    assert AuditEntry.objects.filter(object_type="training.trainingcourse", object_id=str(course.pk)).exists()


def test_list_queries_do_not_grow_with_the_courses(
    heping_staff: User, heping_worker: User, django_assert_num_queries: Any
) -> None:
    for i in range(6):
        services.create_course(actor=heping_staff, data=fields(title=f"保洁班{i}"))
    with django_assert_num_queries(1):
        rows = selectors.public_courses(region_code="210102")
        assert [str(c.region) + str(c.occupation) for c in rows]
    WorkerProfile.objects.create(user=heping_worker, needs=",training,")
    person = User.objects.get(pk=heping_worker.pk)
    with django_assert_num_queries(3):  # the profile, its trades, the courses
        assert len(selectors.courses_for(person, region_code="210102")) == 5
