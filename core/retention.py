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
    A retention not counted in whole days (hours, a cool-off, "as soon as it expires") gives `window()` instead,
    and `days_setting` then only names the setting it comes from (documentation).
    """

    table: str
    queryset: Callable[[], QuerySet]
    age_field: str
    days_setting: str
    window: Callable[[], dt.timedelta] | None = None

    def retention(self) -> dt.timedelta:
        if self.window is not None:
            return self.window()
        return dt.timedelta(days=int(getattr(settings, self.days_setting)))

    def days(self) -> float:
        """The retention in days (a whole number when it is one)."""
        days = self.retention().total_seconds() / 86400
        return int(days) if days == int(days) else round(days, 3)

    def overdue(self, now: dt.datetime) -> QuerySet:
        """Deletable rows older than the retention at `now`."""
        cutoff = now - self.retention()
        return self.queryset().filter(**{f"{self.age_field}__lt": cutoff})


# table name → target, in registration order. Keyed by table, so a second registration (AppConfig.ready() may
# run twice in tests) replaces the first instead of cleaning the table twice.
RETENTION_TARGETS: dict[str, RetentionTarget] = {}


def retention_target_register(target: RetentionTarget) -> RetentionTarget:
    """Put a table under retention (idempotent per table)."""
    RETENTION_TARGETS[target.table] = target
    return target


# ---------------------------------------------------------------- the platform's own tables


def platform_retention_register() -> None:
    """What the foundation keeps only for a while (registered from `CoreConfig.ready()`):

    - Django sessions (`django_session`), as soon as they expire (`expire_date`): an expired session never
      authenticates again, and logins make a new one;
    - stored `Idempotency-Key` answers (`workforce_idempotencyrecord`) older than `IDEMPOTENCY_TTL_HOURS`;
    - django-axes login attempts (`axes_accessattempt`) once their cool-off is over (`LOGIN_LOCKOUT_SECONDS`,
      measured from the last failure: axes' own rule, so no live lockout is lifted), and its access and failure
      logs (`axes_accesslog`, `axes_accessfailurelog`) older than `RETENTION_LOGIN_LOGS_DAYS`.
    """
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.sessions.models import Session

    from core.models import IdempotencyRecord

    # (model, age field, the setting that says how long, the window when it is not whole days)
    targets = [
        (Session, "expire_date", "SESSION_COOKIE_AGE", lambda: dt.timedelta(0)),  # gone once expired
        (IdempotencyRecord, "created_at", "IDEMPOTENCY_TTL_HOURS",
         lambda: dt.timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)),
        (AccessAttempt, "attempt_time", "LOGIN_LOCKOUT_SECONDS", lambda: settings.AXES_COOLOFF_TIME),
        (AccessLog, "attempt_time", "RETENTION_LOGIN_LOGS_DAYS", None),
        (AccessFailureLog, "attempt_time", "RETENTION_LOGIN_LOGS_DAYS", None),
    ]  # fmt: skip
    for model, age_field, setting, window in targets:
        retention_target_register(
            RetentionTarget(
                table=model._meta.db_table,
                queryset=model.objects.all,
                age_field=age_field,
                days_setting=setting,
                window=window,
            )
        )
