"""Row-level work on encrypted columns: re-encrypt with the first key, count what each key reads, encrypt clear rows.

These read and write the stored value itself (the token, or a clear value not yet encrypted), never through the
field's conversion: a value no key decrypts is counted, not raised. Used by `manage.py rotate_secrets` and by the
data migrations that put an existing column under encryption.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models.functions import Cast

from core import crypto
from core.fields import encrypted_fields

BATCH_SIZE = 500
RAW = "_stored_value"


@dataclass
class ColumnReport:
    """What one encrypted column holds, or what a rotation did to it."""

    label: str
    rows: int = 0  # rows with a value (empty and NULL values are not counted)
    rotated: int = 0  # re-encrypted with the first key by this run
    on_old_keys: int = 0  # decryptable, but not with the first key
    undecryptable: int = 0  # no key decrypts them


def _each_stored(manager, field_name: str, work: Callable[[object, str], None], *, batch_size: int, lock: bool):
    """Call `work(pk, stored value)` for each row with a value, by ascending pk, one transaction per batch (the
    batch's rows locked while `work` runs when `lock`)."""
    rows = manager.exclude(**{f"{field_name}__isnull": True}).exclude(**{field_name: ""})
    rows = rows.annotate(**{RAW: Cast(field_name, output_field=models.TextField())}).order_by("pk")
    last = None
    while True:
        with transaction.atomic():
            batch = rows if last is None else rows.filter(pk__gt=last)
            if lock:
                batch = batch.select_for_update(of=("self",))
            found = list(batch.values_list("pk", RAW)[:batch_size])
            for pk, stored in found:
                work(pk, stored)
        if len(found) < batch_size:
            return
        last = found[-1][0]


def _store(manager, pk, field_name: str, stored: str) -> None:
    """Write `stored` into the column as it is (a `Value` bypasses the field's encryption)."""
    manager.filter(pk=pk).update(**{field_name: models.Value(stored, output_field=models.TextField())})


def column_rotate(model, field, *, check_only: bool = False, batch_size: int = BATCH_SIZE) -> ColumnReport:
    """Re-encrypt one column's values with the first key, batch by batch (rows locked while rewritten).

    Values already on the first key are left alone, so a second run rewrites nothing. With `check_only` nothing
    is written: the report says how many values sit on older keys and how many no key decrypts."""
    report = ColumnReport(label=f"{model._meta.label}.{field.name}")
    manager = model._base_manager

    def work(pk, stored: str) -> None:
        report.rows += 1
        if crypto.on_primary_key(stored):
            return
        if not crypto.decryptable(stored):
            report.undecryptable += 1
            return
        report.on_old_keys += 1
        if not check_only:
            _store(manager, pk, field.attname, crypto.rotate(stored, what=report.label))
            report.rotated += 1

    _each_stored(manager, field.attname, work, batch_size=batch_size, lock=not check_only)
    return report


def secrets_rotate(*, check_only: bool = False, batch_size: int = BATCH_SIZE) -> list[ColumnReport]:
    """`column_rotate` for every EncryptedTextField of the installed apps."""
    return [
        column_rotate(model, field, check_only=check_only, batch_size=batch_size) for model, field in encrypted_fields()
    ]


def column_encrypt_clear(manager, field_name: str, *, batch_size: int = BATCH_SIZE) -> int:
    """Encrypt the clear values of a column that has just become encrypted; return how many were encrypted.

    Idempotent: values some key decrypts are skipped. A value shaped like a Fernet token that no key decrypts is
    refused (it was encrypted under a key that is missing; encrypting it again would lose it for good)."""
    label = f"{manager.model._meta.label}.{field_name}"
    encrypted = 0

    def work(pk, stored: str) -> None:
        nonlocal encrypted
        if crypto.decryptable(stored):
            return
        if crypto.looks_encrypted(stored):
            raise crypto.UndecryptableSecret(
                f"{label} holds a value encrypted under a key missing from {crypto.SETTING}: add that key and "
                "migrate again"
            )
        _store(manager, pk, field_name, crypto.encrypt(stored))
        encrypted += 1

    _each_stored(manager, field_name, work, batch_size=batch_size, lock=True)
    return encrypted


def column_decrypt_all(manager, field_name: str, *, batch_size: int = BATCH_SIZE) -> int:
    """Write a column's values back in clear (the reverse of `column_encrypt_clear`); return how many."""
    label = f"{manager.model._meta.label}.{field_name}"
    decrypted = 0

    def work(pk, stored: str) -> None:
        nonlocal decrypted
        if crypto.looks_encrypted(stored):  # else already clear
            _store(manager, pk, field_name, crypto.decrypt(stored, what=label))
            decrypted += 1

    _each_stored(manager, field_name, work, batch_size=batch_size, lock=True)
    return decrypted
