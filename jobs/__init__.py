"""Background jobs: one `JobRun` row per run, one way to queue and to run a job, the periodic schedules apps
register, their supervision (backoff, suspension), the retention runner and the scheduler API."""
