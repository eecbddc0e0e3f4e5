"""Pages: the worker's form on a phone, 我的登记, the staff queue, the supervisor's overdue counts, the
certificate with its verifying QR code, and the export."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from lingong.accounts.models import Role, User
from lingong.conftest import make_user
from lingong.core.models import Division
from lingong.registration.models import COMMITMENT_TEXT, EmploymentRegistration
from lingong.registration.tests.conftest import CLEANER, Employ

pytestmark = pytest.mark.django_db


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_worker_registers_online_with_the_commitment(heping_worker: User) -> None:
    client = login(heping_worker)
    page = client.get(reverse("registration:employment_new"))
    assert COMMITMENT_TEXT in page.content.decode()
    form = {
        "id_number": "210102196803150024",
        "region_code": "210102",
        "form": "part_time",
        "occupation_code": CLEANER,
        "start_date": "2026-01-05",
        "place": "沈阳市和平区南京北街206号",
        "notify_by": "sms",
    }
    refused = client.post(reverse("registration:employment_new"), form)
    assert refused.status_code == 400 and 'data-code="commitment_required"' in refused.content.decode()
    done = client.post(reverse("registration:employment_new"), {**form, "commitment": "on"})
    registration = EmploymentRegistration.objects.get(person=heping_worker)
    assert done.url == reverse("registration:detail", args=["employment", registration.pk])  # type: ignore[attr-defined]
    assert registration.notify_by == "sms"
    mine = client.get(reverse("registration:mine")).content.decode()
    assert "已登记" in mine


def test_the_queue_marks_overdue_and_due_today(newcomer: User, heping_staff: User, employ: Employ) -> None:
    today = dt.date.today()
    late = employ(newcomer)
    EmploymentRegistration.objects.filter(pk=late.pk).update(deadline=today - dt.timedelta(days=1))
    second = make_user(role=Role.WORKER, region=None, phone="13811113333", name="钱多")
    due = employ(second, id_number="210102199001011237")
    EmploymentRegistration.objects.filter(pk=due.pk).update(deadline=today)
    html = login(heping_staff).get(reverse("registration:queue")).content.decode()
    assert html.index(f'data-id="{late.pk}"') < html.index(f'data-id="{due.pk}"')
    assert html.count('data-testid="overdue"') == 1 and html.count('data-testid="due-today"') == 1


def test_supervisor_sees_overdue_counts_per_office(
    newcomer: User, heping_supervisor: User, tiexi_staff: User, employ: Employ
) -> None:
    late = employ(newcomer)
    EmploymentRegistration.objects.filter(pk=late.pk).update(deadline=dt.date(2020, 1, 1))
    html = login(heping_supervisor).get(reverse("registration:overdue")).content.decode()
    assert 'data-region="210102"' in html
    # Tiexi staff see only their own district: nothing overdue there.
    assert (
        'data-region="210102"' not in login(tiexi_staff).get(reverse("registration:overdue")).content.decode()
    )
    assert login(newcomer).get(reverse("registration:overdue")).status_code == 403


def test_the_certificate_verifies_with_masked_data(
    heping_worker: User, tiexi_worker: User, employ: Employ
) -> None:
    registration = employ(heping_worker)
    client = login(heping_worker)
    page = client.get(reverse("registration:certificate", args=["employment", registration.pk]))
    html = page.content.decode()
    assert "<svg" in html and "张**" in html and "210102********0024" in html
    assert "210102196803150024" not in html
    token = page.context["verify_url"].rstrip("/").rsplit("/", 1)[1]
    anyone = Client()
    check = anyone.get(reverse("registration:verify", args=[token]))
    assert check.status_code == 200 and 'data-testid="genuine"' in check.content.decode()
    forged = anyone.get(reverse("registration:verify", args=[token[:-2] + "xx"]))
    assert forged.status_code == 404
    other = User.objects.exclude(pk=heping_worker.pk).first()
    if other is not None:
        assert (
            login(other)
            .get(reverse("registration:certificate", args=["employment", registration.pk]))
            .status_code
            == 404
        )


def test_export_of_the_region_masks_id_numbers_without_permission(
    heping_worker: User, heping_clerk: User, tiexi_staff: User, employ: Employ
) -> None:
    employ(heping_worker)
    response = login(heping_clerk).get(reverse("registration:export"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active  # type: ignore[attr-defined]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][3] == "210102********0024"
    response = login(tiexi_staff).get(reverse("registration:export"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active  # type: ignore[attr-defined]
    assert len(list(sheet.iter_rows(values_only=True))) == 1
    assert login(heping_worker).get(reverse("registration:export")).status_code == 403


def test_login_is_required() -> None:
    assert Client().get(reverse("registration:mine")).status_code == 302


def test_the_back_office_lists_the_regions_registrations_masked(
    heping_worker: User, tiexi_worker: User, shenyang: dict[str, Division], employ: Employ
) -> None:
    perms = ("registration.view_employmentregistration", "registration.view_unemploymentregistration")
    viewer = make_user(
        role=Role.STAFF, region=shenyang["heping"], phone="13900000066", name="吴桐", perms=perms
    )
    mine = employ(heping_worker)
    other = employ(tiexi_worker, region_code="210106", id_number="210106199505200010")
    client = login(viewer)
    listing = client.get(reverse("admin:registration_employmentregistration_changelist")).content.decode()
    assert f"灵活就业登记#{mine.pk}" in listing and f"灵活就业登记#{other.pk}" not in listing
    assert "张**" in listing and "张秀兰" not in listing
    page = client.get(
        reverse("admin:registration_employmentregistration_change", args=[mine.pk])
    ).content.decode()
    assert "210102********0024" in page and "210102196803150024" not in page
    assert (
        client.get(reverse("admin:registration_employmentregistration_change", args=[other.pk])).status_code
        == 302
    )
    assert client.get(reverse("admin:registration_employmentregistration_add")).status_code == 403


def test_the_unemployment_form_takes_the_household_place_and_the_consent(heping_worker: User) -> None:
    client = login(heping_worker)
    page = client.get(reverse("registration:unemployment_new")).content.decode()
    assert 'name="household_region_code"' in page and "即时快招" in page
    form = {
        "id_number": "210102196803150024",
        "region_code": "210102",
        "basis": "household",
        "household_region_code": "",
        "platform_work_consent": "on",
        "commitment": "on",
    }
    done = client.post(reverse("registration:unemployment_new"), form)
    assert done.status_code == 302
    detail = client.get(done.url).content.decode()  # type: ignore[attr-defined]
    assert "已登记" in detail and 'data-testid="consent"' in detail and "已同意" in detail
