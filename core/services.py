"""Tenancy services: create and select projects, issue and revoke API keys, bootstrap an owner."""

import datetime as dt

from django.contrib.auth import get_user_model, login, logout
from django.db import transaction
from django.utils import timezone

from core.audit_trail import audit
from core.client_ip import client_ip
from core.errors import Conflict, DomainError, Forbidden
from core.models import AccountScope, ApiKey, ApiKeyScope, LastActiveProject, Membership, Project, Role
from core.selectors import (
    ACTIVE_PROJECT_SESSION_KEY,
    api_key_descendants,
    projects_visible_to,
    session_active_project,
)

DEFAULT_SCOPE_NAME = "Default studio"


def account_scope_for_new_project(*, user, scope_id=None) -> AccountScope | None:
    """The scope a new project goes into, or None when the user may not create one there."""
    scopes = AccountScope.objects.all() if user.is_superuser else user.owned_scopes.all()
    if scope_id is not None:
        return scopes.filter(pk=scope_id).first()
    scope = scopes.order_by("created_at").first()
    if scope is None and user.is_superuser:
        scope, _ = AccountScope.objects.get_or_create(name=DEFAULT_SCOPE_NAME)
    return scope


@transaction.atomic
def project_create(*, name: str, account_scope: AccountScope, created_by) -> Project:
    """Create a project and make its creator an owner member."""
    project = Project.objects.create(name=name, account_scope=account_scope)
    Membership.objects.create(user=created_by, project=project, role=Role.OWNER)
    audit(
        action="project.create",
        actor=created_by,
        project=project,
        entity_type="project",
        entity_id=str(project.id),
        payload={"name": name},
    )
    return project


def project_select(*, request, project: Project) -> None:
    """Make `project` the session's active project, and the one the user's next login opens."""
    request.session[ACTIVE_PROJECT_SESSION_KEY] = str(project.id)
    LastActiveProject.objects.update_or_create(user=request.user, defaults={"project": project,
                                                                           "selected_at": timezone.now()})  # fmt: skip
    audit(
        action="project.select",
        actor=request.user,
        project=project,
        entity_type="project",
        entity_id=str(project.id),
    )


class ApiKeyMintRefused(DomainError):
    """A key may not mint a key that outlives or outranks it; `detail` names the field."""

    code, status = "invalid_input", 400

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.detail = {field: message}


_SCOPE_RANK = {ApiKeyScope.READ: 0, ApiKeyScope.WRITE: 1}


def _mint_bounds(*, parent: ApiKey, scope: str, expires_at: dt.datetime | None) -> dt.datetime | None:
    """Check that `parent` may mint a key of `scope`; return its expiry: never later than the parent's, the
    parent's when none is asked. The parent is re-read FOR UPDATE, so a revocation under way is waited for."""
    parent = ApiKey.objects.select_for_update().get(pk=parent.pk)
    if not parent.is_active or not parent.can_write:
        raise Forbidden("Only an active write key can mint keys.")
    if _SCOPE_RANK[ApiKeyScope(scope)] > _SCOPE_RANK[ApiKeyScope(parent.scope)]:
        raise ApiKeyMintRefused("scope", f"A key minted by a {parent.scope} key cannot have a wider scope.")
    if parent.expires_at is None:
        return expires_at
    if expires_at is None:
        return parent.expires_at
    if expires_at > parent.expires_at:
        limit = parent.expires_at.isoformat().replace("+00:00", "Z")
        raise ApiKeyMintRefused("expires_at", f"Cannot outlive the key that mints it (it expires at {limit}).")
    return expires_at


@transaction.atomic
def api_key_create(
    *,
    project: Project,
    name: str,
    scope: str,
    created_by,
    expires_at: dt.datetime | None = None,
    parent: ApiKey | None = None,
) -> tuple[ApiKey, str]:
    """Issue a key; return the row and the raw key, which is never stored or shown again.

    A key minted by another key (`parent`, the key the request came with) belongs to the parent's project and
    creator, cannot outrank it (scope) nor outlive it (expiry ≤ the parent's; the parent's when none is given),
    and is revoked with it. Raises Forbidden for a read, revoked or expired parent, ApiKeyMintRefused otherwise.
    """
    from core.models import api_key_hash

    if parent is not None:
        expires_at = _mint_bounds(parent=parent, scope=scope, expires_at=expires_at)
        project, created_by = parent.project, parent.created_by
    prefix, raw = ApiKey.generate()
    key = ApiKey.objects.create(
        project=project,
        name=name,
        prefix=prefix,
        key_hash=api_key_hash(raw),
        scope=scope,
        created_by=created_by,
        expires_at=expires_at,
        parent=parent,
    )
    payload = {"prefix": prefix, "scope": scope}
    if parent is not None:
        payload["parent"] = str(parent.id)
    audit(
        action="api_key.create",
        actor=f"api key {parent.prefix}" if parent is not None else created_by,
        project=project,
        entity_type="api_key",
        entity_id=str(key.id),
        payload=payload,
    )
    return key, raw


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor) -> ApiKey:
    """Revoke a key now, and every key it minted, transitively (idempotent).

    Each key revoked here is audited (`api_key.revoke`); those revoked because an ancestor was name it in
    `payload.via`. Descendants already revoked are skipped, but their own minted keys are still reached. The keys
    are locked as they are found, so a key being minted under one of them is either refused or revoked too.
    """
    now = timezone.now()
    root = ApiKey.objects.select_for_update(of=("self",)).select_related("project").get(pk=key.pk)
    for each in [root, *api_key_descendants(root, lock=True)]:
        if each.revoked_at is not None:
            continue
        each.revoked_at = now
        each.save(update_fields=["revoked_at"])
        audit(
            action="api_key.revoke",
            actor=actor,
            project=each.project,
            entity_type="api_key",
            entity_id=str(each.id),
            payload={} if each is root else {"via": str(root.id)},
        )
    key.revoked_at = root.revoked_at
    return key


