"""Deletions found without webhooks, over real HTTP to the sandbox: two strikes, never on errors, bounded,
dry-runnable, per project; anonymous Chatwoot contacts count as present, not missing."""

import datetime as dt
import io
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from connectors.models import RAW_MODELS, IdCheck, ReconciliationMetric
from connectors.selectors import raw_rows
from connectors.services.deletions import deletions_sweep
from crm.models import CrmContact, CrmOpportunity
from rag.models import Chunk, SourceType

pytestmark = pytest.mark.django_db

# Every Attio read of one record by id (deals, companies, people, notes); the lists are POST …/query and GET /v2/notes.
ATTIO_BY_ID = r"^/v2/(objects/[a-z]+/records|notes)/[^/]+$"


# ---------------------------------------------------------------- helpers


@pytest.fixture
def attio_project(studio, make_tenant, bind, sync, offline):
    """`studio` bound to a small tenant's Attio and synced: raw rows, mirror and chunks."""
    tenant = make_tenant(messages=100)
    bind(studio, tenant, sources=["attio"])
    sync(studio, "attio")
    studio.tenant = tenant
    return studio


def row(project, source: str, stream: str, external_id: str):
    """The stored raw row, tombstone or not."""
    return raw_rows(project=project, source=source, stream=stream, include_deleted=True).get(external_id=external_id)


def is_live(project, source: str, stream: str, external_id: str) -> bool:
    return raw_rows(project=project, source=source, stream=stream, external_ids=[external_id]).exists()


def live_ids(project) -> dict[tuple[str, str], set[str]]:
    """{(source, stream): live external ids} of every raw stream of the project."""
    return {
        key: set(model.objects.filter(project=project, deleted_at__isnull=True).values_list("external_id", flat=True))
        for key, model in RAW_MODELS.items()
    }


def without(snapshot: dict, gone: dict[tuple[str, str], list[str]]) -> dict:
    """The snapshot minus the ids that should have left."""
    return {key: ids - {str(i) for i in gone.get(key, ())} for key, ids in snapshot.items()}


def deal_with_notes(project) -> str:
    """A stored deal that has notes (its notes are deleted with it)."""
    notes = raw_rows(project=project, source="attio", stream="notes").filter(parent_object="deals")
    return notes.order_by("parent_external_id").values_list("parent_external_id", flat=True).first()


def notes_of(project, deal_id: str) -> list[str]:
    notes = raw_rows(project=project, source="attio", stream="notes", include_deleted=True)
    return sorted(notes.filter(parent_object="deals", parent_external_id=deal_id).values_list("external_id", flat=True))


def strikes(project, **filters):
    return IdCheck.objects.filter(project=project, outcome=IdCheck.NOT_FOUND, **filters)


# ---------------------------------------------------------------- errors never delete


def _server_error(sandbox, settings):
    sandbox.add_fault(service="attio", method="GET", path=ATTIO_BY_ID, kind="status", status=503, times=-1)


def _timeout(sandbox, settings):
    settings.CONNECTOR_HTTP_TIMEOUT_SECONDS = 0.2
    sandbox.add_fault(service="attio", method="GET", path=ATTIO_BY_ID, kind="slow", delay_ms=600, times=-1)


def _unauthorized(sandbox, settings):
    sandbox.add_fault(service="attio", method="GET", path=ATTIO_BY_ID, kind="unauthorized", times=-1)


@pytest.mark.parametrize("fault", [_server_error, _timeout, _unauthorized], ids=["5xx", "timeout", "401"])
def test_errors_on_the_by_id_reads_delete_nothing_and_strike_nothing_however_many_checks(
    attio_project, sandbox, settings, reconcile, confirm_at_once, fault
):
    project = attio_project
    deal = deal_with_notes(project)
    notes = notes_of(project, deal)
    sandbox.mutate(tenant=project.tenant.name, action="delete_deal", ids=[deal])
    before = live_ids(project)
    fault(sandbox, settings)
    try:
        for _ in range(3):
            attio = reconcile(project)["attio"]
    finally:
        sandbox.clear_faults()

    assert live_ids(project) == before
    assert is_live(project, "attio", "deals", deal)
    assert CrmOpportunity.objects.get(project=project, external_ref=deal).deleted_at is None
    assert not strikes(project).exists()
    assert attio.details["deals"]["unverified"] == 1
    assert attio.details["notes"]["unverified"] == len(notes)
    assert attio.details["deals"]["deleted_applied"] == attio.details["deals"]["deleted_pending"] == 0
    assert attio.deleted_at_source == 0
    assert attio.missing == 0

    # Once the source answers again, the usual two checks do delete it (the errors above were all that stopped it).
    reconcile(project)
    reconcile(project)
    assert row(project, "attio", "deals", deal).deleted_reason == "deleted"
    assert live_ids(project) == without(before, {("attio", "deals"): [deal], ("attio", "notes"): notes})


