from django.urls import path

from core.api import keys, members, views

urlpatterns = [
    path("auth/login", views.LoginView.as_view(), name="auth-login"),
    path("auth/logout", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/me", views.MeView.as_view(), name="auth-me"),
    path("projects", views.ProjectsView.as_view(), name="projects"),
    path("projects/<str:project_id>/select", views.ProjectSelectView.as_view(), name="project-select"),
    path("projects/<str:project_id>/members", members.MembersView.as_view(), name="project-members"),
    path("projects/<str:project_id>/members/<str:user_id>", members.MemberView.as_view(), name="project-member"),
    path("api-keys", keys.ApiKeysView.as_view(), name="api-keys"),
    path("api-keys/<str:key_id>/revoke", keys.ApiKeyRevokeView.as_view(), name="api-key-revoke"),
]
