"""Encrypt the connector tokens and webhook signing secrets stored in clear before 0011 (issue 16).

Idempotent: values some key of FIELD_ENCRYPTION_KEYS already decrypts are left alone. Reversible: going back
writes them in clear again (for a rollback of the release, with the keys still set).
"""

from django.db import migrations

from core.secret_storage import column_decrypt_all, column_encrypt_clear

# (model, field) whose column became an EncryptedTextField in 0011.
COLUMNS = (("ConnectorConfig", "secret"), ("WebhookEndpoint", "secret"))


def encrypt_clear_values(apps, schema_editor):
    for model, field in COLUMNS:
        column_encrypt_clear(apps.get_model("connectors", model)._base_manager, field)


def decrypt_values(apps, schema_editor):
    for model, field in COLUMNS:
        column_decrypt_all(apps.get_model("connectors", model)._base_manager, field)


class Migration(migrations.Migration):
    dependencies = [
        ("connectors", "0011_secrets_encrypted_at_rest"),
    ]

    operations = [
        migrations.RunPython(encrypt_clear_values, decrypt_values, elidable=False),
    ]
