from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from ninja.openapi.views import openapi_view

from lingong.api.main import api

admin.site.site_header = _("灵工 · 公共就业服务后台")
admin.site.site_title = _("灵工后台")
admin.site.index_title = _("业务管理")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # The API's own docs live at /api/v1/docs; /api/docs is the address people are told.
    path("api/docs", openapi_view, {"api": api}, name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("market/", include("lingong.market.urls")),
    path("matching/", include("lingong.matching.urls")),
    path("registration/", include("lingong.registration.urls")),
    path("policy/", include("lingong.policy.urls")),
    path("training/", include("lingong.training.urls")),
    path("", include("lingong.web.urls")),
]
