from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Audit events and job runs (one row per background run)."""

    name = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from audit import supervision  # noqa: F401 - connects the Celery signal handlers
        from audit.counters import counter_families, scope_violation_counting
        from audit.metrics import job_families
        from audit.retention import audit_retention_targets_register, retention_families
        from workforce.collectors import FAMILY_SOURCES

        audit_retention_targets_register()
        for source in (counter_families, job_families, retention_families):
            if source not in FAMILY_SOURCES:
                FAMILY_SOURCES.append(source)
        connection_created.connect(scope_violation_counting, dispatch_uid="audit.scope_violation_counting")
