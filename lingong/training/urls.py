from django.urls import URLPattern, path

from lingong.training import views

app_name = "training"

urlpatterns: list[URLPattern] = [
    path("", views.courses, name="courses"),
    path("<int:pk>/", views.course, name="course"),
]