# ---------------------------------------------------------------- anonymous Chatwoot contacts


def test_anonymous_contacts_are_not_listable_not_missing_and_completeness_stays_100(
    studio, make_tenant, bind, sync, reconcile, sandbox, confirm_at_once
):
    tenant = make_tenant(messages=200)
    bind(studio, tenant, sources=["chatwoot"])
    sync(studio, "chatwoot", full=True)
    anonymous = set(
        raw_rows(project=studio, source="chatwoot", stream="contacts")
        .filter(email="", phone_number="", identifier="")
        .values_list("external_id", flat=True)
    )
    assert anonymous, "the sandbox tenant has website visitors GET /contacts does not list"

    chatwoot = reconcile(studio)["chatwoot"]

    assert chatwoot.completeness_pct == 100.0
    assert chatwoot.missing == 0
    assert chatwoot.missing_ids == []
    assert chatwoot.not_listable == len(anonymous)
    assert chatwoot.details["contacts"]["not_listable"] == len(anonymous)
    assert chatwoot.deleted_at_source == 0
    present = IdCheck.objects.filter(project=studio, stream="contacts", outcome=IdCheck.PRESENT)
    assert set(present.values_list("external_id", flat=True)) == anonymous

    gone = sandbox.mutate(tenant=tenant.name, action="delete_contacts", count=1, anonymous=True)
    (victim,) = [str(i) for i in gone["contacts"]]
    assert victim in anonymous
    conversations = [str(i) for i in gone["conversations"]]
    messages = [str(i) for i in gone["messages"]]
    assert conversations
    before = live_ids(studio)

    first = reconcile(studio)["chatwoot"]
    assert all(is_live(studio, "chatwoot", "conversations", c) for c in conversations), "one 404 is not a deletion"
    assert {f"conversations:{c}" for c in conversations} <= set(first.deleted_ids)
    assert first.completeness_pct == 100.0

    reconcile(studio)
    for conversation in conversations:  # listed ids: gone from the list, 404 by id, twice
        assert row(studio, "chatwoot", "conversations", conversation).deleted_reason == "deleted"

    # A contact known readable by id only is asked again once a day (docs/deletions.md): a day later, two
    # checks find it gone.
    a_day_ago = timezone.now() - dt.timedelta(hours=25)
    IdCheck.objects.filter(project=studio, stream="contacts", outcome=IdCheck.PRESENT).update(checked_at=a_day_ago)
    reconcile(studio)
    last = reconcile(studio)["chatwoot"]

    assert row(studio, "chatwoot", "contacts", victim).deleted_reason == "deleted"
    assert not CrmContact.objects.filter(project=studio, source_system="chatwoot", external_ref=victim).exists()
    expected = {
        ("chatwoot", "contacts"): [victim],
        ("chatwoot", "conversations"): conversations,
        ("chatwoot", "messages"): messages,
    }
    assert live_ids(studio) == without(before, expected)
    assert f"contacts:{victim}" in last.deleted_ids
    assert last.completeness_pct == 100.0
    assert last.missing == 0
    assert last.not_listable == len(anonymous) - 1


# ---------------------------------------------------------------- isolation


