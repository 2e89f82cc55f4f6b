from django.core.management import call_command
from django.db import migrations

from core.scoping import scope_guard_operation


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    """The scope guard on API keys, and the database cache table (throttles, short-lived flags)."""

    dependencies = [("workforce", "0002_initial")]
    operations = [
        scope_guard_operation("workforce_apikey"),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
