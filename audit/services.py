"""Audit services: every auditable action is recorded through `audit_record`."""

from audit.models import AuditEvent
from core.audit_trail import request_id_current


def _actor_label(actor) -> str:
    if actor is None:
        return ""
    if isinstance(actor, str):
        return actor
    return getattr(actor, "username", "") or ""


def audit_record(
    *,
    action: str,
    actor=None,
    project=None,
    status: str = "ok",
    entity_type: str = "",
    entity_id: str = "",
    request_id: str = "",
    ip_address: str | None = None,
    payload: dict | None = None,
) -> AuditEvent:
    """Write one audit event; `actor` is a user, a job name or None. The request id defaults to the id of the
    request being served, so services need not pass it."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        project=project,
        account_scope_id=project.account_scope_id if project is not None else None,
        actor=user,
        actor_label=_actor_label(actor),
        action=action,
        status=status,
        entity_type=entity_type,
        entity_id=entity_id,
        request_id=request_id or request_id_current(),
        ip_address=ip_address,
        payload=payload or {},
    )