def test_a_deal_deleted_and_reconciled_in_one_project_stays_in_another_bound_to_the_same_tenant(
    project, other_project, make_tenant, bind, sync, reconcile, sandbox, confirm_at_once, offline
):
    tenant = make_tenant(messages=100)
    for each in (project, other_project):
        bind(each, tenant, sources=["attio"])
        sync(each, "attio")
    deal = deal_with_notes(project)
    notes = notes_of(project, deal)
    other_before = live_ids(other_project)
    other_chunks = Chunk.objects.filter(project=other_project, source_type=SourceType.ATTIO_DEAL, source_id=deal)
    assert other_chunks.exists()
    other_texts = sorted(other_chunks.values_list("text", flat=True))

    sandbox.mutate(tenant=tenant.name, action="delete_deal", ids=[deal])
    reconcile(project)
    reconcile(project)

    assert row(project, "attio", "deals", deal).deleted_reason == "deleted"
    assert CrmOpportunity.objects.get(project=project, external_ref=deal).deleted_at is not None
    assert not Chunk.objects.filter(project=project, source_type=SourceType.ATTIO_DEAL, source_id=deal).exists()
    assert all(row(project, "attio", "notes", note).deleted_at is not None for note in notes)

    assert live_ids(other_project) == other_before
    assert is_live(other_project, "attio", "deals", deal)
    opportunity = CrmOpportunity.objects.get(project=other_project, external_ref=deal)
    assert (opportunity.deleted_at, opportunity.deleted_reason) == (None, "")
    assert sorted(other_chunks.values_list("text", flat=True)) == other_texts
    assert not IdCheck.objects.filter(project=other_project).exists()


# ---------------------------------------------------------------- dry run


def dry_run(project) -> str:
    out = io.StringIO()
    call_command("reconcile", "--dry-run", "--project", project.name, stdout=out)
    return out.getvalue()


def test_a_dry_run_names_the_deletion_and_changes_nothing(attio_project, sandbox, reconcile, confirm_at_once):
    project = attio_project
    deleted = sandbox.mutate(tenant=project.tenant.name, action="delete_deal", count=1)
    (deal,), notes = deleted["deals"], deleted["notes"]
    assert notes, "a deal with notes, so the dry run can show they leave with it"
    before = live_ids(project)

    output = dry_run(project)

    assert deal in output
    assert "Dry run: nothing was changed." in output
    assert not IdCheck.objects.filter(project=project).exists()
    assert live_ids(project) == before
    assert not ReconciliationMetric.objects.filter(project=project).exists()
    assert not AuditEvent.objects.filter(project=project).exists()

    # After a real first strike, the dry run says the next check would delete it, and still changes nothing.
    reconcile(project)
    checks = sorted(IdCheck.objects.filter(project=project).values_list("external_id", "strikes", "check_key"))
    metrics = ReconciliationMetric.objects.filter(project=project).count()

    output = dry_run(project)

    assert f"would delete {deal}" in output
    assert not any(note in output for note in notes)  # they would leave with their deal, not on their own
    assert sorted(IdCheck.objects.filter(project=project).values_list("external_id", "strikes", "check_key")) == checks
    assert live_ids(project) == before
    assert CrmOpportunity.objects.get(project=project, external_ref=deal).deleted_at is None
    assert ReconciliationMetric.objects.filter(project=project).count() == metrics


def test_a_dry_run_under_the_confirm_gap_does_not_promise_a_deletion_the_real_run_would_not_make(
    attio_project, sandbox, reconcile
):
    project = attio_project
    (deal,) = sandbox.mutate(tenant=project.tenant.name, action="delete_deal", count=1)["deals"]
    reconcile(project)  # first strike; the next check within DELETION_CONFIRM_AFTER_SECONDS (300 s) cannot confirm

    output = dry_run(project)
    reconcile(project)

    assert is_live(project, "attio", "deals", deal)  # the real run did not delete it…
    assert f"would delete {deal}" not in output  # …so the dry run must not have said it would


# ---------------------------------------------------------------- bounded per check


def test_deletions_beyond_the_per_run_bound_wait_for_the_next_check(
    attio_project, sandbox, settings, reconcile, confirm_at_once
):
    project = attio_project
    settings.DELETIONS_MAX_PER_RUN = 1
    deals = [str(i) for i in sandbox.mutate(tenant=project.tenant.name, action="delete_deal", count=2)["deals"]]

    reconcile(project)  # first strikes
    attio = reconcile(project)["attio"]

    tombstoned = [d for d in deals if not is_live(project, "attio", "deals", d)]
    assert len(tombstoned) == 1
    assert attio.details["deals"]["deleted_applied"] == 1
    assert attio.details["deals"]["deleted_pending"] == 1
    assert {f"deals:{d}" for d in deals} <= set(attio.deleted_ids)
    assert attio.missing == 0

    attio = reconcile(project)["attio"]
    assert not any(is_live(project, "attio", "deals", d) for d in deals)
    assert attio.details["deals"]["deleted_applied"] == 1
    assert attio.details["deals"]["deleted_pending"] == 0
    closed = CrmOpportunity.objects.filter(project=project, external_ref__in=deals, deleted_at__isnull=False)
    assert closed.count() == 2
    audits = AuditEvent.objects.filter(project=project, action="connector.deletions_applied").order_by("created_at")
    assert [event.payload["ids"]["deals"] for event in audits] == [
        [tombstoned[0]],
        [d for d in deals if d not in tombstoned],
    ]


