"""Every door that starts a sync leaves the same trace: a queued JobRun the API and the Jobs page show at once,
and the same task for the worker — the beat cycle and Django admin included, not only the API."""

import pytest

from audit.models import AuditEvent
from connectors import tasks as connector_tasks
from jobs.models import JobRun

pytestmark = pytest.mark.django_db


def queued_syncs(project) -> dict[str, str]:
    runs = JobRun.objects.filter(project=project, job__endswith="_sync")
    return dict(runs.values_list("job", "status"))


def test_the_beat_cycle_queues_each_due_sync_as_a_job_run(project, make_tenant, bind):
    bind(project, make_tenant(), sources=["chatwoot", "attio"])
    result = connector_tasks.connectors_sync_cycle.apply()
    assert result.successful()
    assert result.result["queued"] == 2
    assert queued_syncs(project) == {"chatwoot_sync": "queued", "attio_sync": "queued"}
    cycle = JobRun.objects.get(job="connectors_sync_cycle")
    assert (cycle.status, cycle.counts["queued"]) == ("succeeded", 2)


def test_the_admin_action_queues_a_sync_and_records_who_asked(client, make_user, project, make_tenant, bind):
    bind(project, make_tenant(), sources=["linear"])
    admin = make_user("root", superuser=True)
    client.force_login(admin)
    config = project_config(project, "linear")
    form = {"action": "sync_now", "_selected_action": [str(config.pk)]}
    response = client.post("/admin/connectors/connectorconfig/", form, follow=True)
    assert response.status_code == 200
    assert "Queued 1 sync(s)" in response.content.decode()
    assert queued_syncs(project) == {"linear_sync": "queued"}
    event = AuditEvent.objects.get(action="connector.sync_requested")
    assert (event.actor_label, event.entity_id, event.project_id) == ("root", "linear", project.id)


def test_the_worker_runs_the_queued_run_the_door_created(
    project, make_tenant, bind, eager_tasks, django_capture_on_commit_callbacks
):
    bind(project, make_tenant(), sources=["attio"])
    with django_capture_on_commit_callbacks(execute=True):  # the task goes after the run's row commits
        connector_tasks.connectors_sync_cycle.apply()
    run = JobRun.objects.get(project=project, job="attio_sync")
    assert run.status == "succeeded"
    assert run.started_at is not None
    assert run.counts["sync_run"]


def project_config(project, source):
    from connectors.models import ConnectorConfig

    return ConnectorConfig.objects.get(project=project, source=source)
