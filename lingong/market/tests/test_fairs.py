"""Job fairs and gig-only fairs (零工专场, 青政办〔2021〕1号 13): staff schedule them at a directory
place of their region; employers register with their open posts; workers sign up once; cancelling
tells everyone who signed up, once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lingong.accounts.models import Notification, User
from lingong.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from lingong.core.models import Transition
from lingong.market.models import DirectoryPlace, FairStatus, FairWorker, JobFair, PlaceKind
from lingong.market.services import fairs as services
from lingong.market.tests.conftest import PostMaker

pytestmark = [pytest.mark.django_db]


def place(region_code: str, name: str) -> DirectoryPlace:
    return DirectoryPlace.objects.create(
        kind=PlaceKind.PUBLIC_HALL,
        name=name,
        region_id=region_code,
        address=f"{name}地址1号",
        opening_hours="周一至周五 08:30-16:30",
        contact="024-22222222",
        operator="区就业服务中心",
    )


@pytest.fixture
def heping_hall(shenyang: Any) -> DirectoryPlace:
    return place("210102", "和平区人力资源市场")


@pytest.fixture
def tiexi_hall(shenyang: Any) -> DirectoryPlace:
    return place("210106", "铁西区劳务市场")


def next_week(hour: int = 9) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=7)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def schedule(actor: User, at: DirectoryPlace, **fields: Any) -> JobFair:
    values: dict[str, Any] = {
        "kind": "gig_special",
        "name": "和平区春季零工专场",
        "place_id": at.pk,
        "starts_at": next_week(9),
        "ends_at": next_week(12),
    }
    values.update(fields)
    return services.schedule_fair(actor=actor, **values)


@pytest.fixture
def fair(heping_staff: User, heping_hall: DirectoryPlace) -> JobFair:
    return schedule(heping_staff, heping_hall)


class TestScheduling:
    def test_staff_schedule_at_a_place_of_their_region(self, fair: JobFair) -> None:
        assert fair.status == FairStatus.SCHEDULED and fair.region_id == "210102"

    def test_staff_of_another_county_cannot(
        self, tiexi_staff: User, heping_hall: DirectoryPlace, heping_worker: User
    ) -> None:
        with pytest.raises(NotFound):
            schedule(tiexi_staff, heping_hall)
        with pytest.raises(PermissionDenied):
            schedule(heping_worker, heping_hall)

    def test_city_staff_may_use_any_district(self, city_staff: User, tiexi_hall: DirectoryPlace) -> None:
        assert schedule(city_staff, tiexi_hall).region_id == "210106"

    @pytest.mark.parametrize(
        ("fields", "code"),
        [
            ({"starts_at": timezone.now() - dt.timedelta(hours=1)}, "starts_in_past"),
            ({"ends_at": next_week(8)}, "ends_before_start"),
            ({"kind": "party"}, "kind_invalid"),
            ({"name": " "}, "name_invalid"),
        ],
    )
    def test_bad_input_is_explained(
        self, heping_staff: User, heping_hall: DirectoryPlace, fields: dict[str, Any], code: str
    ) -> None:
        with pytest.raises(DomainError) as err:
            schedule(heping_staff, heping_hall, **fields)
        assert err.value.code == code


class TestSignUp:
    def test_a_worker_signs_up_once(self, fair: JobFair, heping_worker: User) -> None:
        services.sign_up_worker(actor=heping_worker, fair_id=fair.pk)
        with pytest.raises(Conflict) as err:
            services.sign_up_worker(actor=heping_worker, fair_id=fair.pk)
        assert err.value.code == "already_signed_up"
        assert FairWorker.objects.filter(fair=fair).count() == 1

    def test_a_worker_withdraws_and_may_sign_up_again(self, fair: JobFair, heping_worker: User) -> None:
        services.sign_up_worker(actor=heping_worker, fair_id=fair.pk)
        services.withdraw_worker(actor=heping_worker, fair_id=fair.pk)
        assert not FairWorker.objects.filter(fair=fair).exists()
        with pytest.raises(Conflict) as err:
            services.withdraw_worker(actor=heping_worker, fair_id=fair.pk)
        assert err.value.code == "not_signed_up"
        services.sign_up_worker(actor=heping_worker, fair_id=fair.pk)
        assert FairWorker.objects.filter(fair=fair).count() == 1

    def test_an_employer_withdraws_and_the_posts_leave_the_fair(
        self, client: Client, fair: JobFair, heping_employer: User, make_gig: PostMaker
    ) -> None:
        post = make_gig(heping_employer, title="超市理货")
        services.register_employer(actor=heping_employer, fair_id=fair.pk, post_ids=[post.pk])
        client.force_login(heping_employer)
        assert client.post(f"/market/fairs/{fair.pk}/withdraw/").status_code == 302
        assert not fair.employer_entries.exists()
        assert 'data-testid="fair-employer"' not in client.get(f"/market/fairs/{fair.pk}/").content.decode()
        response = client.delete(f"/api/v1/market/fairs/{fair.pk}/employers/me")
        assert response.status_code == 409 and response.json()["code"] == "not_registered"

    def test_an_employer_registers_with_open_posts_once(
        self, fair: JobFair, heping_employer: User, tiexi_factory: User, make_gig: PostMaker
    ) -> None:
        a, b = make_gig(heping_employer, title="保洁A"), make_gig(heping_employer, title="保洁B")
        services.register_employer(actor=heping_employer, fair_id=fair.pk, post_ids=[a.pk])
        entry = services.register_employer(actor=heping_employer, fair_id=fair.pk, post_ids=[a.pk, b.pk])
        assert fair.employer_entries.count() == 1 and set(entry.posts.all()) == {a, b}
        others = make_gig(tiexi_factory, region_code="210106")
        with pytest.raises(DomainError) as err:
            services.register_employer(actor=heping_employer, fair_id=fair.pk, post_ids=[others.pk])
        assert err.value.code == "post_not_open"
        with pytest.raises(DomainError):
            services.register_employer(actor=heping_employer, fair_id=fair.pk, post_ids=[])

    def test_a_cancelled_fair_refuses_both(
        self,
        fair: JobFair,
        heping_staff: User,
        heping_worker: User,
        heping_employer: User,
        make_gig: PostMaker,
    ) -> None:
        post = make_gig(heping_employer)
        services.cancel_fair(actor=heping_staff, fair_id=fair.pk, reason="场地维修")
        with pytest.raises(Conflict, match="已取消"):
            services.sign_up_worker(actor=heping_worker, fair_id=fair.pk)
        with pytest.raises(Conflict, match="已取消"):
            services.register_employer(actor=heping_employer, fair_id=fair.pk, post_ids=[post.pk])


class TestCancel:
    def test_cancel_notifies_each_signed_up_person_once(
        self,
        fair: JobFair,
        heping_staff: User,
        heping_worker: User,
        tiexi_worker: User,
        heping_employer: User,
        make_gig: PostMaker,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        services.sign_up_worker(actor=heping_worker, fair_id=fair.pk)
        services.sign_up_worker(actor=tiexi_worker, fair_id=fair.pk)
        services.register_employer(
            actor=heping_employer, fair_id=fair.pk, post_ids=[make_gig(heping_employer).pk]
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.cancel_fair(actor=heping_staff, fair_id=fair.pk, reason="场地维修")
        with pytest.raises(DomainError), django_capture_on_commit_callbacks(execute=True):
            services.cancel_fair(actor=heping_staff, fair_id=fair.pk, reason="再取消一次")
        notes = Notification.objects.filter(kind="fair_cancelled")
        assert sorted(n.recipient_id for n in notes) == sorted(
            [heping_worker.pk, tiexi_worker.pk, heping_employer.pk]
        )
        note = notes.get(recipient=heping_worker)
        assert "场地维修" in note.body and note.link == f"/market/fairs/{fair.pk}/"
        step = Transition.objects.get(object_type="market.jobfair", object_id=str(fair.pk))
        assert (step.to_status, step.actor_id, step.note) == ("cancelled", heping_staff.pk, "场地维修")

    def test_staff_of_another_county_cannot_cancel(self, fair: JobFair, tiexi_staff: User) -> None:
        with pytest.raises(NotFound):
            services.cancel_fair(actor=tiexi_staff, fair_id=fair.pk, reason="不归我管")

    def test_finish(self, fair: JobFair, heping_staff: User, heping_worker: User) -> None:
        services.finish_fair(actor=heping_staff, fair_id=fair.pk)
        with pytest.raises(Conflict, match="已结束"):
            services.sign_up_worker(actor=heping_worker, fair_id=fair.pk)


class TestPages:
    def test_public_list_by_district(
        self,
        client: Client,
        fair: JobFair,
        city_staff: User,
        tiexi_hall: DirectoryPlace,
        django_assert_num_queries: Any,
    ) -> None:
        schedule(city_staff, tiexi_hall, name="铁西区招聘会", kind="job_fair")
        with django_assert_num_queries(1):
            html = client.get("/market/fairs/").content.decode()
        assert "和平区春季零工专场" in html and "铁西区招聘会" in html and "零工专场" in html
        assert html.index("和平区") < html.index("铁西区")
        assert "铁西区招聘会" not in client.get("/market/fairs/", {"district": "210102"}).content.decode()

    def test_fair_page_shows_place_employers_and_sign_up(
        self,
        client: Client,
        fair: JobFair,
        heping_worker: User,
        heping_employer: User,
        make_gig: PostMaker,
        django_assert_num_queries: Any,
    ) -> None:
        post = make_gig(heping_employer, title="商场开荒保洁")
        services.register_employer(actor=heping_employer, fair_id=fair.pk, post_ids=[post.pk])
        with django_assert_num_queries(4):  # fair, employers, their posts, worker count
            html = client.get(f"/market/fairs/{fair.pk}/").content.decode()
        assert "和平区人力资源市场地址1号" in html and "周一至周五 08:30-16:30" in html
        assert "和平家政服务部" in html and "商场开荒保洁" in html and "我要报名参加" in html
        client.force_login(heping_worker)
        response = client.post(f"/market/fairs/{fair.pk}/sign-up/")
        assert response.status_code == 302
        html = client.get(f"/market/fairs/{fair.pk}/").content.decode()
        assert 'data-testid="signed-up"' in html and "1 人" in html
        assert client.post(f"/market/fairs/{fair.pk}/sign-up/").status_code == 409

    def test_employer_registers_from_the_page(
        self, client: Client, fair: JobFair, heping_employer: User, make_gig: PostMaker
    ) -> None:
        post = make_gig(heping_employer, title="写字楼保洁")
        client.force_login(heping_employer)
        assert "报名参会" in client.get(f"/market/fairs/{fair.pk}/").content.decode()
        client.post(f"/market/fairs/{fair.pk}/register/", {"post_ids": [str(post.pk)]})
        assert list(fair.employer_entries.get().posts.all()) == [post]

    def test_staff_schedule_see_counts_and_cancel(
        self,
        client: Client,
        fair: JobFair,
        heping_staff: User,
        tiexi_staff: User,
        heping_worker: User,
        heping_hall: DirectoryPlace,
        django_assert_num_queries: Any,
    ) -> None:
        services.sign_up_worker(actor=heping_worker, fair_id=fair.pk)
        client.force_login(heping_staff)
        with django_assert_num_queries(5):  # session, user, region, fairs with counts, unread count
            html = client.get("/market/fairs/manage/").content.decode()
        assert "和平区春季零工专场" in html and 'data-testid="workers">1<' in html
        response = client.post(
            "/market/fairs/new/",
            {
                "kind": "job_fair",
                "name": "退役军人专场招聘会",
                "place_id": str(heping_hall.pk),
                "starts_at": next_week(13).strftime("%Y-%m-%dT%H:%M"),
                "ends_at": next_week(16).strftime("%Y-%m-%dT%H:%M"),
            },
        )
        created = JobFair.objects.get(name="退役军人专场招聘会")
        assert response["Location"] == f"/market/fairs/{created.pk}/"
        client.post(f"/market/fairs/{fair.pk}/cancel/", {"reason": "天气原因"})
        fair.refresh_from_db()
        assert fair.status == FairStatus.CANCELLED
        client.force_login(tiexi_staff)
        assert "退役军人专场招聘会" not in client.get("/market/fairs/manage/").content.decode()
        assert client.post(f"/market/fairs/{created.pk}/cancel/", {"reason": "x"}).status_code == 404


class TestApi:
    def test_public_list_and_detail_staff_create_and_cancel(
        self,
        client: Client,
        fair: JobFair,
        heping_staff: User,
        heping_worker: User,
        heping_employer: User,
        heping_hall: DirectoryPlace,
        make_gig: PostMaker,
    ) -> None:
        items = client.get("/api/v1/market/fairs").json()
        assert [f["name"] for f in items] == ["和平区春季零工专场"]
        assert items[0]["address"] == "和平区人力资源市场地址1号"
        assert client.get(f"/api/v1/market/fairs/{fair.pk}").json()["worker_count"] == 0
        client.force_login(heping_worker)
        assert client.post(f"/api/v1/market/fairs/{fair.pk}/workers").status_code == 201
        again = client.post(f"/api/v1/market/fairs/{fair.pk}/workers")
        assert again.status_code == 409 and again.json()["code"] == "already_signed_up"
        payload = {
            "name": "API 专场",
            "place_id": heping_hall.pk,
            "starts_at": next_week(13).isoformat(),
            "ends_at": next_week(15).isoformat(),
        }
        assert (
            client.post("/api/v1/market/fairs", payload, content_type="application/json").status_code == 403
        )
        client.force_login(heping_employer)
        post = make_gig(heping_employer)
        answer = client.post(
            f"/api/v1/market/fairs/{fair.pk}/employers",
            {"post_ids": [post.pk]},
            content_type="application/json",
        ).json()
        assert answer["employers"] == [{"name": "和平家政服务部", "post_ids": [post.pk]}]
        client.force_login(heping_staff)
        created = client.post("/api/v1/market/fairs", payload, content_type="application/json")
        assert created.status_code == 201 and created.json()["kind"] == "gig_special"
        cancelled = client.post(
            f"/api/v1/market/fairs/{fair.pk}/cancel", {"reason": "场地维修"}, content_type="application/json"
        )
        assert cancelled.json()["status"] == "cancelled"
        assert [f["name"] for f in client.get("/api/v1/market/fairs").json()] == ["API 专场"]
