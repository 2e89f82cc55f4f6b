"""Full and incremental reads against the sandbox servers: cursors, de-duplication, whole threads."""

import pytest

from connectors.models import ConnectorSyncState, RawChatwootConversation, RawChatwootMessage, RawLinearIssue
from connectors.services.sync import connector_sync
from tests.support.sandbox import raw_snapshot, totals

pytestmark = pytest.mark.django_db


def sync(project, source, sleep, **kwargs):
    return connector_sync(project=project, source=source, sleep=sleep, **kwargs)


@pytest.mark.parametrize("source", ["chatwoot", "linear", "attio"])
def test_two_full_reads_give_identical_rows_and_the_second_writes_nothing(studio, make_tenant, bind, sleep, source):
    bind(studio, make_tenant(), sources=[source])
    first = sync(studio, source, sleep, full=True)
    assert first.status == "ok", first.error
    before = raw_snapshot(studio, source)
    assert sum(len(rows) for rows in before.values()) > 0

    second = sync(studio, source, sleep, full=True)
    assert second.status == "ok", second.error
    assert raw_snapshot(studio, source) == before
    assert totals(second, "inserted") == 0
    assert totals(second, "updated") == 0
    assert totals(second, "unchanged") == totals(second, "fetched")


def test_every_message_of_every_conversation_is_stored(studio, make_tenant, bind, sleep):
    tenant = make_tenant()
    bind(studio, tenant, sources=["chatwoot"])
    run = sync(studio, "chatwoot", sleep)
    assert run.status == "ok", run.error
    expected = tenant.dataset.counts()
    assert RawChatwootConversation.objects.filter(project=studio).count() == expected["conversations"]
    assert RawChatwootMessage.objects.filter(project=studio).count() == expected["messages"]


def test_a_thread_longer_than_one_page_is_synced_whole(studio, make_tenant, bind, sleep):
    tenant = make_tenant()
    bind(studio, tenant, sources=["chatwoot"])
    sync(studio, "chatwoot", sleep)
    longest_id, length = tenant.dataset.longest_conversation()
    assert length > 100  # more than one `after=` page
    stored = RawChatwootMessage.objects.filter(project=studio, conversation_external_id=str(longest_id))
    assert stored.count() == length
    ids = sorted(int(i) for i in stored.values_list("external_id", flat=True))
    assert ids == sorted(tenant.dataset.message_ids(longest_id))


def test_private_notes_are_stored_and_flagged(studio, make_tenant, bind, sleep):
    tenant = make_tenant()
    bind(studio, tenant, sources=["chatwoot"])
    sync(studio, "chatwoot", sleep)
    private = RawChatwootMessage.objects.filter(project=studio, private=True)
    assert private.count() == tenant.dataset.counts()["private_messages"] > 0


def test_incremental_read_fetches_only_rows_at_or_after_the_cursor(studio, make_tenant, bind, sleep, sandbox):
    tenant = make_tenant()
    bind(studio, tenant, sources=["linear"])
    sync(studio, "linear", sleep)
    cursor = ConnectorSyncState.objects.get(project=studio, source="linear").cursors["issues"]["updated_at"]

    edited = sandbox.mutate(tenant=tenant.name, action="edit_issues", count=3)["issues"]
    sandbox.clear_requests()
    run = sync(studio, "linear", sleep)
    issues = run.counts["issues"]
    # The 3 edited issues plus the one(s) sitting exactly at the old cursor, nothing older.
    at_cursor = RawLinearIssue.objects.filter(project=studio, raw__updatedAt=cursor).exclude(external_id__in=edited)
    assert issues["fetched"] == 3 + at_cursor.count()
    assert issues["updated"] == 3
    assert issues["inserted"] == 0
    first_issue_query = next(r for r in sandbox.requests("linear") if "issues(" in (r["body"] or {}).get("query", ""))
    assert first_issue_query["body"]["variables"]["since"] == cursor


def test_a_row_exactly_at_the_cursor_is_reread_without_a_duplicate(studio, make_tenant, bind, sleep):
    bind(studio, make_tenant(), sources=["linear"])
    sync(studio, "linear", sleep)
    count = RawLinearIssue.objects.filter(project=studio).count()
    run = sync(studio, "linear", sleep)
    assert run.counts["issues"]["fetched"] >= 1
    assert run.counts["issues"]["unchanged"] == run.counts["issues"]["fetched"]
    assert RawLinearIssue.objects.filter(project=studio).count() == count


def test_a_far_future_cursor_fetches_nothing(studio, make_tenant, bind, sleep):
    bind(studio, make_tenant(), sources=["linear"])
    sync(studio, "linear", sleep)
    state = ConnectorSyncState.objects.get(project=studio, source="linear")
    state.cursors = {stream: {"updated_at": "2100-01-01T00:00:00.000Z"} for stream in state.cursors}
    state.save()
    run = sync(studio, "linear", sleep)
    assert run.status == "ok"
    assert totals(run, "fetched") == 0


def test_union_of_incremental_runs_equals_one_full_sync(studio, make_tenant, bind, sleep, sandbox, make_project):
    tenant = make_tenant()
    bind(studio, tenant)
    for source in ("chatwoot", "linear", "attio"):
        assert sync(studio, source, sleep).status == "ok"
    for action in ("new_messages", "edit_issues", "new_comments", "move_deal_stage", "new_conversations"):
        sandbox.mutate(tenant=tenant.name, action=action, count=4)
        for source in ("chatwoot", "linear", "attio"):
            assert sync(studio, source, sleep).status == "ok"

    fresh = bind(make_project("Full reader", account_scope=studio.account_scope), tenant)
    for source in ("chatwoot", "linear", "attio"):
        assert sync(fresh, source, sleep, full=True).status == "ok"
    assert raw_snapshot(studio) == raw_snapshot(fresh)


def test_new_messages_arrive_incrementally_without_rereading_old_threads(studio, make_tenant, bind, sleep, sandbox):
    tenant = make_tenant()
    bind(studio, tenant, sources=["chatwoot"])
    sync(studio, "chatwoot", sleep)
    added = sandbox.mutate(tenant=tenant.name, action="new_messages", count=5)
    run = sync(studio, "chatwoot", sleep)
    assert run.counts["messages"]["inserted"] == len(added["messages"]) == 5
    assert run.counts["messages"]["fetched"] == 5  # only the touched threads, only after their cursor
