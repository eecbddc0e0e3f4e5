"""Staff change a parameter by adding a new dated value, never by overwriting; the engine uses it from
its effective date, and decisions made before can be replayed as the rules then stood
(辽人社〔2022〕22号 第十一条: a city may extend graduates' subsidy by up to 6 months)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from lingong.accounts.models import User
from lingong.conftest import make_user
from lingong.core.errors import DomainError
from lingong.core.models import AuditEntry, Division
from lingong.policy import decisions, selectors, services
from lingong.policy.models import ParameterValue
from lingong.policy.tests.conftest import SI, graduate_facts

pytestmark = pytest.mark.django_db

EXTENSION = "social_insurance_subsidy.graduate_extension_months"
REFERENCE = "沈人社发〔2026〕1号 第三条"


@pytest.fixture
def editor(shenyang: dict[str, Division]) -> User:
    """钱芳: Shenyang bureau staff who maintain the city's policy parameters."""
    return make_user(
        role="staff",
        region=shenyang["shenyang"],
        phone="13900000041",
        name="钱芳",
        perms=("policy.add_parametervalue",),
    )


def months(on: dt.date, published_by: dt.date | None = None) -> int | None:
    decided = decisions.evaluate(graduate_facts(), region="210102", as_of=on, published_by=published_by)
    return next(d.months for d in decided if d.policy == SI)


def test_a_city_extension_is_a_new_dated_value_the_engine_uses_from_its_date(editor: User) -> None:
    assert months(dt.date(2026, 9, 30)) == 24
    row = services.add_parameter_value(
        actor=editor,
        name=EXTENSION,
        jurisdiction="210100",
        value=6,
        effective_from=dt.date(2026, 10, 1),
        published_on=dt.date(2026, 9, 20),
        reference=REFERENCE,
    )
    assert months(dt.date(2026, 9, 30)) == 24  # not yet in force
    assert months(dt.date(2026, 10, 1)) == 30
    # Replaying a decision made before the city published its rule gives the old answer.
    assert months(dt.date(2026, 10, 1), published_by=dt.date(2026, 9, 19)) == 24
    assert AuditEntry.objects.filter(object_type="policy.parametervalue", object_id=str(row.pk)).exists()
    # Dalian is another city: the Shenyang rule does not reach it.
    dalian = decisions.evaluate(
        graduate_facts(flexible_employment_region="210202"), region="210202", as_of=dt.date(2026, 10, 1)
    )
    assert next(d.months for d in dalian if d.policy == SI) == 24


def test_a_change_never_overwrites(editor: User) -> None:
    for value, day in ((6, dt.date(2026, 10, 1)), (3, dt.date(2027, 1, 1))):
        services.add_parameter_value(
            actor=editor,
            name=EXTENSION,
            jurisdiction="210100",
            value=value,
            effective_from=day,
            reference=REFERENCE,
        )
    assert ParameterValue.objects.filter(name=EXTENSION).count() == 2
    row = next(
        r for r in selectors.parameters(region="210102", as_of=dt.date(2027, 2, 1)) if r.info.key == EXTENSION
    )
    assert row.current is not None and row.current.value == 3
    assert [v.value for v in row.history][-2:] == [6, 3]
    assert "210000" in {v.jurisdiction for v in row.history}  # the province's default stays in the history
    with pytest.raises(ValueError, match="append-only"):
        ParameterValue.objects.first().save()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "jurisdiction", "value", "code"),
    [
        (EXTENSION, "210100", "six", "bad_parameter_value"),
        ("no.such.parameter", "210100", 1, "unknown_parameter"),
        ("social_insurance_subsidy.graduate_max_months", "210100", 30, "parameter_not_delegated"),
        (EXTENSION, "210200", 6, "region_out_of_scope"),
    ],
)
def test_bad_values_are_refused_with_a_code(
    editor: User, name: str, jurisdiction: str, value: object, code: str
) -> None:
    with pytest.raises(DomainError) as err:
        services.add_parameter_value(
            actor=editor,
            name=name,
            jurisdiction=jurisdiction,
            value=value,
            effective_from=dt.date(2026, 10, 1),
            reference=REFERENCE,
        )
    assert err.value.code == code
    assert not ParameterValue.objects.exists()


