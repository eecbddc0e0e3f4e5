"""Login by phone number + password, with lockout (see services.authenticate_phone)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from lingong.accounts.models import User
from lingong.core.errors import DomainError


class PhoneBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        from lingong.accounts.services import authenticate_phone
        from lingong.core.middleware import client_ip

        phone = username or kwargs.get("phone")
        if not phone or password is None:
            return None
        try:
            user = authenticate_phone(
                phone=phone, password=password, ip_address=client_ip(request) if request else None
            )
        except DomainError as exc:
            if request is not None:
                request.login_error = exc  # type: ignore[attr-defined]
            return None
        return user if self.user_can_authenticate(user) else None
