"""The raw upsert: exact inserted / updated / unchanged results on both its paths (COPY of new rows, merge).

Every test runs inside a transaction (pytest-django), as the sync's page transaction does, so the COPY's
savepoint and its rollback on a conflict are exercised exactly as in a sync.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from connectors import upsert
from connectors.models import RawAttioDeal, RawChatwootMessage
from connectors.sources.chatwoot import message_row
from connectors.upsert import payload_hash, raw_upsert
from core.models import Project
from core.scoping import is_scope_violation

pytestmark = pytest.mark.django_db
OLD = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def message(message_id: int, content: str = "", conversation: int = 7) -> dict:
    item = {
        "id": message_id,
        "content": content or f"message {message_id}",
        "conversation_id": conversation,
        "created_at": 1_785_000_000 + message_id,
        "updated_at": 1_785_000_000 + message_id,
        "message_type": 0,
        "private": False,
        "sender_type": "Contact",
        "sender": {"id": 77, "name": "Paul"},
    }
    return message_row(item, conversation_id=str(conversation))


def messages(ids, **kwargs) -> list[dict]:
    return [message(i, **kwargs) for i in ids]


def upsert_messages(project, rows):
    return raw_upsert(model=RawChatwootMessage, project=project, rows=rows)


def stored(project) -> dict[str, RawChatwootMessage]:
    return {row.external_id: row for row in RawChatwootMessage.objects.filter(project=project)}


def row_versions(project) -> dict[str, str]:
    """external_id -> ctid: an UPDATE (even of identical values) gives the row a new ctid."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT external_id, ctid::text FROM raw_chatwoot_messages WHERE project_id = %s", [project.pk])
        return dict(cursor.fetchall())


def transaction_now():
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        return cursor.fetchone()[0]


@pytest.fixture
def alpha(make_project):
    return make_project("Alpha")


@pytest.fixture
def beta(make_project):
    return make_project("Beta")


@pytest.fixture
def spy(monkeypatch):
    """Counts which path each upsert took: the COPY attempt (and its outcome) and the merge."""
    calls = {"copy": 0, "copy_conflict": 0, "merge": 0}
    copy_new, merge = upsert._copy_new, upsert._merge

    def counted_copy(*args, **kwargs):
        calls["copy"] += 1
        written = copy_new(*args, **kwargs)
        calls["copy_conflict"] += not written
        return written

    def counted_merge(*args, **kwargs):
        calls["merge"] += 1
        return merge(*args, **kwargs)

    monkeypatch.setattr(upsert, "_copy_new", counted_copy)
    monkeypatch.setattr(upsert, "_merge", counted_merge)
    monkeypatch.setattr(upsert, "_had_rows", {})
    return calls


def test_initial_load_inserts_every_row_with_its_columns_in_one_copy(alpha, spy):
    rows = messages(range(1, 251))
    result = upsert_messages(alpha, rows)

    assert (result.fetched, len(result.inserted_ids), result.updated_ids, result.unchanged) == (250, 250, [], 0)
    assert sorted(result.changed_ids, key=int) == [str(i) for i in range(1, 251)]
    assert spy == {"copy": 1, "copy_conflict": 0, "merge": 0}
    saved = stored(alpha)
    assert len(saved) == 250
    first, now = saved["1"], transaction_now()
    assert first.payload_hash == payload_hash(rows[0]["raw"])
    assert first.raw == rows[0]["raw"]
    assert first.account_scope_id == alpha.account_scope_id
    assert first.first_synced_at == first.last_changed_at == now  # the transaction's now(), as the merge sets
    assert first.deleted_at is None
    assert first.source_created_at == rows[0]["source_created_at"]
    assert (first.conversation_external_id, first.content, first.private, first.message_type) == (
        "7",
        "message 1",
        False,
        0,
    )
    assert (first.sender_type, first.sender_external_id) == ("Contact", "77")


def test_a_no_change_re_upsert_writes_nothing(alpha, spy):
    rows = messages(range(1, 101))
    upsert_messages(alpha, rows)
    RawChatwootMessage.objects.filter(project=alpha).update(last_changed_at=OLD)
    versions = row_versions(alpha)

    for _ in range(2):  # the first re-upsert tries the COPY and merges; the next one merges directly
        result = upsert_messages(alpha, rows)
        assert (result.fetched, result.inserted_ids, result.updated_ids, result.unchanged) == (100, [], [], 100)

    assert row_versions(alpha) == versions  # no row was rewritten
    assert set(RawChatwootMessage.objects.filter(project=alpha).values_list("last_changed_at", flat=True)) == {OLD}
    assert spy == {"copy": 2, "copy_conflict": 1, "merge": 2}


