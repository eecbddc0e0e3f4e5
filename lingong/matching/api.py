"""API: 人岗匹配 (辽人社〔2022〕22号 第七条: 精准、高效匹配), mounted at /api/v1/matching.

``GET /gigs``: the logged-in worker's recommended gigs; ``GET /posts/{id}/workers``: the recommended
workers for a post (its employer, or staff of its region). Each result carries the score's parts with
their Chinese labels. Errors are ``{code, message}`` like the rest of the API.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from lingong.accounts.http import acting_user
from lingong.matching import selectors

router = Router(tags=["matching"])


class PartOut(Schema):
    name: str = Field(description="travel, skill, wage, reliability, rating, fairness")
    label: str = Field(description="通勤时间、工种匹配、工资、可靠性、评分、公平")
    points: float


class WhyOut(Schema):
    score: float = Field(description="各项得分之和")
    travel_minutes: float
    distance_km: float
    fit: str = Field(description="exact 工种对口, related 工种相近, learned 做过相近的活")
    fit_label: str
    parts: list[PartOut]


class GigOut(Schema):
    id: int
    title: str
    occupation: str
    region: str
    address: str
    start_date: dt.date
    end_date: dt.date
    time_slots: str
    wage_fen: int
    wage_type: str
    places_left: int
    instant: bool
    why: WhyOut


class WorkerOut(Schema):
    worker_id: int
    name: str = Field(description="姓名（已隐去，仅显示姓）")
    region: str
    completed: int = Field(description="完工次数")
    rating: float | None = Field(description="平均星级")
    why: WhyOut


class PostWorkersOut(Schema):
    post_id: int
    title: str
    places_left: int
    workers: list[WorkerOut]


class LimitIn(Schema):
    limit: int = Field(20, ge=1, le=100)


def _why(why: selectors.Explained) -> dict[str, Any]:
    return {
        "score": why.score,
        "travel_minutes": why.travel_minutes,
        "distance_km": why.distance_km,
        "fit": why.fit,
        "fit_label": why.fit_label,
        "parts": [{"name": p.name, "label": p.label, "points": p.points} for p in why.parts],
    }


@router.get("/gigs", response=list[GigOut], summary="为我推荐的零工（劳动者本人）")
def gigs_for_me(request: HttpRequest, query: Query[LimitIn]) -> list[dict[str, Any]]:
    found = selectors.gigs_for_worker(acting_user(request), limit=query.limit)
    return [
        {
            "id": g.post.pk,
            "title": g.post.title,
            "occupation": g.post.occupation.name,
            "region": g.post.region.name,
            "address": g.post.address,
            "start_date": g.post.start_date,
            "end_date": g.post.end_date,
            "time_slots": g.post.time_slots,
            "wage_fen": g.post.wage_fen,
            "wage_type": g.post.wage_type,
            "places_left": g.post.places_left,
            "instant": g.post.instant,
            "why": _why(g.why),
        }
        for g in found
    ]


@router.get(
    "/posts/{post_id}/workers", response=PostWorkersOut, summary="招聘的推荐人选（发布人或辖区工作人员）"
)
def workers_for_post(request: HttpRequest, post_id: int, query: Query[LimitIn]) -> dict[str, Any]:
    post, found = selectors.workers_for_gig(acting_user(request), post_id=post_id, limit=query.limit)
    return {
        "post_id": post.pk,
        "title": post.title,
        "places_left": post.places_left,
        "workers": [
            {
                "worker_id": w.worker_id,
                "name": w.name,
                "region": w.region_name,
                "completed": w.completed,
                "rating": w.rating,
                "why": _why(w.why),
            }
            for w in found
        ],
    }
