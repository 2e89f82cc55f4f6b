"""A hook that fails after its page committed (the CRM mirror, the chunk builder) leaves a durable marker with
the records it missed; the periodic repair (with backoff and an attempt cap) or the next sync of the connector
replays it, and the marker goes once the replay succeeds. The failures here are real: the database refuses the
mirror's and the chunks' writes (a trigger) until the cause is removed."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from connectors import hooks
from connectors import tasks as connector_tasks
from connectors.checks import check_hook_failures
from connectors.models import HookFailure, RawAttioCompany, RawAttioDeal
from connectors.services.sync import connector_sync
from crm.models import CrmAccount, CrmOpportunity
from jobs.models import JobRun
from rag.models import Chunk

pytestmark = pytest.mark.django_db

MIRROR_HOOK = "crm.services.mirror_on_page"
CHUNKS_HOOK = "rag.services.chunks.chunks_on_page"
BROKEN_TABLES = ("crm_accounts", "rag_chunks")


@pytest.fixture
def storage():
    """Break and mend the mirror's accounts table and the chunks table for real (a trigger refusing writes);
    mended after the test whatever happens."""

    class Storage:
        def break_(self) -> None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "CREATE OR REPLACE FUNCTION test_storage_offline() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'storage offline: % refuses writes', TG_TABLE_NAME; END $$"
                )
                for table in BROKEN_TABLES:
                    cursor.execute(f"CREATE TRIGGER test_storage_offline BEFORE INSERT OR UPDATE ON {table} "
                                   "FOR EACH ROW EXECUTE FUNCTION test_storage_offline()")  # fmt: skip

        def mend(self) -> None:
            with connection.cursor() as cursor:
                for table in BROKEN_TABLES:
                    cursor.execute(f"DROP TRIGGER IF EXISTS test_storage_offline ON {table}")

    storage = Storage()
    yield storage
    if not connection.needs_rollback:
        storage.mend()
        with connection.cursor() as cursor:
            cursor.execute("DROP FUNCTION IF EXISTS test_storage_offline()")


@pytest.fixture
def synced_while_broken(studio, make_tenant, bind, sleep, storage, django_capture_on_commit_callbacks):
    """An Attio sync whose pages commit while the mirror and the chunks cannot be written."""
    bind(studio, make_tenant(messages=100), sources=["attio"])
    storage.break_()
    with django_capture_on_commit_callbacks(execute=True):  # the hooks run after each page commits
        assert connector_sync(project=studio, source="attio", sleep=sleep).status == "ok"  # hooks never fail it
    return studio


def repair() -> dict:
    result = connector_tasks.connectors_hook_failures_repair.apply()
    assert result.successful(), result.traceback
    return result.result


def make_due() -> None:
    """As if the backoff had passed."""
    HookFailure.objects.update(next_retry_at=timezone.now() - dt.timedelta(seconds=1))


def test_a_failing_hook_leaves_a_marker_that_the_periodic_repair_settles(synced_while_broken, storage):
    project = synced_while_broken
    companies = set(RawAttioCompany.objects.filter(project=project).values_list("external_id", flat=True))
    mirror = HookFailure.objects.get(project=project, source="attio", stream="companies", hook=MIRROR_HOOK)
    assert set(mirror.record_ids) == companies
    assert (mirror.kind, mirror.attempts) == ("page", 1)
    assert "storage offline: crm_accounts refuses writes" in mirror.error
    assert mirror.next_retry_at <= timezone.now()  # the first repair is due at once
    assert HookFailure.objects.filter(project=project, hook=CHUNKS_HOOK, stream="deals").exists()
    assert not CrmAccount.objects.filter(project=project).exists()  # what the failed hooks missed
    assert not Chunk.objects.filter(project=project).exists()
    markers = HookFailure.objects.filter(project=project).count()

    # Still broken: each repair fails, is counted and backs off.
    assert repair() == {"repaired": 0, "failed": markers, "busy": 0}
    mirror.refresh_from_db()
    assert mirror.attempts == 2
    assert mirror.next_retry_at > timezone.now() + dt.timedelta(seconds=50)  # 30 s × 2
    assert repair() == {"repaired": 0, "failed": 0, "busy": 0}  # nothing due yet
    [check] = check_hook_failures(project)
    assert check.status == "warn"
    assert f"{markers} failed hook(s) awaiting repair" in check.detail

    storage.mend()
    make_due()
    assert repair() == {"repaired": markers, "failed": 0, "busy": 0}

    assert not HookFailure.objects.filter(project=project).exists()
    assert set(CrmAccount.objects.filter(project=project).values_list("external_ref", flat=True)) == companies
    deals = RawAttioDeal.objects.filter(project=project).exclude(company_external_id="")
    assert deals.exists()
    assert not CrmOpportunity.objects.filter(project=project, external_ref__in=deals.values("external_id"),
                                             account__isnull=True).exists()  # fmt: skip
    assert Chunk.objects.filter(project=project, source_id__in=companies).exists()
    assert JobRun.objects.get(job="connectors_hook_failures_repair", status="partial").counts["failed"] == markers
    assert JobRun.objects.get(job="connectors_hook_failures_repair", status="succeeded").counts["repaired"] == markers
    assert check_hook_failures(project)[0].status == "ok"
    assert repair() == {"repaired": 0, "failed": 0, "busy": 0}


def test_the_next_sync_of_the_connector_repairs_its_markers(
    synced_while_broken, storage, sleep, django_capture_on_commit_callbacks
):
    project = synced_while_broken
    assert HookFailure.objects.filter(project=project).exists()
    storage.mend()
    # Nothing changed at the source: no page of this sync brings the missed rows again, the markers do.
    with django_capture_on_commit_callbacks(execute=True):
        run = connector_sync(project=project, source="attio", sleep=sleep)
    assert sum(stream["inserted"] + stream["updated"] for stream in run.counts.values()) == 0
    assert not HookFailure.objects.filter(project=project).exists()
    assert CrmAccount.objects.filter(project=project).count() == RawAttioCompany.objects.filter(project=project).count()
    assert Chunk.objects.filter(project=project).exists()


def test_past_the_attempt_cap_the_minute_job_stops_and_doctor_and_metrics_say_so(synced_while_broken, settings, api):
    settings.HOOK_REPAIR_MAX_ATTEMPTS = 2
    project = synced_while_broken
    markers = HookFailure.objects.filter(project=project).count()
    repair()  # the second failure: the cap
    assert not HookFailure.objects.filter(next_retry_at__isnull=False).exists()
    before = sorted(HookFailure.objects.filter(project=project).values_list("updated_at", flat=True))
    assert repair() == {"repaired": 0, "failed": 0, "busy": 0}  # exhausted: the minute job leaves them
    assert sorted(HookFailure.objects.filter(project=project).values_list("updated_at", flat=True)) == before

    [check] = check_hook_failures(project)
    assert check.status == "fail"
    assert f"{markers} past their retries" in check.detail
    text = api.get("/metrics").content.decode()
    assert (f'app_connector_hook_failures{{connector="attio",project="{project.pk}",state="exhausted"}} '
            f"{float(markers)}") in text  # fmt: skip


def test_a_failing_run_hook_registered_like_any_other_is_replayed_with_its_run(
    studio, make_tenant, bind, sleep, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(hooks, "RUN_HOOKS", list(hooks.RUN_HOOKS))  # this test's registration goes with it
    seen, broken = [], [True]

    def audit_finished_runs(event):
        if broken[0]:
            raise ConnectionError("the downstream service is down")
        seen.append((event.source, str(event.run_id), event.status))

    hooks.on_run_finished(audit_finished_runs)
    bind(studio, make_tenant(messages=100), sources=["linear"])
    with django_capture_on_commit_callbacks(execute=True):
        run = connector_sync(project=studio, source="linear", streams=["teams"], sleep=sleep)
    marker = HookFailure.objects.get(project=studio, kind="run")
    assert marker.hook.endswith("audit_finished_runs")
    assert marker.payload["run_id"] == str(run.pk)

    broken[0] = False
    assert repair() == {"repaired": 1, "failed": 0, "busy": 0}
    assert seen == [("linear", str(run.pk), "ok")]
    assert not HookFailure.objects.exists()


# Autocommit, as in production: each page's hooks run (and fail) as soon as the page commits.
@pytest.mark.django_db(transaction=True)
def test_in_production_a_hook_failing_during_a_sync_waits_for_the_periodic_repair(
    studio, make_tenant, bind, sleep, storage
):
    bind(studio, make_tenant(messages=100), sources=["attio"])
    storage.break_()
    assert connector_sync(project=studio, source="attio", sleep=sleep).status == "ok"
    markers = HookFailure.objects.filter(project=studio)
    assert markers.filter(hook=MIRROR_HOOK).exists()
    assert set(markers.values_list("attempts", flat=True)) == {1}  # not replayed by the sync it failed in
    assert not CrmAccount.objects.filter(project=studio).exists()

    storage.mend()
    count = markers.count()
    assert repair()["repaired"] == count > 0
    assert not HookFailure.objects.filter(project=studio).exists()
    assert CrmAccount.objects.filter(project=studio).count() == RawAttioCompany.objects.filter(project=studio).count()
