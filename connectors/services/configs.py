"""Connector configuration: create/update per project, seed the default project from the environment."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from connectors.models import ConnectorConfig, ConnectorSyncState, Source, SyncStatus
from connectors.services.webhook_registration import webhooks_follow_config
from core.http import base_url_check

# A change to any of these re-registers the config's webhook (a disabled config loses it).
CONNECTION_FIELDS = ("base_url", "secret", "account_id", "enabled")
DEFAULT_RATE = {Source.CHATWOOT: 20.0, Source.LINEAR: 10.0, Source.ATTIO: 20.0}


@transaction.atomic
def connector_config_upsert(
    *,
    project,
    source: str,
    base_url: str,
    secret: str,
    account_id: str = "",
    enabled: bool = True,
    rate_limit_per_second: float | None = None,
) -> ConnectorConfig:
    """Create or update a project's config; new credentials un-pause a connector paused as misconfigured, and a
    registered webhook follows a change of where or how the source is reached (after commit).

    Raises `core.http.AddressNotAllowed` for a base URL that is not http(s), or whose host resolves to a private or
    reserved address while CONNECTOR_ALLOW_PRIVATE_ADDRESSES is off."""
    base_url_check(base_url, allow_private=settings.CONNECTOR_ALLOW_PRIVATE_ADDRESSES)
    before = ConnectorConfig.objects.filter(project=project, source=source).values(*CONNECTION_FIELDS).first()
    config, _ = ConnectorConfig.objects.update_or_create(
        project=project,
        source=source,
        defaults={
            "base_url": base_url,
            "secret": secret,
            "account_id": account_id,
            "enabled": enabled,
            "rate_limit_per_second": rate_limit_per_second or DEFAULT_RATE.get(source, 10.0),
        },
        create_defaults={
            "base_url": base_url,
            "secret": secret,
            "account_id": account_id,
            "enabled": enabled,
            "rate_limit_per_second": rate_limit_per_second or DEFAULT_RATE.get(source, 10.0),
            "sync_interval_minutes": settings.CONNECTOR_SYNC_INTERVAL_MINUTES,
        },
    )
    if before is None or before["secret"] != secret:
        ConnectorConfig.objects.filter(pk=config.pk).update(secret_changed_at=timezone.now())
    connector_unpause(project=project, source=source)
    if before is not None and before != {field: getattr(config, field) for field in CONNECTION_FIELDS}:
        transaction.on_commit(lambda: webhooks_follow_config(config=config, actor="connector config change"))
    return config


# What a person may set through the API and the Sources page (the token arrives as `secret`).
EDITABLE_FIELDS = ("base_url", "secret", "account_id", "enabled", "sync_interval_minutes", "rate_limit_per_second")


@transaction.atomic
def connector_config_save(*, project, source: str, changes: dict, actor) -> tuple[ConnectorConfig, bool]:
    """Create the project's config for `source` or change some of its fields; returns (config, created).

    Like `connector_config_upsert`: the base URL is checked against the private-address policy, new credentials
    un-pause the connector, and a registered webhook follows a change of where or how the source is reached.
    Audited with the names of the fields that changed (never the token)."""
    config = ConnectorConfig.objects.select_for_update().filter(project=project, source=source).first()
    created = config is None
    if created:
        config = ConnectorConfig(project=project, source=source, rate_limit_per_second=DEFAULT_RATE.get(source, 10.0),
                                 sync_interval_minutes=settings.CONNECTOR_SYNC_INTERVAL_MINUTES)  # fmt: skip
    if "base_url" in changes:
        base_url_check(changes["base_url"], allow_private=settings.CONNECTOR_ALLOW_PRIVATE_ADDRESSES)
    before = {field: getattr(config, field) for field in CONNECTION_FIELDS}
    changed = [field for field in EDITABLE_FIELDS if field in changes and getattr(config, field) != changes[field]]
    for field in changed:
        setattr(config, field, changes[field])
    if "secret" in changed:
        config.secret_changed_at = timezone.now()
    if created or changed:
        config.save()
    if {"secret", "account_id", "base_url"} & set(changed):
        connector_unpause(project=project, source=source)
    if not created and before != {field: getattr(config, field) for field in CONNECTION_FIELDS}:
        transaction.on_commit(lambda: webhooks_follow_config(config=config, actor="connector config change"))
    if created or changed:
        action = "connector.config_created" if created else "connector.config_updated"
        audit_record(action=action, actor=actor, project=project, entity_type="connector", entity_id=source,
                     payload={"fields": ["token" if field == "secret" else field for field in changed]})  # fmt: skip
    return config, created


@transaction.atomic
def connector_config_delete(*, config: ConnectorConfig, actor) -> None:
    """Forget how the project reaches the source: its webhook subscription is removed first (best effort); what
    was synced stays, and the connector no longer syncs."""
    config.enabled = False
    webhooks_follow_config(config=config, actor=actor)
    audit_record(action="connector.config_deleted", actor=actor, project=config.project, entity_type="connector",
                 entity_id=config.source, payload={})  # fmt: skip
    config.delete()


def connector_unpause(*, project, source: str) -> int:
    """A paused connector becomes idle again (after its credentials were fixed)."""
    return ConnectorSyncState.objects.filter(project=project, source=source, status=SyncStatus.PAUSED).update(
        status=SyncStatus.IDLE, paused_reason=""
    )


def connector_configs_seed_from_env(*, project) -> list[ConnectorConfig]:
    """Seed the default project's configs from CHATWOOT_*, LINEAR_* and ATTIO_* (only those set)."""
    seeds = [
        (
            Source.CHATWOOT,
            settings.CHATWOOT_BASE_URL,
            settings.CHATWOOT_API_TOKEN,
            settings.CHATWOOT_ACCOUNT_ID,
        ),
        (Source.LINEAR, settings.LINEAR_API_URL, settings.LINEAR_API_KEY, ""),
        (Source.ATTIO, settings.ATTIO_API_URL, settings.ATTIO_API_KEY, ""),
    ]
    return [
        connector_config_upsert(project=project, source=source, base_url=url, secret=secret, account_id=account)
        for source, url, secret, account in seeds
        if url and secret
    ]