def test_the_sweep_applies_one_deletion_per_check_under_the_bound(
    attio_project, sandbox, settings, sweep, confirm_at_once
):
    project = attio_project
    settings.DELETIONS_MAX_PER_RUN = 1
    deals = [str(i) for i in sandbox.mutate(tenant=project.tenant.name, action="delete_deal", count=2)["deals"]]
    sweep(project)
    assert sweep(project)["attio"]["applied"] == 1
    assert sum(is_live(project, "attio", "deals", d) for d in deals) == 1
    assert sweep(project)["attio"]["applied"] == 1
    assert not any(is_live(project, "attio", "deals", d) for d in deals)


# ---------------------------------------------------------------- the confirm gap


def test_two_quick_404s_do_not_delete_under_the_default_gap(attio_project, sandbox, settings, reconcile):
    project = attio_project
    assert settings.DELETION_CONFIRM_AFTER_SECONDS == 300
    (deal,) = [str(i) for i in sandbox.mutate(tenant=project.tenant.name, action="delete_deal", count=1)["deals"]]

    reconcile(project)
    attio = reconcile(project)["attio"]

    assert is_live(project, "attio", "deals", deal)
    assert CrmOpportunity.objects.get(project=project, external_ref=deal).deleted_at is None
    check = IdCheck.objects.get(project=project, source="attio", stream="deals", external_id=deal)
    assert (check.outcome, check.strikes) == (IdCheck.NOT_FOUND, 1)
    assert f"deals:{deal}" in attio.deleted_ids  # pending
    assert attio.details["deals"]["deleted_pending"] == 1

    # The same 404 five minutes after the first strike confirms it.
    five_minutes_ago = check.checked_at - dt.timedelta(seconds=settings.DELETION_CONFIRM_AFTER_SECONDS + 1)
    IdCheck.objects.filter(pk=check.pk).update(checked_at=five_minutes_ago)
    reconcile(project)
    assert row(project, "attio", "deals", deal).deleted_reason == "deleted"


def test_two_quick_404s_delete_when_the_gap_is_zero(attio_project, sandbox, reconcile, confirm_at_once):
    project = attio_project
    (deal,) = [str(i) for i in sandbox.mutate(tenant=project.tenant.name, action="delete_deal", count=1)["deals"]]

    reconcile(project)
    assert is_live(project, "attio", "deals", deal)
    reconcile(project)

    assert row(project, "attio", "deals", deal).deleted_reason == "deleted"
    assert not IdCheck.objects.filter(project=project, stream="deals", external_id=deal).exists()  # settled


def test_one_check_run_twice_with_the_same_key_is_still_one_strike(attio_project, sandbox, sleep, confirm_at_once):
    project = attio_project
    (deal,) = [str(i) for i in sandbox.mutate(tenant=project.tenant.name, action="delete_deal", count=1)["deals"]]
    key = str(uuid.uuid4())
    deletions_sweep(project=project, check_key=key, sleep=sleep)
    deletions_sweep(project=project, check_key=key, sleep=sleep)
    assert is_live(project, "attio", "deals", deal)
    assert IdCheck.objects.get(project=project, stream="deals", external_id=deal).strikes == 1


# ---------------------------------------------------------------- a 404 glitch, Linear errors, what completeness counts


def test_a_404_glitch_followed_by_a_sighting_deletes_nothing(attio_project, sandbox, sleep, sync, confirm_at_once):
    project = attio_project
    deal = raw_rows(project=project, source="attio", stream="deals").order_by("external_id").first().external_id
    by_id = rf"^/v2/objects/deals/records/{deal}$"

    for _ in range(2):  # a by-id re-read answers 404 once, then a full walk lists the deal again
        sandbox.add_fault(service="attio", method="GET", path=by_id, kind="status", status=404, times=1)
        sync(project, "attio", resync_ids={"deals": [deal]})
        sandbox.clear_faults()
        assert strikes(project, external_id=deal).get().strikes == 1
        sync(project, "attio", full=True)
        assert not IdCheck.objects.filter(project=project, external_id=deal).exists()

    assert is_live(project, "attio", "deals", deal)
    assert CrmOpportunity.objects.get(project=project, external_ref=deal).deleted_at is None


