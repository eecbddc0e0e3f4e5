"""The market's API, one router per part; mounted at /api/v1/market."""

from __future__ import annotations

from ninja import Router

from lingong.market.api import directory, fairs, hiring, instant, posts, profiles, seeking, work

router = Router()
for part in (posts, profiles, hiring, directory, instant, work, fairs, seeking):
    router.add_router("/", part.router)
