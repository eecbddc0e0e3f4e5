"""The engine's one error type: a stable ``code`` and a Chinese ``message``, like the platform's
``DomainError`` (which the Django side maps it to; the engine cannot import Django)."""

from __future__ import annotations


class PolicyEngineError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
