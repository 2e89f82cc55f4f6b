"""Reconciliation metrics (append-only, one row per connector per run plus a portfolio row) and the id checks
behind the deletions they find."""

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
    missing = models.PositiveIntegerField(default=0, help_text="The source has it, we do not.")
    deleted_at_source = models.PositiveIntegerField(default=0, help_text="Gone at the source: applied or pending.")
    not_listable = models.PositiveIntegerField(default=0, help_text="Not in the source's lists, readable by id.")
    duplicates = models.PositiveIntegerField(default=0)
    orphans = models.PositiveIntegerField(default=0)
    completeness_pct = models.FloatField(default=100.0)
    missing_ids = models.JSONField(default=list, blank=True, help_text="'stream:id', at most RECONCILIATION_MAX_IDS")
    deleted_ids = models.JSONField(default=list, blank=True, help_text="'stream:id' gone at the source")
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


class IdCheck(ScopedModel):
    """What the source answered when asked by id for a stored record its lists did not show.

    `present`: readable by id only (e.g. an anonymous Chatwoot contact). `not_found`: answered 404 (or left out
    of an answer by id) `strikes` times in a row, each in a different check; two strikes make it a tombstone.
    A record seen again in a list or a page loses its row here.
    """

    PRESENT, NOT_FOUND = "present", "not_found"

    id = models.BigAutoField(primary_key=True)
    source = models.CharField(max_length=20)
    stream = models.CharField(max_length=40)
    external_id = models.CharField(max_length=64)
    outcome = models.CharField(max_length=20)
    strikes = models.PositiveSmallIntegerField(default=0)
    check_key = models.CharField(max_length=64, help_text="The run that asked last (one strike per run).")
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "connector_id_checks"
        constraints = [
            models.UniqueConstraint(fields=["project", "source", "stream", "external_id"], name="id_check_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.source}.{self.stream} {self.external_id}: {self.outcome}"
