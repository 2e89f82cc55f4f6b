"""Receiving webhooks: endpoints (a rotatable token per connector config) and deliveries taken in milliseconds.

`delivery_receive` never calls a source: it checks the token, the signature and the shape, stores the delivery
(once: the source's delivery id, or the body's hash, is unique per endpoint), and queues the applier on the
`webhooks` queue after commit. A rejected delivery leaves nothing but a counted rejection.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import orjson
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from connectors.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookRejection
from connectors.sources.webhooks import FORMATS, BadDelivery
from core.counters import counter_add
from jobs.services import task_send_quietly

APPLY_TASK = "connectors.tasks.webhook_deliveries_apply"
# Shared counters `app_webhook_deliveries:<source>:<result>`, exported as app_webhook_deliveries_total{source,result}.
COUNTER_PREFIX = "app_webhook_deliveries:"
COUNTER = COUNTER_PREFIX + "{source}:{result}"
# Every outcome of a delivery: taken (queued, ignored: names nothing we keep), a retry (duplicate), or refused
# (too_large: by the body size limit, before the view).
RESULTS = ("queued", "ignored", "duplicate", "unknown_token", "bad_signature", "malformed", "throttled", "too_large")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def webhook_endpoint_ensure(*, config) -> tuple[WebhookEndpoint, str | None]:
    """The config's endpoint; a new one comes with its token (shown once), an existing one with None."""
    endpoint = WebhookEndpoint.objects.filter(config=config).first()
    if endpoint is not None:
        return endpoint, None
    token = secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint.objects.create(
        config=config,
        project=config.project,
        account_scope_id=config.project.account_scope_id,
        source=config.source,
        token_hash=_token_hash(token),
        token_prefix=token[:8],
        secret=secrets.token_hex(32),
    )
    return endpoint, token


def webhook_endpoint_rotate(*, endpoint: WebhookEndpoint) -> str:
    """A new token (the old URL stops working at once); returns it, shown once."""
    token = secrets.token_urlsafe(32)
    endpoint.token_hash, endpoint.token_prefix, endpoint.rotated_at = _token_hash(token), token[:8], timezone.now()
    endpoint.save(update_fields=["token_hash", "token_prefix", "rotated_at"])
    return token


def webhook_path(*, source: str, token: str) -> str:
    return f"/api/webhooks/{source}/{token}"


@dataclass
class Received:
    """The answer to a delivery: HTTP status, error code (or "") and what to say."""

    status: int
    code: str = ""
    detail: object = None
    delivery_id: int | None = None


def delivery_receive(*, source: str, token: str, headers: dict, body: bytes) -> Received:
    """Take one delivery: 404 unknown token, 401 bad signature, 400 bad body, 429 flood, 200 replay, 202 queued."""
    endpoint = _endpoint(source, token)
    if endpoint is None:
        return _rejected(source, "unknown_token", Received(404, "not_found", "No such webhook."))
    if endpoint.secret and not FORMATS[source].verify(endpoint.secret, headers, body, timezone.now()):
        received = Received(401, "bad_signature", "Signature missing, wrong or stale.")
        return _rejected(source, "bad_signature", received, endpoint)
    try:
        payload = orjson.loads(body)
        if not isinstance(payload, dict):
            raise BadDelivery("body", "Expected a JSON object.")
        hint = FORMATS[source].parse(headers, payload, body)
    except orjson.JSONDecodeError:
        return _rejected(source, "malformed", Received(400, "invalid_input", {"body": "Not valid JSON."}), endpoint)
    except BadDelivery as exc:
        return _rejected(source, "malformed", Received(400, "invalid_input", {exc.field: str(exc)}), endpoint)
    if _flooded(endpoint):
        received = Received(429, "throttled", "Too many deliveries; retry shortly.")
        return _rejected(source, "throttled", received, endpoint)
    return _store(endpoint, hint)


def _endpoint(source: str, token: str) -> WebhookEndpoint | None:
    if source not in FORMATS or not token:
        return None
    endpoint = WebhookEndpoint.objects.filter(source=source, token_hash=_token_hash(token))
    return endpoint.select_related("config").filter(config__enabled=True).first()


def _flooded(endpoint: WebhookEndpoint) -> bool:
    """More than WEBHOOK_MAX_DELIVERIES_PER_SECOND in the last second to this endpoint (others unaffected)."""
    since = timezone.now() - dt.timedelta(seconds=1)
    recent = WebhookDelivery.objects.filter(endpoint=endpoint, received_at__gte=since)
    return recent.count() >= settings.WEBHOOK_MAX_DELIVERIES_PER_SECOND


def _store(endpoint: WebhookEndpoint, hint) -> Received:
    status = DeliveryStatus.IGNORED if hint.empty else DeliveryStatus.QUEUED
    try:
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(
                project_id=endpoint.project_id,
                account_scope_id=endpoint.account_scope_id,
                endpoint=endpoint,
                source=endpoint.source,
                delivery_key=hint.key[:100],
                event=hint.event[:100],
                hints=hint.changed,
                removed=hint.removed,
                status=status,
                event_at=hint.event_at,
            )
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(last_delivery_at=delivery.received_at)
            if status == DeliveryStatus.QUEUED:
                task_send_quietly(task=APPLY_TASK, args=(str(endpoint.pk),))
    except IntegrityError:  # the same delivery again (a source's retry, or a replay)
        counter_add(COUNTER.format(source=endpoint.source, result="duplicate"))
        return Received(200, detail="duplicate")
    counter_add(COUNTER.format(source=endpoint.source, result=status))
    return Received(202, detail=status, delivery_id=delivery.pk)


def webhook_oversize_observed(request) -> None:
    """`core.middleware` refused a body as too large: if it was a delivery, count it like other rejections."""
    parts = request.path.split("/")  # "", "api", "webhooks", source, token
    if len(parts) >= 5 and parts[1:3] == ["api", "webhooks"]:
        _rejected(parts[3], "too_large", Received(413), _endpoint(parts[3], parts[4]))


def _rejected(source: str, result: str, received: Received, endpoint: WebhookEndpoint | None = None) -> Received:
    """Count a refusal: per source on /metrics, and per endpoint and hour for its project's pages."""
    counter_add(COUNTER.format(source=source if source in FORMATS else "unknown", result=result))
    if endpoint is not None:
        hour = timezone.now().replace(minute=0, second=0, microsecond=0)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {WebhookRejection._meta.db_table} (project_id, account_scope_id, endpoint_id, hour, "
                "result, count) VALUES (%s, %s, %s, %s, %s, 1) ON CONFLICT (endpoint_id, hour, result) "
                "DO UPDATE SET count = EXCLUDED.count + " + WebhookRejection._meta.db_table + ".count",
                [endpoint.project_id, endpoint.account_scope_id, endpoint.pk, hour, result],
            )
    return received


def deliveries_waiting(*, older_than: dt.timedelta = dt.timedelta(minutes=1)) -> int:
    """Queue an applier for each endpoint whose deliveries wait longer than a delivery's own applier would take;
    returns how many endpoints."""
    since = timezone.now() - older_than
    waiting = WebhookDelivery.objects.filter(status=DeliveryStatus.QUEUED, received_at__lt=since)
    endpoints = list(waiting.values_list("endpoint_id", flat=True).distinct())
    for endpoint_id in endpoints:
        task_send_quietly(task=APPLY_TASK, args=(str(endpoint_id),))
    return len(endpoints)
