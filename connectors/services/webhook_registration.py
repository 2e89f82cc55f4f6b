"""Registering webhooks at the sources: with `WEBHOOK_PUBLIC_URL` set, each enabled connector config gets a
subscription to its endpoint's URL through the source's own API; re-registered on a config change (a fresh
token, the old subscription removed), removed when the config is disabled. Without a public URL, nothing.
"""

import logging

from django.conf import settings
from django.utils import timezone

from audit.services import audit_record
from connectors.models import ConnectorConfig, Source, WebhookEndpoint
from connectors.selectors import webhook_overview
from connectors.services.webhooks import webhook_endpoint_ensure, webhook_endpoint_rotate, webhook_path
from connectors.sources import connector_for
from core.errors import Conflict
from core.http import HttpError, NotFoundError, PermanentError

log = logging.getLogger("connectors.webhooks")


class NoPublicUrl(Conflict):
    """WEBHOOK_PUBLIC_URL is not set: the sources cannot reach us."""

    code = "no_public_url"


def webhook_register(*, config: ConnectorConfig, actor) -> WebhookEndpoint:
    """Subscribe the source to a fresh URL of the config's endpoint (replacing any earlier subscription)."""
    if not settings.WEBHOOK_PUBLIC_URL:
        raise NoPublicUrl("Set WEBHOOK_PUBLIC_URL to the address the sources can reach this server at.")
    endpoint, _ = webhook_endpoint_ensure(config=config)
    _unsubscribe(config, endpoint)
    token = webhook_endpoint_rotate(endpoint=endpoint)  # the URL is the credential: a new one each time
    url = settings.WEBHOOK_PUBLIC_URL + webhook_path(source=config.source, token=token)
    connector = connector_for(config)
    try:
        remote_id, secret = connector.webhook_subscribe(url=url, secret=endpoint.secret)
    finally:
        connector.close()
    endpoint.remote_id, endpoint.secret, endpoint.registered_at = remote_id, secret, timezone.now()
    endpoint.registered_url = (
        settings.WEBHOOK_PUBLIC_URL + webhook_path(source=config.source, token="") + (f"{endpoint.token_prefix}…")
    )
    endpoint.save(update_fields=["remote_id", "secret", "registered_at", "registered_url"])
    _audit("connector.webhook_registered", config, actor, {"remote_id": remote_id, "signed": bool(secret)})
    return endpoint


def webhook_unregister(*, config: ConnectorConfig, actor) -> bool:
    """Remove the subscription at the source and invalidate the URL; False when none was registered."""
    endpoint = WebhookEndpoint.objects.filter(config=config).first()
    if endpoint is None or not endpoint.registered_at:
        return False
    _unsubscribe(config, endpoint)
    webhook_endpoint_rotate(endpoint=endpoint)
    endpoint.remote_id, endpoint.registered_at, endpoint.registered_url = "", None, ""
    endpoint.save(update_fields=["remote_id", "registered_at", "registered_url"])
    _audit("connector.webhook_unregistered", config, actor, {})
    return True


def _unsubscribe(config: ConnectorConfig, endpoint: WebhookEndpoint) -> None:
    """Remove the source's subscription if there is one (already gone at the source is fine)."""
    if not endpoint.remote_id:
        return
    connector = connector_for(config)
    try:
        connector.webhook_unsubscribe(remote_id=endpoint.remote_id)
    except (NotFoundError, PermanentError) as exc:  # gone already (a new server, a deleted hook): nothing to undo
        log.info("%s webhook %s not removed at the source: %s", config.source, endpoint.remote_id, exc)
    finally:
        connector.close()


def webhooks_register_all(*, project, actor) -> dict[str, str]:
    """Register every enabled connector of the project: {source: "registered" or why not}."""
    outcomes = {}
    for config in ConnectorConfig.objects.filter(project=project, enabled=True).select_related("project"):
        try:
            webhook_register(config=config, actor=actor)
            outcomes[config.source] = "registered"
        except HttpError as exc:
            outcomes[config.source] = f"failed: {exc}"
    return outcomes


def webhooks_follow_config(*, config: ConnectorConfig, actor) -> None:
    """After a config change: re-register a registered webhook, or remove it from a disabled connector.
    A source that refuses is logged; the sync keeps working without webhooks."""
    registered = WebhookEndpoint.objects.filter(config=config, registered_at__isnull=False).exists()
    if not registered or not settings.WEBHOOK_PUBLIC_URL:
        return
    try:
        if config.enabled:
            webhook_register(config=config, actor=actor)
        else:
            webhook_unregister(config=config, actor=actor)
    except HttpError as exc:
        log.warning("%s webhook of project %s not updated: %s", config.source, config.project_id, exc)


def _audit(action: str, config: ConnectorConfig, actor, payload: dict) -> None:
    audit_record(action=action, actor=actor, project=config.project, entity_type="connector",
                 entity_id=config.source, payload=payload)  # fmt: skip


def webhooks_status(*, project) -> list[dict]:
    """Per source: configured, registered (when, and the URL with the token cut), signed, last delivery, the
    deliveries of the last 24 h by status and the refusals by reason (2 queries)."""
    overview = webhook_overview(project=project)
    endpoints = {e.source: e for e in WebhookEndpoint.objects.filter(project=project)}
    configured = set(ConnectorConfig.objects.filter(project=project, enabled=True).values_list("source", flat=True))
    rows = []
    for source in Source.values:
        endpoint, figures = endpoints.get(source), overview.get(source, {})
        registered = endpoint is not None and endpoint.registered_at is not None
        rows.append({
            "source": source,
            "configured": source in configured,
            "registered": registered,
            "registered_at": _iso(endpoint.registered_at if registered else None),
            "url": endpoint.registered_url if registered else "",
            "signed": bool(endpoint and endpoint.secret),
            "last_delivery_at": _iso(endpoint.last_delivery_at if endpoint else None),
            "deliveries_24h": {status: n for status, n in figures.get("deliveries", {}).items() if n},
            "rejections_24h": figures.get("rejections", {}),
        })  # fmt: skip
    return rows


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None
