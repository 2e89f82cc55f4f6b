from django.db import migrations

from core.scoping import scope_guard_operation


class Migration(migrations.Migration):
    """Scope guards: an audit event or job run must carry its project's account scope."""

    dependencies = [("audit", "0001_initial")]
    operations = [scope_guard_operation("audit_auditevent"), scope_guard_operation("audit_jobrun")]
