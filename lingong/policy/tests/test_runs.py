"""政策找人 (免申即享): a batch run over the whole registry that notifies the newly eligible once, lets
them confirm in one step, resumes after a crash without telling anyone twice, and shows staff its
results per policy and district with an Excel export."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from stdnum.cn import ric

from lingong.accounts.models import Notification, Role, User
from lingong.conftest import make_user
from lingong.core.errors import DomainError
from lingong.core.models import AuditEntry, Division, Occupation
from lingong.market.models import WorkerProfile
from lingong.policy import runs
from lingong.policy.models import PolicyHit, PolicyNotice, PolicyRun
from lingong.registration.models import EmploymentRegistration

pytestmark = pytest.mark.django_db

PENSION = "liaoning.pension_enrolment"


def id_number(county: str, n: int) -> str:
    base = f"{county}1990{(n % 12) + 1:02d}15{n:02d}1"
    return base + ric.calc_check_digit(base)


def registered_worker(county: Division, n: int) -> User:
    """A flexible worker registered (灵活就业登记) in ``county``: eligible for pension enrolment (第十条)."""
    person = make_user(
        role=Role.WORKER,
        region=county,
        phone=f"1360000{n:04d}",
        name=f"工人{n}",
        id_number=id_number(county.code, n),
    )
    occupation, _ = Occupation.objects.get_or_create(code="4-09-08-01", defaults={"name": "保洁员"})
    now = timezone.now()
    EmploymentRegistration.objects.create(
        person=person,
        region=county,
        channel="online",
        commitment_text="承诺",
        committed_at=now,
        deadline=dt.date(2026, 1, 10),
        status="registered",
        closed_at=now,
        form="part_time",
        occupation=occupation,
        start_date=dt.date(2026, 1, 5),
        place="沈阳",
    )
    WorkerProfile.objects.create(user=person, groups=",migrant_worker,")
    return person


@pytest.fixture
def registry(shenyang: dict[str, Division]) -> list[User]:
    """Seven registered workers: five in Heping, two in Tiexi; and one unregistered account."""
    people = [registered_worker(shenyang["heping"] if n < 5 else shenyang["tiexi"], n) for n in range(7)]
    make_user(role=Role.WORKER, region=shenyang["heping"], phone="13600009999", name="未登记")
    return people


def new_run(actor: User, capture: Any, *, region: str = "210100", chunk: int = 2) -> PolicyRun:
    with capture(execute=False):  # queued, not yet run: the test drives the worker
        run = runs.start_run(actor=actor, region_code=region, as_of=dt.date(2026, 9, 30))
    PolicyRun.objects.filter(pk=run.pk).update(chunk_size=chunk)
    return run


class Spy:
    """Counts notify() calls while letting each one through to the real inbox."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: Counter[tuple[int, str]] = Counter()
        real = runs.notify

        def notify(**kw: Any) -> None:
            self.calls[(kw["recipient_id"], kw["key"])] += 1
            real(**kw)

        monkeypatch.setattr(runs, "notify", notify)


