"""The foundation's door to the audit trail.

Core's services record what people do (logins, project changes, API keys), but the audit events live in the
audit app, a floor above: the audit app plugs its writer in at start-up (`AuditConfig.ready()`), so core
records events without importing upwards. Every other app calls `audit.services.audit_record` directly.
"""

from collections.abc import Callable

from core.request_context import current_request_id

_writers: list[Callable[..., object]] = []


def audit_writer_register(writer: Callable[..., object]) -> None:
    """Install the function that stores an audit event (keyword arguments as `audit_record`)."""
    _writers[:] = [writer]


def audit(*, action: str, **event) -> object:
    """Record one audited action; the request id defaults to the current request's."""
    if not _writers:
        raise RuntimeError("No audit writer registered: the audit app must be installed.")
    event.setdefault("request_id", request_id_current())
    return _writers[0](action=action, **event)


def request_id_current() -> str:
    """The id of the request being served, or "" outside one."""
    value = current_request_id.get()
    return "" if value == "-" else value
