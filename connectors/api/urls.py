from django.urls import path

from connectors.api import configs, reconciliation, views, webhooks

urlpatterns = [
    path("webhooks/<str:source>/<str:token>", webhooks.WebhookReceiveView.as_view(), name="webhook-receive"),
    path("connectors/webhooks", webhooks.WebhookStatusView.as_view(), name="connectors-webhooks"),
    path("connectors/<str:name>/webhook/register", webhooks.WebhookRegisterView.as_view(), name="webhook-register"),
    path(
        "connectors/<str:name>/webhook/unregister", webhooks.WebhookUnregisterView.as_view(), name="webhook-unregister"
    ),
    path("connectors/configs", configs.ConnectorConfigListView.as_view(), name="connector-configs"),
    path("connectors/configs/<str:source>", configs.ConnectorConfigDetailView.as_view(), name="connector-config"),
    path(
        "connectors/configs/<str:source>/test", configs.ConnectorConfigTestView.as_view(), name="connector-config-test"
    ),
    path("connectors/state", views.ConnectorStateView.as_view(), name="connectors-state"),
    path("connectors/runs", views.SyncRunListView.as_view(), name="connectors-runs"),
    path("connectors/errors", views.ConnectorErrorListView.as_view(), name="connectors-errors"),
    path("connectors/errors/retry", views.ErrorsRetryView.as_view(), name="connectors-errors-retry"),
    path("connectors/errors/dead-letter", views.DeadLetterListView.as_view(), name="connectors-dead-letters"),
    path(
        "connectors/errors/dead-letter/<str:error_id>/retry",
        views.DeadLetterRetryView.as_view(),
        name="connectors-dead-letter-retry",
    ),
    path("connectors/reconciliation", reconciliation.ReconciliationView.as_view(), name="reconciliation"),
    path(
        "connectors/reconciliation/diff",
        reconciliation.ReconciliationDiffView.as_view(),
        name="reconciliation-diff",
    ),
    path(
        "connectors/reconciliation/run",
        reconciliation.ReconciliationRunView.as_view(),
        name="reconciliation-run",
    ),
    path("connectors/<str:name>/resync", reconciliation.ResyncView.as_view(), name="connector-resync"),
    path("connectors/sync", views.SyncAllView.as_view(), name="connectors-sync"),
    path("connectors/<str:name>/sync", views.SyncOneView.as_view(), name="connector-sync"),
    path("jobs/<str:name>/sync", views.JobSyncView.as_view(), name="jobs-connector-sync"),
]
