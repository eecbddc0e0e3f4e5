from django.urls import URLPattern, path

from lingong.registration import views

app_name = "registration"

urlpatterns: list[URLPattern] = [
    path("", views.mine, name="mine"),
    path("employment/new/", views.employment_new, name="employment_new"),
    path("unemployment/new/", views.unemployment_new, name="unemployment_new"),
    path("queue/", views.queue, name="queue"),
    path("overdue/", views.overdue, name="overdue"),
    path("export.xlsx", views.export, name="export"),
    path("import/", views.import_registrations, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("employment/<int:pk>/end/", views.end, name="end"),
    path("unemployment/<int:pk>/consent/", views.consent, name="consent"),
    path("<str:kind>/<int:pk>/", views.detail, name="detail"),
    path("<str:kind>/<int:pk>/close/", views.close, name="close"),
    path("<str:kind>/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("<str:kind>/<int:pk>/certificate.pdf", views.certificate_pdf_view, name="certificate_pdf"),
]
