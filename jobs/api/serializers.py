"""Request validation and response shapes (for the OpenAPI schema) of the scheduler and job status endpoints."""

from rest_framework import serializers

from jobs.constants import JobStatus

MAX_TICK_LIMIT = 50


class TickRequestSerializer(serializers.Serializer):
    """The tick's body (validated in the view, which refuses any other field)."""

    refuses_unknown_fields = True
    limit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_TICK_LIMIT, default=10)


class SchedulerJobSerializer(serializers.Serializer):
    """`supervision.scheduler_jobs` (one job)."""

    name = serializers.CharField()
    task = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    cadence = serializers.CharField(help_text="ISO 8601 duration, e.g. PT15M.")
    cadence_seconds = serializers.IntegerField()
    installed = serializers.BooleanField()
    enabled = serializers.BooleanField()
    suspended = serializers.BooleanField()
    suspended_reason = serializers.CharField(allow_blank=True, allow_null=True, help_text="null unless staff.")
    consecutive_failures = serializers.IntegerField()
    backoff_until = serializers.DateTimeField(allow_null=True)
    last_run_at = serializers.DateTimeField(allow_null=True)
    last_success_at = serializers.DateTimeField(allow_null=True)
    last_status = serializers.CharField(allow_blank=True)
    last_error = serializers.CharField(allow_blank=True, allow_null=True, help_text="null unless staff.")
    next_run_at = serializers.DateTimeField(allow_null=True)
    per_project = serializers.BooleanField()


class SchedulerSerializer(serializers.Serializer):
    jobs = SchedulerJobSerializer(many=True)


class TickEntrySerializer(serializers.Serializer):
    job = serializers.CharField()
    run_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=JobStatus.choices)


class TickSerializer(serializers.Serializer):
    started = TickEntrySerializer(many=True)


class JobRunSerializer(serializers.Serializer):
    """`job_run_summary` plus the run id."""

    id = serializers.UUIDField()
    run_id = serializers.UUIDField()
    job = serializers.CharField()
    status = serializers.ChoiceField(choices=JobStatus.choices)
    trigger = serializers.CharField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    duration_ms = serializers.IntegerField(allow_null=True)
    counts = serializers.DictField()
    error = serializers.CharField(allow_blank=True)


class StorageSerializer(serializers.Serializer):
    database_bytes = serializers.IntegerField()
    budget_bytes = serializers.IntegerField()
    usage_percent = serializers.FloatField(allow_null=True)


class JobsStatusSerializer(serializers.Serializer):
    """The jobs' own keys; other apps add theirs (`entities`, `rag_counts`, `cursors`: jobs.status)."""

    jobs = JobRunSerializer(many=True)
    scheduler = SchedulerJobSerializer(many=True)
    storage = StorageSerializer(allow_null=True, help_text="null unless staff.")
