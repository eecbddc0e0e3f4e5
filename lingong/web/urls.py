from django.urls import path

from lingong.web import inbox, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("large-text/", views.toggle_large_text, name="large_text"),
    path("staff/", views.workbench, name="workbench"),
    path("staff/people/", views.people_list, name="people"),
    path("staff/people/<int:person_id>/", views.person_detail, name="person"),
    path("staff/people/<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("staff/people/<int:person_id>/reveal/", views.person_reveal, name="person_reveal"),
    path("staff/audit/", views.audit_log, name="audit"),
    path("staff/audit/export.xlsx", views.audit_export, name="audit_export"),
    *inbox.urlpatterns,
]
