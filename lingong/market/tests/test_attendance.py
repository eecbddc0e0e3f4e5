"""Attendance proof (辽人社〔2022〕22号 第七条, 即时快招 "当日到岗"): the day's QR code, the radius, once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from lingong.accounts.models import User
from lingong.core.models import AuditEntry, Division
from lingong.core.workflow import history
from lingong.market.models import Engagement, EngagementStatus, GigPost
from lingong.market.services import hiring, work
from lingong.market.tasks_work import mark_no_shows
from lingong.market.tests.conftest_hiring import MakePost, make_workers
from lingong.market.tests.test_attendance_fixtures import (  # noqa: F401
    FAR_LAT,
    SITE_LAT,
    SITE_LON,
    api_post,
    at,
    attend,
    client_for,
    code_for,
    confirm,
    employer,
    error_code,
    make_post,
    site_post,
)

pytestmark = pytest.mark.django_db


def _check_in(
    post: GigPost, worker: User, *, when: dt.datetime, code: str | None = None, **pos: float
) -> str:
    return error_code(
        work.check_in,
        actor=worker,
        post_id=post.pk,
        code=code if code is not None else code_for(post, when),
        longitude=pos.get("lon", SITE_LON),
        latitude=pos.get("lat", SITE_LAT),
        at=when,
    )


def test_the_code_changes_daily_and_the_secret_is_made_once(site_post: GigPost) -> None:  # noqa: F811
    assert site_post.checkin_secret == ""
    work.ensure_checkin_secret(site_post)
    secret = site_post.checkin_secret
    assert len(secret) == 32
    assert work.ensure_checkin_secret(GigPost.objects.get(pk=site_post.pk)).checkin_secret == secret
    today, tomorrow = timezone_days()
    assert work.checkin_code(site_post, today) != work.checkin_code(site_post, tomorrow)
    assert len(work.checkin_code(site_post, today)) == 8


def timezone_days() -> tuple[dt.date, dt.date]:
    today = at(12).date()
    return today, today + dt.timedelta(days=1)


def test_a_confirmed_worker_checks_in_with_todays_code_inside_the_radius(
    site_post: GigPost,  # noqa: F811
    heping_worker: User,
) -> None:
    engagement = confirm(site_post, heping_worker)
    when = at(7, 55)
    # 100 m from the site: inside 300 m.
    work.check_in(
        actor=heping_worker,
        post_id=site_post.pk,
        code=code_for(site_post, when).upper(),  # typed by hand, in capitals: still the code
        longitude=SITE_LON,
        latitude=SITE_LAT + 0.0009,
        at=when,
    )
    engagement.refresh_from_db()
    assert engagement.checked_in_at == when
    assert (engagement.check_in_longitude, engagement.check_in_latitude) == (SITE_LON, SITE_LAT + 0.0009)
    site_post.refresh_from_db()
    assert site_post.first_check_in_at == when
    assert AuditEntry.objects.filter(object_id=str(engagement.pk), note="签到").exists()


def test_yesterdays_code_a_wrong_code_and_a_code_of_another_post_fail(
    site_post: GigPost,  # noqa: F811
    make_post: MakePost,  # noqa: F811
    heping_worker: User,
) -> None:
    confirm(site_post, heping_worker)
    yesterday = at(8, days=-1)
    assert _check_in(site_post, heping_worker, when=at(8), code=code_for(site_post, yesterday)) == (
        "checkin_code_invalid"
    )
    assert _check_in(site_post, heping_worker, when=at(8), code="abcdefgh") == "checkin_code_invalid"
    other = make_post(title="另一个招聘")
    assert (
        _check_in(site_post, heping_worker, when=at(8), code=code_for(other, at(8))) == "checkin_code_invalid"
    )


def test_outside_the_radius_says_how_far(site_post: GigPost, heping_worker: User) -> None:  # noqa: F811
    confirm(site_post, heping_worker)
    with pytest.raises(work.DomainError) as exc:
        work.check_in(
            actor=heping_worker,
            post_id=site_post.pk,
            code=code_for(site_post, at(8)),
            longitude=SITE_LON,
            latitude=FAR_LAT,
            at=at(8),
        )
    assert exc.value.code == "outside_radius"
    assert exc.value.message == "您距离工作地点约 1.2 公里，须在 300 米内签到。"
    assert exc.value.details == {"distance_m": 1201, "radius_m": 300}
    assert (
        _check_in(site_post, heping_worker, when=at(8), lon=SITE_LON, lat=SITE_LAT + 0.0036)
        == "outside_radius"
    )
    assert Engagement.objects.get(post=site_post).checked_in_at is None


def test_the_position_is_required(site_post: GigPost, heping_worker: User) -> None:  # noqa: F811
    confirm(site_post, heping_worker)
    code = error_code(
        work.check_in,
        actor=heping_worker,
        post_id=site_post.pk,
        code=code_for(site_post, at(8)),
        longitude=None,
        latitude=None,
        at=at(8),
    )
    assert code == "position_required"


def test_only_the_confirmed_worker_of_the_post_checks_in(
    site_post: GigPost,  # noqa: F811
    heping_worker: User,
    shenyang: dict[str, Division],
) -> None:
    applicant, stranger = make_workers(2, shenyang["heping"])
    hiring.apply(actor=applicant, post_id=site_post.pk)  # applied, never confirmed
    assert _check_in(site_post, applicant, when=at(8)) == "not_confirmed"
    assert _check_in(site_post, stranger, when=at(8)) == "not_confirmed"
    assert _check_in(site_post, site_post.employer, when=at(8)) == "not_confirmed"


def test_a_second_check_in_fails(site_post: GigPost, heping_worker: User) -> None:  # noqa: F811
    confirm(site_post, heping_worker)
    work.check_in(
        actor=heping_worker,
        post_id=site_post.pk,
        code=code_for(site_post, at(8)),
        longitude=SITE_LON,
        latitude=SITE_LAT,
        at=at(8),
    )
    assert _check_in(site_post, heping_worker, when=at(9)) == "already_checked_in"


def test_check_out_after_check_in_rounds_hours_to_the_quarter(
    site_post: GigPost,  # noqa: F811
    heping_worker: User,
) -> None:
    engagement = confirm(site_post, heping_worker)
    out_code = error_code(
        work.check_out,
        actor=heping_worker,
        post_id=site_post.pk,
        code=code_for(site_post, at(16)),
        longitude=SITE_LON,
        latitude=SITE_LAT,
        at=at(16),
    )
    assert out_code == "not_checked_in"
    attend(engagement, at(8), at(16, 8))  # 8 h 8 min: nearer 8.25 than 8.00
    engagement.refresh_from_db()
    assert engagement.hours_worked == Decimal("8.25")
    assert engagement.status == EngagementStatus.CONFIRMED  # the employer approves the hours next
    assert _out(site_post, heping_worker, at(16, 30)) == "already_checked_out"


def _out(post: GigPost, worker: User, when: dt.datetime) -> str:
    return error_code(
        work.check_out,
        actor=worker,
        post_id=post.pk,
        code=code_for(post, when),
        longitude=SITE_LON,
        latitude=SITE_LAT,
        at=when,
    )


def test_a_night_shift_checks_out_after_midnight_with_the_check_in_days_code(
    site_post: GigPost,  # noqa: F811
    heping_worker: User,
) -> None:
    engagement = confirm(site_post, heping_worker)
    start, end = at(22), at(6, days=1)
    work.check_in(
        actor=heping_worker,
        post_id=site_post.pk,
        code=code_for(site_post, start),
        longitude=SITE_LON,
        latitude=SITE_LAT,
        at=start,
    )
    work.check_out(
        actor=heping_worker,
        post_id=site_post.pk,
        code=code_for(site_post, start),  # the poster seen at 22:00
        longitude=SITE_LON,
        latitude=SITE_LAT,
        at=end,
    )
    engagement.refresh_from_db()
    assert engagement.hours_worked == Decimal("8.00")


def test_the_employer_sees_todays_qr_and_the_worker_checks_in_on_the_page(
    site_post: GigPost,  # noqa: F811
    heping_worker: User,
) -> None:
    engagement = confirm(site_post, heping_worker)
    page = client_for(site_post.employer).get(reverse("market:work_checkin_qr", args=[site_post.pk]))
    assert page.status_code == 200
    site_post.refresh_from_db()
    path = reverse("market:work_checkin", args=[site_post.pk, work.checkin_code(site_post, at(12).date())])
    html = page.content.decode()
    assert "<svg" in html
    assert f"http://testserver{path}" in html
    printable = client_for(site_post.employer).get(
        reverse("market:work_checkin_qr", args=[site_post.pk]) + "?print=1"
    )
    assert "window.print()" in printable.content.decode()
    # Only the post's employer (or staff of its region) shows its code.
    assert (
        client_for(heping_worker).get(reverse("market:work_checkin_qr", args=[site_post.pk])).status_code
        == 403
    )

    worker = client_for(heping_worker)
    assert 'data-testid="checkin-button"' in worker.get(path).content.decode()
    far = worker.post(path, {"step": "check_in", "longitude": SITE_LON, "latitude": FAR_LAT})
    assert far.status_code == 400
    assert 'data-code="outside_radius"' in far.content.decode()
    done = worker.post(path, {"step": "check_in", "longitude": SITE_LON, "latitude": SITE_LAT})
    assert done.status_code == 302
    engagement.refresh_from_db()
    assert engagement.checked_in_at is not None
    assert "签退" in worker.get(path).content.decode()  # the button is now the check-out one
    wrong = worker.post(
        path.replace(work.checkin_code(site_post, at(12).date()), "zzzzzzzz"), {"step": "check_in"}
    )
    assert 'data-code="checkin_code_invalid"' in wrong.content.decode()


def test_the_api_checks_in_and_out_with_stable_error_codes(
    site_post: GigPost,  # noqa: F811
    heping_worker: User,
) -> None:
    engagement = confirm(site_post, heping_worker)
    client = client_for(heping_worker)
    base = f"/api/v1/market/engagements/{engagement.pk}"
    code = code_for(site_post, dt.datetime.now(tz=work.WORK_TZ))
    if not site_post.start_date <= at(12).date() <= site_post.end_date:  # pragma: no cover
        pytest.skip("the post's dates are today and tomorrow")
    far = api_post(client, f"{base}/check-in", {"code": code, "longitude": SITE_LON, "latitude": FAR_LAT})
    assert far.status_code == 400
    assert far.json()["code"] == "outside_radius"
    bad = api_post(client, f"{base}/check-in", {"code": "nope", "longitude": SITE_LON, "latitude": SITE_LAT})
    assert bad.json()["code"] == "checkin_code_invalid"
    ok = api_post(client, f"{base}/check-in", {"code": code, "longitude": SITE_LON, "latitude": SITE_LAT})
    assert ok.status_code == 200, ok.content
    assert ok.json()["checked_in_at"] is not None
    again = api_post(client, f"{base}/check-in", {"code": code, "longitude": SITE_LON, "latitude": SITE_LAT})
    assert (again.status_code, again.json()["code"]) == (409, "already_checked_in")
    out = api_post(client, f"{base}/check-out", {"code": code, "longitude": SITE_LON, "latitude": SITE_LAT})
    assert out.status_code == 200
    assert out.json()["hours_worked"] is not None
    other = api_post(
        client_for(site_post.employer),
        f"{base}/check-in",
        {"code": code, "longitude": SITE_LON, "latitude": SITE_LAT},
    )
    assert other.status_code == 404


def test_a_worker_cancelling_a_confirmed_place_is_recorded_as_such(
    site_post: GigPost,  # noqa: F811
    heping_worker: User,
    tiexi_worker: User,
) -> None:
    mine = confirm(site_post, heping_worker)
    theirs = confirm(site_post, tiexi_worker)
    hiring.cancel(actor=heping_worker, engagement_id=mine.pk)
    hiring.cancel(actor=site_post.employer, engagement_id=theirs.pk)
    assert Engagement.objects.get(pk=mine.pk).cancelled_by_worker is True
    assert Engagement.objects.get(pk=theirs.pk).cancelled_by_worker is False


def test_a_confirmed_worker_who_never_checked_in_becomes_a_no_show_after_the_post_days(
    site_post: GigPost,  # noqa: F811
    heping_worker: User,
    tiexi_worker: User,
) -> None:
    absent = confirm(site_post, heping_worker)
    present = confirm(site_post, tiexi_worker)
    work.check_in(
        actor=tiexi_worker,
        post_id=site_post.pk,
        code=code_for(site_post, at(8)),
        longitude=SITE_LON,
        latitude=SITE_LAT,
        at=at(8),
    )
    assert mark_no_shows.call_local(now=at(23, days=1)) == 0  # the last day is not over yet
    assert mark_no_shows.call_local(now=at(0, 30, days=2)) == 1
    assert mark_no_shows.call_local(now=at(0, 30, days=2)) == 0  # idempotent
    absent.refresh_from_db()
    present.refresh_from_db()
    assert (absent.status, present.status) == (EngagementStatus.NO_SHOW, EngagementStatus.CONFIRMED)
    step = history(absent).get(to_status=EngagementStatus.NO_SHOW)
    assert step.actor is None
    assert step.note == work.NO_SHOW_NOTE


def test_nobody_is_a_no_show_when_nobody_could_check_in(
    site_post: GigPost,  # noqa: F811
    heping_worker: User,
    tiexi_worker: User,
) -> None:
    # The employer never put up the day's code: missing check-ins say nothing about the workers.
    first = confirm(site_post, heping_worker)
    second = confirm(site_post, tiexi_worker)
    assert mark_no_shows.call_local(now=at(0, 30, days=2)) == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == EngagementStatus.CONFIRMED
