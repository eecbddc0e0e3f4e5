"""即时快招 (辽人社〔2022〕22号 第七条): quick posting from templates, tiered offers with reply times,
accepting with a negotiation, confirming for a same-day start."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import SettingsWrapper

from lingong.accounts.models import Notification, Role, User
from lingong.conftest import make_user
from lingong.core.errors import DomainError
from lingong.core.models import Division, Occupation, Transition
from lingong.market.models import EmployerProfile, Engagement, EngagementStatus, GigPost, WorkerProfile
from lingong.market.services import hiring
from lingong.market.services import instant as services
from lingong.market.tasks_instant import advance_instant_dispatch
from lingong.market.tests.conftest import HEPING_LAT, HEPING_LON, PostMaker

pytestmark = pytest.mark.django_db

CLEANER = "4-09-08-01"  # 保洁员, the posts' trade
REFUSE_COLLECTOR = "4-09-08-02"  # 生活垃圾清运工: the same minor group
NANNY = "4-10-01-06"  # 家政服务员: another trade
KM = 1 / 111.2  # degrees of latitude in a kilometre, near enough

MakeWorker = Callable[..., User]


@pytest.fixture
def make_worker(shenyang: dict[str, Division]) -> MakeWorker:
    """A worker living ``km`` north of the Heping square, cycling 30 minutes (6 km) unless told."""
    counter = iter(range(1, 1000))

    def make(
        name: str,
        *,
        km: float = 1.0,
        trades: tuple[str, ...] = (CLEANER,),
        minutes: int = 30,
        mode: str = "cycle",
        available_now: bool = True,
        expected_wage_fen: int = 0,
    ) -> User:
        user = make_user(
            role=Role.WORKER, region=shenyang["heping"], phone=f"1350000{next(counter):04d}", name=name
        )
        profile = WorkerProfile.objects.create(
            user=user,
            longitude=HEPING_LON,
            latitude=HEPING_LAT + km * KM,
            travel_minutes=minutes,
            travel_mode=mode,
            available_now=available_now,
            expected_wage_fen=expected_wage_fen,
        )
        profile.occupations.set(Occupation.objects.filter(code__in=trades))
        return user

    return make


def template_fields(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "occupation_code": CLEANER,
        "address": "沈阳市和平区南京北街206号",
        "headcount": 3,
        "wage_fen": 20000,
        "time_slots": "08:00-17:00",
        "longitude": HEPING_LON,
        "latitude": HEPING_LAT,
    }
    fields.update(changes)
    return fields


def trust(employer: User, *workers: User) -> None:
    EmployerProfile.objects.get(user=employer).trusted_workers.add(*workers)


def offered(post: GigPost, tier: int | None = None) -> list[int]:
    qs = Engagement.objects.filter(post=post)
    if tier is not None:
        qs = qs.filter(tier=tier)
    return list(qs.order_by("pk").values_list("worker_id", flat=True))


def publish(employer: User, capture: Any, **changes: Any) -> GigPost:
    """Quick-post as the employer and let the commit hooks run (the first tier goes out)."""
    with capture(execute=True):
        post = services.quick_post(actor=employer, employer=employer, **template_fields(**changes))
    return GigPost.objects.get(pk=post.pk)


# --- quick posting and templates -----------------------------------------------------------------------


def test_quick_post_from_a_template_starts_today_and_offers_trusted_workers_first(
    heping_employer: User, make_worker: MakeWorker, django_capture_on_commit_callbacks: Any
) -> None:
    regular = make_worker("老刘", km=30)  # trusted: offered though far away
    regular2 = make_worker("老王", km=0.5)
    nearby = make_worker("小张", km=0.2)
    trust(heping_employer, regular, regular2)
    template = services.save_template(actor=heping_employer, name="早班保洁", fields=template_fields())
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        post = services.quick_post(
            actor=heping_employer, employer=heping_employer, template_id=template.pk, headcount=2
        )
    post.refresh_from_db()
    today = timezone.localdate()
    assert (post.instant, post.start_date, post.end_date, post.status) == (True, today, today, "published")
    assert (post.headcount, post.wage_fen, post.time_slots) == (2, 20000, "08:00-17:00")  # override wins
    assert post.current_tier == 1
    assert offered(post) == [regular.pk, regular2.pk] and nearby.pk not in offered(post)
    e = Engagement.objects.get(post=post, worker=regular)
    assert (e.status, e.tier) == (EngagementStatus.OFFERED, 1)
    assert e.offer_expires_at is not None and post.next_tier_at == e.offer_expires_at
    assert dt.timedelta(minutes=10) <= e.offer_expires_at - before < dt.timedelta(minutes=11)
    note = Notification.objects.get(recipient=regular, kind="instant_offer")
    assert note.key == f"instant-offer-{e.pk}" and "今天上岗" in note.body


def test_templates_are_saved_by_name_listed_and_deleted_only_by_their_employer(
    heping_employer: User, tiexi_factory: User
) -> None:
    services.save_template(actor=heping_employer, name="早班保洁", fields=template_fields())
    again = services.save_template(
        actor=heping_employer, name="早班保洁", fields=template_fields(headcount=5)
    )
    assert [t.fields["headcount"] for t in services.list_templates(actor=heping_employer)] == [5]
    assert list(services.list_templates(actor=tiexi_factory)) == []
    with pytest.raises(DomainError) as exc:
        services.delete_template(actor=tiexi_factory, template_id=again.pk)
    assert exc.value.code == "not_found"
    with pytest.raises(DomainError) as exc:
        services.save_template(actor=heping_employer, name="x", fields={"salary": 1})
    assert exc.value.code == "template_field_unknown"
    with pytest.raises(DomainError) as exc:
        services.quick_post(actor=tiexi_factory, employer=tiexi_factory, template_id=again.pk)
    assert exc.value.code == "not_found"
    services.delete_template(actor=heping_employer, template_id=again.pk)
    assert not services.list_templates(actor=heping_employer).exists()


def test_quick_post_says_what_is_missing(heping_employer: User, heping_worker: User) -> None:
    with pytest.raises(DomainError) as exc:
        services.quick_post(actor=heping_employer, employer=heping_employer, address="和平区")
    assert (exc.value.code, exc.value.field) == ("field_required", "occupation_code")
    with pytest.raises(DomainError) as exc:
        services.quick_post(actor=heping_worker, employer=heping_worker, **template_fields())
    assert exc.value.code == "employer_only"


# --- tiers -----------------------------------------------------------------------------------------------


@pytest.fixture
def crowd(make_worker: MakeWorker, make_gig: PostMaker, tiexi_factory: User) -> dict[str, User]:
    """Workers around the square, each differing in one way from the best. Scores are the matching
    engine's: travel 20 × (1 − minutes / budget) + trade 40 (20 related) + wage 7.5 (no expectation)
    + reliability 5 and rating 2.5 (newcomers) + 10 for no gig in 7 days."""
    crowd = {
        "best": make_worker("一号", km=1),  # 16.7 + 40 + 7.5 + 5 + 2.5 + 10
        "further": make_worker("二号", km=3),  # 10 + 40 + 7.5 + 5 + 2.5 + 10
        "busy": make_worker("三号", km=1),  # had a gig this week: no fairness boost
        "driver": make_worker("四号", km=10, mode="drive"),  # reach 12.5 km, 24 of 30 minutes: 4 + 65
        "dear": make_worker("五号", km=1, expected_wage_fen=30000),  # expects more than the post pays
        "related": make_worker("六号", km=0.5, trades=(REFUSE_COLLECTOR,)),  # 18.3 + 20 + 25
        "out_of_reach": make_worker("七号", km=10),  # cycles 30 minutes: 6 km
        "other_trade": make_worker("八号", km=1, trades=(NANNY,)),
        "not_today": make_worker("九号", km=1.5, available_now=False),
    }
    elsewhere = make_gig(tiexi_factory, start_date=timezone.localdate())
    engagement = hiring.apply(actor=crowd["busy"], post_id=elsewhere.pk)
    hiring.confirm_worker(actor=tiexi_factory, engagement_id=engagement.pk)
    return crowd


def test_rank_candidates_scores_are_explainable_and_respect_each_workers_reach(
    heping_employer: User, crowd: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):  # not dispatched yet
        post = services.quick_post(actor=heping_employer, employer=heping_employer, **template_fields())
    ranked = services.rank_candidates(post, None, suitable_only=False)
    by_id = {c.worker_id: c for c in ranked}
    names = {u.pk: k for k, u in crowd.items()}
    # The engine's matches first (a wage below the expectation is a hard filter there, so "dear" is
    # no longer suitable; a related trade is), then the others within reach by the same parts.
    assert [names[c.worker_id] for c in ranked] == [
        "best",
        "further",
        "busy",
        "driver",
        "related",
        "not_today",
        "dear",
        "other_trade",
    ]
    assert [names[c.worker_id] for c in services.rank_candidates(post, 3)] == ["best", "further", "busy"]
    best = by_id[crowd["best"].pk]
    assert best.score == pytest.approx(81.67, abs=0.05)
    assert best.reasons[1:] == ("工种对口", "工资符合期望", "今天可上工", "近7天未接到零工")
    assert best.reasons[0].startswith("距离1.0公里（可达6.0公里）")
    assert not any(by_id[crowd[k].pk].suitable for k in ("other_trade", "not_today", "dear"))


def test_after_the_timeout_the_task_offers_tier_2_by_score_then_tier_3(
    daytime: None,
    heping_employer: User,
    make_worker: MakeWorker,
    crowd: dict[str, User],
    settings: SettingsWrapper,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.LINGONG_INSTANT_TIER_SIZE = 4
    comes, silent = make_worker("常来的", km=20), make_worker("不回的", km=20)
    trust(heping_employer, comes, silent)
    post = publish(heping_employer, django_capture_on_commit_callbacks)
    assert offered(post, tier=1) == [comes.pk, silent.pk]
    accepted = hiring.accept(actor=comes, engagement_id=Engagement.objects.get(post=post, worker=comes).pk)
    hiring.confirm_worker(actor=heping_employer, engagement_id=accepted.pk)

    now = timezone.now()
    assert services.run_dispatch(now=now + dt.timedelta(minutes=5))["offered"] == 0  # 不回的 may still reply
    with django_capture_on_commit_callbacks(execute=True):
        result = services.run_dispatch(now=now + dt.timedelta(minutes=11))
    assert result == {"expired": 1, "posts": 1, "offered": 3}
    # Tier size 4, one place confirmed: three offers, best score first.
    assert offered(post, tier=2) == [crowd["best"].pk, crowd["further"].pk, crowd["busy"].pk]
    timed_out = Engagement.objects.get(post=post, worker=silent)
    assert timed_out.status == EngagementStatus.CANCELLED
    assert Transition.objects.get(object_id=str(timed_out.pk), to_status="cancelled").note == "超时未回复"

    post.refresh_from_db()
    assert post.current_tier == 2
    # Tier 3, everyone else within reach, best first: the suitable left over and those who are not.
    names = {u.pk: k for k, u in crowd.items()}
    ranked = services.rank_candidates(post, None, suitable_only=False, now=now)
    assert [names[c.worker_id] for c in ranked] == ["driver", "related", "not_today", "dear", "other_trade"]
    services.run_dispatch(now=now + dt.timedelta(minutes=22))
    assert [names[w] for w in offered(post, tier=3)] == ["driver", "related", "not_today"]
    post.refresh_from_db()
    assert (post.current_tier, post.next_tier_at) == (3, None)
    assert crowd["out_of_reach"].pk not in offered(post)
    # Past the last tier nothing more goes out; its offers expire on their own.
    assert services.run_dispatch(now=now + dt.timedelta(minutes=33)) == {
        "expired": 3,
        "posts": 0,
        "offered": 0,
    }


def test_tier_2_order_follows_the_score(
    heping_employer: User, crowd: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    post = publish(heping_employer, django_capture_on_commit_callbacks)
    names = {u.pk: k for k, u in crowd.items()}
    # Headcount 3: at most two unanswered offers per place (MATCHING_OFFERS_PER_PLACE); "dear" expects
    # more than the post pays, which the engine does not match.
    assert [names[w] for w in offered(post, tier=2)] == ["best", "further", "busy", "driver", "related"]
    assert post.current_tier == 2


def test_a_declined_worker_is_never_offered_the_same_post_again(
    heping_employer: User, make_worker: MakeWorker, django_capture_on_commit_callbacks: Any
) -> None:
    regular = make_worker("老刘", km=0.5)  # would rank first in tier 2 too
    other = make_worker("小李", km=2)
    trust(heping_employer, regular)
    post = publish(heping_employer, django_capture_on_commit_callbacks)
    engagement = Engagement.objects.get(post=post, worker=regular)
    hiring.decline(actor=regular, engagement_id=engagement.pk)
    # Every offer of the tier answered no: the next tier goes out without waiting for the timeout.
    soon = timezone.now() + dt.timedelta(minutes=1)
    assert services.run_dispatch(now=soon)["offered"] == 1
    assert offered(post, tier=2) == [other.pk]
    services.run_dispatch(now=soon + dt.timedelta(minutes=11))
    assert Engagement.objects.filter(post=post, worker=regular).count() == 1
    assert Engagement.objects.get(post=post, worker=regular).status == EngagementStatus.DECLINED
    with pytest.raises(DomainError) as exc:
        hiring.offer(actor=heping_employer, post_id=post.pk, worker_id=regular.pk)
    assert exc.value.code == "already_engaged"


def test_expired_offers_are_cancelled_and_cannot_be_accepted_late(
    heping_employer: User, make_worker: MakeWorker, django_capture_on_commit_callbacks: Any
) -> None:
    regular = make_worker("老刘")
    trust(heping_employer, regular)
    post = publish(heping_employer, django_capture_on_commit_callbacks)
    engagement = Engagement.objects.get(post=post, worker=regular)
    Engagement.objects.filter(pk=engagement.pk).update(
        offer_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(DomainError) as exc:  # before the task has run
        hiring.accept(actor=regular, engagement_id=engagement.pk)
    assert exc.value.code == "offer_expired"
    assert services.expire_offers() == 1
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.CANCELLED
    log = Transition.objects.get(object_id=str(engagement.pk), to_status="cancelled")
    assert (log.actor, log.note) == (None, "超时未回复")


def test_the_task_is_idempotent(
    heping_employer: User, crowd: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    # As if the first dispatch had been lost (a crash right after commit): the periodic task starts it, once.
    with django_capture_on_commit_callbacks(execute=False):
        post = services.quick_post(actor=heping_employer, employer=heping_employer, **template_fields())
    with django_capture_on_commit_callbacks(execute=True):
        first = advance_instant_dispatch.call_local()
        second = advance_instant_dispatch.call_local()
    assert first == {"expired": 0, "posts": 1, "offered": 5}
    assert second == {"expired": 0, "posts": 0, "offered": 0}
    assert services.advance_dispatch(post.pk) == 0
    assert Engagement.objects.filter(post=post).count() == 5
    notes = Notification.objects.filter(kind="instant_offer")
    assert notes.count() == 5 and notes.values("recipient").distinct().count() == 5


def test_no_more_offers_once_the_post_is_full(
    heping_employer: User, make_worker: MakeWorker, django_capture_on_commit_callbacks: Any
) -> None:
    regular = make_worker("老刘")
    near = make_worker("小李", km=0.3)
    trust(heping_employer, regular)
    post = publish(heping_employer, django_capture_on_commit_callbacks, headcount=1)
    e = Engagement.objects.get(post=post, worker=regular)
    hiring.accept(actor=regular, engagement_id=e.pk)
    hiring.confirm_worker(actor=heping_employer, engagement_id=e.pk)
    assert services.run_dispatch(now=timezone.now() + dt.timedelta(minutes=11))["offered"] == 0
    assert near.pk not in offered(post)


# --- accept, negotiate, confirm ---------------------------------------------------------------------


def test_accept_with_a_negotiation_then_confirm_records_the_times(
    heping_employer: User, make_worker: MakeWorker, django_capture_on_commit_callbacks: Any
) -> None:
    a, b = make_worker("老刘"), make_worker("老王")
    trust(heping_employer, a, b)
    post = publish(heping_employer, django_capture_on_commit_callbacks, headcount=2)
    ea, eb = (Engagement.objects.get(post=post, worker=w) for w in (a, b))
    with pytest.raises(DomainError) as exc:
        hiring.accept(actor=a, engagement_id=ea.pk, negotiation="phone")
    assert exc.value.code == "negotiation_invalid"
    hiring.accept(actor=a, engagement_id=ea.pk, negotiation="on_site", note="9点到门口面谈")
    ea.refresh_from_db()
    assert (ea.status, ea.negotiation, ea.negotiation_note) == ("accepted", "on_site", "9点到门口面谈")
    assert ea.accepted_at is not None
    hiring.confirm_worker(actor=heping_employer, engagement_id=ea.pk)
    post.refresh_from_db()
    assert post.first_confirmed_at is not None and post.filled_at is None
    hiring.accept(actor=b, engagement_id=eb.pk, negotiation="online")
    hiring.confirm_worker(actor=heping_employer, engagement_id=eb.pk)
    post.refresh_from_db()
    assert post.status == "filled" and post.filled_at is not None
    assert post.first_confirmed_at <= post.filled_at


# --- HTTP --------------------------------------------------------------------------------------------


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_api_templates_and_quick_post(heping_employer: User, django_capture_on_commit_callbacks: Any) -> None:
    client = _client(heping_employer)
    fields = {k: v for k, v in template_fields().items() if k != "wage_fen"} | {"wage": "200"}
    r = client.post(
        "/api/v1/market/templates", {"name": "早班", "fields": fields}, content_type="application/json"
    )
    assert r.status_code == 201, r.content
    template = r.json()
    assert template["fields"]["wage_fen"] == 20000
    assert [t["name"] for t in client.get("/api/v1/market/templates").json()] == ["早班"]
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            "/api/v1/market/instant",
            {"template_id": template["id"], "wage": "220"},
            content_type="application/json",
        )
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["instant"], body["status"], body["headcount"]) == (True, "published", 3)
    assert body["start_date"] == timezone.localdate().isoformat()
    assert GigPost.objects.get(pk=body["id"]).wage_fen == 22000
    r = client.post("/api/v1/market/instant", {"wage": "abc"}, content_type="application/json")
    assert (r.status_code, r.json()["code"]) == (400, "wage_invalid")
    assert client.delete(f"/api/v1/market/templates/{template['id']}").status_code == 204
    assert client.delete(f"/api/v1/market/templates/{template['id']}").status_code == 404


def test_pages_quick_post_and_answer_an_offer(
    heping_employer: User, make_worker: MakeWorker, django_capture_on_commit_callbacks: Any
) -> None:
    regular = make_worker("老刘")
    trust(heping_employer, regular)
    employer = _client(heping_employer)
    assert "今天上岗" in employer.get("/market/instant/new/").content.decode()
    form = {
        "occupation_code": CLEANER,
        "region_code": "210102",
        "address": "和平区南京北街206号",
        "headcount": "1",
        "wage": "200",
        "wage_type": "day",
        "time_slots": "",
        "longitude": str(HEPING_LON),
        "latitude": str(HEPING_LAT),
    }
    r = employer.post("/market/instant/new/", form | {"action": "save_template", "template_name": "早班"})
    assert r.status_code == 302
    template = services.list_templates(actor=heping_employer).get()
    assert template.fields["address"] == "和平区南京北街206号"
    page = employer.get("/market/instant/new/").content.decode()
    assert f'data-testid="template-post-{template.pk}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        r = employer.post("/market/instant/new/", {"template_id": str(template.pk)})
    post = GigPost.objects.get(employer=heping_employer)
    assert r.status_code == 302 and r["Location"] == f"/market/posts/{post.pk}/applicants/"
    engagement = Engagement.objects.get(post=post, worker=regular)

    worker = _client(regular)
    assert f'data-testid="offer-{engagement.pk}"' in worker.get("/market/instant/offers/").content.decode()
    r = worker.post(
        f"/market/instant/offers/{engagement.pk}/accept/", {"negotiation": "online", "note": "微信联系"}
    )
    assert r.status_code == 302
    engagement.refresh_from_db()
    assert (engagement.status, engagement.negotiation, engagement.negotiation_note) == (
        "accepted",
        "online",
        "微信联系",
    )
    assert employer.get("/market/instant/offers/").status_code == 403
