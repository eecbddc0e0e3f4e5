"""The registration certificate (page and PDF) and its public verification: the URL the QR code carries
opens, without logging in, on masked data only; a forged token is refused clearly."""

from __future__ import annotations

import re

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from lingong.accounts.models import User
from lingong.registration import selectors, services
from lingong.registration.tests.conftest import Employ, Unemploy

pytestmark = pytest.mark.django_db

FULL_ID = "210102196803150024"


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def qr_url_in(pdf: bytes) -> str:
    """The URL the PDF's QR code encodes: reportlab puts the same URL in a link annotation over it."""
    found = re.findall(rb"/URI \((.*?)\)", pdf)
    assert len(found) == 1, found
    return found[0].decode()


def test_the_pdf_qr_url_opens_for_anyone_with_masked_data(heping_worker: User, unemploy: Unemploy) -> None:
    registration = unemploy(heping_worker, basis="household")
    response = login(heping_worker).get(
        reverse("registration:certificate_pdf", args=["unemployment", registration.pk])
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF") and FULL_ID.encode() not in pdf
    url = qr_url_in(pdf)
    assert url.startswith("http://testserver/registration/verify/")

    anyone = Client()  # not logged in
    page = anyone.get(url.removeprefix("http://testserver"))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="genuine"' in html
    assert (
        "张**" in html
        and "210102********0024" in html
        and "失业登记" in html
        and "和平区公共就业服务机构" in html
    )
    assert FULL_ID not in html and "张秀兰" not in html and "13812345678" not in html

    token = url.rstrip("/").rsplit("/", 1)[1]
    # The token names a random code, not the row: nothing to count or guess from it.
    payload = signing.loads(token, salt=selectors.CERTIFICATE_SALT)
    assert set(payload) == {"k", "c"} and len(payload["c"]) >= 20 and str(registration.pk) != payload["c"]
    api = anyone.get(f"/api/v1/registration/verify/{token}")
    assert api.status_code == 200
    assert api.json() | {"received_on": None, "registered_on": None} == {
        "number": f"失业登记#{registration.pk}",
        "kind_label": "失业登记",
        "masked_name": "张**",
        "masked_id_number": "210102********0024",
        "region": str(registration.region),
        "office": "和平区公共就业服务机构",
        "received_on": None,
        "registered_on": None,
        "ended_on": None,
        "status_label": "已登记",
        "valid": True,
    }


@pytest.mark.parametrize(
    "forge",
    [
        lambda t: t[:-2] + ("xx" if not t.endswith("xx") else "yy"),  # signature changed
        lambda t: "eyJrIjoiZW1wbG95bWVudCIsImlkIjoxfQ:" + t.rsplit(":", 1)[1],  # payload swapped
        lambda t: "not-a-token",
    ],
)
def test_a_forged_token_is_refused_clearly(heping_worker: User, employ: Employ, forge: object) -> None:
    token = selectors.certificate_token(employ(heping_worker))
    forged = forge(token)  # type: ignore[operator]
    page = Client().get(reverse("registration:verify", args=[forged]))
    assert page.status_code == 404
    html = page.content.decode()
    assert 'data-testid="not-genuine"' in html and "这不是灵工平台出具的有效证明" in html and "张" not in html
    api = Client().get(f"/api/v1/registration/verify/{forged}")
    assert api.status_code == 404 and api.json()["code"] == "certificate_invalid"


def test_an_ended_registration_verifies_as_no_longer_valid(heping_worker: User, employ: Employ) -> None:
    registration = employ(heping_worker)
    token = selectors.certificate_token(registration)
    services.end_employment(actor=heping_worker, registration_id=registration.pk)
    html = Client().get(reverse("registration:verify", args=[token])).content.decode()
    assert 'data-testid="no-longer-valid"' in html and "已终止" in html


def test_certificate_facts_in_the_api_and_only_for_the_person_or_their_staff(
    heping_worker: User, heping_staff: User, tiexi_staff: User, newcomer: User, employ: Employ
) -> None:
    registration = employ(heping_worker)
    url = f"/api/v1/registration/employment/{registration.pk}/certificate"
    mine = login(heping_worker).get(url).json()
    assert mine["masked_id_number"] == "210102********0024" and mine["verify_url"].startswith(
        "http://testserver/"
    )
    assert login(heping_staff).get(url).status_code == 200
    assert login(tiexi_staff).get(url).status_code == 404
    assert login(newcomer).get(url).status_code == 404
    pdf = login(heping_worker).get(url + ".pdf")
    assert pdf.status_code == 200 and qr_url_in(pdf.content) == mine["verify_url"]
    # No certificate for an application still waiting.
    waiting = employ(newcomer)
    refused = login(newcomer).get(f"/api/v1/registration/employment/{waiting.pk}/certificate")
    assert refused.status_code == 404 and refused.json()["code"] == "not_registered"


def test_certificates_printed_before_a_key_change_still_verify(
    heping_worker: User, employ: Employ, settings: object
) -> None:
    """A bureau that changes SECRET_KEY keeps the old one in SECRET_KEY_FALLBACKS: certificates already
    printed still verify; without it they would not (and say so, rather than fail)."""
    token = selectors.certificate_token(employ(heping_worker))
    old = settings.SECRET_KEY  # type: ignore[attr-defined]
    settings.SECRET_KEY = "a-new-key-for-the-bureau-0123456789-abcdefghijklmnopqrstuvwxyz"  # type: ignore[attr-defined]
    assert Client().get(reverse("registration:verify", args=[token])).status_code == 404
    settings.SECRET_KEY_FALLBACKS = [old]  # type: ignore[attr-defined]
    page = Client().get(reverse("registration:verify", args=[token]))
    assert page.status_code == 200 and "张*" in page.content.decode()
