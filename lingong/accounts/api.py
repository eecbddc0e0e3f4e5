"""Accounts endpoints: who am I, people in my region (masked), audited reveal, tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from lingong.accounts import selectors, services
from lingong.accounts.http import acting_user
from lingong.accounts.models import User

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    display_name: str
    role: str
    region_code: str | None
    phone: str = Field(description="手机号（脱敏）")


class PersonOut(Schema):
    id: int
    display_name: str
    role: str
    role_label: str
    region_code: str
    region_name: str
    phone: str = Field(description="脱敏后的手机号，如 138****5678")
    id_number: str = Field(description="脱敏后的身份证号码，如 210102********123X")
    address: str
    credit_code: str
    real_name_verified: bool


class PersonalDataOut(Schema):
    phone: str
    id_number: str
    address: str


class PersonIn(Schema):
    role: str = "worker"
    display_name: str
    phone: str
    region_code: str
    id_number: str = ""
    address: str = ""
    employer_kind: str = ""
    credit_code: str = ""


class PersonPatch(Schema):
    display_name: str | None = None
    phone: str | None = None
    id_number: str | None = None
    address: str | None = None
    region_code: str | None = None
    credit_code: str | None = None


class TokenIn(Schema):
    name: str
    days: int | None = 365


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    key: str | None = Field(None, description="完整令牌，只在创建时返回一次")


def _person_out(actor: User, person: User) -> dict[str, Any]:
    return selectors.person_view(actor=actor, person=person).__dict__


@router.get("/me", response=MeOut, summary="当前登录用户")
def me(request: HttpRequest) -> dict[str, Any]:
    user = acting_user(request)
    return {
        "id": user.pk,
        "display_name": user.display_name,
        "role": user.role,
        "region_code": user.region_id,
        "phone": user.masked_phone,
    }


@router.get("/people", response=list[PersonOut], summary="辖区内人员与单位（脱敏）")
@paginate(LimitOffsetPagination)
def list_people(
    request: HttpRequest, role: str | None = None, region_code: str | None = None, q: str = ""
) -> list[dict[str, Any]]:
    actor = acting_user(request)
    qs = selectors.list_people(actor=actor, role=role, region_code=region_code, query=q)
    return [_person_out(actor, p) for p in qs[:1000]]


@router.post("/people", response={201: PersonOut}, summary="在窗口为人员或单位开户")
def create_person(request: HttpRequest, payload: PersonIn) -> Status[dict[str, Any]]:
    actor = acting_user(request)
    person = services.register_user(actor=actor, **payload.dict())
    return Status(201, _person_out(actor, person))


@router.get("/people/{person_id}", response=PersonOut, summary="人员详情（脱敏）")
def get_person(request: HttpRequest, person_id: int) -> dict[str, Any]:
    actor = acting_user(request)
    return _person_out(actor, selectors.get_person(actor=actor, person_id=person_id))


@router.patch("/people/{person_id}", response=PersonOut, summary="修改人员信息（记入审计日志）")
def patch_person(request: HttpRequest, person_id: int, payload: PersonPatch) -> dict[str, Any]:
    actor = acting_user(request)
    changes = payload.dict(exclude_unset=True)
    person = services.update_person(actor=actor, person_id=person_id, changes=changes)
    return _person_out(actor, person)


@router.post(
    "/people/{person_id}/personal-data",
    response=PersonalDataOut,
    summary="查看完整个人信息（需授权，记入审计日志）",
)
def reveal_personal_data(request: HttpRequest, person_id: int) -> dict[str, str]:
    return services.reveal_personal_data(actor=acting_user(request), person_id=person_id)


@router.post("/tokens", response={201: TokenOut}, summary="为当前用户创建API令牌")
def create_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    token, key = services.issue_api_token(actor=acting_user(request), name=payload.name, days=payload.days)
    return Status(
        201,
        {
            "id": token.pk,
            "name": token.name,
            "prefix": token.prefix,
            "created_at": token.created_at,
            "expires_at": token.expires_at,
            "key": key,
        },
    )


@router.delete("/tokens/{token_id}", response={204: None}, summary="撤销API令牌")
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    services.revoke_api_token(actor=acting_user(request), token_id=token_id)
    return Status(204, None)
