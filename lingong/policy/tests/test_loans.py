"""Startup guarantee loans reviewed in one pass by three parties at once (辽人社〔2022〕22号 第八条):
the employment office checks eligibility, the guarantee institution the guarantee, the bank the loan.
Each sees and decides only its own part; all three agreeing approves the loan and puts it in the
ledger; one refusing refuses it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from lingong.accounts.models import Role, User
from lingong.conftest import make_user
from lingong.core.errors import DomainError
from lingong.core.models import Division
from lingong.policy import selectors, services
from lingong.policy.models import LedgerEntry, PartyKind, PolicyApplication
from lingong.policy.tests.conftest import LOAN, Apply, party

pytestmark = pytest.mark.django_db

LOAN_FACTS = {
    "loan_amount_fen": 10_000_000,
    "loan_term_months": 24,
    "business_kind": "individual",
    "business_registered_on": dt.date(2026, 1, 1),
    "business_region": "210102",
    "business_operating_normally": True,
}


@pytest.fixture
def loan(graduate: User, apply_for: Apply, loan_parties: dict[str, User]) -> PolicyApplication:
    return apply_for(graduate, LOAN, **LOAN_FACTS)


def test_a_loan_application_opens_the_three_reviews_at_once(loan: PolicyApplication) -> None:
    assert loan.status == "submitted"
    assert sorted(loan.reviews.values_list("party", "status")) == [
        ("bank", "pending"),
        ("guarantor", "pending"),
        ("office", "pending"),
    ]


def test_each_outside_party_sees_only_its_own_part(
    loan: PolicyApplication, loan_parties: dict[str, User]
) -> None:
    for kind in ("guarantor", "bank"):
        view = selectors.get_application(actor=loan_parties[kind], application_id=loan.pk)
        assert [r.party for r in view.reviews] == [kind]
        assert view.ledger == []
        assert not view.own and not view.staff
    # The employment office is staff of the district: it sees the whole application and its own form.
    office = selectors.get_application(actor=loan_parties["office"], application_id=loan.pk)
    assert office.staff and office.party is not None and len(office.reviews) == 3
    # Through the API too: no facts, no engine answer, no other party's review.
    client = Client()
    client.force_login(loan_parties["guarantor"])
    body = client.get(f"/api/v1/policy/applications/{loan.pk}").json()
    assert body["facts"] is None and body["decision"] is None
    assert [r["party"] for r in body["reviews"]] == ["guarantor"]
    # Each party's queue lists the application under its own kind only.
    rows = selectors.loan_queue(actor=loan_parties["bank"])
    assert [(p.kind, r.party) for p, r in rows] == [("bank", "bank")]


def test_the_page_shows_a_party_its_own_review_form_only(
    loan: PolicyApplication, loan_parties: dict[str, User]
) -> None:
    client = Client()
    client.force_login(loan_parties["bank"])
    page = client.get(f"/policy/applications/{loan.pk}/").content.decode()
    assert 'data-party="bank"' in page
    assert 'data-party="guarantor"' not in page
    assert "放款金额" in page
    assert "申请时的个人情况" not in page
    client.force_login(loan_parties["office"])
    page = client.get(f"/policy/applications/{loan.pk}/").content.decode()
    assert page.count('data-action="approve"') == 1  # its own part only, not a form per party
    assert "申请时的个人情况" in page


def test_all_three_agreeing_approve_the_loan_and_write_the_ledger(
    loan: PolicyApplication, loan_parties: dict[str, User]
) -> None:
    services.review_loan(actor=loan_parties["guarantor"], application_id=loan.pk, approve=True)
    services.review_loan(actor=loan_parties["office"], application_id=loan.pk, approve=True)
    loan.refresh_from_db()
    assert loan.status == "submitted"  # the bank has not spoken yet
    with pytest.raises(DomainError) as err:
        services.review_loan(actor=loan_parties["bank"], application_id=loan.pk, approve=True)
    assert err.value.code == "loan_terms_required"
    services.review_loan(
        actor=loan_parties["bank"],
        application_id=loan.pk,
        approve=True,
        amount_fen=8_000_000,
        term_months=24,
        rate_bp=345,
    )
    loan.refresh_from_db()
    assert loan.status == "approved"
    entry = LedgerEntry.objects.get(application=loan)
    assert (entry.benefit, entry.kind, entry.amount_fen, entry.loan_term_months, entry.loan_rate_bp) == (
        "startup_guarantee_loan",
        "loan",
        8_000_000,
        24,
        345,
    )


def test_one_party_refusing_refuses_the_loan(loan: PolicyApplication, loan_parties: dict[str, User]) -> None:
    with pytest.raises(DomainError) as err:
        services.review_loan(actor=loan_parties["guarantor"], application_id=loan.pk, approve=False)
    assert err.value.code == "reason_required"
    services.review_loan(
        actor=loan_parties["guarantor"], application_id=loan.pk, approve=False, reason="反担保不足"
    )
    loan.refresh_from_db()
    assert loan.status == "refused"
    assert "担保机构" in loan.reason and "反担保不足" in loan.reason


def test_a_party_decides_once(loan: PolicyApplication, loan_parties: dict[str, User]) -> None:
    services.review_loan(actor=loan_parties["guarantor"], application_id=loan.pk, approve=True)
    with pytest.raises(DomainError) as err:
        services.review_loan(actor=loan_parties["guarantor"], application_id=loan.pk, approve=True)
    assert err.value.code == "invalid_transition"


def test_a_party_of_another_region_neither_sees_nor_decides(
    loan: PolicyApplication, shenyang: dict[str, Division]
) -> None:
    dalian_bank = make_user(role=Role.PARTNER, region=shenyang["dalian"], phone="13900000031", name="郑强")
    party(dalian_bank, PartyKind.BANK, shenyang["dalian"], "某银行大连分行")
    with pytest.raises(DomainError):
        selectors.get_application(actor=dalian_bank, application_id=loan.pk)
    with pytest.raises(DomainError) as err:
        services.review_loan(actor=dalian_bank, application_id=loan.pk, approve=True)
    assert err.value.code == "not_found"


def test_a_loan_is_not_decided_by_one_reviewer(loan: PolicyApplication, heping_staff: User) -> None:
    with pytest.raises(DomainError) as err:
        services.decide(actor=heping_staff, application_id=loan.pk, outcome="approved")
    assert err.value.code == "loan_needs_three_parties"


def test_a_bank_account_logs_in_to_its_loan_queue_with_its_own_menu(
    loan: PolicyApplication, loan_parties: dict[str, User]
) -> None:
    """A lending bank's account has the partner role: after login it lands on its loan queue, and its
    menu offers that queue, not the gig market."""
    from lingong.conftest import PASSWORD

    bank = loan_parties["bank"]
    client = Client()
    response = client.post("/login/", {"phone": bank.phone, "password": PASSWORD})
    assert response["Location"] == "/policy/loans/"
    page = client.get("/policy/loans/").content.decode()
    assert "创业担保贷款审核" in page and "发布零工" not in page and "找零工" not in page
    assert f"/policy/applications/{loan.pk}/" in page
