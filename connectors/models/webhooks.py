"""Webhooks: one receiving endpoint per connector config, and the deliveries it took.

A delivery is a hint about which records changed; it is stored before anything else happens (durable,
de-duplicated by the source's delivery id or a hash of the body) and applied by re-reading those records.
"""

import uuid

from django.db import models
from django.utils import timezone

from core.fields import EncryptedTextField
from core.scoping import ScopedModel


class WebhookEndpoint(ScopedModel):
    """`POST /api/webhooks/<source>/<token>` of one connector config.

    The token is a credential: only its SHA-256 is stored (and a prefix to recognise it); it is shown once, when
    made or rotated. `secret` signs the source's deliveries: write-only, never rendered or returned, encrypted at
    rest (core.crypto).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    config = models.OneToOneField("connectors.ConnectorConfig", on_delete=models.CASCADE, related_name="webhook")
    source = models.CharField(max_length=20)
    token_hash = models.CharField(max_length=64, unique=True)
    token_prefix = models.CharField(max_length=12)
    secret = EncryptedTextField(
        blank=True, help_text="Signing secret shared with the source. Write-only; encrypted at rest."
    )
    remote_id = models.CharField(max_length=100, blank=True, help_text="The subscription's id at the source.")
    registered_url = models.URLField(max_length=500, blank=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    last_delivery_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    rotated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "connector_webhook_endpoints"

    def __str__(self) -> str:
        return f"{self.source} webhook {self.token_prefix}…"

    def __repr__(self) -> str:  # keep the secret out of debug output
        return f"<WebhookEndpoint {self.source} {self.token_prefix}>"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued"
    APPLYING = "applying"
    APPLIED = "applied"
    IGNORED = "ignored"  # an event that names nothing we keep
    FAILED = "failed"


class WebhookDelivery(ScopedModel):
    """One accepted delivery: what it named (`hints`: {stream: [ids]}, `removed`: the ids it says are deleted)."""

    id = models.BigAutoField(primary_key=True)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    source = models.CharField(max_length=20)
    delivery_key = models.CharField(max_length=100)
    event = models.CharField(max_length=100, blank=True)
    hints = models.JSONField(default=dict, blank=True)
    removed = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    event_at = models.DateTimeField(null=True, blank=True, help_text="When the source says the change happened.")
    received_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True, help_text="Re-read, stored, chunked and embedded.")
    error = models.TextField(blank=True)

    class Meta:
        db_table = "connector_webhook_deliveries"
        constraints = [models.UniqueConstraint(fields=["endpoint", "delivery_key"], name="webhook_delivery_once")]
        indexes = [
            models.Index(fields=["endpoint", "status"], name="webhook_delivery_status_idx"),
            models.Index(fields=["endpoint", "received_at"], name="webhook_delivery_recent_idx"),
            models.Index(fields=["received_at"], name="webhook_delivery_received_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.event} {self.delivery_key}"


class WebhookRejection(ScopedModel):
    """Deliveries refused at an endpoint, counted per hour and reason (nothing of them is stored)."""

    id = models.BigAutoField(primary_key=True)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="rejections")
    hour = models.DateTimeField()
    result = models.CharField(max_length=30)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "connector_webhook_rejections"
        constraints = [models.UniqueConstraint(fields=["endpoint", "hour", "result"], name="webhook_rejection_hour")]

    def __str__(self) -> str:
        return f"{self.endpoint_id} {self.hour:%Y-%m-%d %H}h {self.result}: {self.count}"
