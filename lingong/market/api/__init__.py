"""The market's API, one router per part; mounted at /api/v1/market."""

from __future__ import annotations

from ninja import Router

from lingong.market.api import directory, hiring, posts, profiles

router = Router()
router.add_router("/", posts.router)
router.add_router("/", profiles.router)
router.add_router("/", hiring.router)
router.add_router("/", directory.router)
