from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    large = request.COOKIES.get("large_text") == "1" or bool(getattr(user, "large_text", False))
    return {"large_text": large, "site_name": "灵工"}
