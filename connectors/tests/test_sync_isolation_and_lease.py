"""Projects bound to different source accounts stay apart; leases refuse doubles and recover after a crash."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from connectors.models import ConnectorSyncState, RawChatwootConversation, RawChatwootMessage, SyncRun
from connectors.services.state import AlreadyRunning, lease_claim, lease_owner_id
from connectors.services.sync import connector_sync
from tests.support.harness import database_url
from tests.support.sandbox import raw_snapshot

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_two_projects_bound_to_different_accounts_never_see_each_others_rows(
    studio, make_project, make_tenant, bind, sleep
):
    tenant_a, tenant_b = make_tenant(seed="north"), make_tenant(seed="south")
    other = make_project("Other client", account_scope=studio.account_scope)
    bind(studio, tenant_a)
    bind(other, tenant_b)
    for project in (studio, other):
        for source in ("chatwoot", "linear", "attio"):
            assert connector_sync(project=project, source=source, sleep=sleep).status == "ok"

    mine = raw_snapshot(studio)
    for key in mine:
        assert mine[key], f"{key} is empty"
    # Chatwoot ids are per account, so the same integer may exist in both: compare content instead.
    contents_a = set(RawChatwootMessage.objects.filter(project=studio).values_list("payload_hash", flat=True))
    contents_b = set(RawChatwootMessage.objects.filter(project=other).values_list("payload_hash", flat=True))
    assert not contents_a & contents_b
    assert RawChatwootMessage.objects.filter(project=studio).count() == tenant_a.dataset.counts()["messages"]
    assert RawChatwootMessage.objects.filter(project=other).count() == tenant_b.dataset.counts()["messages"]


@pytest.mark.django_db
def test_a_second_concurrent_run_is_refused(studio, make_tenant, bind):
    bind(studio, make_tenant(), sources=["linear"])
    holder = SyncRun.objects.create(project=studio, source="linear")
    lease_claim(project=studio, source="linear", owner=lease_owner_id(), run=holder)
    with pytest.raises(AlreadyRunning):
        connector_sync(project=studio, source="linear")
    assert SyncRun.objects.filter(project=studio).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_leaves_a_lease_that_is_recovered_and_rerun_without_duplicates(
    studio, make_tenant, bind, sandbox, sleep
):
    tenant = make_tenant()
    bind(studio, tenant, sources=["chatwoot"])
    # Slow message pages so the run is surely mid-way when the worker dies.
    sandbox.add_fault(service="chatwoot", path="/messages", kind="slow", delay_ms=1000, times=-1)
    env = dict(os.environ, DATABASE_URL=database_url(connection.settings_dict["NAME"]))  # the test database
    worker = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "sync",
            "--project",
            str(studio.id),
            "--connector",
            "chatwoot",
            "--no-progress",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        # Conversations are stored; the worker is now fetching the (slow) messages.
        _wait_for(lambda: RawChatwootConversation.objects.filter(project=studio).exists(), timeout=60)
        time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    sandbox.clear_faults()
    state = ConnectorSyncState.objects.get(project=studio, source="chatwoot")
    assert state.status == "running"  # the dead worker still "holds" it
    crashed_run = state.current_run_id

    # Ten minutes without a heartbeat make a lease stale; pretend they passed.
    ConnectorSyncState.objects.filter(pk=state.pk).update(
        lease_heartbeat_at=state.lease_heartbeat_at.replace(year=2020)
    )
    run = connector_sync(project=studio, source="chatwoot", sleep=sleep)

    assert run.status == "ok", run.error
    assert SyncRun.objects.get(pk=crashed_run).status == "failed"
    assert SyncRun.objects.get(pk=crashed_run).error == "stale_lease"
    expected = tenant.dataset.counts()["messages"]
    assert RawChatwootMessage.objects.filter(project=studio).count() == expected
    assert ConnectorSyncState.objects.get(pk=state.pk).status == "ok"


def _wait_for(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("condition not met in time")
