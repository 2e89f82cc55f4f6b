"""The operations checklist's building blocks (`manage.py doctor`, docs/operations/runbooks.md).

Each app registers its checklist items from its `AppConfig.ready()` with `doctor_check_register()`: a
`DoctorCheck` names the item, the runbook section to read and a function returning `Check`s (ok | warn | fail
with a one-line detail). Global items run once; per-project items run for each project. The roof's
`workforce/doctor.py` runs them after its own platform checks (database, migrations, Redis, broker).

Details never carry secrets: URLs are shown without their password, connector errors with the connector's
own secret blanked, exceptions by class name only.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

OK, WARN, FAIL = "ok", "warn", "fail"
RUNBOOK = "docs/operations/runbooks.md"
DETAIL_CHARS = 160


@dataclass(frozen=True)
class Check:
    """One checklist item's outcome."""

    name: str
    status: str
    detail: str
    runbook_anchor: str

    @property
    def runbook(self) -> str:
        return f"{RUNBOOK}#{self.runbook_anchor}"

    def as_dict(self) -> dict:
        return {**asdict(self), "runbook": self.runbook}


@dataclass(frozen=True)
class DoctorCheck:
    """A registered checklist item: `run(now=…)`, or `run(project=…, now=…)` when `per_project`."""

    name: str
    anchor: str
    run: Callable[..., list[Check]]
    per_project: bool = False


DOCTOR_CHECKS: dict[str, DoctorCheck] = {}


def doctor_check_register(check: DoctorCheck) -> DoctorCheck:
    """Add (or replace, by name) one checklist item; items run in registration order (apps' order)."""
    DOCTOR_CHECKS[check.name] = check
    return check


def doctor_checks(*, per_project: bool) -> list[DoctorCheck]:
    return [check for check in DOCTOR_CHECKS.values() if check.per_project == per_project]


def worst(checks: Iterable[Check]) -> str:
    """fail beats warn beats ok."""
    statuses = {check.status for check in checks}
    return FAIL if FAIL in statuses else WARN if WARN in statuses else OK


# ---------------------------------------------------------------- wording helpers


def ago(moment: dt.datetime | None, now: dt.datetime) -> str:
    return "never" if moment is None else f"{duration((now - moment).total_seconds())} ago"


def duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"


def short(text: str, *, secret: str = "") -> str:
    """First line of `text`, without `secret`, cut to DETAIL_CHARS."""
    if secret and len(secret) >= 4:  # a one-letter "secret" would blank every such letter of the message
        text = text.replace(secret, "***")
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= DETAIL_CHARS else text[: DETAIL_CHARS - 1] + "…"