def test_changed_rows_are_detected_and_only_they_are_rewritten(alpha):
    upsert_messages(alpha, messages(range(1, 11)))
    RawChatwootMessage.objects.filter(project=alpha).update(first_synced_at=OLD, last_changed_at=OLD)
    versions = row_versions(alpha)
    edited = messages(range(1, 11))
    edited[2] = message(3, content="edited at the source")
    edited[7] = message(8, content="edited too")

    result = upsert_messages(alpha, edited)

    assert (sorted(result.updated_ids), result.inserted_ids, result.unchanged) == (["3", "8"], [], 8)
    saved, after = stored(alpha), row_versions(alpha)
    assert saved["3"].content == "edited at the source"
    assert saved["3"].payload_hash == payload_hash(edited[2]["raw"])
    assert saved["3"].last_changed_at == transaction_now()
    assert saved["3"].first_synced_at == OLD
    assert saved["1"].last_changed_at == OLD
    assert {i for i in versions if versions[i] != after[i]} == {"3", "8"}


def test_a_mixed_batch_of_new_changed_and_unchanged_rows_after_the_fast_path(alpha, spy):
    first = upsert_messages(alpha, messages(range(1, 21)))
    assert len(first.inserted_ids) == 20
    assert spy["copy_conflict"] == 0
    RawChatwootMessage.objects.filter(project=alpha).update(last_changed_at=OLD)
    versions = row_versions(alpha)
    # New rows first and last, so the COPY gets some way before it meets a stored one.
    batch = [*messages(range(21, 26)), message(5, content="changed"), *messages(range(1, 5)), *messages([26, 27])]

    result = upsert_messages(alpha, batch)

    assert spy["copy_conflict"] == 1
    assert spy["merge"] == 1
    assert sorted(result.inserted_ids, key=int) == ["21", "22", "23", "24", "25", "26", "27"]
    assert result.updated_ids == ["5"]
    assert (result.fetched, result.unchanged) == (12, 4)
    saved = stored(alpha)
    assert len(saved) == 27  # nothing of the rolled-back COPY stayed, nothing is doubled
    assert saved["5"].content == "changed"
    assert all(saved[i].last_changed_at == OLD for i in ("1", "2", "3", "4", "6"))
    assert all(row_versions(alpha)[i] == versions[i] for i in ("1", "2", "3", "4", "6"))

    # A batch of new rows only after that merge: merged directly (the hint), then back to the COPY.
    again = upsert_messages(alpha, messages(range(28, 31)))
    assert sorted(again.inserted_ids, key=int) == ["28", "29", "30"]
    assert spy["merge"] == 2
    last = upsert_messages(alpha, messages(range(31, 34)))
    assert sorted(last.inserted_ids, key=int) == ["31", "32", "33"]
    assert spy == {"copy": 3, "copy_conflict": 1, "merge": 2}
    assert len(stored(alpha)) == 33


def test_the_same_external_ids_in_two_projects_stay_apart(alpha, beta, spy):
    rows_a = messages(range(1, 51))
    rows_b = messages(range(1, 51), content="the other client's words")

    assert len(upsert_messages(alpha, rows_a).inserted_ids) == 50
    assert len(upsert_messages(beta, rows_b).inserted_ids) == 50  # no conflict with alpha's identical ids
    assert spy["copy_conflict"] == 0

    assert upsert_messages(alpha, rows_a).unchanged == 50
    changed = upsert_messages(beta, [message(9, content="beta only")])
    assert changed.updated_ids == ["9"]
    assert stored(alpha)["9"].content == "message 9"
    assert stored(beta)["9"].content == "beta only"
    assert stored(beta)["10"].content == "the other client's words"
    assert RawChatwootMessage.objects.filter(project=alpha).count() == 50
    assert RawChatwootMessage.objects.filter(project=beta).count() == 50
    assert {r.account_scope_id for r in stored(beta).values()} == {beta.account_scope_id}


def test_a_tombstoned_row_comes_back_even_with_the_same_payload(alpha):
    upsert_messages(alpha, messages(range(1, 4)))
    RawChatwootMessage.objects.filter(project=alpha, external_id="2").update(deleted_at=OLD, deleted_reason="deleted")

    result = upsert_messages(alpha, messages(range(1, 4)))

    assert (result.updated_ids, result.unchanged, result.revived) == (["2"], 2, {"2": OLD})
    assert (stored(alpha)["2"].deleted_at, stored(alpha)["2"].deleted_reason) == (None, "")


