from lingong.matching import views

app_name = "matching"

urlpatterns = views.urlpatterns
