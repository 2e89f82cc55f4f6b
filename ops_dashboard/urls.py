from django.urls import path

from ops_dashboard import views

urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("login", views.login_page, name="login"),
    path("projects", views.projects_page, name="projects"),
]
