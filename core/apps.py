from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Tenancy (account scopes, projects, memberships, API keys) and the domain-free plumbing.

    The app label stays `workforce`, the label these models have had since the first release: their tables
    (`workforce_project`, …), migration history, admin URLs (`/admin/workforce/…`) and permission names
    (`workforce.change_apikey`) are unchanged by the move of the code into `core/`.
    """

    name = "core"
    label = "workforce"
    verbose_name = "Tenancy and platform"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from core import checks, metrics
        from core.api import schema  # noqa: F401 - registers the OpenAPI auth extensions
        from core.checklist import doctor_check_register
        from core.collectors import metric_source_register
        from core.counters import counter_families, scope_violation_counting
        from core.retention import platform_retention_register

        metrics.register_collectors()
        metric_source_register(counter_families)
        platform_retention_register()
        for check in checks.CHECKS:
            doctor_check_register(check)
        connection_created.connect(scope_violation_counting, dispatch_uid="core.scope_violation_counting")
