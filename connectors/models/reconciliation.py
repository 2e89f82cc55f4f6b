"""Reconciliation metrics: append-only, one row per connector per run plus a portfolio row."""

import uuid

from django.db import models
from django.utils import timezone

from core.scoping import ScopedModel


class ReconciliationMetric(ScopedModel):
    """Source ids vs raw rows vs mirror rows for one connector (or the weighted portfolio) at one run."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run_id = models.UUIDField(db_index=True)
    source = models.CharField(max_length=20, help_text="chatwoot, linear, attio or portfolio")
    total = models.PositiveIntegerField(default=0)
    missing = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    orphans = models.PositiveIntegerField(default=0)
    completeness_pct = models.FloatField(default=100.0)
    missing_ids = models.JSONField(default=list, blank=True, help_text="'stream:id', at most RECONCILIATION_MAX_IDS")
    duplicate_ids = models.JSONField(default=list, blank=True)
    orphan_ids = models.JSONField(default=list, blank=True)
    details = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "connector_reconciliation_metrics"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["project", "source", "-created_at"], name="recon_project_source_idx"),
            # Retention deletes the oldest metrics first (connectors/retention.py).
            models.Index(fields=["created_at"], name="recon_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.completeness_pct:.1f}%"
