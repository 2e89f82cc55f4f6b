"""The scoped-model base: every domain row carries `project` and its `account_scope`.

The database enforces that the two agree with a composite foreign key
`(project_id, account_scope_id) → workforce_project(id, account_scope_id)`, added to each
scoped table by `scope_guard_operation()` in that app's migration. A mismatched row is refused
by PostgreSQL itself, whatever wrote it (ORM, bulk SQL, admin).
"""

from django.db import migrations, models

SCOPE_GUARD_SUFFIX = "scope_guard"


class ScopedModel(models.Model):
    """Abstract base for rows that belong to a project."""

    project = models.ForeignKey("workforce.Project", on_delete=models.CASCADE, related_name="+")
    account_scope = models.ForeignKey(
        "workforce.AccountScope", on_delete=models.CASCADE, related_name="+", db_index=False
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # The account scope is derived data; fill it so callers only name the project.
        if self.account_scope_id is None and self.project_id is not None:
            self.account_scope_id = self.project.account_scope_id
        super().save(*args, **kwargs)


def scope_guard_operation(table: str) -> migrations.RunSQL:
    """Migration operation adding the scope guard to `table`."""
    name = f"{table}_{SCOPE_GUARD_SUFFIX}"[:63]
    return migrations.RunSQL(
        sql=(
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" FOREIGN KEY (project_id, account_scope_id) '
            'REFERENCES "workforce_project" (id, account_scope_id) '
            "ON UPDATE CASCADE ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE"
        ),
        reverse_sql=f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"',
    )


def is_scope_violation(error: BaseException) -> bool:
    """Whether a database error is the scope guard refusing a row."""
    diag = getattr(getattr(error, "__cause__", None), "diag", None)
    constraint = getattr(diag, "constraint_name", None) or ""
    return constraint.endswith(SCOPE_GUARD_SUFFIX) or SCOPE_GUARD_SUFFIX in str(error)