def test_a_row_its_payload_calls_deleted_is_written_as_a_tombstone_once(alpha):
    upsert_messages(alpha, messages(range(1, 3)))
    flagged = {**message(2, content="This message was deleted"), "deleted_reason": "deleted"}

    first = upsert_messages(alpha, [message(1), flagged, {**message(3), "deleted_reason": "deleted"}])
    again = upsert_messages(alpha, [message(1), flagged])

    assert (sorted(first.tombstoned_ids), first.inserted_ids, first.updated_ids) == (["2", "3"], [], [])
    assert (again.tombstoned_ids, again.unchanged) == ([], 2)
    assert stored(alpha)["2"].deleted_reason == "deleted"
    assert stored(alpha)["2"].deleted_at is not None
    assert stored(alpha)["3"].deleted_at is not None


def test_duplicates_in_a_batch_count_once_and_the_last_one_wins(alpha):
    result = upsert_messages(alpha, [message(1, content="first"), message(2), message(1, content="latest")])

    assert (result.fetched, sorted(result.inserted_ids)) == (2, ["1", "2"])
    assert stored(alpha)["1"].content == "latest"
    assert upsert_messages(alpha, []).fetched == 0


def test_typed_columns_of_every_type_go_through_both_paths(alpha):
    deal = {
        "external_id": "d-1",
        "raw": {"id": "d-1", "name": "Renewal", "amount": "1250.50", "nested": {"b": 1, "a": [1, 2]}},
        "source_created_at": OLD,
        "name": "Renewal",
        "stage": "won",
        "amount": Decimal("1250.50"),
        "currency": "EUR",
    }
    assert raw_upsert(model=RawAttioDeal, project=alpha, rows=[deal]).inserted_ids == ["d-1"]
    changed = {**deal, "raw": {**deal["raw"], "amount": "99.00"}, "amount": Decimal("99.00")}
    assert raw_upsert(model=RawAttioDeal, project=alpha, rows=[changed]).updated_ids == ["d-1"]

    saved = RawAttioDeal.objects.get(project=alpha, external_id="d-1")
    assert (saved.amount, saved.currency, saved.company_external_id, saved.source_updated_at) == (
        Decimal("99.00"),
        "EUR",
        "",  # a typed column the row leaves out: its default
        None,
    )
    assert saved.raw == changed["raw"]


def test_the_payload_hash_ignores_key_order(alpha):
    row = message(1)
    reordered = {**row, "raw": dict(reversed(list(row["raw"].items())))}
    upsert_messages(alpha, [row])

    assert upsert_messages(alpha, [reordered]).unchanged == 1


def test_a_scope_violation_is_still_raised_through_djangos_cursor(alpha, other_scope, spy):
    wrong = Project.objects.get(pk=alpha.pk)
    wrong.account_scope_id = other_scope.pk  # rows claiming another scope: the scope guard refuses them

    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        upsert_messages(wrong, messages([1]))

    assert is_scope_violation(raised.value)  # the same error as before the COPY path, from the merge
    assert spy == {"copy": 1, "copy_conflict": 1, "merge": 1}
    assert not RawChatwootMessage.objects.filter(project=alpha).exists()


def test_the_page_transaction_stays_usable_after_a_rolled_back_copy(alpha, monkeypatch):
    upsert_messages(alpha, messages([1, 2]))
    monkeypatch.setattr(upsert, "_had_rows", {})  # the next batch tries the COPY and meets a stored row
    result = upsert_messages(alpha, messages([3, 1]))

    assert (result.inserted_ids, result.unchanged) == (["3"], 1)
    # The rest of the page's work (cursor, heartbeat) still runs in the same transaction.
    assert RawChatwootMessage.objects.filter(project=alpha).count() == 3


def test_an_older_version_read_late_never_overwrites_a_newer_one(alpha):
    newer = message(1, content="after the edit")
    newer["source_updated_at"] = dt.datetime(2026, 12, 4, 12, 0, 5, tzinfo=dt.UTC)
    older = message(1, content="before the edit")
    older["source_updated_at"] = dt.datetime(2026, 12, 4, 12, 0, 0, tzinfo=dt.UTC)
    upsert_messages(alpha, [newer])

    result = upsert_messages(alpha, [older])

    assert (result.updated_ids, result.unchanged) == ([], 1)
    assert stored(alpha)["1"].content == "after the edit"
