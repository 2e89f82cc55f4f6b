"""Tenancy (account scopes, projects, memberships, project-bound API keys), idempotency records and shared
metric counters."""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.roles import Role
from core.scoping import ScopedModel


class AccountScope(models.Model):
    """A studio or workspace; owns projects. Its owners see and create every project in it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, unique=True)
    owners = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="owned_scopes", blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    """A client project: every domain row belongs to exactly one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account_scope = models.ForeignKey(AccountScope, on_delete=models.PROTECT, related_name="projects")
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["account_scope", "name"], name="project_name_unique_in_scope"),
            # Target of every scoped table's composite foreign key (the scope guard).
            models.UniqueConstraint(fields=["id", "account_scope"], name="project_id_scope_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in one project."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "project"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} in {self.project} as {self.role}"


class ApiKeyScope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Read and write"


API_KEY_PREFIX = "wfo_"
# What a key's creator must still be in the key's project (superusers and scope owners count as owners).
WRITE_KEY_CREATOR_ROLES = frozenset({Role.OWNER, Role.PM})
READ_KEY_CREATOR_ROLES = frozenset(Role.values)


def api_key_hash(raw_key: str) -> str:
    """SHA-256 of the whole key; keys are 256-bit random, so a fast hash is the right tool."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiKey(ScopedModel):
    """A project-bound key for REST clients. Only its hash is stored; the key is shown once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    prefix = models.CharField(max_length=16, unique=True, help_text="Shown to identify the key.")
    key_hash = models.CharField(max_length=64, editable=False)
    scope = models.CharField(max_length=10, choices=ApiKeyScope.choices, default=ApiKeyScope.READ)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # The key that minted this one (None when a person made it). Deleting a key deletes what it minted, so
    # no minted key outlives its parent, whatever removed the parent (revocation cascades the same way).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="minted", editable=False
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> tuple[str, str]:
        """Return (prefix, raw key) for a new key."""
        prefix = secrets.token_hex(4)
        return prefix, f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def can_write(self) -> bool:
        return self.scope == ApiKeyScope.WRITE

    def creator_roles_allowed(self) -> frozenset[str]:
        """The roles its creator must hold in the key's project for the key to work (write: owner/pm)."""
        return WRITE_KEY_CREATOR_ROLES if self.can_write else READ_KEY_CREATOR_ROLES


class LastActiveProject(models.Model):
    """The project a user last made active, so their next login opens it (when they can still open it)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="last_active_project")  # fmt: skip
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    selected_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} → {self.project}"


class IdempotencyRecord(models.Model):
    """The stored response of a POST made with an `Idempotency-Key`, per caller (user or API key), project
    (None for endpoints outside a project) and method + path: the same key elsewhere is another request."""

    caller = models.CharField(max_length=100)
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    method_path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            # NULLS NOT DISTINCT: requests outside a project (project None) must collide on the key too.
            models.UniqueConstraint(
                fields=["caller", "project", "method_path", "key"],
                name="idempotency_caller_project_path_key_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.caller} {self.key}"


class MetricCounter(models.Model):
    """A Prometheus counter shared by every process (web, worker, commands): `/metrics` reads it at scrape
    time, so each web process reports the same total (see `core/counters.py`)."""

    name = models.CharField(max_length=200, primary_key=True)
    value = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "audit_metriccounter"  # named when the counters lived in the audit app

    def __str__(self) -> str:
        return f"{self.name} = {self.value}"
