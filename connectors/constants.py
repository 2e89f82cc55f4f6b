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


class ErrorStatus(models.TextChoices):
    OPEN = "open"
    DEAD_LETTER = "dead_letter"
    RESOLVED = "resolved"
