"""API: instant."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["market-instant"])
