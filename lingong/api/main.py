"""The REST API under /api/v1 (OpenAPI docs at /api/docs). Thin: parse, call services and
selectors, return schemas. Errors carry a stable ``code`` and a Chinese ``message``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from lingong.accounts.services import user_for_token
from lingong.core.errors import DomainError


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class TokenHeaderAuth(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = user_for_token(key or "")
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="灵工 lingong API",
    version="1",
    description=(
        "灵活就业公共服务平台接口。机器客户端使用 `Authorization: Bearer lg_…` 令牌；"
        '浏览器页面使用登录会话（需要 CSRF 令牌）。错误响应形如 `{"code": "…", "message": "…"}`。'
    ),
    urls_namespace="api",
    docs_url="/docs",
    auth=[TokenAuth(), TokenHeaderAuth(), django_auth],
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = [
        {"field": ".".join(str(p) for p in err.get("loc", [])[1:]), "detail": err.get("msg", "")}
        for err in exc.errors
    ]
    return api.create_response(
        request,
        {"code": "invalid_input", "message": _("提交的数据格式不正确，请检查后重试。"), "details": problems},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"code": "unauthorized", "message": _("请先登录，或提供有效的API令牌。")}, status=401
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {
        # django-ninja raises 400 only for a body it cannot parse (its message is English).
        400: ("invalid_body", _("请求内容不是有效的 JSON，请检查后重试。")),
        404: ("not_found", _("找不到该资源。")),
        403: ("forbidden", _("没有权限。")),
    }
    code, message = codes.get(exc.status_code, ("error", str(exc)))
    return api.create_response(request, {"code": code, "message": message}, status=exc.status_code)


def _register_routers() -> None:
    from lingong.accounts.api import router as accounts_router
    from lingong.core.api import router as core_router
    from lingong.market.api import router as market_router
    from lingong.matching.api import router as matching_router
    from lingong.policy.api import router as policy_router
    from lingong.registration.api import router as registration_router
    from lingong.training.api import router as training_router
    from lingong.web.inbox import router as inbox_router

    api.add_router("/", accounts_router)
    api.add_router("/reference", core_router)
    api.add_router("/market", market_router)
    api.add_router("/matching", matching_router)
    api.add_router("/registration", registration_router)
    api.add_router("/policy", policy_router)
    api.add_router("/training", training_router)
    api.add_router("/", inbox_router)


_register_routers()
