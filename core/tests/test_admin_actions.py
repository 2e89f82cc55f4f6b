"""Django admin actions that change rows need the model's change permission: a staff user who may only view
neither sees them nor can run them by posting the form."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from connectors.models import ConnectorError, ErrorStatus
from core.models import ApiKey
from core.services import api_key_create
from jobs.models import ScheduledJobState
from jobs.schedules import schedules_ensure
from rag.models import Chunk, ChunkStatus

pytestmark = pytest.mark.django_db


def _staff(make_user, username: str, *perms: str):
    """A staff user holding exactly `perms` ("app_label.codename")."""
    user = make_user(username)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


def _admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api_key(project, owner) -> ApiKey:
    return api_key_create(project=project, name="ci", scope="write", created_by=owner)[0]


def _suspended_job(project, owner) -> ScheduledJobState:
    schedules_ensure()
    return ScheduledJobState.objects.create(
        name="retention_cleanup", consecutive_failures=10, suspended_at=timezone.now(), suspended_reason="boom"
    )


def _open_error(project, owner) -> ConnectorError:
    return ConnectorError.objects.create(
        project=project, source="chatwoot", stream="contacts", dedupe_key="contacts:page:1",
        error_kind="transient", message="503 from source", next_retry_at=timezone.now(),
    )  # fmt: skip


def _failed_chunk(project, owner) -> Chunk:
    return Chunk.objects.create(
        project=project, source_type="linear_issue", source_id="issue-1", ordinal=0, title="Logo",
        text="Logo files", content_hash="0" * 32, token_count=2, status=ChunkStatus.FAILED, attempts=5,
    )  # fmt: skip


def _unchanged(row) -> bool:
    before = {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}
    row.refresh_from_db()
    after = {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}
    return before == after


def _periodic_task(project, owner):
    from django_celery_beat.models import PeriodicTask

    schedules_ensure()
    return PeriodicTask.objects.get(name="retention_cleanup")


def _access_attempt(project, owner):
    from axes.models import AccessAttempt

    return AccessAttempt.objects.create(
        username="mallory", ip_address="203.0.113.9", user_agent="curl", failures_since_start=3,
        attempt_time=timezone.now() - dt.timedelta(days=30),
    )  # fmt: skip


# (changelist URL, action, view permission, the permission the action needs, row factory)
ACTIONS = [
    ("/admin/workforce/apikey/", "revoke", "workforce.view_apikey", "workforce.change_apikey", _api_key),
    ("/admin/jobs/scheduledjobstate/", "resume", "jobs.view_scheduledjobstate", "jobs.change_scheduledjobstate",
     _suspended_job),
    ("/admin/connectors/connectorerror/", "retry_now", "connectors.view_connectorerror",
     "connectors.change_connectorerror", _open_error),
    ("/admin/connectors/connectorerror/", "mark_resolved", "connectors.view_connectorerror",
     "connectors.change_connectorerror", _open_error),
    ("/admin/rag/chunk/", "requeue", "rag.view_chunk", "rag.change_chunk", _failed_chunk),
    # Libraries' actions, guarded by `core.admin.actions_need`.
    ("/admin/django_celery_beat/periodictask/", "disable_tasks", "django_celery_beat.view_periodictask",
     "django_celery_beat.change_periodictask", _periodic_task),
    ("/admin/django_celery_beat/periodictask/", "run_tasks", "django_celery_beat.view_periodictask",
     "django_celery_beat.change_periodictask", _periodic_task),
    ("/admin/axes/accessattempt/", "cleanup_expired_attempts", "axes.view_accessattempt",
     "axes.delete_accessattempt", _access_attempt),
]  # fmt: skip


ACTION_IDS = [f"{url.split('/')[2]}.{action}" for url, action, *_ in ACTIONS]
PARAMS = ("url", "action", "view_perm", "needed_perm", "factory")


@pytest.mark.parametrize(PARAMS, ACTIONS, ids=ACTION_IDS)
def test_a_view_only_staff_user_neither_sees_nor_runs_an_action_that_changes_rows(
    make_user, project, owner, url, action, view_perm, needed_perm, factory
):
    row = factory(project, owner)
    client = _admin_client(_staff(make_user, "vivian-view-only", view_perm))
    page = client.get(url)
    assert page.status_code == 200
    assert f'<option value="{action}">' not in page.content.decode()
    client.post(url, {"action": action, "_selected_action": [row.pk], "index": 0})
    assert _unchanged(row)


@pytest.mark.parametrize(PARAMS, ACTIONS, ids=ACTION_IDS)
def test_the_needed_permission_shows_the_action(
    make_user, project, owner, url, action, view_perm, needed_perm, factory
):
    factory(project, owner)
    client = _admin_client(_staff(make_user, "carl-change", view_perm, needed_perm))
    assert f'<option value="{action}">' in client.get(url).content.decode()


def test_revoking_in_admin_revokes_the_keys_a_key_minted(make_user, project, owner):
    parent = _api_key(project, owner)
    child, _ = api_key_create(project=project, name="minted", scope="read", created_by=owner, parent=parent)
    other = _api_key(project, owner)
    client = _admin_client(_staff(make_user, "carl-change", "workforce.view_apikey", "workforce.change_apikey"))
    form = {"action": "revoke", "_selected_action": [parent.pk], "index": 0}
    response = client.post("/admin/workforce/apikey/", form)
    assert response.status_code == 302
    assert set(ApiKey.objects.filter(revoked_at__isnull=False).values_list("pk", flat=True)) == {parent.pk, child.pk}
    assert ApiKey.objects.get(pk=other.pk).revoked_at is None


def test_resume_and_mark_resolved_run_with_the_change_permission(make_user, project, owner):
    job, error = _suspended_job(project, owner), _open_error(project, owner)
    client = _admin_client(
        _staff(
            make_user, "carl-change", "jobs.view_scheduledjobstate", "jobs.change_scheduledjobstate",
            "connectors.view_connectorerror", "connectors.change_connectorerror",
        )
    )  # fmt: skip
    client.post("/admin/jobs/scheduledjobstate/", {"action": "resume", "_selected_action": [job.pk], "index": 0})
    job.refresh_from_db()
    assert job.suspended_at is None
    client.post(
        "/admin/connectors/connectorerror/", {"action": "mark_resolved", "_selected_action": [error.pk], "index": 0}
    )
    error.refresh_from_db()
    assert error.status == ErrorStatus.RESOLVED


def test_every_custom_admin_action_names_the_permission_it_needs():
    """A new action must say which permission it needs (`@admin.action(permissions=[...])`): without one, any
    staff user who can open the changelist could run it."""
    unguarded = [
        f"{model._meta.label}.{name}"
        for model, model_admin in admin.site._registry.items()
        for name in model_admin.actions or ()
        if not getattr(getattr(model_admin, name, None), "allowed_permissions", ())
    ]
    assert unguarded == []


def test_a_saved_key_cannot_be_moved_or_widened_in_admin(make_user, project, other_project, owner):
    key = api_key_create(project=project, name="ci", scope="read", created_by=owner)[0]
    client = _admin_client(_staff(make_user, "ed-editor", "workforce.view_apikey", "workforce.change_apikey"))
    form = {"name": "renamed", "project": other_project.pk, "scope": "write", "expires_at_0": "", "expires_at_1": ""}
    response = client.post(f"/admin/workforce/apikey/{key.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:500]
    key.refresh_from_db()
    assert (key.name, key.project_id, key.scope) == ("renamed", project.pk, "read")
