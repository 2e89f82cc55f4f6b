"""Model fields of the foundation: `EncryptedTextField`, a text column that holds a Fernet token (core.crypto)."""

from django.apps import apps
from django.db import models

from core import crypto


class EncryptedTextField(models.TextField):
    """A text kept encrypted in the database and clear on the model (for secrets that must be recovered in clear).

    Saving encrypts with the first key of FIELD_ENCRYPTION_KEYS; loading decrypts with any of them and raises
    `crypto.UndecryptableSecret` naming the field when none can. `None` and `""` are stored as they are, so
    "is it set" lookups keep working; any other lookup on the value cannot match (every token differs).
    """

    description = "Text encrypted at rest (Fernet)"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value, what=self.qualified_name())

    def qualified_name(self) -> str:
        model = getattr(self, "model", None)
        return f"{model._meta.label}.{self.name}" if model is not None else str(self.name)


def encrypted_fields() -> list[tuple[type[models.Model], EncryptedTextField]]:
    """Every (model, field) of the installed apps stored by an EncryptedTextField, in a stable order."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        found.extend((model, field) for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField))
    return sorted(found, key=lambda pair: (pair[0]._meta.label, pair[1].name))