@transaction.atomic
def bootstrap_owner(*, username: str, password: str | None, demo_project: str) -> tuple[object, Project]:
    """Ensure the owner account, the default scope and the demo project exist (idempotent).

    The password is set only when the account is created, so a changed password survives restarts.
    """
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        if not password:
            raise ValueError("WORKFORCE_ADMIN_PASSWORD is required to create the owner account.")
        user = user_model.objects.create_superuser(username=username, password=password, email="")
    scope, _ = AccountScope.objects.get_or_create(name=DEFAULT_SCOPE_NAME)
    scope.owners.add(user)
    project, _ = Project.objects.get_or_create(account_scope=scope, name=demo_project)
    Membership.objects.get_or_create(user=user, project=project, defaults={"role": Role.OWNER})
    return user, project


# ---------------------------------------------------------------- sessions


def session_login(*, request, user) -> None:
    """Log `user` in (a fresh session) on their project: the only one they have, or the one they last made
    active if they can still open it (else they choose on the project list); audit it."""
    login(request._request, user)
    request.user = user  # DRF cached the anonymous user before login
    visible = projects_visible_to(user)
    projects = list(visible[:2])
    if len(projects) == 1:
        request.session[ACTIVE_PROJECT_SESSION_KEY] = str(projects[0].id)
    elif projects:
        last = LastActiveProject.objects.filter(user=user).values_list("project_id", flat=True).first()
        if last is not None and visible.filter(pk=last).exists():
            request.session[ACTIVE_PROJECT_SESSION_KEY] = str(last)
    audit(action="auth.login", actor=user, ip_address=client_ip(request), project=session_active_project(request))


def login_failure_record(*, request, username: str, reason: str) -> None:
    """Audit a refused login (unknown user, wrong password or lockout look the same to the caller)."""
    audit(
        action="auth.login_failed",
        actor=username[:150],
        status="failed",
        ip_address=client_ip(request),
        payload={"reason": reason},
    )


def session_logout(*, request) -> None:
    """Audit the logout with the project it left, then end the session."""
    project = session_active_project(request)
    audit(action="auth.logout", actor=request.user, ip_address=client_ip(request), project=project)
    logout(request._request)


# ---------------------------------------------------------------- members


class LastOwner(Conflict):
    """A project keeps at least one owner: the last one can be neither removed nor demoted."""

    code = "last_owner"


class UserNotFound(Exception):
    """No (single) user with that username or email."""


def user_find(identifier: str):
    """An existing, active user by username, or by email when exactly one user has it; else UserNotFound."""
    users = get_user_model().objects.filter(is_active=True)
    user = users.filter(username=identifier).first()
    if user is None and "@" in identifier:
        matches = list(users.filter(email__iexact=identifier)[:2])
        user = matches[0] if len(matches) == 1 else None
    if user is None:
        raise UserNotFound(identifier)
    return user


@transaction.atomic
def member_add(*, project: Project, user, role: str, actor) -> tuple[Membership, bool]:
    """Add `user` to the project with `role`; an existing member keeps their membership (returns created=False)."""
    membership, created = Membership.objects.get_or_create(project=project, user=user, defaults={"role": role})
    if created:
        audit(action="member.add", actor=actor, project=project, entity_type="user", entity_id=str(user.pk),
              payload={"username": user.get_username(), "role": role})  # fmt: skip
    return membership, created


@transaction.atomic
def member_role_change(*, membership: Membership, role: str, actor) -> Membership:
    """Change a member's role; demoting the last owner is refused. Their keys that now need more stop working
    (checked when a key authenticates)."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == role:
        return membership
    if membership.role == Role.OWNER:
        _owner_remains(membership)
    before, membership.role = membership.role, role
    membership.save(update_fields=["role"])
    audit(action="member.role_change", actor=actor, project=membership.project, entity_type="user",
          entity_id=str(membership.user_id), payload={"from": before, "to": role})  # fmt: skip
    return membership


@transaction.atomic
def member_remove(*, membership: Membership, actor) -> int:
    """Remove a member at once: their sessions lose the project on their next request (access is checked per
    request), and the keys they made for it are revoked now. Returns how many keys were revoked."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Role.OWNER:
        _owner_remains(membership)
    keys = ApiKey.objects.filter(project=membership.project, created_by=membership.user, revoked_at__isnull=True)
    revoked = [api_key_revoke(key=key, actor=actor) for key in keys]
    membership.delete()
    audit(action="member.remove", actor=actor, project=membership.project, entity_type="user",
          entity_id=str(membership.user_id), payload={"keys_revoked": len(revoked)})  # fmt: skip
    return len(revoked)


def _owner_remains(membership: Membership) -> None:
    owners = Membership.objects.select_for_update().filter(project=membership.project, role=Role.OWNER)
    if not owners.exclude(pk=membership.pk).exists():
        raise LastOwner("A project keeps at least one owner: make someone else owner first.")
