"""The foundation's checklist items: metrics, live events, accounts, and who can manage each project."""

import logging
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from prometheus_client import REGISTRY, generate_latest

from core.checklist import FAIL, OK, WARN, Check, DoctorCheck
from core.collectors import FAMILY_SOURCES
from core.events import publish
from core.models import Membership, Role
from core.secret_storage import secrets_rotate

HEALTH = "health-and-metrics-answer"
SESSION = "session-and-active-project"
SSE = "sse-connections"
SECRETS = "connector-sync-fails"  # the runbook's item on tokens no key decrypts


def check_metrics() -> list[Check]:
    """`/metrics` renders with `app_up 1.0`, and every database-backed family source collects without error."""
    collector_log = logging.getLogger("core.metrics")
    level = collector_log.level
    collector_log.setLevel(logging.ERROR)  # broken sources are reported below, without their tracebacks
    try:
        text = generate_latest(REGISTRY).decode()
    finally:
        collector_log.setLevel(level)
    if not re.search(r"^app_up 1\.0$", text, re.MULTILINE):
        return [Check("metrics", FAIL, "/metrics does not report app_up 1.0", HEALTH)]
    broken = []
    for source in FAMILY_SOURCES:
        try:
            list(source())
        except Exception as exc:  # the scrape skips a broken source; say which panels it blanks
            broken.append(f"{getattr(source, '__name__', source)} ({exc.__class__.__name__})")
    if broken:
        return [Check("metrics", WARN, f"app_up 1.0, but these sources fail: {', '.join(broken)}", HEALTH)]
    families = len(re.findall(r"^# TYPE app_", text, re.MULTILINE))
    return [Check("metrics", OK, f"app_up 1.0, {families} app_* families", HEALTH)]


def check_live_events() -> list[Check]:
    """SSE fan-out is configured and one event publishes (on a channel no page listens to)."""
    if not getattr(settings, "EVENTSTREAM_REDIS", None):
        detail = "no EVENTSTREAM_REDIS (single-machine mode): worker events never reach pages; they poll"
        return [Check("live events", WARN, detail, SSE)]
    if not publish(project_id="doctor", event_type="doctor_ping", data={"ping": True}):
        return [Check("live events", WARN, "publishing a test event failed (see the log; pages poll)", SSE)]
    return [Check("live events", OK, "test event published through Redis fan-out", SSE)]


def check_accounts() -> list[Check]:
    admins = get_user_model().objects.filter(is_active=True, is_superuser=True).count()
    if not admins:
        return [Check("accounts", WARN, "no active superuser: run `manage.py bootstrap`", SESSION)]
    return [Check("accounts", OK, f"{admins} active superuser(s)", SESSION)]


def check_project_access(project) -> list[Check]:
    """The project has an owner (membership or scope owner), so someone can select it and act."""
    name = f"project {project.name}"
    owners = Membership.objects.filter(project=project, role=Role.OWNER).count()
    scope_owners = project.account_scope.owners.count()
    if owners or scope_owners:
        return [Check(name, OK, f"{owners} owner membership(s), {scope_owners} scope owner(s)", SESSION)]
    members = Membership.objects.filter(project=project).count()
    detail = f"no owner membership ({members} other member(s)): only superusers can manage it"
    return [Check(name, WARN, detail, SESSION)]


def check_secrets_at_rest() -> list[Check]:
    """Every encrypted value decrypts (FAIL otherwise); values still on an older key want `rotate_secrets`."""
    reports = secrets_rotate(check_only=True)
    stored = sum(report.rows for report in reports)
    lost = [f"{report.label} ({report.undecryptable})" for report in reports if report.undecryptable]
    if lost:
        detail = f"no key of FIELD_ENCRYPTION_KEYS decrypts: {', '.join(lost)}; add the key that wrote them"
        return [Check("secrets at rest", FAIL, detail, SECRETS)]
    old = sum(report.on_old_keys for report in reports)
    if old:
        detail = f"{old} of {stored} stored secrets on an older key: run `manage.py rotate_secrets`"
        return [Check("secrets at rest", WARN, detail, SECRETS)]
    return [Check("secrets at rest", OK, f"{stored} stored secrets, all on the first key", SECRETS)]


CHECKS = [
    DoctorCheck("metrics", HEALTH, lambda now: check_metrics()),
    DoctorCheck("live events", SSE, lambda now: check_live_events()),
    DoctorCheck("accounts", SESSION, lambda now: check_accounts()),
    DoctorCheck("secrets at rest", SECRETS, lambda now: check_secrets_at_rest()),
    DoctorCheck("project", SESSION, lambda project, now: check_project_access(project), per_project=True),
]
