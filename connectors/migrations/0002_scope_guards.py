from django.db import migrations

from core.scoping import scope_guard_operation


class Migration(migrations.Migration):
    """Scope guards on every connector table: a row's account scope must be its project's."""

    dependencies = [("connectors", "0001_initial")]
    operations = [
        scope_guard_operation("connectors_connectorconfig"),
        scope_guard_operation("connectors_connectorerror"),
        scope_guard_operation("connectors_connectorsyncstate"),
        scope_guard_operation("connectors_syncrun"),
        scope_guard_operation("raw_attio_companies"),
        scope_guard_operation("raw_attio_deals"),
        scope_guard_operation("raw_attio_notes"),
        scope_guard_operation("raw_attio_people"),
        scope_guard_operation("raw_chatwoot_contacts"),
        scope_guard_operation("raw_chatwoot_conversations"),
        scope_guard_operation("raw_chatwoot_inboxes"),
        scope_guard_operation("raw_chatwoot_messages"),
        scope_guard_operation("raw_linear_comments"),
        scope_guard_operation("raw_linear_cycles"),
        scope_guard_operation("raw_linear_issues"),
        scope_guard_operation("raw_linear_projects"),
        scope_guard_operation("raw_linear_teams"),
        scope_guard_operation("raw_linear_workflow_states"),
    ]
