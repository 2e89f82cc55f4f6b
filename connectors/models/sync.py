"""Per-project connector configuration, sync state with its lease, sync runs and connector errors."""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from connectors.constants import ErrorStatus, Source, SyncStatus
from core.fields import EncryptedTextField
from core.scoping import ScopedModel


class ConnectorConfig(ScopedModel):
    """How one project reaches one source. `secret` is write-only: never rendered, logged or returned."""

    source = models.CharField(max_length=20, choices=Source.choices)
    base_url = models.URLField(max_length=500)
    secret = EncryptedTextField(blank=True, help_text="API token/key. Write-only; encrypted at rest.")
    secret_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    account_id = models.CharField(
        max_length=100, blank=True, help_text="Chatwoot account id, Linear or Attio workspace id."
    )
    enabled = models.BooleanField(default=True)
    sync_interval_minutes = models.PositiveIntegerField(default=15)
    rate_limit_per_second = models.FloatField(default=10.0, help_text="Request budget for this connector.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "source"], name="connector_config_unique")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} for {self.project_id}"

    def __repr__(self) -> str:  # keep the secret out of debug output
        return f"<ConnectorConfig {self.source} project={self.project_id}>"


class ConnectorSyncState(ScopedModel):
    """The live state of one (project, source): status, cursors, failures and the run lease."""

    source = models.CharField(max_length=20, choices=Source.choices)
    status = models.CharField(max_length=20, choices=SyncStatus.choices, default=SyncStatus.IDLE)
    cursors = models.JSONField(default=dict, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    paused_reason = models.CharField(max_length=200, blank=True)
    lease_owner = models.CharField(max_length=200, blank=True)
    lease_heartbeat_at = models.DateTimeField(null=True, blank=True)
    current_run = models.ForeignKey("SyncRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    progress = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "source"], name="connector_state_unique")]

    def __str__(self) -> str:
        return f"{self.source} {self.status}"

    def lease_is_stale(self, now: dt.datetime | None = None) -> bool:
        """A running lease whose heartbeat is older than the stale window."""
        if self.status != SyncStatus.RUNNING:
            return False
        if self.lease_heartbeat_at is None:
            return True  # running without ever heartbeating: nobody holds it
        window = dt.timedelta(seconds=settings.CONNECTOR_LEASE_STALE_SECONDS)
        return (now or timezone.now()) - self.lease_heartbeat_at > window

    @property
    def lag_seconds(self) -> int | None:
        if self.last_success_at is None:
            return None
        return int((timezone.now() - self.last_success_at).total_seconds())


class SyncRun(ScopedModel):
    """One sync run of one connector: per-stream counts, timings and outcome."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.CharField(max_length=20, choices=Source.choices)
    status = models.CharField(max_length=20, default=SyncStatus.RUNNING)
    trigger = models.CharField(max_length=20, default="schedule")
    full = models.BooleanField(default=False)
    streams = models.JSONField(default=list, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    lease_owner = models.CharField(max_length=200, blank=True)
    # The jobs app's JobRun recording this run (an id, not a foreign key: jobs' table is not ours); closed with
    # the run, also when a stale lease is recovered.
    job_run_id = models.UUIDField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["project", "source", "-started_at"], name="syncrun_project_source_idx"),
            # Retention deletes the oldest runs first and measures their age (connectors/retention.py).
            models.Index(fields=["started_at"], name="syncrun_started_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source} run {self.status}"


class ConnectorError(ScopedModel):
    """One failing unit (a stream page or an item), de-duplicated by `dedupe_key` while unresolved.

    `unit` says how to re-run it (stream, and item id for item units); `history` keeps every attempt.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.CharField(max_length=20, choices=Source.choices)
    stream = models.CharField(max_length=50)
    operation = models.CharField(max_length=50, default="fetch_page")
    dedupe_key = models.CharField(max_length=300)
    source_ref = models.CharField(max_length=300, blank=True)
    unit = models.JSONField(default=dict, blank=True)
    error_kind = models.CharField(max_length=30)
    message = models.TextField()
    attempt = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=20, choices=ErrorStatus.choices, default=ErrorStatus.OPEN)
    next_retry_at = models.DateTimeField(null=True, blank=True)
    history = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "source", "dedupe_key"],
                condition=~models.Q(status="resolved"),
                name="connector_error_open_unique",
            )
        ]
        indexes = [
            models.Index(fields=["project", "status", "source"], name="connerror_project_status_idx"),
            models.Index(fields=["status", "next_retry_at"], name="connerror_due_idx"),
            # Retention deletes resolved errors oldest first (connectors/retention.py); open ones stay out.
            models.Index(fields=["resolved_at"], name="connerror_resolved_idx", condition=models.Q(status="resolved")),
        ]

    def __str__(self) -> str:
        return f"{self.source}/{self.stream} {self.status} attempt {self.attempt}"


class HookFailure(ScopedModel):
    """A durable marker: a hook that raised after its page committed (the CRM mirror, the chunk builder, the
    embeddings cascade), with the records it did not process, kept until a repair succeeds.

    One row per (project, source, stream, hook): later failures of the same hook add their record ids. `kind`
    `page` replays `PageCommitted` for `record_ids` (all live rows of the stream when `whole_stream`: too many
    ids to list); `run` replays the `RunFinished` kept in `payload`. Repairs (`connectors.hooks`) come from the
    next sync of the connector and from the periodic `connectors_hook_failures_repair`; `attempts` counts
    failures, and past `HOOK_REPAIR_MAX_ATTEMPTS` only a sync (or an operator) tries again.
    """

    source = models.CharField(max_length=20, choices=Source.choices)
    stream = models.CharField(max_length=50, blank=True, help_text="Empty for a run hook.")
    hook = models.CharField(max_length=200, help_text="Dotted name of the registered hook.")
    kind = models.CharField(max_length=10, default="page", help_text="page or run")
    record_ids = models.JSONField(default=list, blank=True)
    whole_stream = models.BooleanField(default=False)
    urgent = models.BooleanField(default=False)
    payload = models.JSONField(default=dict, blank=True)
    error = models.TextField()
    attempts = models.PositiveIntegerField(default=1)
    next_retry_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "connector_hook_failures"
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "source", "stream", "hook"], name="hook_failure_unique")
        ]
        indexes = [models.Index(fields=["next_retry_at"], name="hook_failure_due_idx")]

    def __str__(self) -> str:
        return f"{self.hook} {self.source}/{self.stream or 'run'} ({self.attempts} failure(s))"