def test_a_run_notifies_the_newly_eligible_once(
    registry: list[User],
    city_staff: User,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spy = Spy(monkeypatch)
    run = new_run(city_staff, django_capture_on_commit_callbacks)
    assert run.total == 7  # the unregistered account is not in the registry
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.process_run(run.pk)
    assert (run.status, run.processed, run.percent) == ("done", 7, 100)
    found = set(PolicyHit.objects.filter(run=run, policy_id=PENSION).values_list("person_id", flat=True))
    assert found == {p.pk for p in registry}
    notes = Notification.objects.filter(kind="policy_found", key__startswith=f"policy-found:{PENSION}:")
    assert sorted(notes.values_list("recipient_id", flat=True)) == sorted(p.pk for p in registry)
    assert max(spy.calls.values()) == 1


def test_a_run_interrupted_half_way_and_restarted_notifies_nobody_twice(
    registry: list[User],
    city_staff: User,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spy = Spy(monkeypatch)
    run = new_run(city_staff, django_capture_on_commit_callbacks)
    real = runs._evaluate
    chunks = {"n": 0}

    def crashing(people: list[User], as_of: dt.date) -> Any:
        chunks["n"] += 1
        found = real(people, as_of)
        if chunks["n"] == 3:
            raise RuntimeError("worker killed")  # after evaluating, before the chunk commits
        return found

    monkeypatch.setattr(runs, "_evaluate", crashing)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        runs.process_run(run.pk)
    run.refresh_from_db()
    assert (run.status, run.processed) == ("running", 4)  # two chunks committed, the third rolled back
    told_before = Notification.objects.filter(kind="policy_found").count()
    assert PolicyNotice.objects.filter(run=run).count() == told_before > 0

    monkeypatch.setattr(runs, "_evaluate", real)
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.process_run(run.pk)  # the restart resumes from the cursor
    assert (run.status, run.processed) == ("done", 7)
    assert max(spy.calls.values()) == 1, spy.calls
    keys = list(Notification.objects.filter(kind="policy_found").values_list("recipient_id", "key"))
    assert len(keys) == len(set(keys))
    assert {r for r, _k in keys} == {p.pk for p in registry}

    # Next month's run over the same people finds them again but tells nobody again.
    again = new_run(city_staff, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        again = runs.process_run(again.pk)
    assert PolicyHit.objects.filter(run=again, policy_id=PENSION).count() == 7
    assert not PolicyHit.objects.filter(run=again, newly=True).exists()
    assert max(spy.calls.values()) == 1


def test_a_stalled_run_is_queued_again(
    registry: list[User], city_staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    run = new_run(city_staff, django_capture_on_commit_callbacks)
    runs.process_chunk(run.pk)
    PolicyRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert runs.resume_stale_runs() == [run.pk]  # the task runs in-process in tests
    run.refresh_from_db()
    assert run.status == "done" and run.processed == 7


def test_confirming_files_the_application_in_one_step(
    registry: list[User], city_staff: User, heping_staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    run = new_run(city_staff, django_capture_on_commit_callbacks)
    runs.process_run(run.pk)
    person = registry[0]
    notice = PolicyNotice.objects.get(person=person, policy_id=PENSION)
    client = Client()
    client.force_login(person)
    page = client.get(f"/policy/notices/{notice.pk}/").content.decode()
    assert "灵活就业人员参加企业职工基本养老保险" in page and 'data-testid="confirm"' in page
    response = client.post(f"/policy/notices/{notice.pk}/confirm/")
    assert response.status_code == 302
    notice.refresh_from_db()
    application = notice.application
    assert application is not None
    assert (application.source, application.status, application.eligible) == ("proactive", "submitted", True)
    # A second tap files nothing new; staff see it in their queue marked as found by the platform.
    assert runs.confirm_notice(actor=person, notice_id=notice.pk) == application
    staff = Client()
    staff.force_login(heping_staff)
    assert "政策找人" in staff.get("/policy/queue/").content.decode()
    # Someone else's notice is not theirs to confirm.
    with pytest.raises(DomainError):
        runs.confirm_notice(actor=registry[1], notice_id=notice.pk)


def test_staff_see_results_per_policy_and_district_and_export_them(
    registry: list[User], city_staff: User, heping_staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    run = new_run(city_staff, django_capture_on_commit_callbacks)
    runs.process_run(run.pk)
    rows = {(r.policy_id, r.district.code): r for r in runs.results(actor=city_staff, run=run)}
    assert rows[(PENSION, "210102")].people == 5 and rows[(PENSION, "210106")].people == 2
    assert rows[(PENSION, "210102")].newly == 5
    # District staff see their district only.
    heping = {r.district.code for r in runs.results(actor=heping_staff, run=run)}
    assert heping == {"210102"}

    client = Client()
    client.force_login(city_staff)
    page = client.get(f"/policy/runs/{run.pk}/").content.decode()
    assert "<progress" in page and 'data-district="210106"' in page
    response = client.get(f"/policy/runs/{run.pk}/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active  # type: ignore[attr-defined]
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:4] == ("政策", "县区", "姓名", "身份证号码")
    pension_rows = [r for r in table[1:] if r[0] == PENSION]
    assert len(pension_rows) == 7
    assert all("*" in str(r[3]) for r in pension_rows)  # masked without the export permission
    assert AuditEntry.objects.filter(action="export", object_type="policy.policyrun").exists()


def test_runs_are_for_staff_in_their_region(registry: list[User], heping_staff: User) -> None:
    with pytest.raises(DomainError) as err:
        runs.start_run(actor=heping_staff, region_code="210106")
    assert err.value.code == "region_out_of_scope"
    with pytest.raises(DomainError) as err:
        runs.start_run(actor=registry[0], region_code="210102")
    assert err.value.code == "staff_only"


def test_the_api_starts_a_run_on_the_queue_and_reports_progress_and_results(
    registry: list[User], city_staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    client.force_login(city_staff)
    with django_capture_on_commit_callbacks(execute=True):  # the queue runs in-process in tests
        response = client.post(
            "/api/v1/policy/runs",
            data={"region_code": "210100", "as_of": "2026-09-30"},
            content_type="application/json",
        )
    assert response.status_code == 201
    run_id = response.json()["id"]
    body = client.get(f"/api/v1/policy/runs/{run_id}").json()
    assert (body["status"], body["processed"], body["percent"]) == ("done", 7, 100)
    pension = [r for r in body["results"] if r["policy_id"] == PENSION]
    assert {r["district_code"]: r["people"] for r in pension} == {"210102": 5, "210106": 2}
    assert pension[0]["title"] == "灵活就业人员参加企业职工基本养老保险"


def test_staff_resume_an_interrupted_run_from_the_page_and_a_finished_one_is_refused(
    registry: list[User], city_staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    run = new_run(city_staff, django_capture_on_commit_callbacks)
    runs.process_chunk(run.pk)  # two of seven, then the worker died
    client = Client()
    client.force_login(city_staff)
    with django_capture_on_commit_callbacks(execute=True):  # the queue runs in-process in tests
        response = client.post(f"/policy/runs/{run.pk}/resume/")
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.processed) == ("done", 7)
    assert AuditEntry.objects.filter(
        action="change", object_type="policy.policyrun", object_id=str(run.pk)
    ).exists()
    again = client.post(f"/policy/runs/{run.pk}/resume/")
    assert again.status_code == 409
    assert 'data-code="run_done"' in again.content.decode()
    worker = Client()
    worker.force_login(registry[0])
    assert worker.post(f"/policy/runs/{run.pk}/resume/").status_code == 403


def test_a_region_has_one_open_run_at_a_time(
    registry: list[User], city_staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    """The database's constraint, not a check in Python, refuses a second run while one is open."""
    run = new_run(city_staff, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError) as err:
        runs.start_run(actor=city_staff, region_code="210100")
    assert (err.value.code, err.value.status) == ("run_in_progress", 409)
    runs.process_run(run.pk)
    with django_capture_on_commit_callbacks(execute=False):
        assert runs.start_run(actor=city_staff, region_code="210100").pk != run.pk
