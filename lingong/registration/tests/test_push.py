"""Services pushed after registration (辽人社〔2022〕22号 第九条): matching gigs, fairs of the region,
training courses, startup help and the subsidies the person may be eligible for reach the inbox through
the task queue, and the push record shows staff what was sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lingong.accounts.models import Notification, User
from lingong.conftest import make_user
from lingong.core.models import Occupation
from lingong.market.models import WorkerProfile
from lingong.market.tests.conftest import HEPING_LAT, HEPING_LON
from lingong.registration import services
from lingong.registration.models import Push
from lingong.registration.tests.conftest import CLEANER, Employ, Unemploy
from lingong.training.models import TrainingCourse

pytestmark = pytest.mark.django_db


def course(region: str, kind: str, title: str, occupation: str | None = None, **over: Any) -> TrainingCourse:
    today = timezone.localdate()
    fields: dict[str, Any] = {
        "title": title,
        "kind": kind,
        "provider": "沈阳市职业技能培训中心",
        "occupation_id": occupation,
        "region_id": region,
        "start_date": today + dt.timedelta(days=7),
        "end_date": today + dt.timedelta(days=21),
        "seats": 30,
        "subsidised": True,
        "subsidy_note": "培训合格按规定给予职业培训补贴",
        "contact": "024-12345678",
        "address": "和平区南京南街1号",
    }
    fields.update(over)
    return TrainingCourse.objects.create(**fields)


def test_a_registered_worker_receives_matching_gigs_in_the_inbox(
    heping_worker: User,
    heping_employer: User,
    heping_staff: User,
    make_gig: object,
    employ: Employ,
    django_capture_on_commit_callbacks: object,
) -> None:
    cleaning = make_gig(heping_employer, title="写字楼日常保洁")  # type: ignore[operator]
    make_gig(heping_employer, title="小区保安夜班", occupation_code="4-07-05-01")  # type: ignore[operator]
    startup = course("210100", "startup_training", "SYB创业培训班")  # a city course serves Heping
    course("210106", "startup_guidance", "铁西区开业指导")  # another district's: not offered
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        registration = employ(heping_worker, wants_startup=True)
    assert registration.status == "registered"

    gigs = Notification.objects.get(
        recipient=heping_worker, key=f"registration-push:employment:{registration.pk}:gigs"
    )
    assert "写字楼日常保洁" in gigs.body and "保安" not in gigs.body
    courses = Notification.objects.get(
        recipient=heping_worker, key=f"registration-push:employment:{registration.pk}:courses"
    )
    assert "SYB创业培训班" in courses.body and "铁西" not in courses.body
    assert Notification.objects.filter(
        recipient=heping_worker, title="创业培训、开业指导和创业扶持政策"
    ).exists()
    subsidies = Notification.objects.get(
        recipient=heping_worker, key=f"registration-push:employment:{registration.pk}:subsidies"
    )
    assert subsidies.link == "/policy/"

    pushed = list(
        Push.objects.filter(employment=registration).values_list("kind", "target_id", "title", "link")
    )
    assert pushed == [
        ("gig", str(cleaning.pk), "写字楼日常保洁", reverse("market:gig", args=[cleaning.pk])),
        ("startup", str(startup.pk), "SYB创业培训班", reverse("training:course", args=[startup.pk])),
        ("startup", "", "创业培训、开业指导和创业扶持政策", "/training/?kind=startup_training"),
        ("subsidy", "policy-finder", "我能享受哪些政策", "/policy/"),
    ]

    # Staff of the region see what was pushed on the registration's page and in the API.
    client = Client()
    client.force_login(heping_staff)
    html = client.get(reverse("registration:detail", args=["employment", registration.pk])).content.decode()
    assert 'data-testid="pushes"' in html and "写字楼日常保洁" in html and "SYB创业培训班" in html
    api = client.get(f"/api/v1/registration/employment/{registration.pk}").json()
    assert [p["kind"] for p in api["pushes"]] == ["gig", "startup", "startup", "subsidy"]

    # A retried task pushes nothing twice.
    services.push_services(kind="employment", registration_id=registration.pk)
    assert Push.objects.filter(employment=registration).count() == 4


def test_the_unemployed_are_offered_skills_training_of_their_trade(
    heping_worker: User, unemploy: Unemploy, django_capture_on_commit_callbacks: object
) -> None:
    profile = WorkerProfile.objects.create(user=heping_worker, needs=",training,")
    profile.occupations.add(Occupation.objects.get(pk=CLEANER))
    own = course("210102", "skills", "保洁员技能提升班", occupation=CLEANER)
    course("210102", "skills", "电工培训班", occupation="6-29-03-02")  # another trade
    course(
        "210102",
        "skills",
        "已结束的保洁班",
        occupation=CLEANER,
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2020, 2, 1),
    )
    course("210102", "skills", "已撤下的保洁班", occupation=CLEANER, withdrawn=True)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        registration = unemploy(heping_worker)
    assert registration.status == "registered"
    kinds = list(Push.objects.filter(unemployment=registration).values_list("kind", "target_id"))
    assert kinds == [("training", str(own.pk)), ("subsidy", "policy-finder")]


def test_nothing_is_pushed_while_the_application_waits(
    newcomer: User, heping_employer: User, make_gig: object, employ: Employ
) -> None:
    make_gig(heping_employer)  # type: ignore[operator]
    registration = employ(newcomer)
    assert services.push_services(kind="employment", registration_id=registration.pk) == []


def test_the_push_puts_the_matching_engines_gigs_first(
    heping_worker: User,
    heping_employer: User,
    make_gig: object,
    employ: Employ,
    django_capture_on_commit_callbacks: object,
) -> None:
    """A worker whose profile says nanny work within a short ride gets the nanny gig the engine finds,
    even though it is not the registered trade; the registered trade's gig in the district fills up."""
    profile = WorkerProfile.objects.create(
        user=heping_worker,
        longitude=HEPING_LON,
        latitude=HEPING_LAT + 0.01,  # about a kilometre north of the square
        travel_minutes=15,
        travel_mode="cycle",
        available_now=True,
    )
    profile.occupations.set(Occupation.objects.filter(code="4-10-01-06"))  # 家政服务员
    make_gig(  # type: ignore[operator]
        heping_employer,
        title="家庭保洁与做饭（住家附近）",
        occupation_code="4-10-01-06",
        longitude=HEPING_LON,
        latitude=HEPING_LAT,
    )
    make_gig(heping_employer, title="写字楼日常保洁")  # type: ignore[operator]
    far = make_gig(  # type: ignore[operator]
        heping_employer,
        title="远郊住家保姆",
        occupation_code="4-10-01-06",
        longitude=HEPING_LON + 0.5,  # about 40 km east: beyond a 15-minute ride
        latitude=HEPING_LAT,
    )
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        registration = employ(heping_worker)

    pushed = list(
        Push.objects.filter(employment=registration, kind="gig")
        .order_by("id")
        .values_list("title", flat=True)
    )
    assert pushed == ["家庭保洁与做饭（住家附近）", "写字楼日常保洁"]
    assert far.title not in pushed


def test_policies_the_engine_finds_are_pushed_with_their_clause(
    shenyang: dict[str, Any], employ: Employ, django_capture_on_commit_callbacks: object
) -> None:
    """王强, 31, registers part-time work in Heping: the engine finds him eligible to enrol in the basic
    pension as a flexible worker (辽人社〔2022〕22号 第十条), and the push says so before the finder page."""
    wang = make_user(
        role="worker",
        region=shenyang["heping"],
        phone="13866660001",
        name="王强",
        id_number="210102199503070018",
    )
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        registration = employ(wang, id_number="210102199503070018")
    pushed = list(
        Push.objects.filter(employment=registration, kind="subsidy")
        .order_by("id")
        .values_list("target_id", "title")
    )
    assert ("policy:liaoning.pension_enrolment", "灵活就业人员参加企业职工基本养老保险") in pushed
    assert pushed[-1] == ("policy-finder", "我能享受哪些政策")
    body = Notification.objects.get(
        recipient=wang, key=f"registration-push:employment:{registration.pk}:subsidies"
    ).body
    assert "第十条" in body and "养老保险" in body
