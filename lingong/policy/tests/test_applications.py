"""Applying, staff review in the region, deadlines and overdue alerts, results to the person, and the
ledger that makes caps hold across applications (辽人社〔2022〕22号 第十一条)."""

from __future__ import annotations

import datetime as dt

import pytest

from lingong.accounts.models import Notification, User
from lingong.core.errors import DomainError
from lingong.core.models import Alert
from lingong.policy import services, tasks
from lingong.policy.models import LedgerEntry, PolicyApplication
from lingong.policy.tests.conftest import NOW, SI, Apply, at

pytestmark = pytest.mark.django_db


def test_an_eligible_application_waits_for_staff_with_a_7_working_day_deadline(
    graduate: User, apply_for: Apply
) -> None:
    application = apply_for(graduate)
    assert application.status == "submitted"
    assert application.eligible
    assert application.amount_fen == 60_000  # 2/3 of 900 yuan
    assert application.months == 24
    # Received before National Day: the holiday is skipped and the make-up Saturday counts.
    assert application.deadline == dt.date(2026, 10, 15)
    # The decision is kept as it stood, with the publication state to replay it.
    assert application.decision["published_by"] == "2026-09-30"
    assert application.decision["reference"] == "辽人社〔2022〕22号 第十一条"
    assert application.facts["graduation_date"] == "2025-06-30"


def test_staff_of_the_region_approve_and_the_person_is_told(
    graduate: User, heping_staff: User, apply_for: Apply, django_capture_on_commit_callbacks
) -> None:
    application = apply_for(graduate)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(actor=heping_staff, application_id=application.pk, outcome="approved")
    application.refresh_from_db()
    assert application.status == "approved"
    assert application.decided_by == heping_staff
    note = Notification.objects.get(recipient=graduate, kind="policy_result")
    assert "已批准" in note.title


def test_staff_of_another_district_neither_see_nor_decide(
    graduate: User, tiexi_staff: User, apply_for: Apply
) -> None:
    from lingong.policy import selectors

    application = apply_for(graduate)
    assert selectors.queue(actor=tiexi_staff) == []
    with pytest.raises(DomainError) as err:
        services.decide(actor=tiexi_staff, application_id=application.pk, outcome="approved")
    assert err.value.code == "not_found"


def test_a_refusal_needs_a_reason(graduate: User, heping_staff: User, apply_for: Apply) -> None:
    application = apply_for(graduate)
    with pytest.raises(DomainError) as err:
        services.decide(actor=heping_staff, application_id=application.pk, outcome="refused")
    assert err.value.code == "reason_required"


def test_a_worker_cannot_decide(graduate: User, apply_for: Apply) -> None:
    application = apply_for(graduate)
    with pytest.raises(DomainError) as err:
        services.decide(actor=graduate, application_id=application.pk, outcome="approved")
    assert err.value.code == "staff_only"


def test_one_open_application_per_policy(graduate: User, apply_for: Apply) -> None:
    apply_for(graduate)
    with pytest.raises(DomainError) as err:
        apply_for(graduate)
    assert err.value.code == "application_open"


def test_an_ineligible_application_is_refused_at_once_with_the_failed_condition(
    graduate: User, apply_for: Apply
) -> None:
    application = apply_for(graduate, si_contribution_fen=0)
    assert application.status == "refused"
    assert "本人已实际缴纳社会保险费" in application.reason
    assert "辽人社〔2022〕22号 第十一条" in application.reason


def test_overdue_applications_raise_one_alert_for_their_region(graduate: User, apply_for: Apply) -> None:
    application = apply_for(graduate)
    assert tasks.raise_overdue_policy_alerts.call_local(today=dt.date(2026, 10, 15)) == 0
    assert tasks.raise_overdue_policy_alerts.call_local(today=dt.date(2026, 10, 16)) == 1
    assert tasks.raise_overdue_policy_alerts.call_local(today=dt.date(2026, 10, 17)) == 0  # once
    alert = Alert.objects.get(key=application.alert_key)
    assert alert.region_code == "210102"
    assert alert.resolved_at is None


def test_deciding_resolves_the_overdue_alert(graduate: User, heping_staff: User, apply_for: Apply) -> None:
    application = apply_for(graduate)
    services.raise_overdue_alerts(today=dt.date(2026, 10, 20))
    services.decide(actor=heping_staff, application_id=application.pk, outcome="approved")
    assert Alert.objects.get(key=application.alert_key).resolved_at is not None


# --- payments and the ledger ---------------------------------------------------------------------------


def _approved(graduate: User, staff: User, apply_for: Apply, **kw: object) -> PolicyApplication:
    application = apply_for(graduate, **kw)
    return services.decide(
        actor=staff, application_id=application.pk, outcome="approved", now=at("2026-10-08")
    )


