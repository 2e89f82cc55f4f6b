"""Dashboard pages, their live partials and the SSE stream (included at "" after `api/`)."""

from django.urls import path

from ops_dashboard import views

urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("login", views.login_page, name="login"),
    path("projects", views.projects_page, name="projects"),
    path("connectors", views.connectors_page, name="connectors"),
    path("jobs", views.jobs_page, name="jobs"),
    path("crm", views.crm_page, name="crm"),
    path("clients/<str:account_id>", views.client_page, name="client"),
    path("search", views.search_page, name="search"),
    path("settings/sources", views.sources_page, name="sources"),
    path("settings/members", views.members_page, name="members"),
    path("settings/keys", views.keys_page, name="keys"),
    path("partials/<path:name>", views.partial_view, name="partial"),
    path("api/events/stream", views.events_stream, name="events-stream"),
]
