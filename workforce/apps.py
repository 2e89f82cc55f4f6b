from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    """The roof: the Django project package (settings, URLs, Celery app, launcher) and the commands that tie
    every app together (`bootstrap`, `doctor`, `sandbox`). It owns no models."""

    name = "workforce"
    label = "site"
    verbose_name = "Workforce Ops"
