"""Encryption of secrets at rest: Fernet tokens under the keys of FIELD_ENCRYPTION_KEYS.

FIELD_ENCRYPTION_KEYS is a list of Fernet keys (32 url-safe base64-encoded bytes each). The first one encrypts,
every one of them decrypts (`cryptography`'s MultiFernet), so a new key goes first while the old ones still read
the rows they wrote, until `manage.py rotate_secrets` has re-encrypted those. Keys are read from settings at call
time (tests override them) and the MultiFernet is cached per tuple of keys. No message here ever carries a key,
a token or a clear value.
"""

import base64
import binascii
from collections.abc import Iterable
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.core.exceptions import ImproperlyConfigured

SETTING = "FIELD_ENCRYPTION_KEYS"
FERNET_VERSION = 0x80
FERNET_MIN_BYTES = 1 + 8 + 16 + 16 + 32  # version, timestamp, IV, one AES block, HMAC


class UndecryptableSecret(Exception):
    """A stored value that none of FIELD_ENCRYPTION_KEYS decrypts (the key that wrote it is missing)."""


def keys_problem(keys: Iterable[str]) -> str | None:
    """Why these keys cannot be used (one sentence without any key), or None when they can."""
    keys = [key.strip() for key in keys]
    if not any(keys):
        return f"{SETTING} holds no key"
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, binascii.Error):
            return (f"{SETTING}: key {number} of {len(keys)} is not a Fernet key "
                    "(32 url-safe base64-encoded bytes, e.g. from Fernet.generate_key())")  # fmt: skip
    return None


def keys_split(raw: str) -> tuple[str, ...]:
    """The keys of a comma-separated FIELD_ENCRYPTION_KEYS value, first (the encrypting one) first."""
    return tuple(key.strip() for key in raw.split(",") if key.strip())


@lru_cache(maxsize=8)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    problem = keys_problem(keys)
    if problem:
        raise ImproperlyConfigured(problem)
    return MultiFernet([Fernet(key) for key in keys])


def _keys() -> tuple[str, ...]:
    from django.conf import settings

    keys = getattr(settings, SETTING, ())
    return keys_split(keys) if isinstance(keys, str) else tuple(keys)


def fernet() -> MultiFernet:
    """The MultiFernet of the current FIELD_ENCRYPTION_KEYS (ImproperlyConfigured when they are unusable)."""
    return _multi_fernet(_keys())


def primary_fernet() -> Fernet:
    """The Fernet of the first key alone: what every value is re-encrypted with."""
    fernet()  # validates the keys
    return Fernet(_keys()[0])


def encrypt(text: str) -> str:
    """A Fernet token of `text` under the first key."""
    return fernet().encrypt(text.encode()).decode()


def decrypt(token: str, *, what: str = "a stored secret") -> str:
    """The clear text of `token`; UndecryptableSecret naming `what` when no key decrypts it."""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableSecret(
            f"{what} cannot be decrypted with any key of {SETTING}: the key that encrypted it is missing "
            "(add it back after the new one, then run `manage.py rotate_secrets`)"
        ) from None


def decryptable(token: str) -> bool:
    """Whether some key of FIELD_ENCRYPTION_KEYS decrypts `token`."""
    try:
        fernet().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def on_primary_key(token: str) -> bool:
    """Whether `token` was encrypted with the first key (nothing to rotate)."""
    try:
        primary_fernet().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate(token: str, *, what: str = "a stored secret") -> str:
    """`token` re-encrypted with the first key (UndecryptableSecret when no key decrypts it)."""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableSecret(f"{what} cannot be decrypted with any key of {SETTING}") from None


def looks_encrypted(value: str) -> bool:
    """Whether `value` has the shape of a Fernet token (version byte, long enough), whoever's key made it."""
    try:
        data = base64.b64decode(value.encode(), altchars=b"-_", validate=True)
    except (ValueError, binascii.Error):
        return False
    return len(data) >= FERNET_MIN_BYTES and data[0] == FERNET_VERSION
