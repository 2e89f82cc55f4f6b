from django.db import migrations

from core.scoping import scope_guard_operation


class Migration(migrations.Migration):
    """Scope guards on the mirror tables."""

    dependencies = [("crm", "0001_initial")]
    operations = [
        scope_guard_operation(table)
        for table in ("crm_accounts", "crm_contacts", "crm_opportunities", "crm_opportunity_stage_events")
    ]
