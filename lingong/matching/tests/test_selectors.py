"""Recommendations both ways, with their explanations, permissions and region scope. The same fixture
gives the same ranking and scores on SQLite and PostgreSQL (the suite runs on both)."""

from __future__ import annotations

import pytest

from lingong.accounts.models import User
from lingong.core.errors import DomainError
from lingong.market.services import hiring
from lingong.market.tests.conftest import PostMaker
from lingong.matching import selectors
from lingong.matching.tests.conftest import NANNY, REFUSE_COLLECTOR, MakeWorker, at_square

pytestmark = pytest.mark.django_db


@pytest.fixture
def street(make_worker: MakeWorker) -> dict[str, User]:
    return {
        "near": make_worker("一号", km=0.5),
        "far": make_worker("二号", km=4),
        "related": make_worker("三号", km=0.5, trades=(REFUSE_COLLECTOR,)),
        "helped": make_worker("四号", km=2.5, groups=",recent_graduate,"),
        "nanny": make_worker("五号", km=0.2, trades=(NANNY,)),
        "dear": make_worker("六号", km=0.2, expected_wage_fen=50000),
        "out_of_reach": make_worker("七号", km=9),
    }


def test_workers_for_a_gig_best_first_with_the_parts(
    heping_employer: User, street: dict[str, User], make_gig: PostMaker
) -> None:
    post = make_gig(heping_employer, **at_square())
    names = {u.pk: k for k, u in street.items()}
    got, found = selectors.workers_for_gig(heping_employer, post_id=post.pk)
    assert got.pk == post.pk
    # Exactly this on SQLite and PostgreSQL: the nanny (other trade), the one asking 500 a day and the
    # one 9 km away (reach 6 km) are not matched.
    assert [(names[w.worker_id], w.why.score) for w in found] == [
        ("near", 83.3),
        ("helped", 81.7),
        ("far", 71.7),
        ("related", 63.3),
    ]
    near = found[0]
    assert [p.label for p in near.why.parts] == ["通勤时间", "工种匹配", "工资", "可靠性", "评分", "公平"]
    assert sum(p.points for p in near.why.parts) == pytest.approx(near.why.score, abs=0.1)
    assert (near.why.fit_label, near.why.travel_minutes, near.name) == ("工种对口", 2.5, "一*")
    assert found[1].why.parts[-1].points == 15.0  # idle and a recent graduate: both fairness boosts
    # Someone already engaged with the post is not recommended to it again.
    hiring.apply(actor=street["near"], post_id=post.pk)
    _post, again = selectors.workers_for_gig(heping_employer, post_id=post.pk)
    assert street["near"].pk not in [w.worker_id for w in again]


def test_gigs_for_a_worker_only_their_own(
    heping_employer: User, tiexi_factory: User, street: dict[str, User], make_gig: PostMaker
) -> None:
    near = make_gig(heping_employer, **at_square(title="广场保洁"))
    further = make_gig(
        tiexi_factory, **at_square(title="远一点的保洁", latitude=at_square()["latitude"] + 0.03)
    )
    nanny_job = make_gig(heping_employer, **at_square(occupation_code=NANNY, title="照看老人"))
    found = selectors.gigs_for_worker(street["near"])
    assert [g.post.pk for g in found] == [near.pk, further.pk]
    assert found[0].why.score > found[1].why.score
    assert [g.post.pk for g in selectors.gigs_for_worker(street["nanny"])] == [nanny_job.pk]
    assert selectors.gigs_for_worker(street["near"], limit=1)[0].post.pk == near.pk
    with pytest.raises(DomainError) as exc:
        selectors.gigs_for_worker(heping_employer)
    assert exc.value.code == "worker_only"


def test_who_may_see_the_workers_of_a_post(
    heping_employer: User,
    tiexi_factory: User,
    heping_staff: User,
    tiexi_staff: User,
    city_staff: User,
    street: dict[str, User],
    make_gig: PostMaker,
) -> None:
    post = make_gig(heping_employer, **at_square())
    for allowed in (heping_employer, heping_staff, city_staff):
        assert selectors.workers_for_gig(allowed, post_id=post.pk)[1]
    for refused, code in (
        (tiexi_factory, "not_found"),
        (tiexi_staff, "not_found"),
        (street["near"], "employer_only"),
    ):
        with pytest.raises(DomainError) as exc:
            selectors.workers_for_gig(refused, post_id=post.pk)
        assert exc.value.code == code


def test_a_closed_post_has_no_recommendations(
    heping_employer: User, street: dict[str, User], make_gig: PostMaker
) -> None:
    from lingong.market.services.posts import close_post

    post = make_gig(heping_employer, **at_square())
    close_post(actor=heping_employer, post_id=post.pk)
    assert selectors.workers_for_gig(heping_employer, post_id=post.pk)[1] == []
    assert selectors.gigs_for_worker(street["near"]) == []
