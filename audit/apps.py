from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Audit events: who did what, when, in which project."""

    name = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from audit.retention import retention_targets_register
        from audit.services import audit_record
        from core.audit_trail import audit_writer_register

        retention_targets_register()
        audit_writer_register(audit_record)