def test_a_linear_5xx_on_the_by_id_query_deletes_no_comment(
    studio, make_tenant, bind, sync, reconcile, sandbox, confirm_at_once
):
    tenant = make_tenant(messages=100)
    bind(studio, tenant, sources=["linear"])
    sync(studio, "linear")
    comment = raw_rows(project=studio, source="linear", stream="comments").order_by("external_id").first()
    gone = sandbox.mutate(tenant=tenant.name, action="delete_comments", ids=[comment.external_id])["comments"]
    before = live_ids(studio)
    sandbox.add_fault(service="linear", path="/graphql", operation="ByIds", kind="status", status=503, times=-1)
    try:
        for _ in range(3):
            linear = reconcile(studio)["linear"]
    finally:
        sandbox.clear_faults()

    assert live_ids(studio) == before
    assert not strikes(studio).exists()
    assert linear.details["comments"]["unverified"] == len(gone)
    assert linear.deleted_at_source == 0
    reconcile(studio)
    reconcile(studio)
    assert live_ids(studio) == without(before, {("linear", "comments"): gone})


def test_trashed_archived_and_deleted_records_never_lower_completeness(
    studio, make_tenant, bind, sync, reconcile, sandbox, confirm_at_once
):
    tenant = make_tenant(messages=100)
    bind(studio, tenant, sources=["linear", "attio"])
    sync(studio, "linear")
    sync(studio, "attio")
    sandbox.mutate(tenant=tenant.name, action="trash_issues", count=1)
    sandbox.mutate(tenant=tenant.name, action="archive_issues", count=1)
    sandbox.mutate(tenant=tenant.name, action="delete_comments", count=1)
    sandbox.mutate(tenant=tenant.name, action="delete_deal", count=1)
    sandbox.mutate(tenant=tenant.name, action="delete_notes", count=1)
    sync(studio, "linear")
    sync(studio, "attio")

    for _ in range(3):  # pending, then applied, then settled
        metrics = reconcile(studio)
        for source in ("linear", "attio", "portfolio"):
            assert (metrics[source].missing, metrics[source].completeness_pct) == (0, 100.0), source
    assert metrics["linear"].deleted_at_source == metrics["attio"].deleted_at_source == 0  # all applied by now


def test_the_reconciliation_api_and_diff_show_deletions_apart_from_missing(
    owner_api, project, make_tenant, bind, sync, sandbox, confirm_at_once, eager_tasks,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    tenant = make_tenant(messages=100)
    bind(project, tenant, sources=["attio"])
    sync(project, "attio")
    (deal,) = sandbox.mutate(tenant=tenant.name, action="delete_deal", count=1)["deals"]

    def attio_of(response) -> dict:
        """The queued run (run by an eager worker after commit) is done: its metric is the latest."""
        assert response.status_code == 202, response.json()
        latest = owner_api.get("/api/connectors/reconciliation").json()["latest"]
        return next(m for m in latest if m["connector"] == "attio")

    def run_reconciliation():
        with django_capture_on_commit_callbacks(execute=True):
            return owner_api.post("/api/connectors/reconciliation/run")

    pending = attio_of(run_reconciliation())
    assert f"deals:{deal}" in pending["deleted_ids"]
    assert pending["deleted_at_source"] >= 1
    assert pending["details"]["deals"]["deleted_pending"] == 1
    assert (pending["missing"], pending["missing_ids"], pending["completeness_pct"]) == (0, [], 100.0)

    applied = attio_of(run_reconciliation())
    assert applied["details"]["deals"]["deleted_applied"] == 1
    assert f"deals:{deal}" in applied["deleted_ids"]
    assert applied["completeness_pct"] == 100.0
    assert not is_live(project, "attio", "deals", deal)

    (diff,) = [
        d for d in owner_api.get("/api/connectors/reconciliation/diff").json()["diff"] if d["connector"] == "attio"
    ]
    assert f"deals:{deal}" in diff["deleted_ids"]
    assert diff["missing_ids"] == []
    assert diff["resync_body"] == {"ids": []}
    assert diff["delta_pct"] == 0.0
