from django.urls import URLPattern, path

from lingong.policy import views

app_name = "policy"

urlpatterns: list[URLPattern] = [
    path("", views.my_policies, name="mine"),
    path("apply/", views.apply, name="apply"),
    path("applications/", views.my_applications, name="applications"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("applications/<int:pk>/decide/", views.decide, name="decide"),
    path("applications/<int:pk>/review/", views.review, name="review"),
    path("applications/<int:pk>/pay/", views.pay, name="pay"),
    path("queue/", views.queue, name="queue"),
    path("loans/", views.loans, name="loans"),
    path("parameters/", views.parameters, name="parameters"),
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/resume/", views.run_resume, name="run_resume"),
    path("runs/<int:pk>/export.xlsx", views.run_export, name="run_export"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("notices/<int:pk>/confirm/", views.notice_confirm, name="notice_confirm"),
]
