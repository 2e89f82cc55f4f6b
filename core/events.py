"""Live events: published after commit on the project's channel (django-eventstream, Redis fan-out)."""

import logging

from django.db import transaction

log = logging.getLogger("core.events")


def project_channel(project_id) -> str:
    """The SSE channel of one project."""
    return f"project-{project_id}"


def publish(*, project_id, event_type: str, data: dict) -> bool:
    """Send one event now; a failure is logged and counted, never raised."""
    from django_eventstream import send_event

    from core.counters import counter_add

    try:
        send_event(project_channel(project_id), event_type, data, json_encode=True)
    except Exception:  # the event bus must never break the work it reports on
        counter_add("app_pubsub_publish_failures")
        log.warning("could not publish %s for project %s", event_type, project_id, exc_info=True)
        return False
    counter_add("app_pubsub_publish")
    return True


def publish_on_commit(*, project_id, event_type: str, data: dict) -> None:
    """Publish once the surrounding transaction commits; a rolled-back change announces nothing."""
    transaction.on_commit(lambda: publish(project_id=project_id, event_type=event_type, data=data))
