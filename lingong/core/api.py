"""Reference data endpoints: divisions, occupations, working days."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["reference"])
