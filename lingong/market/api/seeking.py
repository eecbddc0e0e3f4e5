"""API: seeking."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["market-seeking"])
