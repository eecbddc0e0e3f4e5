"""API: training courses and startup services (辽人社〔2022〕22号 第九条, 第十条). The list and a course are
public; staff of a region publish, correct and withdraw its courses. Errors carry the services' codes,
e.g. ``kind_invalid``, ``occupation_required``, ``end_before_start``, ``seats_invalid`` (400),
``staff_only``, ``region_out_of_scope`` (403), ``not_found`` (404)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from lingong.accounts.http import acting_user
from lingong.training import selectors, services
from lingong.training.models import TrainingCourse

router = Router(tags=["training"])

Kind = Literal["skills", "startup_training", "startup_guidance"]


class CourseIn(Schema):
    title: str = Field(..., max_length=100)
    kind: Kind
    provider: str = Field(..., max_length=100)
    occupation_code: str = Field("", max_length=16)
    region_code: str = Field(..., max_length=6, description="课程面向的省、市或县区代码")
    start_date: dt.date
    end_date: dt.date
    seats: int = Field(..., ge=1)
    subsidised: bool = False
    subsidy_note: str = Field("", max_length=200)
    contact: str = Field(..., max_length=100)
    address: str = Field(..., max_length=200)


class CoursePatch(Schema):
    title: str | None = Field(None, max_length=100)
    kind: Kind | None = None
    provider: str | None = Field(None, max_length=100)
    occupation_code: str | None = Field(None, max_length=16)
    region_code: str | None = Field(None, max_length=6)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    seats: int | None = Field(None, ge=1)
    subsidised: bool | None = None
    subsidy_note: str | None = Field(None, max_length=200)
    contact: str | None = Field(None, max_length=100)
    address: str | None = Field(None, max_length=200)


class CourseOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    provider: str
    occupation_code: str | None
    region_code: str
    region_name: str
    start_date: dt.date
    end_date: dt.date
    seats: int
    subsidised: bool
    subsidy_note: str
    contact: str
    address: str
    withdrawn: bool


def _out(c: TrainingCourse) -> CourseOut:
    return CourseOut(
        id=c.pk,
        title=c.title,
        kind=c.kind,
        kind_label=c.get_kind_display(),
        provider=c.provider,
        occupation_code=c.occupation_id,
        region_code=c.region_id,
        region_name=str(c.region),
        start_date=c.start_date,
        end_date=c.end_date,
        seats=c.seats,
        subsidised=c.subsidised,
        subsidy_note=c.subsidy_note,
        contact=c.contact,
        address=c.address,
        withdrawn=c.withdrawn,
    )


@router.get("/courses", response=list[CourseOut], auth=None, summary="开设中的培训课程与创业服务（公开）")
def courses(request: HttpRequest, region: str = "", kind: str = "") -> Any:
    return [_out(c) for c in selectors.public_courses(region_code=region, kind=kind)]


@router.get("/courses/{course_id}", response=CourseOut, auth=None, summary="一个课程（公开）")
def course(request: HttpRequest, course_id: int) -> Any:
    return _out(selectors.get_open_course(course_id))


@router.get("/manage/courses", response=list[CourseOut], summary="本辖区的全部课程（工作人员）")
def manage(request: HttpRequest) -> Any:
    return [_out(c) for c in selectors.staff_courses(actor=acting_user(request))[:500]]


@router.post("/courses", response={201: CourseOut}, summary="发布课程（工作人员，本辖区）")
def create(request: HttpRequest, data: CourseIn) -> Any:
    return Status(201, _out(services.create_course(actor=acting_user(request), data=data.dict())))


@router.patch("/courses/{course_id}", response=CourseOut, summary="更正课程（工作人员，本辖区）")
def update(request: HttpRequest, course_id: int, data: CoursePatch) -> Any:
    patch = data.dict(exclude_unset=True)
    return _out(services.update_course(actor=acting_user(request), course_id=course_id, data=patch))


@router.post("/courses/{course_id}/withdraw", response=CourseOut, summary="撤下课程（工作人员，本辖区）")
def withdraw(request: HttpRequest, course_id: int) -> Any:
    return _out(services.withdraw_course(actor=acting_user(request), course_id=course_id))
