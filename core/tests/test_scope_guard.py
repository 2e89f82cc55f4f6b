"""The database refuses a row whose account scope differs from its project's."""

import uuid

import pytest
from django.db import IntegrityError, connection, transaction

from audit.services import audit_record
from core.models import ApiKey, api_key_hash
from core.scoping import is_scope_violation


@pytest.mark.django_db
def test_orm_write_with_mismatched_scope_is_refused(project, other_scope, owner):
    key = ApiKey(
        project=project,
        account_scope=other_scope,
        name="forged",
        prefix="abcd1234",
        key_hash=api_key_hash("x"),
        created_by=owner,
    )
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        key.save()
    assert is_scope_violation(caught.value)
    assert not ApiKey.objects.filter(prefix="abcd1234").exists()


@pytest.mark.django_db
def test_raw_sql_write_with_mismatched_scope_is_refused(project, other_scope):
    with pytest.raises(IntegrityError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (id, project_id, account_scope_id, actor_label, action, status, "
            "entity_type, entity_id, request_id, payload, created_at) "
            "VALUES (gen_random_uuid(), %s, %s, '', 'forged', 'ok', '', '', '', '{}', now())",
            [project.id, other_scope.id],
        )
    assert is_scope_violation(caught.value)


@pytest.mark.django_db
def test_moving_a_project_to_another_scope_carries_its_rows(project, other_scope):
    event = audit_record(action="x", project=project)
    project.account_scope = other_scope
    project.save()
    event.refresh_from_db()
    assert event.account_scope_id == other_scope.id


@pytest.mark.django_db
def test_scope_is_filled_from_the_project(project, owner):
    key = ApiKey.objects.create(project=project, name="k", prefix="ffff0000", key_hash="h", created_by=owner)
    assert key.account_scope_id == project.account_scope_id


@pytest.mark.django_db
def test_raw_tables_rely_on_the_scope_guard_alone_for_project_and_scope(make_project, other_scope):
    """Raw tables carry no single-column FKs (bulk-load speed); the guard still refuses unknown projects,
    mismatched scopes, and removes a deleted project's rows."""
    project = make_project("Raw only")  # no memberships: raw SQL may delete it
    insert = (
        "INSERT INTO raw_linear_teams (project_id, account_scope_id, external_id, raw, payload_hash, "
        "first_synced_at, last_changed_at, key, name) VALUES (%s, %s, %s, '{}', '', now(), now(), '', '')"
    )
    for project_id, scope_id in ((uuid.uuid4(), project.account_scope_id), (project.id, other_scope.id)):
        with pytest.raises(IntegrityError) as caught, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(insert, [project_id, scope_id, "t1"])
        assert is_scope_violation(caught.value)
    with connection.cursor() as cursor:
        cursor.execute(insert, [project.id, project.account_scope_id, "t1"])
        cursor.execute("DELETE FROM workforce_project WHERE id = %s", [project.id])
        cursor.execute("SELECT count(*) FROM raw_linear_teams WHERE project_id = %s", [project.id])
        assert cursor.fetchone()[0] == 0
