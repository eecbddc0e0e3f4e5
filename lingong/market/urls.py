from lingong.market.views import directory, hiring, posts, profiles

app_name = "market"

urlpatterns = [*posts.urlpatterns, *profiles.urlpatterns, *hiring.urlpatterns, *directory.urlpatterns]
