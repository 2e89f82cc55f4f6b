"""Workforce Ops project package: settings, tenancy, auth, platform services."""

from workforce.celery import app as celery_app

__all__ = ["celery_app"]
