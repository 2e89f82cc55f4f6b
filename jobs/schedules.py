"""The periodic jobs, as the apps that own them register them, and their django-celery-beat rows.

Each app registers its schedules from its `AppConfig.ready()` (`connectors/schedules.py`, `rag/schedules.py`,
the retention job in `jobs/registrations.py`); `docs/architecture.md` lists them all in one table.
`schedules_ensure()` writes them to django-celery-beat (idempotent; operators may then edit intervals or disable
them in Django admin — their edits are kept).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import transaction


@dataclass(frozen=True)
class Schedule:
    """One periodic job: beat sends `task` every `every_seconds`.

    `project_tick(*, project, trigger, limit) -> list[JobRun]` starts this job's due work for one project now
    (`POST /api/jobs/scheduler/tick`); None for jobs that are not per project.
    """

    name: str
    task: str
    every_seconds: int
    description: str
    project_tick: Callable | None = None


class ScheduleRegistry:
    """The registered schedules, listed by cadence (most frequent first) and looked up by name or task."""

    def __init__(self) -> None:
        self._by_name: dict[str, Schedule] = {}

    def register(self, schedule: Schedule) -> Schedule:
        """Add or replace (by name) one schedule; `ready()` may run twice in tests."""
        self._by_name[schedule.name] = schedule
        return schedule

    def __iter__(self) -> Iterator[Schedule]:
        return iter(sorted(self._by_name.values(), key=lambda schedule: (schedule.every_seconds, schedule.name)))

    def __len__(self) -> int:
        return len(self._by_name)

    def names(self) -> list[str]:
        return [schedule.name for schedule in self]

    def by_name(self, name: str) -> Schedule | None:
        return self._by_name.get(name)

    def by_task(self, task: str) -> Schedule | None:
        return next((schedule for schedule in self._by_name.values() if schedule.task == task), None)


SCHEDULES = ScheduleRegistry()


def schedule_register(schedule: Schedule) -> Schedule:
    """Register a periodic job (from the owning app's `AppConfig.ready()`)."""
    return SCHEDULES.register(schedule)


@transaction.atomic
def schedules_ensure() -> list[str]:
    """Create missing periodic tasks; return the names created."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    created = []
    for schedule in SCHEDULES:
        if PeriodicTask.objects.filter(name=schedule.name).exists():
            continue
        interval, _ = IntervalSchedule.objects.get_or_create(
            every=schedule.every_seconds, period=IntervalSchedule.SECONDS
        )
        PeriodicTask.objects.create(
            name=schedule.name, task=schedule.task, interval=interval, description=schedule.description
        )
        created.append(schedule.name)
    return created
