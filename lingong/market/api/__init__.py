"""The market's API, one router per part; mounted at /api/v1/market."""

from __future__ import annotations

from ninja import Router

from lingong.market.api import directory, fairs, hiring, instant, posts, profiles, seeking, work

router = Router()
for part in (posts, profiles, work, hiring, directory, instant, fairs, seeking):  # work before hiring: its
    # fixed paths (/engagements/{id}/check-in …) must match before hiring's /engagements/{id}/{action}
    router.add_router("/", part.router)
