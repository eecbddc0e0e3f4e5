"""One domain error type: a stable machine-readable `code` and a Chinese `message`.

Raised by services and validators, mapped to HTTP once at the edge (lingong/api, lingong/web).
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A failure the user can understand and act on."""

    status = 400

    def __init__(self, code: str, message: str, *, field: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.field = field
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            data["field"] = self.field
        if self.details:
            data["details"] = self.details
        return data


class PermissionDenied(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409
