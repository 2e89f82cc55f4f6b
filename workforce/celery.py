"""The Celery application; schedules live in django-celery-beat, registered by the apps (`jobs/schedules.py`)."""

import os
import sys
from pathlib import Path

from celery import Celery

from workforce.preflight import preflight

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")


def _started_as_celery_program() -> bool:
    """`celery -A workforce …` or `python -m celery -A workforce …`: this module is then the process's entry point.

    Every other process imports this module too (through the `workforce` package) and runs its own preflight.
    """
    program = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path()
    return program.name == "celery" or (program.name == "__main__.py" and program.parent.name == "celery")


if _started_as_celery_program():
    preflight()  # production without its database or broker: one line on stderr, exit 2, before settings load

app = Celery("workforce")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
