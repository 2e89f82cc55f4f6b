"""Retention of LightRAG query runs (registered from `RagConfig.ready()`): `lightrag_query_runs` by `created_at`
(RETENTION_QUERY_RUNS_DAYS); their feedback rows go with them (`Feedback.query_run` is `on_delete=CASCADE`)."""

from core.retention import RetentionTarget, retention_target_register
from rag.models import QueryRun


def retention_targets_register() -> None:
    retention_target_register(
        RetentionTarget(
            table=QueryRun._meta.db_table,
            queryset=QueryRun.objects.all,
            age_field="created_at",
            days_setting="RETENTION_QUERY_RUNS_DAYS",
        )
    )
