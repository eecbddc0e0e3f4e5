"""Completion and wage protection (辽人社〔2022〕22号 第十四条, 依法纠正拖欠劳动报酬): hours approval, wage
due, automatic approval when the employer lets the time pass, the one-tap unpaid report and staff's
handling of it."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from lingong.accounts.models import Notification, User
from lingong.core.models import Alert
from lingong.core.workflow import history
from lingong.market.models import Engagement, EngagementStatus, GigPost, WageClaim, WageClaimStatus, WageType
from lingong.market.selectors.work import wage_claims
from lingong.market.services import work
from lingong.market.tasks_work import auto_approve_hours
from lingong.market.tests.test_attendance_fixtures import (  # noqa: F401
    SITE_LAT,
    SITE_LON,
    api_post,
    at,
    attend,
    client_for,
    complete,
    confirm,
    employer,
    error_code,
    make_post,
    set_wage,
    site_post,
)

pytestmark = pytest.mark.django_db


def test_hourly_wage_is_the_approved_hours_times_the_rate(site_post: GigPost, heping_worker: User) -> None:  # noqa: F811
    set_wage(site_post, fen=2500, kind=WageType.HOUR)
    engagement = attend(confirm(site_post, heping_worker), at(8), at(15, 38))  # 7 h 38 min → 7.75 h
    assert engagement.hours_worked == Decimal("7.75")
    work.approve_hours(actor=site_post.employer, engagement_id=engagement.pk)
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.COMPLETED
    assert engagement.wage_due_fen == 19375  # 7.75 × 25 yuan
    assert engagement.hours_auto_approved is False
    assert engagement.hours_approved_at is not None and engagement.completed_at is not None
    assert [(t.from_status, t.to_status, t.actor) for t in history(engagement)][-1] == (
        "confirmed",
        "completed",
        site_post.employer,
    )


def test_daily_wage_counts_one_day_per_day_worked(
    site_post: GigPost,  # noqa: F811
    heping_worker: User,
    tiexi_worker: User,
) -> None:
    # 180 yuan a day (the post's wage): a shift past midnight is one day; two days on site are two.
    night = complete(site_post, heping_worker, start=at(20), end=at(4, days=1))
    assert (night.hours_worked, night.wage_due_fen) == (Decimal("8.00"), 18000)
    both = complete(site_post, tiexi_worker, start=at(8), end=at(17, days=1))
    assert both.wage_due_fen == 2 * 18000


def test_the_employer_corrects_hours_only_with_a_note(site_post: GigPost, heping_worker: User) -> None:  # noqa: F811
    set_wage(site_post, fen=3000, kind=WageType.HOUR)
    engagement = attend(confirm(site_post, heping_worker), at(8), at(18))
    kwargs: dict[str, Any] = {"actor": site_post.employer, "engagement_id": engagement.pk, "hours": "9"}
    assert error_code(work.approve_hours, **kwargs) == "note_required"
    assert error_code(work.approve_hours, **kwargs | {"hours": "-1", "note": "x"}) == "invalid_hours"
    work.approve_hours(**kwargs, note="午休一小时")
    engagement.refresh_from_db()
    assert (engagement.hours_worked, engagement.wage_due_fen) == (Decimal("9.00"), 27000)
    assert history(engagement).last().note == "工时由 10.00 小时改为 9.00 小时：午休一小时"  # type: ignore[union-attr]
    assert error_code(work.approve_hours, **kwargs, note="再改") == "already_approved"


def test_piece_work_takes_the_amount_entered(site_post: GigPost, heping_worker: User) -> None:  # noqa: F811
    set_wage(site_post, fen=50, kind=WageType.PIECE)
    engagement = attend(confirm(site_post, heping_worker), at(8), at(12))
    assert error_code(work.approve_hours, actor=site_post.employer, engagement_id=engagement.pk) == (
        "amount_required"
    )
    work.approve_hours(actor=site_post.employer, engagement_id=engagement.pk, amount_fen=16050)
    engagement.refresh_from_db()
    assert engagement.wage_due_fen == 16050


def test_hours_are_approved_after_check_out_by_the_posts_employer_or_its_staff(
    site_post: GigPost,  # noqa: F811
    heping_worker: User,
    tiexi_worker: User,
    tiexi_staff: User,
    heping_staff: User,
) -> None:
    engagement = confirm(site_post, heping_worker)
    approve = work.approve_hours
    assert error_code(approve, actor=site_post.employer, engagement_id=engagement.pk) == "not_checked_out"
    attend(engagement, at(8), at(16))
    assert error_code(approve, actor=tiexi_staff, engagement_id=engagement.pk) == "not_found"
    assert error_code(approve, actor=heping_worker, engagement_id=engagement.pk) == "employer_only"
    approve(actor=heping_staff, engagement_id=engagement.pk)
    assert Engagement.objects.get(pk=engagement.pk).status == EngagementStatus.COMPLETED


def test_unapproved_hours_are_approved_by_the_task_after_the_timeout_and_not_before(
    site_post: GigPost,  # noqa: F811
    heping_worker: User,
) -> None:
    engagement = attend(confirm(site_post, heping_worker), at(8), at(16))
    assert auto_approve_hours.call_local(now=at(15, days=1)) == 0  # 23 hours later
    assert Engagement.objects.get(pk=engagement.pk).status == EngagementStatus.CONFIRMED
    assert auto_approve_hours.call_local(now=at(16, 1, days=1)) == 1
    assert auto_approve_hours.call_local(now=at(17, days=1)) == 0  # idempotent
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.COMPLETED
    assert engagement.hours_auto_approved is True
    assert (engagement.hours_worked, engagement.wage_due_fen) == (Decimal("8.00"), 18000)
    step = history(engagement).get(to_status=EngagementStatus.COMPLETED)
    assert (step.actor, step.note) == (None, "用工主体超时未确认，系统自动确认")


def test_the_timeout_is_a_setting(site_post: GigPost, heping_worker: User, settings: Any) -> None:  # noqa: F811
    settings.LINGONG_HOURS_AUTO_APPROVE_HOURS = 2
    attend(confirm(site_post, heping_worker), at(8), at(16))
    assert auto_approve_hours.call_local(now=at(18, 1)) == 1


CaptureOnCommit = Callable[..., Any]


def test_an_unpaid_report_carries_the_evidence_and_raises_one_alert(
    site_post: GigPost,  # noqa: F811
    heping_worker: User,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    engagement = attend(confirm(site_post, heping_worker), at(8, 2), at(16))
    auto_approve_hours.call_local(now=at(17, days=1))
    with django_capture_on_commit_callbacks(execute=True):
        claim = work.report_unpaid(actor=heping_worker, engagement_id=engagement.pk)
    assert (claim.status, claim.region_id, claim.agreed_wage_fen, claim.wage_due_fen) == (
        "open",
        "210102",
        18000,
        18000,
    )
    evidence = claim.evidence
    assert evidence["agreed_wage_type"] == "day"
    assert evidence["check_in"] == {"at": at(8, 2).isoformat(), "longitude": SITE_LON, "latitude": SITE_LAT}
    assert evidence["check_out"]["at"] == at(16).isoformat()
    assert evidence["hours_worked"] == "8.00"
    assert evidence["hours_approval"]["by"] == "system"
    assert evidence["hours_approval"]["auto"] is True
    assert evidence["post"]["employer"] == site_post.employer.display_name
    alerts = Alert.objects.filter(kind="wage_arrears")
    assert [(a.region_code, a.key) for a in alerts] == [("210102", f"wage_claim:{claim.pk}")]
    assert Notification.objects.filter(recipient=site_post.employer, kind="wage_claim").count() == 1
    # A second tap changes nothing.
    assert (
        error_code(work.report_unpaid, actor=heping_worker, engagement_id=engagement.pk) == "already_reported"
    )
    assert Alert.objects.filter(kind="wage_arrears").count() == 1
    assert WageClaim.objects.count() == 1


def test_no_report_before_completion_or_after_confirming_the_wage(
    site_post: GigPost,  # noqa: F811
    heping_worker: User,
    tiexi_worker: User,
) -> None:
    pending = attend(confirm(site_post, heping_worker), at(8), at(16))
    assert error_code(work.report_unpaid, actor=heping_worker, engagement_id=pending.pk) == "not_completed"
    done = complete(site_post, tiexi_worker)
    assert error_code(work.report_unpaid, actor=heping_worker, engagement_id=done.pk) == "not_found"
    work.confirm_wage_received(actor=tiexi_worker, engagement_id=done.pk)
    assert error_code(work.report_unpaid, actor=tiexi_worker, engagement_id=done.pk) == "already_received"
    assert error_code(work.confirm_wage_received, actor=tiexi_worker, engagement_id=done.pk) == (
        "already_received"
    )


def test_staff_of_the_region_move_the_claim_and_the_worker_confirming_payment_settles_it(
    site_post: GigPost,  # noqa: F811
    heping_worker: User,
    heping_staff: User,
    tiexi_staff: User,
) -> None:
    engagement = complete(site_post, heping_worker)
    claim = work.report_unpaid(actor=heping_worker, engagement_id=engagement.pk)
    move = work.move_wage_claim
    assert error_code(move, actor=tiexi_staff, claim_id=claim.pk, action="refer") == "not_found"
    assert error_code(move, actor=heping_worker, claim_id=claim.pk, action="refer") == "staff_only"
    move(actor=heping_staff, claim_id=claim.pk, action="refer", note="移交劳动保障监察大队")
    assert WageClaim.objects.get(pk=claim.pk).status == WageClaimStatus.REFERRED
    work.confirm_wage_received(actor=heping_worker, engagement_id=engagement.pk)
    assert WageClaim.objects.get(pk=claim.pk).status == WageClaimStatus.PAID
    move(actor=heping_staff, claim_id=claim.pk, action="close")
    assert [t.to_status for t in history(claim)] == ["open", "referred", "paid", "closed"]


def test_the_wage_claims_page_and_api_are_scoped(
    site_post: GigPost,  # noqa: F811
    heping_worker: User,
    heping_staff: User,
    tiexi_staff: User,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    claim = work.report_unpaid(actor=heping_worker, engagement_id=complete(site_post, heping_worker).pk)
    page = client_for(heping_staff).get(reverse("market:wage_claims"))
    assert page.status_code == 200
    assert f'id="claim-{claim.pk}"' in page.content.decode()
    assert "180.00" in page.content.decode()
    assert (
        f'id="claim-{claim.pk}"'
        not in client_for(tiexi_staff).get(reverse("market:wage_claims")).content.decode()
    )
    assert client_for(heping_worker).get(reverse("market:wage_claims")).status_code == 403
    fresh = User.objects.get(pk=heping_staff.pk)
    with django_assert_num_queries(2):  # the staff member's region, then every row with what it shows
        claims = list(wage_claims(actor=fresh))
        assert claims[0].engagement.post.employer.display_name and claims[0].engagement.worker.display_name

    api = client_for(heping_staff)
    listed = api.get("/api/v1/market/wage-claims").json()
    assert [c["id"] for c in listed] == [claim.pk]
    assert client_for(tiexi_staff).get("/api/v1/market/wage-claims").json() == []
    moved = api_post(api, f"/api/v1/market/wage-claims/{claim.pk}/paid", {"note": "已当面结清"})
    assert (moved.status_code, moved.json()["status"]) == (200, "paid")
    again = api_post(api, f"/api/v1/market/wage-claims/{claim.pk}/refer")
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")


def test_the_api_approves_hours_and_reports_unpaid(
    site_post: GigPost,  # noqa: F811
    heping_worker: User,
) -> None:
    engagement = attend(confirm(site_post, heping_worker), at(8), at(16))
    employer_api = client_for(site_post.employer)
    url = f"/api/v1/market/engagements/{engagement.pk}"
    bad = api_post(employer_api, f"{url}/approve-hours", {"hours": "7"})
    assert (bad.status_code, bad.json()["code"]) == (400, "note_required")
    ok = api_post(employer_api, f"{url}/approve-hours", {"hours": "7.5", "note": "提前离开"})
    assert ok.status_code == 200, ok.content
    assert (ok.json()["status"], ok.json()["hours_worked"], ok.json()["wage_due_yuan"]) == (
        "completed",
        "7.50",
        "180",
    )
    claim = api_post(client_for(heping_worker), f"{url}/report-unpaid")
    assert claim.status_code == 201
    assert claim.json()["evidence"]["hours_approval"]["by"] == "employer"
    received = api_post(client_for(heping_worker), f"{url}/wage-received")
    assert received.json()["wage_received_at"] is not None


def test_the_attendance_page_approves_hours(site_post: GigPost, heping_worker: User) -> None:  # noqa: F811
    engagement = attend(confirm(site_post, heping_worker), at(8), at(16))
    client = client_for(site_post.employer)
    page = client.get(reverse("market:work_attendance", args=[site_post.pk]))
    assert 'data-action="approve-hours"' in page.content.decode()
    client.post(
        reverse("market:work_engagement_step", args=[engagement.pk, "approve-hours"]),
        {"hours": "8.00", "note": ""},
    )
    assert Engagement.objects.get(pk=engagement.pk).status == EngagementStatus.COMPLETED
    assert "180.00" in client.get(reverse("market:work_attendance", args=[site_post.pk])).content.decode()
