"""What the connectors app contributes to the floors below it (called from `ConnectorsConfig.ready()`):
its periodic jobs, its part of the stale-work sweep, its block of `/api/jobs/status`, its metrics, its retention
targets and its doctor checks."""


def register() -> None:
    from connectors import checks, selectors, tasks
    from connectors.metrics import connector_families
    from connectors.retention import retention_targets_register
    from connectors.services import queue, state
    from connectors.services.webhooks import webhook_oversize_observed
    from core.checklist import doctor_check_register
    from core.collectors import metric_source_register
    from core.middleware import oversize_observer_register
    from jobs.schedules import Schedule, schedule_register
    from jobs.status import status_block_register
    from jobs.sweeper import live_runs_register, stale_sweeper_register

    # Every minute: replay after-commit hooks that failed (CRM mirror, chunks), with backoff and an attempt cap.
    schedule_register(Schedule("connectors_hook_failures_repair", tasks.connectors_hook_failures_repair.name, 60,
                               "Repair failed after-commit hooks"))  # fmt: skip
    # Every 5 min: retry connector errors whose backoff has passed.
    schedule_register(Schedule("connector_errors_retry", tasks.connector_errors_retry.name, 5 * 60,
                               "Retry connector errors", queue.errors_retry_tick))  # fmt: skip
    # Every 15 min: queue a sync for each due (project, connector); recover stale leases.
    schedule_register(Schedule("connectors_sync_cycle", tasks.connectors_sync_cycle.name, 15 * 60,
                               "Sync due connectors", queue.syncs_tick))  # fmt: skip
    # Daily: walk every source's ids and reconcile them with raw and mirror rows.
    schedule_register(Schedule("connectors_reconciliation_daily", tasks.connectors_reconciliation_daily.name,
                               24 * 3600, "Reconcile connectors", queue.reconciliation_tick))  # fmt: skip
    # Every 30 min: walk the sources' ids and apply the deletions two checks confirm (docs/deletions.md).
    schedule_register(Schedule("connectors_deletions_sweep", tasks.connectors_deletions_sweep.name, 30 * 60,
                               "Sweep for deletions", queue.deletions_sweep_tick))  # fmt: skip
    # The stale-work sweep (jobs, every 20 s) recovers dead syncs' leases; a heartbeating sync is alive at any age.
    stale_sweeper_register("connector_leases", queue.leases_sweep)
    live_runs_register("connector_leases", state.lease_live_job_runs)
    status_block_register("connectors", selectors.status_block)
    oversize_observer_register(webhook_oversize_observed)
    metric_source_register(connector_families)
    retention_targets_register()
    for check in checks.PROJECT_CHECKS:
        doctor_check_register(check)
