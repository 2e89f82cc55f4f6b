"""The connectors' public vocabulary: sources, sync and error statuses, the portfolio pseudo-connector.

Other apps (the dashboard, CRM, LightRAG) name these values; they import them from here, never from the models.
"""

from django.db import models

# Reconciliation's roll-up across every connector of a project (ReconciliationMetric.source).
PORTFOLIO = "portfolio"


class Source(models.TextChoices):
    CHATWOOT = "chatwoot", "Chatwoot"
    LINEAR = "linear", "Linear"
    ATTIO = "attio", "Attio"


class SyncStatus(models.TextChoices):
    IDLE = "idle"
    RUNNING = "running"
    OK = "ok"
    PARTIAL = "partial"
    FAILED = "failed"
    PAUSED = "paused"


class TombstoneReason(models.TextChoices):
    """Why a raw row left the product (its `deleted_reason`). An archived Linear issue is not a tombstone: it
    stays searchable and marked archived, as it stays readable in Linear."""

    DELETED = "deleted", "Deleted at the source"  # 404 twice in a row, or the payload says deleted
    TRASHED = "trashed", "In the source's trash"  # Linear `trashed: true`; restoring it revives the row


class ErrorStatus(models.TextChoices):
    OPEN = "open"
    DEAD_LETTER = "dead_letter"
    RESOLVED = "resolved"
