"""Raw tables: one per source stream, typed columns next to the raw JSON payload.

Rows are keyed by (project, external_id) and written only through the bulk upsert in
`connectors.upsert`, which skips rows whose `payload_hash` did not change.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone

from core.scoping import ScopedModel


class RawRecord(ScopedModel):
    """Common columns of every raw row."""

    id = models.BigAutoField(primary_key=True)
    # No single-column FK constraints here: the scope guard `(project_id, account_scope_id) → project(id,
    # account_scope_id)` (ON DELETE CASCADE) already proves both, and the two extra checks per row cost
    # about a third of a bulk load's server time (docs/operations/performance-budgets.md).
    project = models.ForeignKey("workforce.Project", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    account_scope = models.ForeignKey(
        "workforce.AccountScope", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    external_id = models.CharField(max_length=64)
    raw = models.JSONField()
    payload_hash = models.CharField(max_length=32)
    source_created_at = models.DateTimeField(null=True, blank=True)
    source_updated_at = models.DateTimeField(null=True, blank=True)
    first_synced_at = models.DateTimeField(default=timezone.now)
    last_changed_at = models.DateTimeField(default=timezone.now)
    # A tombstone: when and why the source stopped having this row (connectors.constants.TombstoneReason);
    # both empty on a live row. Readers skip tombstones (`selectors.raw_rows`); a row the source shows again
    # is revived by the upsert.
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_reason = models.CharField(max_length=20, blank=True, default="", db_default="")  # raw SQL too

    # Columns the upsert writes besides the common ones (subclasses list their typed columns).
    typed_columns: tuple[str, ...] = ()
    # Source name and stream this table holds.
    source: str = ""
    stream: str = ""

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["project", "external_id"], name="%(app_label)s_%(class)s_ext_uniq"),
            # The tombstones alone (a partial index, tiny): the upsert looks up which rows of a batch it revives,
            # and that must not cost a re-sync of live rows anything. (Unique as the key above: implied.)
            models.UniqueConstraint(
                fields=["project", "external_id"],
                condition=~models.Q(deleted_reason=""),
                name="%(app_label)s_%(class)s_tombstone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stream} {self.external_id}"


def trigram(field: str, name: str) -> GinIndex:
    """A trigram index for keyword search on `field`."""
    return GinIndex(fields=[field], opclasses=["gin_trgm_ops"], name=name)


# ---------------------------------------------------------------- Chatwoot


class RawChatwootInbox(RawRecord):
    """A Chatwoot inbox."""

    source, stream = "chatwoot", "inboxes"
    typed_columns = ("name", "channel_type")
    name = models.CharField(max_length=300, blank=True)
    channel_type = models.CharField(max_length=100, blank=True)

    class Meta(RawRecord.Meta):
        db_table = "raw_chatwoot_inboxes"


class RawChatwootContact(RawRecord):
    """A Chatwoot contact (resolved ones from the list, anonymous senders fetched by id)."""

    source, stream = "chatwoot", "contacts"
    typed_columns = ("name", "email", "phone_number", "identifier", "last_activity_at")
    name = models.CharField(max_length=300, blank=True)
    email = models.CharField(max_length=320, blank=True)
    phone_number = models.CharField(max_length=50, blank=True)
    identifier = models.CharField(max_length=300, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta(RawRecord.Meta):
        db_table = "raw_chatwoot_contacts"
        indexes = [models.Index(fields=["project", "email"], name="raw_cw_contact_email_idx")]


class RawChatwootConversation(RawRecord):
    """A Chatwoot conversation; `messages_*` track how far its messages are synced."""

    source, stream = "chatwoot", "conversations"
    typed_columns = (
        "inbox_external_id",
        "contact_external_id",
        "assignee_external_id",
        "status",
        "last_activity_at",
    )
    inbox_external_id = models.CharField(max_length=64, blank=True)
    contact_external_id = models.CharField(max_length=64, blank=True)
    assignee_external_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=20, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    messages_cursor = models.BigIntegerField(null=True, blank=True, help_text="Highest message id synced.")
    messages_synced_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta(RawRecord.Meta):
        db_table = "raw_chatwoot_conversations"
        indexes = [models.Index(fields=["project", "-last_activity_at"], name="raw_cw_conv_activity_idx")]


class RawChatwootMessage(RawRecord):
    """A Chatwoot message; private notes are stored and flagged, never shown outside the team."""

    source, stream = "chatwoot", "messages"
    typed_columns = (
        "conversation_external_id",
        "content",
        "private",
        "message_type",
        "sender_type",
        "sender_external_id",
    )
    conversation_external_id = models.CharField(max_length=64)
    content = models.TextField(blank=True)
    private = models.BooleanField(default=False)
    message_type = models.SmallIntegerField(null=True, blank=True)
    sender_type = models.CharField(max_length=50, blank=True)
    sender_external_id = models.CharField(max_length=64, blank=True)

    class Meta(RawRecord.Meta):
        db_table = "raw_chatwoot_messages"
        indexes = [
            models.Index(fields=["project", "conversation_external_id"], name="raw_cw_msg_conv_idx"),
            # This table takes the bulk of every sync's writes, so it keeps only the indexes a query uses:
            # no trigram index (keyword search reads message text from rag_chunks, indexed there; it halved
            # upsert throughput) and no (project, -source_created_at) one (no query orders a project's messages
            # by date: conversation documents read them by conversation_external_id, then sort).
        ]


# ---------------------------------------------------------------- Linear


class RawLinearTeam(RawRecord):
    source, stream = "linear", "teams"
    typed_columns = ("key", "name")
    key = models.CharField(max_length=20, blank=True)
    name = models.CharField(max_length=300, blank=True)

    class Meta(RawRecord.Meta):
        db_table = "raw_linear_teams"


class RawLinearWorkflowState(RawRecord):
    source, stream = "linear", "workflow_states"
    typed_columns = ("team_external_id", "name", "type")
    team_external_id = models.CharField(max_length=64, blank=True)
    name = models.CharField(max_length=300, blank=True)
    type = models.CharField(max_length=30, blank=True)

    class Meta(RawRecord.Meta):
        db_table = "raw_linear_workflow_states"


class RawLinearCycle(RawRecord):
    source, stream = "linear", "cycles"
    typed_columns = ("team_external_id", "number", "name", "starts_at", "ends_at")
    team_external_id = models.CharField(max_length=64, blank=True)
    number = models.IntegerField(null=True, blank=True)
    name = models.CharField(max_length=300, blank=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)

    class Meta(RawRecord.Meta):
        db_table = "raw_linear_cycles"


class RawLinearProject(RawRecord):
    source, stream = "linear", "projects"
    typed_columns = ("name", "status", "url")
    name = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=50, blank=True)
    url = models.URLField(max_length=500, blank=True)

    class Meta(RawRecord.Meta):
        db_table = "raw_linear_projects"
        indexes = [trigram("name", "raw_lin_project_name_trgm")]


class RawLinearIssue(RawRecord):
    """A Linear issue with its state, project, team, cycle and assignee ids."""

    source, stream = "linear", "issues"
    typed_columns = (
        "identifier",
        "title",
        "description",
        "state_external_id",
        "state_type",
        "project_external_id",
        "team_external_id",
        "cycle_external_id",
        "assignee_external_id",
        "priority",
        "url",
        "archived_at",
    )
    identifier = models.CharField(max_length=50, blank=True)
    title = models.TextField(blank=True)
    description = models.TextField(blank=True)
    state_external_id = models.CharField(max_length=64, blank=True)
    state_type = models.CharField(max_length=30, blank=True)
    project_external_id = models.CharField(max_length=64, blank=True)
    team_external_id = models.CharField(max_length=64, blank=True)
    cycle_external_id = models.CharField(max_length=64, blank=True)
    assignee_external_id = models.CharField(max_length=64, blank=True)
    priority = models.SmallIntegerField(null=True, blank=True)
    url = models.URLField(max_length=500, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta(RawRecord.Meta):
        db_table = "raw_linear_issues"
        indexes = [
            models.Index(fields=["project", "state_type"], name="raw_lin_issue_state_idx"),
            models.Index(fields=["project", "-source_updated_at"], name="raw_lin_issue_updated_idx"),
            trigram("title", "raw_lin_issue_title_trgm"),
        ]


class RawLinearComment(RawRecord):
    source, stream = "linear", "comments"
    typed_columns = ("issue_external_id", "body", "user_external_id", "url")
    issue_external_id = models.CharField(max_length=64, blank=True)
    body = models.TextField(blank=True)
    user_external_id = models.CharField(max_length=64, blank=True)
    url = models.URLField(max_length=500, blank=True)

    class Meta(RawRecord.Meta):
        db_table = "raw_linear_comments"
        indexes = [
            models.Index(fields=["project", "issue_external_id"], name="raw_lin_comment_issue_idx"),
            trigram("body", "raw_lin_comment_body_trgm"),
        ]


# ---------------------------------------------------------------- Attio


class RawAttioCompany(RawRecord):
    source, stream = "attio", "companies"
    typed_columns = ("name", "domain", "web_url")
    name = models.CharField(max_length=300, blank=True)
    domain = models.CharField(max_length=300, blank=True)
    web_url = models.URLField(max_length=500, blank=True)

    class Meta(RawRecord.Meta):
        db_table = "raw_attio_companies"
        indexes = [trigram("name", "raw_attio_company_name_trgm")]


class RawAttioPerson(RawRecord):
    source, stream = "attio", "people"
    typed_columns = ("name", "email", "company_external_id", "web_url")
    name = models.CharField(max_length=300, blank=True)
    email = models.CharField(max_length=320, blank=True)
    company_external_id = models.CharField(max_length=64, blank=True)
    web_url = models.URLField(max_length=500, blank=True)

    class Meta(RawRecord.Meta):
        db_table = "raw_attio_people"
        indexes = [models.Index(fields=["project", "email"], name="raw_attio_person_email_idx")]


class RawAttioWorkspaceMember(RawRecord):
    """A member of the Attio workspace: the name behind a deal's `owner` (a referenced actor id)."""

    source, stream = "attio", "workspace_members"
    typed_columns = ("name", "email")
    name = models.CharField(max_length=300, blank=True)
    email = models.CharField(max_length=320, blank=True)

    class Meta(RawRecord.Meta):
        db_table = "raw_attio_workspace_members"