def test_a_reference_is_required_and_the_permission_too(editor: User, heping_staff: User) -> None:
    with pytest.raises(DomainError) as err:
        services.add_parameter_value(
            actor=editor,
            name=EXTENSION,
            jurisdiction="210100",
            value=6,
            effective_from=dt.date(2026, 10, 1),
            reference=" ",
        )
    assert err.value.code == "reference_required"
    with pytest.raises(DomainError) as err:
        services.add_parameter_value(
            actor=heping_staff,
            name=EXTENSION,
            jurisdiction="210100",
            value=6,
            effective_from=dt.date(2026, 10, 1),
            reference=REFERENCE,
        )
    assert err.value.code == "parameter_forbidden"


def test_the_browser_shows_values_with_citations_and_adds_through_the_form(editor: User) -> None:
    client = Client()
    client.force_login(editor)
    page = client.get("/policy/parameters/?region=210102&as_of=2026-10-01").content.decode()
    assert "辽人社〔2022〕22号 第十一条" in page
    assert f'data-key="{EXTENSION}"' in page
    response = client.post(
        "/policy/parameters/?region=210102&as_of=2026-10-01",
        {
            "name": EXTENSION,
            "jurisdiction": "210100",
            "value": "6",
            "effective_from": "2026-10-01",
            "reference": REFERENCE,
        },
    )
    assert response.status_code == 302
    assert ParameterValue.objects.get().value == 6
    page = client.get("/policy/parameters/?region=210102&as_of=2026-10-02").content.decode()
    assert REFERENCE in page
    bad = client.post(
        "/policy/parameters/",
        {
            "name": EXTENSION,
            "jurisdiction": "210100",
            "value": "6",
            "effective_from": "",
            "reference": REFERENCE,
        },
    )
    assert bad.status_code == 400
    assert 'data-code="effective_from_required"' in bad.content.decode()


def test_the_parameters_api_lists_history(editor: User) -> None:
    client = Client()
    client.force_login(editor)
    rows = client.get("/api/v1/policy/parameters?region=210102&as_of=2026-10-01").json()
    row = next(r for r in rows if r["key"] == "social_insurance_subsidy.max_share")
    assert row["current"]["value"] == "2/3"
    assert "辽人社〔2022〕22号" in row["current"]["reference"]


def test_the_markets_minimum_wage_table_sets_the_public_welfare_post_subsidy(
    shenyang: dict[str, Division],
) -> None:
    """The minimum wage staff keep for the post check is the one the subsidy uses (第一条): the shipped
    Liaoning standard, then a newer row for the district from its date; a correction in place takes
    effect at once."""
    from lingong.market.models import MinimumWage
    from lingong.market.services.posts import minimum_wage_for
    from lingong.policy.engine import Person

    worker = Person(public_welfare_post_part_time=True, public_welfare_post_hours=60)

    def subsidy(on: dt.date) -> tuple[bool, int | None]:
        decisions.forget_store()
        found = decisions.evaluate(worker, region="210102", as_of=on)
        d = next(d for d in found if d.policy == "liaoning.public_welfare_post_subsidy")
        return d.eligible, d.amount_fen

    standard = minimum_wage_for(shenyang["heping"], dt.date(2026, 3, 2))
    assert standard is not None
    shipped = standard.hourly_fen
    assert subsidy(dt.date(2026, 3, 2)) == (True, 60 * shipped)
    row = MinimumWage.objects.create(
        region_id="210102",
        effective_from=dt.date(2026, 4, 1),
        monthly_fen=221000,
        hourly_fen=2250,
        source="测试",
    )
    assert subsidy(dt.date(2026, 3, 31)) == (True, 60 * shipped)
    assert subsidy(dt.date(2026, 4, 1)) == (True, 60 * 2250)
    row.hourly_fen = 2300
    row.save()
    assert subsidy(dt.date(2026, 4, 1)) == (True, 60 * 2300)


def test_the_add_form_is_shown_only_to_those_who_may_add(editor: User, heping_staff: User) -> None:
    client = Client()
    client.force_login(heping_staff)  # staff without the parameter permission
    assert (
        'data-testid="add-parameter"' not in client.get("/policy/parameters/?region=210102").content.decode()
    )
    client.force_login(editor)
    assert 'data-testid="add-parameter"' in client.get("/policy/parameters/?region=210102").content.decode()
