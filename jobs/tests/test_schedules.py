"""Every schedule resolves to a registered Celery task, and setting them up is idempotent."""

import pytest
from django_celery_beat.models import PeriodicTask

from jobs.schedules import SCHEDULES, schedules_ensure
from workforce.celery import app


def test_every_schedule_names_a_registered_task():
    app.loader.import_default_modules()
    for schedule in SCHEDULES:
        assert schedule.task in app.tasks, f"{schedule.name} → {schedule.task} is not a registered task"


@pytest.mark.django_db
def test_schedules_are_created_once_and_operator_edits_survive():
    assert sorted(schedules_ensure()) == sorted(s.name for s in SCHEDULES)
    PeriodicTask.objects.filter(name="connector_errors_retry").update(enabled=False)
    assert schedules_ensure() == []
    assert PeriodicTask.objects.get(name="connector_errors_retry").enabled is False
    assert PeriodicTask.objects.count() == len(SCHEDULES)
