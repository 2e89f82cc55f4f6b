"""Sync state kept on raw rows: a Chatwoot conversation carries the cursor of its messages walk."""

from connectors.models import RawChatwootConversation


def conversations_messages_synced(*, project, synced: list[tuple[str, int, object]]) -> None:
    """Store, per conversation, the `after=` message cursor reached and the activity it covers (one UPDATE for
    the batch)."""
    conversations = RawChatwootConversation.objects.filter(project=project)
    if not synced:
        return
    pks = dict(conversations.filter(external_id__in=[row[0] for row in synced]).values_list("external_id", "pk"))
    rows = [
        RawChatwootConversation(pk=pks[external_id], messages_cursor=after, messages_synced_activity_at=activity)
        for external_id, after, activity in synced
        if external_id in pks
    ]
    RawChatwootConversation.objects.bulk_update(rows, ["messages_cursor", "messages_synced_activity_at"])
