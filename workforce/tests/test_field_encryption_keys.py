"""FIELD_ENCRYPTION_KEYS: production requires usable keys; a dev machine keeps one in its data folder."""

import os

import pytest
from cryptography.fernet import Fernet

from workforce import devservices, embedded
from workforce.preflight import CannotStart, production_requirements

KEY = Fernet.generate_key().decode()


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("WORKFORCE_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", "postgres://workforce@127.0.0.1:1/workforce")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "production-key-for-this-test")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    return monkeypatch


@pytest.mark.parametrize("value", [None, "", " , "])
def test_preflight_refuses_production_without_field_encryption_keys(production, value):
    if value is None:
        production.delenv("FIELD_ENCRYPTION_KEYS", raising=False)
    else:
        production.setenv("FIELD_ENCRYPTION_KEYS", value)
    with pytest.raises(CannotStart, match="FIELD_ENCRYPTION_KEYS"):
        production_requirements(ping_broker=False)


def test_preflight_refuses_a_malformed_key_without_showing_it(production):
    production.setenv("FIELD_ENCRYPTION_KEYS", f"{KEY}, short-secret-material")
    with pytest.raises(CannotStart) as caught:
        production_requirements(ping_broker=False)
    assert "key 2 of 2 is not a Fernet key" in str(caught.value)
    assert "short-secret-material" not in str(caught.value)
    assert KEY not in str(caught.value)


def test_preflight_accepts_production_with_a_new_and_an_old_key(production):
    production.setenv("FIELD_ENCRYPTION_KEYS", f"{KEY},{Fernet.generate_key().decode()}")
    production_requirements(ping_broker=False)


def test_the_dev_key_is_created_0600_and_reused(tmp_path):
    path = tmp_path / devservices.DEV_FIELD_KEY_FILE

    first = devservices.development_field_encryption_key(path)

    assert path.stat().st_mode & 0o777 == 0o600
    Fernet(first)  # a usable Fernet key
    assert devservices.development_field_encryption_key(path) == first
    assert not [p for p in tmp_path.iterdir() if p != path]  # no draft left behind


def test_dev_environment_sets_the_kept_key_only_when_unset():
    environ = {"DATABASE_URL": "postgres://nobody@127.0.0.1:1/x", "REDIS_URL": "none"}
    devservices.dev_environment(environ)
    kept = (embedded.DATA_DIR / devservices.DEV_FIELD_KEY_FILE).read_text().strip()
    assert environ["FIELD_ENCRYPTION_KEYS"] == kept
    assert os.stat(embedded.DATA_DIR / devservices.DEV_FIELD_KEY_FILE).st_mode & 0o777 == 0o600

    given = {"DATABASE_URL": "postgres://nobody@127.0.0.1:1/x", "REDIS_URL": "none", "FIELD_ENCRYPTION_KEYS": KEY}
    devservices.dev_environment(given)
    assert given["FIELD_ENCRYPTION_KEYS"] == KEY