class RawAttioDeal(RawRecord):
    source, stream = "attio", "deals"
    typed_columns = (
        "name",
        "stage",
        "amount",
        "currency",
        "company_external_id",
        "owner_external_id",
        "web_url",
    )
    name = models.CharField(max_length=300, blank=True)
    stage = models.CharField(max_length=100, blank=True)
    amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=10, blank=True)
    company_external_id = models.CharField(max_length=64, blank=True)
    owner_external_id = models.CharField(max_length=64, blank=True)
    web_url = models.URLField(max_length=500, blank=True)

    class Meta(RawRecord.Meta):
        db_table = "raw_attio_deals"
        indexes = [trigram("name", "raw_attio_deal_name_trgm")]


class RawAttioNote(RawRecord):
    source, stream = "attio", "notes"
    typed_columns = ("parent_object", "parent_external_id", "title", "content")
    parent_object = models.CharField(max_length=50, blank=True)
    parent_external_id = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=500, blank=True)
    content = models.TextField(blank=True)

    class Meta(RawRecord.Meta):
        db_table = "raw_attio_notes"
        indexes = [trigram("content", "raw_attio_note_content_trgm")]


RAW_MODELS: dict[tuple[str, str], type[RawRecord]] = {
    (model.source, model.stream): model
    for model in (
        RawChatwootInbox,
        RawChatwootContact,
        RawChatwootConversation,
        RawChatwootMessage,
        RawLinearTeam,
        RawLinearWorkflowState,
        RawLinearCycle,
        RawLinearProject,
        RawLinearIssue,
        RawLinearComment,
        RawAttioCompany,
        RawAttioPerson,
        RawAttioWorkspaceMember,
        RawAttioDeal,
        RawAttioNote,
    )
}
