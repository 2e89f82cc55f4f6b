"""Feedback on query runs: a rating and a comment, only for a run of the same project."""

from audit.services import audit_record
from core.errors import NotFound
from rag.models import Feedback, QueryRun


class QueryRunNotFound(NotFound):
    """No run with this id in this project (another project's run is reported the same way)."""


def feedback_create(
    *, project, query_run_id, rating: int, comment: str = "", user=None, actor_label: str = ""
) -> Feedback:
    """Record feedback on one of the project's query runs; audit it."""
    run = QueryRun.objects.filter(project=project, pk=query_run_id).only("id").first()
    if run is None:
        raise QueryRunNotFound()
    feedback = Feedback.objects.create(
        project=project,
        account_scope_id=project.account_scope_id,
        query_run=run,
        rating=rating,
        comment=comment,
        user=user if getattr(user, "is_authenticated", False) else None,
        actor_label=actor_label[:200],
    )
    audit_record(
        action="lightrag.feedback",
        actor=user if getattr(user, "is_authenticated", False) else actor_label,
        project=project,
        entity_type="lightrag_query_run",
        entity_id=str(run.id),
        payload={"feedback_id": str(feedback.id), "rating": rating},
    )
    return feedback
