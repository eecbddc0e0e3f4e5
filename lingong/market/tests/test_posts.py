"""Publishing, review, closing and expiry of gig and seeking posts (22号 第七条)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from lingong.accounts.models import User
from lingong.core.errors import DomainError, NotFound, PermissionDenied
from lingong.core.models import AuditEntry, Division, Transition
from lingong.core.workflow import InvalidTransition
from lingong.market.models import ForbiddenTerm, GigPost, MinimumWage, PostStatus
from lingong.market.selectors.posts import GigFilters, get_gig, search_gigs
from lingong.market.services import posts as services
from lingong.market.tasks import expire_posts
from lingong.market.tests.conftest import PostMaker, tomorrow

pytestmark = pytest.mark.django_db


def found(post: GigPost, query: str = "") -> bool:
    return post.pk in {r.id for r in search_gigs(GigFilters(query=query)).rows}


class TestPublish:
    def test_published_at_once_free_and_findable(self, heping_employer: User, make_gig: PostMaker) -> None:
        post = make_gig(heping_employer)
        assert post.status == PostStatus.PUBLISHED
        assert post.review_reason == ""
        assert found(post, "保洁")
        entry = AuditEntry.objects.get(object_type="market.gigpost", object_id=str(post.pk))
        assert entry.action == AuditEntry.Action.CREATE
        assert entry.actor == heping_employer

    def test_expires_at_end_of_end_date_local_time(self, heping_employer: User, make_gig: PostMaker) -> None:
        start = tomorrow()
        post = make_gig(heping_employer, start_date=start, end_date=start + dt.timedelta(days=2))
        local = timezone.localtime(post.expires_at)
        assert (local.date(), local.hour, local.minute) == (start + dt.timedelta(days=3), 0, 0)

    def test_expires_after_thirty_days_at_most(self, heping_employer: User, make_gig: PostMaker) -> None:
        now = timezone.now()
        post = make_gig(heping_employer, end_date=tomorrow() + dt.timedelta(days=90), now=now)
        assert post.expires_at == now + dt.timedelta(days=30)

    def test_title_made_up_when_left_blank(self, heping_employer: User, make_gig: PostMaker) -> None:
        assert make_gig(heping_employer, title="", headcount=3).title == "招保洁员3人"

    def test_contact_phone_defaults_to_the_account_and_is_encrypted(
        self, heping_employer: User, make_gig: PostMaker
    ) -> None:
        post = make_gig(heping_employer)
        assert post.contact_phone == "13600000001"
        with connection.cursor() as cursor:
            cursor.execute("SELECT contact_phone FROM market_gigpost WHERE id = %s", [post.pk])
            stored = cursor.fetchone()[0]
        assert "13600000001" not in stored

    @pytest.mark.parametrize(
        ("fields", "code", "field"),
        [
            (
                {"start_date": dt.date(2020, 1, 1), "end_date": dt.date(2020, 1, 1)},
                "start_date_past",
                "start_date",
            ),
            ({"end_date": dt.date(2020, 1, 1)}, "end_before_start", "end_date"),
            ({"headcount": 0}, "headcount_invalid", "headcount"),
            ({"wage_fen": 0}, "wage_invalid", "wage"),
            ({"longitude": 2.35, "latitude": 48.85}, "position_outside_china", "longitude"),
            ({"longitude": 123.4}, "position_incomplete", "longitude"),
            ({"region_code": "210100"}, "region_invalid", "region"),
            ({"region_code": "999999"}, "region_invalid", "region"),
            ({"occupation_code": "9-99-99-99"}, "occupation_unknown", "occupation"),
            ({"address": " "}, "address_required", "address"),
            ({"settlement": "monthly"}, "settlement_invalid", "settlement"),
        ],
    )
    def test_invalid_input_gets_a_chinese_error_on_its_field(
        self, heping_employer: User, make_gig: PostMaker, fields: dict[str, object], code: str, field: str
    ) -> None:
        with pytest.raises(DomainError) as err:
            make_gig(heping_employer, **fields)
        assert (err.value.code, err.value.field) == (code, field)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in err.value.message)
        assert not GigPost.objects.exists()

    def test_a_worker_cannot_post_a_gig(self, heping_worker: User, make_gig: PostMaker) -> None:
        with pytest.raises(PermissionDenied):
            make_gig(heping_worker)

    def test_staff_register_a_post_for_an_employer_of_their_region_only(
        self, heping_employer: User, heping_staff: User, tiexi_staff: User, make_gig: PostMaker
    ) -> None:
        post = make_gig(heping_employer, actor=heping_staff)
        assert post.employer == heping_employer
        assert AuditEntry.objects.get(object_id=str(post.pk)).actor == heping_staff
        with pytest.raises(PermissionDenied):
            make_gig(heping_employer, actor=tiexi_staff)

    @pytest.mark.parametrize(("wage", "wage_type"), [("150", "day"), ("18", "hour")])
    def test_below_the_local_minimum_wage_goes_to_review_not_to_search(
        self, heping_employer: User, make_gig: PostMaker, wage: str, wage_type: str
    ) -> None:
        post = make_gig(heping_employer, wage_fen=services.yuan_to_fen(wage), wage_type=wage_type)
        assert post.status == PostStatus.IN_REVIEW
        assert post.review_reason == "工资低于当地小时最低工资标准（沈阳市 19.20 元/小时）"
        assert not found(post)

    def test_county_standard_wins_over_the_city(
        self, shenyang: dict[str, Division], make_gig: PostMaker
    ) -> None:
        from lingong.conftest import make_user

        liaozhong = Division.objects.get(pk="210115")
        employer = make_user(role="employer", region=liaozhong, phone="13600000009", name="辽中农场")
        # 17 yuan an hour: under Shenyang's 19.20, above Liaozhong's 16.50.
        assert make_gig(employer, wage_fen=1700, wage_type="hour").status == PostStatus.PUBLISHED
        post = make_gig(employer, wage_fen=1600, wage_type="hour")
        assert "辽中区 16.50 元/小时" in post.review_reason

    def test_latest_standard_in_force_on_the_start_date(
        self, shenyang: dict[str, Division], heping_employer: User, make_gig: PostMaker
    ) -> None:
        later = tomorrow() + dt.timedelta(days=10)
        MinimumWage.objects.create(
            region=shenyang["shenyang"],
            effective_from=later,
            monthly_fen=250000,
            hourly_fen=2500,
            source="测试",
        )
        assert make_gig(heping_employer, wage_fen=2200, wage_type="hour").status == PostStatus.PUBLISHED
        post = make_gig(heping_employer, wage_fen=2200, wage_type="hour", start_date=later, end_date=later)
        assert "25.00 元/小时" in post.review_reason

    def test_piece_work_is_not_compared_with_the_hourly_minimum(
        self, heping_employer: User, make_gig: PostMaker
    ) -> None:
        assert make_gig(heping_employer, wage_fen=50, wage_type="piece").status == PostStatus.PUBLISHED

    def test_forbidden_term_goes_to_review_with_the_reason(
        self, heping_employer: User, make_gig: PostMaker
    ) -> None:
        post = make_gig(heping_employer, requirements="上岗前收取押金200元")
        assert post.status == PostStatus.IN_REVIEW
        assert post.review_reason == "内容含有违规词“押金”：向劳动者收取押金"

    def test_a_switched_off_term_no_longer_sends_to_review(
        self, heping_employer: User, make_gig: PostMaker
    ) -> None:
        ForbiddenTerm.objects.filter(term="押金").update(active=False)
        assert make_gig(heping_employer, description="不收押金").status == PostStatus.PUBLISHED

    def test_unverified_employer_may_post_and_the_post_says_so(
        self, heping_employer: User, tiexi_factory: User, make_gig: PostMaker
    ) -> None:
        unverified = make_gig(heping_employer)
        verified = make_gig(tiexi_factory, address="沈阳市铁西区北二西路")
        assert get_gig(actor=None, post_id=unverified.pk).employer_verified is False
        assert get_gig(actor=None, post_id=verified.pk).employer_verified is True


class TestSeeking:
    def test_worker_offers_labour_and_words_are_checked(self, heping_worker: User) -> None:
        start = tomorrow()
        fields: dict[str, Any] = {
            "occupation_code": "4-10-01-06",
            "region_code": "210102",
            "address": "和平区南市场附近",
            "start_date": start,
            "end_date": start,
            "wage_fen": 2000,
            "wage_type": "hour",
        }
        post = services.publish_seeking_post(actor=heping_worker, worker=heping_worker, **fields)
        assert (post.status, post.title) == (PostStatus.PUBLISHED, "求家政服务员工作")
        flagged = services.publish_seeking_post(
            actor=heping_worker, worker=heping_worker, description="可以刷单", **fields
        )
        assert flagged.status == PostStatus.IN_REVIEW


class TestReview:
    def test_staff_approve_then_it_is_found(
        self, heping_employer: User, heping_staff: User, make_gig: PostMaker
    ) -> None:
        post = make_gig(heping_employer, wage_fen=15000)
        services.approve_post(actor=heping_staff, post_id=post.pk)
        post.refresh_from_db()
        assert post.status == PostStatus.PUBLISHED
        assert found(post)
        step = Transition.objects.get(object_type="market.gigpost", object_id=str(post.pk))
        assert (step.from_status, step.to_status, step.actor) == ("in_review", "published", heping_staff)

    def test_staff_of_another_county_cannot_see_it(
        self, heping_employer: User, tiexi_staff: User, make_gig: PostMaker
    ) -> None:
        post = make_gig(heping_employer, wage_fen=15000)
        with pytest.raises(NotFound) as err:
            services.approve_post(actor=tiexi_staff, post_id=post.pk)
        assert err.value.status == 404
        post.refresh_from_db()
        assert post.status == PostStatus.IN_REVIEW

    def test_city_staff_review_every_district(
        self, heping_employer: User, city_staff: User, make_gig: PostMaker
    ) -> None:
        post = make_gig(heping_employer, wage_fen=15000)
        services.reject_post(
            actor=city_staff, post_id=post.pk, reason="工资低于最低工资标准，请修改后重新发布"
        )
        post.refresh_from_db()
        assert (post.status, post.review_reason) == ("rejected", "工资低于最低工资标准，请修改后重新发布")

    def test_reject_needs_a_reason(
        self, heping_employer: User, heping_staff: User, make_gig: PostMaker
    ) -> None:
        post = make_gig(heping_employer, wage_fen=15000)
        with pytest.raises(DomainError) as err:
            services.reject_post(actor=heping_staff, post_id=post.pk, reason="  ")
        assert err.value.code == "reason_required"

    def test_workers_and_employers_cannot_review(
        self, heping_employer: User, heping_worker: User, make_gig: PostMaker
    ) -> None:
        post = make_gig(heping_employer, wage_fen=15000)
        for actor in (heping_worker, heping_employer):
            with pytest.raises(PermissionDenied):
                services.approve_post(actor=actor, post_id=post.pk)

    def test_a_published_post_is_not_approved_again(
        self, heping_employer: User, heping_staff: User, make_gig: PostMaker
    ) -> None:
        post = make_gig(heping_employer)
        with pytest.raises(DomainError) as err:
            services.approve_post(actor=heping_staff, post_id=post.pk)
        assert err.value.code == "not_in_review"


class TestClose:
    def test_owner_closes_and_it_leaves_search(self, heping_employer: User, make_gig: PostMaker) -> None:
        post = make_gig(heping_employer)
        services.close_post(actor=heping_employer, post_id=post.pk)
        post.refresh_from_db()
        assert post.status == PostStatus.CLOSED
        assert not found(post)
        with pytest.raises(InvalidTransition):
            services.close_post(actor=heping_employer, post_id=post.pk)

    def test_others_cannot_close(
        self,
        heping_employer: User,
        tiexi_factory: User,
        tiexi_staff: User,
        heping_staff: User,
        make_gig: PostMaker,
    ) -> None:
        post = make_gig(heping_employer)
        with pytest.raises(PermissionDenied):
            services.close_post(actor=tiexi_factory, post_id=post.pk)
        with pytest.raises(NotFound):
            services.close_post(actor=tiexi_staff, post_id=post.pk)
        services.close_post(actor=heping_staff, post_id=post.pk)


class TestContact:
    def test_masked_for_the_public_and_workers_full_for_owner_and_staff(
        self,
        heping_employer: User,
        heping_worker: User,
        heping_staff: User,
        heping_clerk: User,
        make_gig: PostMaker,
    ) -> None:
        post = make_gig(heping_employer)
        assert get_gig(actor=None, post_id=post.pk).contact_phone == "136****0001"
        assert get_gig(actor=heping_worker, post_id=post.pk).contact_phone == "136****0001"
        assert get_gig(actor=heping_clerk, post_id=post.pk).contact_phone == "136****0001"
        assert get_gig(actor=heping_employer, post_id=post.pk).contact_phone == "13600000001"
        assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_PERSONAL).exists()
        assert get_gig(actor=heping_staff, post_id=post.pk).contact_phone == "13600000001"
        view = AuditEntry.objects.get(action=AuditEntry.Action.VIEW_PERSONAL)
        assert (view.actor, view.fields) == (heping_staff, ["contact_phone"])

    def test_a_post_in_review_is_hidden_from_the_public(
        self, heping_employer: User, heping_worker: User, make_gig: PostMaker
    ) -> None:
        post = make_gig(heping_employer, wage_fen=15000)
        with pytest.raises(NotFound):
            get_gig(actor=heping_worker, post_id=post.pk)
        assert get_gig(actor=heping_employer, post_id=post.pk).review_reason


class TestExpiry:
    def test_task_expires_published_and_in_review_posts_once(
        self, heping_employer: User, make_gig: PostMaker
    ) -> None:
        published = make_gig(heping_employer)
        in_review = make_gig(heping_employer, wage_fen=15000)
        later = make_gig(heping_employer, end_date=tomorrow() + dt.timedelta(days=5))
        GigPost.objects.filter(pk__in=[published.pk, in_review.pk]).update(
            expires_at=timezone.now() - dt.timedelta(minutes=1)
        )
        expire_posts()
        expire_posts()  # idempotent
        statuses = dict(GigPost.objects.values_list("pk", "status"))
        assert statuses == {published.pk: "expired", in_review.pk: "expired", later.pk: "published"}
        steps = Transition.objects.filter(to_status="expired")
        assert steps.count() == 2
        assert all(s.actor is None for s in steps)

    def test_nothing_due_nothing_done(self, heping_employer: User, make_gig: PostMaker) -> None:
        make_gig(heping_employer)
        assert services.expire_due_posts() == 0


class TestReferenceData:
    def test_migration_loaded_liaoning_and_guangxi(self) -> None:
        shenyang = MinimumWage.objects.get(region_id="210100", effective_from=dt.date(2021, 11, 1))
        assert (shenyang.monthly_fen, shenyang.hourly_fen) == (191000, 1920)
        assert "2021年11月1日" in shenyang.source
        assert MinimumWage.objects.get(region_id="450100").hourly_fen == 1600
        assert (
            ForbiddenTerm.objects.filter(term__in=["押金", "只招男", "限本地户口", "乙肝", "刷单"]).count()
            == 5
        )

    def test_minimum_wage_falls_back_to_the_province(self) -> None:
        anshan = Division.objects.get(pk="210302")  # 铁东区, no city row yet
        row = services.minimum_wage_for(anshan, dt.date(2026, 6, 1))
        assert row is not None and (row.region_id, row.hourly_fen) == ("210000", 1430)
        assert services.minimum_wage_for(Division.objects.get(pk="630102"), dt.date(2026, 6, 1)) is None

    def test_command_reloads_without_duplicates_and_keeps_switched_off_terms(self) -> None:
        before = MinimumWage.objects.count(), ForbiddenTerm.objects.count()
        ForbiddenTerm.objects.filter(term="乙肝").update(active=False, reason="改过")
        call_command("load_market_reference", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert (MinimumWage.objects.count(), ForbiddenTerm.objects.count()) == before
        term = ForbiddenTerm.objects.get(term="乙肝")
        assert (term.active, term.reason) == (False, "乙肝病原携带者歧视")

    @pytest.mark.parametrize(("value", "fen"), [("180", 18000), ("19.5", 1950), (" 0.01 ", 1)])
    def test_yuan_to_fen(self, value: str, fen: int) -> None:
        assert services.yuan_to_fen(value) == fen

    @pytest.mark.parametrize("value", ["", "abc", "-5", "0", "1.234", "NaN"])
    def test_yuan_to_fen_rejects(self, value: str) -> None:
        with pytest.raises(DomainError):
            services.yuan_to_fen(value)
