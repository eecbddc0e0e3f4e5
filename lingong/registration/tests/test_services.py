"""Receiving, closing and ending registrations (辽人社〔2022〕22号 第九条, 第十五条)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lingong.accounts.models import Notification, User
from lingong.core.errors import DomainError
from lingong.core.models import Alert
from lingong.core.workflow import history
from lingong.registration import services, tasks
from lingong.registration.models import COMMITMENT_TEXT, UnemploymentRegistration
from lingong.registration.tests.conftest import NEW_ID, Employ, Unemploy

pytestmark = pytest.mark.django_db


def code_of(exc: pytest.ExceptionInfo[DomainError]) -> str:
    return exc.value.code


def test_every_check_passing_closes_at_once_and_tells_the_person(
    heping_worker: User, employ: Employ, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        registration = employ(heping_worker, wants_startup=True)
    assert registration.status == "registered"
    assert registration.closed_by is None and registration.closed_at is not None
    assert registration.commitment_text == COMMITMENT_TEXT
    assert [(t.from_status, t.to_status) for t in history(registration)] == [("received", "registered")]
    titles = list(Notification.objects.filter(recipient=heping_worker).values_list("title", flat=True))
    assert "您的灵活就业登记已办结：已登记" in titles


@pytest.mark.parametrize(
    ("over", "code"),
    [
        ({"has_market_entity": True}, "market_entity_registered"),
        ({"commitment": False}, "commitment_required"),
        ({"id_number": NEW_ID}, "id_number_mismatch"),
        ({"id_number": "210102196803150025"}, "id_number_check_digit"),
        ({"region_code": "210100"}, "region_invalid"),
        ({"occupation_code": "9-99"}, "occupation_invalid"),
        ({"form": "full_time"}, "form_invalid"),
    ],
)
def test_refused_at_the_door(heping_worker: User, employ: Employ, over: dict[str, object], code: str) -> None:
    with pytest.raises(DomainError) as exc:
        employ(heping_worker, **over)
    assert code_of(exc) == code


def test_someone_elses_id_number_is_refused(heping_worker: User, newcomer: User, employ: Employ) -> None:
    with pytest.raises(DomainError) as exc:
        employ(newcomer, id_number=heping_worker.id_number)
    assert code_of(exc) == "id_number_taken"


def test_nobody_is_registered_twice(heping_worker: User, employ: Employ) -> None:
    employ(heping_worker)
    with pytest.raises(DomainError) as exc:
        employ(heping_worker, region_code="210106")
    assert code_of(exc) == "employment_already_open"


def test_window_staff_register_people_of_their_region_only(
    heping_worker: User, heping_staff: User, tiexi_staff: User, employ: Employ
) -> None:
    with pytest.raises(DomainError) as exc:
        employ(heping_worker, actor=tiexi_staff, channel="window")
    assert code_of(exc) == "region_out_of_scope"
    registration = employ(heping_worker, actor=heping_staff, channel="window")
    assert registration.person == heping_worker and registration.received_by == heping_staff
    with pytest.raises(DomainError) as exc:
        employ(heping_worker, actor=heping_worker, channel="window")
    assert code_of(exc) == "window_staff_only"


def test_staff_close_a_waiting_application_with_a_reason(
    newcomer: User, heping_staff: User, tiexi_staff: User, employ: Employ
) -> None:
    registration = employ(newcomer)
    assert registration.status == "received"
    with pytest.raises(DomainError) as exc:
        services.close_registration(
            actor=tiexi_staff, kind="employment", registration_id=registration.pk, outcome="registered"
        )
    assert code_of(exc) == "not_found"
    with pytest.raises(DomainError) as exc:
        services.close_registration(
            actor=heping_staff, kind="employment", registration_id=registration.pk, outcome="refused"
        )
    assert code_of(exc) == "reason_required"
    with pytest.raises(DomainError) as exc:
        services.close_registration(
            actor=newcomer, kind="employment", registration_id=registration.pk, outcome="registered"
        )
    assert code_of(exc) == "staff_only"
    closed = services.close_registration(
        actor=heping_staff,
        kind="employment",
        registration_id=registration.pk,
        outcome="refused",
        reason="身份证号码与本人不符",
    )
    assert (closed.status, closed.closed_by, closed.reason) == (
        "refused",
        heping_staff,
        "身份证号码与本人不符",
    )
    with pytest.raises(DomainError) as exc:
        services.close_registration(
            actor=heping_staff, kind="employment", registration_id=registration.pk, outcome="registered"
        )
    assert code_of(exc) == "invalid_transition"


def test_ending_employment(heping_worker: User, tiexi_worker: User, employ: Employ) -> None:
    registration = employ(heping_worker)
    with pytest.raises(DomainError) as exc:
        services.end_employment(actor=tiexi_worker, registration_id=registration.pk)
    assert code_of(exc) == "not_yours"
    ended = services.end_employment(
        actor=heping_worker, registration_id=registration.pk, ended_on=dt.date(2026, 3, 1)
    )
    assert (ended.status, ended.ended_on) == ("ended", dt.date(2026, 3, 1))


def test_unemployment_at_the_place_of_residence_closes_at_once(
    heping_worker: User, unemploy: Unemploy
) -> None:
    assert unemploy(heping_worker, basis="residence").status == "registered"


def test_unemployment_at_the_insurance_place_waits_for_staff(heping_worker: User, unemploy: Unemploy) -> None:
    # The place of insurance is not in the platform's data: staff check it within the deadline.
    assert unemploy(heping_worker, basis="insurance", region_code="210106").status == "received"


def test_unemployment_while_registered_as_employed_waits_for_staff(
    heping_worker: User, employ: Employ, unemploy: Unemploy
) -> None:
    employ(heping_worker)
    assert unemploy(heping_worker).status == "received"


def test_one_open_unemployment_registration_sequentially(heping_worker: User, unemploy: Unemploy) -> None:
    """The sequential twin of the PostgreSQL race in test_concurrency.py; runs on both databases."""
    unemploy(heping_worker)
    with pytest.raises(DomainError) as exc:
        unemploy(heping_worker, basis="work", region_code="210106")
    assert code_of(exc) == "unemployment_already_open"
    assert UnemploymentRegistration.objects.filter(person=heping_worker).count() == 1


def test_an_overdue_application_raises_exactly_one_alert_until_closed(
    newcomer: User, heping_staff: User, employ: Employ
) -> None:
    received = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    registration = employ(newcomer, now=received)
    assert registration.deadline == dt.date(2026, 3, 11)
    assert tasks.raise_overdue_registration_alerts.call_local(today=dt.date(2026, 3, 11)) == 0
    assert services.raise_overdue_alerts(today=dt.date(2026, 3, 12)) == 1
    assert tasks.raise_overdue_registration_alerts.call_local(today=dt.date(2026, 3, 13)) == 0
    alert = Alert.objects.get()
    assert (alert.key, alert.region_code, alert.resolved_at) == (registration.alert_key, "210102", None)

    services.close_registration(
        actor=heping_staff, kind="employment", registration_id=registration.pk, outcome="registered"
    )
    alert.refresh_from_db()
    assert alert.resolved_at is not None
    assert services.raise_overdue_alerts(today=dt.date(2026, 3, 20)) == 0
    assert Alert.objects.count() == 1


def test_the_region_of_work_counts_for_unemployment_only_after_employment_there(
    heping_worker: User, employ: Employ, unemploy: Unemploy
) -> None:
    registration = employ(heping_worker, region_code="210106")
    services.end_employment(
        actor=heping_worker, registration_id=registration.pk, ended_on=timezone.localdate()
    )
    assert unemploy(heping_worker, basis="work", region_code="210106").status == "registered"


def test_household_registration_defaults_to_the_id_numbers_county(
    heping_worker: User, unemploy: Unemploy
) -> None:
    # 张秀兰's ID begins 210102: her household was registered in Heping when it was issued.
    registration = unemploy(heping_worker, basis="household", region_code="210102")
    assert registration.household_region_id == "210102"
    assert registration.status == "registered"


def test_a_corrected_household_place_is_checked_by_staff(heping_worker: User, unemploy: Unemploy) -> None:
    # She has moved her household to Tiexi since: the ID no longer shows it, so staff check it.
    registration = unemploy(
        heping_worker, basis="household", household_region_code="210106", region_code="210106"
    )
    assert (registration.household_region_id, registration.status) == ("210106", "received")


@pytest.mark.parametrize(
    ("over", "code"),
    [
        ({"basis": "household", "region_code": "210106"}, "household_region_mismatch"),
        ({"basis": "household", "household_region_code": "210100"}, "household_region_invalid"),
        ({"basis": "anywhere"}, "basis_invalid"),
    ],
)
def test_the_chosen_place_must_agree_with_the_persons_data(
    heping_worker: User, unemploy: Unemploy, over: dict[str, object], code: str
) -> None:
    with pytest.raises(DomainError) as exc:
        unemploy(heping_worker, **over)
    assert code_of(exc) == code
    assert not UnemploymentRegistration.objects.exists()


def test_usual_residence_elsewhere_than_the_account_waits_for_staff(
    heping_worker: User, unemploy: Unemploy
) -> None:
    registration = unemploy(heping_worker, basis="residence", region_code="210106")
    assert registration.status == "received"
