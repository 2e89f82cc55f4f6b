"""Job gauges computed from the database at scrape time (every web process reports the same)."""

from django.db import connection
from prometheus_client.core import GaugeMetricFamily

from jobs.models import ScheduledJobState
from jobs.schedules import SCHEDULES
from jobs.selectors import storage_use


def job_families():
    """Per scheduled job: last success/failure, failures in a row, suspended; failed runs of the last 24 h
    per job (scheduled or per project); database size against its budget."""
    labels = ["job_name"]  # not `job`: Prometheus gives every target that label
    last_success = GaugeMetricFamily("app_job_last_success_timestamp_seconds", "Last successful run.", labels=labels)
    last_failure = GaugeMetricFamily("app_job_last_failure_timestamp_seconds", "Last failed run.", labels=labels)
    failures = GaugeMetricFamily("app_job_consecutive_failures", "Failed runs in a row.", labels=labels)
    suspended = GaugeMetricFamily("app_job_suspended", "1 when the job is suspended after failures.", labels=labels)
    states = {state.name: state for state in ScheduledJobState.objects.all()}
    for schedule in SCHEDULES:
        state = states.get(schedule.name)
        if state and state.last_success_at:
            last_success.add_metric([schedule.name], state.last_success_at.timestamp())
        if state and state.last_failure_at:
            last_failure.add_metric([schedule.name], state.last_failure_at.timestamp())
        failures.add_metric([schedule.name], state.consecutive_failures if state else 0)
        suspended.add_metric([schedule.name], 1 if state and state.suspended else 0)
    yield from (last_success, last_failure, failures, suspended)
    yield from _failed_runs_and_storage()


def _failed_runs_and_storage():
    failed = GaugeMetricFamily(
        "app_job_runs_failed_24h", "Job runs that failed in the last 24 hours.", labels=["job_name"]
    )
    size = GaugeMetricFamily("app_database_size_bytes", "Size of the database.")
    budget = GaugeMetricFamily("app_storage_budget_bytes", "STORAGE_BUDGET_GB in bytes.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT job, count(*) FROM audit_jobrun "
            "WHERE status = 'failed' AND created_at > now() - interval '24 hours' GROUP BY job"
        )
        for job, count in cursor.fetchall():
            failed.add_metric([job], count)
    storage = storage_use()
    size.add_metric([], storage["database_bytes"])
    budget.add_metric([], storage["budget_bytes"])
    yield from (failed, size, budget)