def test_a_payment_writes_one_ledger_row_per_month(
    graduate: User, heping_staff: User, apply_for: Apply
) -> None:
    application = _approved(graduate, heping_staff, apply_for)
    rows = services.record_payment(
        actor=heping_staff,
        application_id=application.pk,
        first_month=dt.date(2026, 11, 1),
        months=3,
        amount_fen=60_000,
    )
    assert [r.period for r in rows] == [dt.date(2026, 11, 1), dt.date(2026, 12, 1), dt.date(2027, 1, 1)]
    assert {r.benefit for r in rows} == {"social_insurance_subsidy"}
    # Paying a month twice is refused by the database's unique constraint.
    with pytest.raises(DomainError) as err:
        services.record_payment(
            actor=heping_staff,
            application_id=application.pk,
            first_month=dt.date(2027, 1, 1),
            amount_fen=60_000,
        )
    assert err.value.code == "payment_duplicate"
    assert LedgerEntry.objects.filter(person=graduate).count() == 3


def test_the_ledger_is_append_only(graduate: User, heping_staff: User, apply_for: Apply) -> None:
    application = _approved(graduate, heping_staff, apply_for)
    (row,) = services.record_payment(
        actor=heping_staff, application_id=application.pk, first_month=dt.date(2026, 11, 1), amount_fen=60_000
    )
    with pytest.raises(ValueError, match="append-only"):
        row.save()
    with pytest.raises(ValueError, match="append-only"):
        row.delete()


def test_no_more_months_than_approved_nor_more_money(
    graduate: User, heping_staff: User, apply_for: Apply
) -> None:
    application = _approved(graduate, heping_staff, apply_for)
    with pytest.raises(DomainError) as err:
        services.record_payment(
            actor=heping_staff,
            application_id=application.pk,
            first_month=dt.date(2026, 11, 1),
            months=25,
            amount_fen=1,
        )
    assert err.value.code == "months_exceed"
    with pytest.raises(DomainError) as err:
        services.record_payment(
            actor=heping_staff,
            application_id=application.pk,
            first_month=dt.date(2026, 11, 1),
            amount_fen=60_001,
        )
    assert err.value.code == "amount_exceed"


def test_after_24_paid_months_a_second_application_is_refused_with_the_failed_condition(
    graduate: User, heping_staff: User, apply_for: Apply
) -> None:
    first = _approved(graduate, heping_staff, apply_for)
    services.record_payment(
        actor=heping_staff,
        application_id=first.pk,
        first_month=dt.date(2024, 10, 1),
        months=24,
        amount_fen=60_000,
    )
    second = apply_for(graduate, now=at("2026-10-09"))
    assert second.status == "refused"
    assert [c["name"] for c in second.decision["failed"]] == ["months_remaining"]
    assert "补贴期限未用完" in second.reason
    assert "已享受 24 个月" in second.reason


def test_months_paid_count_against_the_cap_of_the_next_application(
    graduate: User, heping_staff: User, apply_for: Apply
) -> None:
    first = _approved(graduate, heping_staff, apply_for)
    services.record_payment(
        actor=heping_staff,
        application_id=first.pk,
        first_month=dt.date(2025, 10, 1),
        months=10,
        amount_fen=60_000,
    )
    second = apply_for(graduate, now=at("2026-10-09"))
    assert second.status == "submitted"
    assert second.months == 14


def test_window_staff_apply_for_a_person_of_their_region_only(
    graduate: User, heping_staff: User, tiexi_staff: User
) -> None:
    from lingong.policy.tests.conftest import graduate_facts

    made = services.apply(
        actor=heping_staff,
        policy_id=SI,
        region_code="210102",
        person_facts=graduate_facts(),
        person_id=graduate.pk,
        now=NOW,
    )
    assert made.source == "window"
    with pytest.raises(DomainError) as err:
        services.apply(
            actor=tiexi_staff,
            policy_id=SI,
            region_code="210102",
            person_facts=graduate_facts(),
            person_id=graduate.pk,
            now=NOW,
        )
    assert err.value.code == "region_out_of_scope"


def test_facts_given_at_the_window_are_laid_over_the_persons_own_platform_facts(
    graduate: User, heping_staff: User
) -> None:
    """Staff type what the platform does not know; birth date and sex still come from 李娜's ID number,
    not from the staff member's account."""
    from lingong.policy import facts
    from lingong.policy.tests.conftest import graduate_facts

    given = {
        k: v for k, v in facts.person_to_data(graduate_facts()).items() if k not in ("birth_date", "sex")
    }
    made = services.apply(
        actor=heping_staff,
        policy_id=SI,
        region_code="210102",
        facts_data=given,
        person_id=graduate.pk,
        now=NOW,
    )
    assert (made.facts["birth_date"], made.facts["sex"]) == ("2002-05-01", "female")
    assert made.status == "submitted" and made.amount_fen == 60_000
