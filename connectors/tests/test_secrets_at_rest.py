"""Connector tokens and webhook signing secrets are encrypted at rest; keys rotate; clear rows get encrypted."""

import importlib

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from connectors.models import ConnectorConfig, WebhookEndpoint
from connectors.services.webhooks import webhook_endpoint_ensure
from core.crypto import UndecryptableSecret

TOKEN = "lin_api_a-token-that-must-never-be-stored-in-clear"
OLD_KEY, NEW_KEY, STRANGER_KEY = (Fernet.generate_key().decode() for _ in range(3))
DATA_MIGRATION = "0012_encrypt_stored_secrets"


def stored(table: str, pk) -> str:
    """The column as PostgreSQL holds it, read without the model."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT secret FROM "{table}" WHERE id = %s', [pk])
        return cursor.fetchone()[0]


def store_in_clear(table: str, pk, value: str) -> None:
    """A row as it was before secrets were encrypted."""
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{table}" SET secret = %s WHERE id = %s', [value, pk])


@pytest.fixture
def keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = (OLD_KEY,)
    return settings


@pytest.fixture
def config(keys, project):
    return ConnectorConfig.objects.create(project=project, source="linear", base_url="http://127.0.0.1:9/graphql",
                                          secret=TOKEN)  # fmt: skip


@pytest.fixture
def endpoint(config):
    return webhook_endpoint_ensure(config=config)[0]


@pytest.mark.django_db
def test_a_stored_token_is_not_in_the_table_in_clear_and_reads_back_through_the_model(config):
    raw = stored(ConnectorConfig._meta.db_table, config.pk)
    assert TOKEN not in raw
    assert Fernet(OLD_KEY).decrypt(raw.encode()).decode() == TOKEN
    assert ConnectorConfig.objects.get(pk=config.pk).secret == TOKEN
    assert ConnectorConfig.objects.filter(pk=config.pk).values_list("secret", flat=True).get() == TOKEN


@pytest.mark.django_db
def test_a_webhook_signing_secret_is_encrypted_at_rest(endpoint):
    secret = WebhookEndpoint.objects.get(pk=endpoint.pk).secret
    assert len(secret) == 64  # the clear hex secret the source signs with
    raw = stored(WebhookEndpoint._meta.db_table, endpoint.pk)
    assert secret not in raw
    assert Fernet(OLD_KEY).decrypt(raw.encode()).decode() == secret


@pytest.mark.django_db
def test_an_empty_secret_stays_empty(keys, project):
    config = ConnectorConfig.objects.create(project=project, source="attio", base_url="http://127.0.0.1:9", secret="")
    assert stored(ConnectorConfig._meta.db_table, config.pk) == ""
    assert ConnectorConfig.objects.filter(secret="").count() == 1


@pytest.mark.django_db
def test_without_the_key_that_wrote_it_a_row_is_unreadable_with_a_clear_error_that_leaks_nothing(config, keys):
    raw = stored(ConnectorConfig._meta.db_table, config.pk)
    keys.FIELD_ENCRYPTION_KEYS = (STRANGER_KEY,)

    with pytest.raises(UndecryptableSecret) as caught:
        ConnectorConfig.objects.get(pk=config.pk)

    message = str(caught.value)
    assert "connectors.ConnectorConfig.secret" in message
    assert "FIELD_ENCRYPTION_KEYS" in message
    for leak in (TOKEN, raw, OLD_KEY, STRANGER_KEY):
        assert leak not in message
    assert caught.value.__cause__ is None  # no InvalidToken chained into tracebacks


@pytest.mark.django_db
def test_rotation_a_new_first_key_still_reads_old_rows_and_rotate_secrets_moves_them_onto_it(config, endpoint, keys):
    webhook_secret = WebhookEndpoint.objects.get(pk=endpoint.pk).secret
    keys.FIELD_ENCRYPTION_KEYS = (NEW_KEY, OLD_KEY)
    assert ConnectorConfig.objects.get(pk=config.pk).secret == TOKEN  # the old key still decrypts

    out = _command("rotate_secrets", "--check")
    assert "connectors.ConnectorConfig.secret: 1 stored, 1 on older keys, 0 undecryptable" in out

    out = _command("rotate_secrets", "--batch-size", "1")
    assert "connectors.ConnectorConfig.secret: 1 re-encrypted of 1 stored, 0 undecryptable" in out
    assert "connectors.WebhookEndpoint.secret: 1 re-encrypted of 1 stored, 0 undecryptable" in out

    keys.FIELD_ENCRYPTION_KEYS = (NEW_KEY,)  # the old key retired
    assert ConnectorConfig.objects.get(pk=config.pk).secret == TOKEN
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == webhook_secret
    raw = stored(ConnectorConfig._meta.db_table, config.pk)
    assert Fernet(NEW_KEY).decrypt(raw.encode()).decode() == TOKEN
    # Idempotent: nothing left to move, nothing rewritten.
    assert "connectors.ConnectorConfig.secret: 0 re-encrypted of 1 stored" in _command("rotate_secrets")
    assert stored(ConnectorConfig._meta.db_table, config.pk) == raw


@pytest.mark.django_db
def test_rotate_secrets_check_reports_rows_no_key_decrypts_and_fails(config, keys):
    keys.FIELD_ENCRYPTION_KEYS = (STRANGER_KEY,)
    with pytest.raises(CommandError, match="1 stored value"):
        _command("rotate_secrets", "--check")
    with pytest.raises(CommandError):
        _command("rotate_secrets")
    keys.FIELD_ENCRYPTION_KEYS = (OLD_KEY,)
    assert ConnectorConfig.objects.get(pk=config.pk).secret == TOKEN  # left as it was


@pytest.mark.django_db
def test_the_data_migration_encrypts_clear_rows_once_and_its_reverse_writes_them_back(config, endpoint):
    config_table, endpoint_table = ConnectorConfig._meta.db_table, WebhookEndpoint._meta.db_table
    store_in_clear(config_table, config.pk, TOKEN)
    store_in_clear(endpoint_table, endpoint.pk, "clear-signing-secret")
    migration, historical = _data_migration()

    migration.encrypt_clear_values(historical, None)
    once = stored(config_table, config.pk)
    migration.encrypt_clear_values(historical, None)  # idempotent: already decryptable, left alone

    assert stored(config_table, config.pk) == once
    assert TOKEN not in once
    assert ConnectorConfig.objects.get(pk=config.pk).secret == TOKEN
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == "clear-signing-secret"

    migration.decrypt_values(historical, None)
    assert stored(config_table, config.pk) == TOKEN
    assert stored(endpoint_table, endpoint.pk) == "clear-signing-secret"


@pytest.mark.django_db
def test_the_data_migration_refuses_a_token_from_a_key_it_does_not_have(config, keys):
    keys.FIELD_ENCRYPTION_KEYS = (STRANGER_KEY,)
    migration, historical = _data_migration()
    with pytest.raises(UndecryptableSecret, match="missing"):
        migration.encrypt_clear_values(historical, None)
    keys.FIELD_ENCRYPTION_KEYS = (OLD_KEY,)
    assert ConnectorConfig.objects.get(pk=config.pk).secret == TOKEN  # not encrypted a second time


def _data_migration():
    """The migration module and the historical apps it runs with."""
    state = MigrationLoader(connection).project_state(("connectors", DATA_MIGRATION))
    return importlib.import_module(f"connectors.migrations.{DATA_MIGRATION}"), state.apps


def _command(*argv: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*argv, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_doctor_fails_on_secrets_no_key_decrypts_and_warns_on_old_keys(config, keys):
    from core.checks import check_secrets_at_rest

    assert check_secrets_at_rest()[0].status == "ok"
    keys.FIELD_ENCRYPTION_KEYS = (NEW_KEY, OLD_KEY)
    (old,) = check_secrets_at_rest()
    assert old.status == "warn"
    assert "rotate_secrets" in old.detail
    keys.FIELD_ENCRYPTION_KEYS = (STRANGER_KEY,)
    (lost,) = check_secrets_at_rest()
    assert lost.status == "fail"
    assert "connectors.ConnectorConfig.secret (1)" in lost.detail
    assert TOKEN not in lost.detail
