from lingong.market import posters
from lingong.market.views import directory, fairs, hiring, instant, posts, profiles, seeking, work

app_name = "market"

urlpatterns = [
    pattern
    for part in (posts, profiles, hiring, directory, instant, work, fairs, seeking, posters)
    for pattern in part.urlpatterns
]
