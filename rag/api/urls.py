from django.urls import path

from rag.api import views

urlpatterns = [
    path("lightrag/query", views.QueryView.as_view(), name="lightrag-query"),
    path("search", views.SearchView.as_view(), name="search"),
    path("lightrag/status", views.StatusView.as_view(), name="lightrag-status"),
    path("lightrag/refresh", views.RefreshView.as_view(), name="lightrag-refresh"),
    path("lightrag/feedback", views.FeedbackView.as_view(), name="lightrag-feedback"),
    path("jobs/embeddings/run", views.EmbeddingsRunView.as_view(), name="jobs-embeddings-run"),
]
