"""`/health` reports each dependency; a stopped Redis turns it 503 and names Redis."""

import shutil

import pytest

from tests.support.harness import start_redis, stop_redis
from workforce import embedded


@pytest.mark.django_db
def test_health_is_ok_with_database_redis_and_migrations(api):
    response = api.get("/health")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "broker", "migrations"}
    assert all(check["status"] == "ok" for check in body["checks"].values())


@pytest.mark.django_db
@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server to start and stop its own")
def test_health_turns_503_naming_redis_when_redis_stops(api, settings, tmp_path):
    url, pid = start_redis(tmp_path / "redis")
    settings.REDIS_URL = url
    settings.CELERY_BROKER_URL = url
    assert api.get("/health").status_code == 200

    stop_redis(pid)
    response = api.get("/health")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["checks"]["redis"]["status"] == "fail"
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db
def test_single_machine_mode_is_degraded_not_failed(api, settings):
    settings.REDIS_URL = None
    settings.CELERY_BROKER_URL = "filesystem://"
    response = api.get("/health")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["redis"]["status"] == "degraded"


def test_redis_resolution_falls_back_to_single_machine_mode(monkeypatch, tmp_path):
    monkeypatch.setattr(embedded, "REDIS_DIR", tmp_path)
    monkeypatch.setattr(embedded.shutil, "which", lambda name: None)
    dead = f"redis://127.0.0.1:{embedded.free_port()}/0"
    resolution = embedded.redis_resolve(dead)
    assert resolution.mode == "none"
    assert resolution.url is None
    assert embedded.redis_resolve("none").mode == "none"


@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")
def test_redis_resolution_starts_a_private_server_when_none_answers(monkeypatch, tmp_path):
    monkeypatch.setattr(embedded, "REDIS_DIR", tmp_path)
    dead = f"redis://127.0.0.1:{embedded.free_port()}/0"
    original = embedded.redis_start_private
    monkeypatch.setattr(embedded, "redis_start_private", lambda: original(directory=tmp_path))
    resolution = embedded.redis_resolve(dead)
    try:
        assert resolution.mode == "private"
        assert embedded.redis_ping(resolution.url)
    finally:
        embedded.redis_stop_private(directory=tmp_path)
    assert not embedded.redis_ping(resolution.url)


@pytest.mark.django_db
def test_unapplied_migrations_fail_health_even_after_an_ok_answer(api, monkeypatch):
    from django.db.migrations.recorder import MigrationRecorder

    from core import health

    monkeypatch.setattr(health, "_migrations_ok_until", 0.0)
    assert api.get("/health").json()["checks"]["migrations"]["status"] == "ok"
    MigrationRecorder.Migration.objects.filter(app="audit").order_by("-id").first().delete()
    # The ok answer is cached for a while; a problem found after it expires is reported at once.
    monkeypatch.setattr(health, "_migrations_ok_until", 0.0)
    response = api.get("/health")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"]["detail"] == "1 unapplied migration(s)"
