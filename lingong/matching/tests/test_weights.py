"""Weights as data with history: dated versions changed by authorised staff and audited; the 权重试算
page shows what new weights would have changed on a day's data, with a small chart."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import SettingsWrapper

from lingong.accounts.models import Role, User
from lingong.conftest import STAFF_PERMS, make_user
from lingong.core.errors import DomainError
from lingong.core.models import AuditEntry, Division
from lingong.matching import selectors, services
from lingong.matching.engine import DEFAULT_WEIGHTS
from lingong.matching.models import WeightSet
from lingong.matching.tests.conftest import MakeWorker
from lingong.matching.tests.test_dispatch import instant_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def weights_officer(shenyang: dict[str, Division]) -> User:
    """省厅 staff allowed to change the matching weights."""
    return make_user(
        role=Role.STAFF,
        region=shenyang["liaoning"],
        phone="13900000077",
        name="省厅刘科长",
        perms=(*STAFF_PERMS, "matching.add_weightset"),
    )


def test_a_change_is_a_new_dated_audited_row(
    weights_officer: User, heping_staff: User, heping_worker: User, settings: SettingsWrapper
) -> None:
    settings.MATCHING_WEIGHTS = {"travel": 25}
    assert (
        services.current_weights().travel == 25 and services.current_weights().skill == DEFAULT_WEIGHTS.skill
    )
    row = services.set_weights(
        actor=weights_officer, values={"priority": "12", "travel": ""}, note="加大帮扶"
    )
    current = services.current_weights()
    assert (current.priority, current.travel) == (12.0, 25)
    services.set_weights(actor=weights_officer, values={"idle": 15}, note="久未接单者优先")
    assert (services.current_weights().idle, services.current_weights().priority) == (15.0, 12.0)
    assert WeightSet.objects.count() == 2  # the first version is kept as it was
    assert WeightSet.objects.get(pk=row.pk).values["priority"] == 12.0
    entry = AuditEntry.objects.filter(object_type="matching.weightset").first()
    assert entry is not None and entry.actor == weights_officer
    # A version dated tomorrow is not in force yet.
    services.set_weights(
        actor=weights_officer,
        values={"idle": 1},
        note="明天起",
        effective_from=timezone.now() + dt.timedelta(days=1),
    )
    assert services.current_weights().idle == 15.0
    for actor, code in ((heping_staff, "weights_forbidden"), (heping_worker, "weights_forbidden")):
        with pytest.raises(DomainError) as exc:
            services.set_weights(actor=actor, values={"idle": 3}, note="x")
        assert exc.value.code == code
    for values, note, code in (
        ({"idle": "很多"}, "x", "weight_invalid"),
        ({"speed": 1}, "x", "weight_unknown"),
        ({"related_fit": 2}, "x", "weight_invalid"),
        ({"idle": 3}, " ", "note_required"),
    ):
        with pytest.raises(DomainError) as exc:
            services.set_weights(actor=weights_officer, values=values, note=note)
        assert exc.value.code == code


def test_the_trial_replays_the_days_rounds_with_other_weights(
    heping_employer: User,
    heping_staff: User,
    make_worker: MakeWorker,
    settings: SettingsWrapper,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MATCHING_OFFERS_PER_PLACE = 1
    instant_post(heping_employer, django_capture_on_commit_callbacks, headcount=1)
    near = make_worker("近的", km=0.2)
    make_worker("帮扶对象", km=2, groups=",recent_graduate,")
    with django_capture_on_commit_callbacks(execute=True):
        services.run_dispatch_rounds()
    today = timezone.localdate()
    trial = selectors.weights_trial(heping_staff, weights=services.parse_weights({"priority": 20}), day=today)
    assert (trial.day, trial.posts, trial.top5_changed, trial.rounds) == (today, 1, 1, 1)
    assert trial.before == selectors.Outcome(
        offers=1, average_minutes=1.0, priority_share=0.0, idle_share=100.0
    )
    assert trial.after == selectors.Outcome(
        offers=1, average_minutes=10.0, priority_share=100.0, idle_share=100.0
    )
    same = selectors.weights_trial(heping_staff, weights=services.current_weights(), day=today)
    assert same.top5_changed == 0 and same.before == same.after
    assert near.pk  # offered in the real round: the nearer one, under the weights in force


def test_the_weights_page(
    client: Client,
    heping_staff: User,
    weights_officer: User,
    heping_worker: User,
    heping_employer: User,
    make_worker: MakeWorker,
    django_capture_on_commit_callbacks: Any,
) -> None:
    instant_post(heping_employer, django_capture_on_commit_callbacks, headcount=1)
    make_worker("近的", km=0.2)
    with django_capture_on_commit_callbacks(execute=True):
        services.run_dispatch_rounds()
    client.force_login(heping_worker)
    assert client.get("/matching/weights/").status_code == 403
    client.force_login(heping_staff)
    page = client.get("/matching/weights/").content.decode()
    assert "匹配权重试算" in page and "尚未调整过" in page and 'data-testid="trial"' not in page
    day = timezone.localdate().isoformat()
    page = client.get("/matching/weights/", {"travel": "40", "day": day}).content.decode()
    assert 'data-testid="trial"' in page and 'data-testid="trial-chart"' in page and "<svg" in page
    assert "平均通勤（分钟）" in page and 'data-testid="save-weights"' not in page  # may try, not change
    assert "权重须为数字" in client.get("/matching/weights/", {"travel": "abc"}).content.decode()
    client.force_login(weights_officer)
    page = client.get("/matching/weights/", {"travel": "40", "day": day}).content.decode()
    assert 'data-testid="save-weights"' in page
    response = client.post("/matching/weights/", {"travel": "40", "note": "通勤更重要"})
    assert response.status_code == 302
    assert services.current_weights().travel == 40.0
    page = client.get("/matching/weights/").content.decode()
    assert "通勤更重要" in page and "省厅刘科长" in page


def test_the_weights_in_force_drive_instant_hires_ranking(
    heping_employer: User,
    weights_officer: User,
    make_worker: MakeWorker,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from lingong.market.services.instant import rank_candidates

    post = instant_post(heping_employer, django_capture_on_commit_callbacks)
    near = make_worker("近的", km=0.2)
    helped = make_worker("帮扶对象", km=2, groups=",employment_difficulty,")
    assert [c.worker_id for c in rank_candidates(post, None)] == [near.pk, helped.pk]
    services.set_weights(actor=weights_officer, values={"priority": 30}, note="帮扶对象优先")
    ranked = rank_candidates(post, None)
    assert [c.worker_id for c in ranked] == [helped.pk, near.pk]
    assert "重点帮扶群体" in ranked[0].reasons
