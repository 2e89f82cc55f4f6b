"""What may be deleted, and when: the retention targets apps register (ARCHITECTURE §12).

Each app owns its tables and registers, in its `AppConfig.ready()`, what may be deleted from them; the runner
(`jobs/retention.py`) never names another app's models. A target gives the queryset of rows that may ever be
deleted (status rules: open errors, running runs, the latest reconciliation metric … are simply not in it),
the column their age is measured by and the setting holding the retention in days.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet


@dataclass(frozen=True)
class RetentionTarget:
    """One table under retention.

    `queryset()` returns the rows that may be deleted once old enough (whatever their age); `age_field` is the
    indexed datetime column their age is measured by; `days_setting` names the Django setting with the days.
    """

    table: str
    queryset: Callable[[], QuerySet]
    age_field: str
    days_setting: str

    def days(self) -> int:
        return int(getattr(settings, self.days_setting))

    def overdue(self, now: dt.datetime) -> QuerySet:
        """Deletable rows older than the retention at `now`."""
        cutoff = now - dt.timedelta(days=self.days())
        return self.queryset().filter(**{f"{self.age_field}__lt": cutoff})


# table name → target, in registration order. Keyed by table, so a second registration (AppConfig.ready() may
# run twice in tests) replaces the first instead of cleaning the table twice.
RETENTION_TARGETS: dict[str, RetentionTarget] = {}


def retention_target_register(target: RetentionTarget) -> RetentionTarget:
    """Put a table under retention (idempotent per table)."""
    RETENTION_TARGETS[target.table] = target
    return target
