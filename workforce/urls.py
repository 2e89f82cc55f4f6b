"""URL map: pages, `/api/…`, `/health`, `/metrics`, schema and admin."""

from django.contrib import admin
from django.urls import include, path
from django_prometheus.exports import ExportToDjangoView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.views import health

api_patterns = [
    path("", include("core.api.urls")),
    path("", include("audit.api.urls")),
    path("", include("jobs.api.urls")),
    path("", include("connectors.api.urls")),
    path("", include("crm.api.urls")),
    path("", include("rag.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("health", health, name="health"),
    path("metrics", ExportToDjangoView, name="metrics"),
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
    path("", include("ops_dashboard.urls")),
]

handler404 = "core.api.errors.handler404"
handler500 = "core.api.errors.handler500"
