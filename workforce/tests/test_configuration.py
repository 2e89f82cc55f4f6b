"""docker-compose.yml and docs/configuration.md agree with what the settings actually read."""

import re
from pathlib import Path

import yaml
from django.conf import settings

from workforce import launcher
from workforce.env import READ_VARIABLES

ROOT = Path(__file__).resolve().parents[2]
# Variables that only configure the third-party images in compose, not our code.
IMAGE_ONLY = {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD", "SITE_ADDRESS"}


def documented_variables() -> set[str]:
    text = (ROOT / "docs" / "configuration.md").read_text()
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", text, flags=re.MULTILINE))


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_every_variable_the_code_reads_is_documented():
    launcher.env_int("PORT", 8000)
    launcher.env_str("HOST", "127.0.0.1")
    missing = READ_VARIABLES - documented_variables()
    assert not missing, f"undocumented variables: {sorted(missing)}"


def test_compose_has_the_services_with_the_right_commands():
    services = compose()["services"]
    assert {"postgres", "redis", "web", "worker", "worker-webhooks", "beat", "caddy"} <= set(services)
    assert services["postgres"]["image"].startswith("pgvector/pgvector")
    web = " ".join(services["web"]["command"])
    assert "uvicorn workforce.asgi:application" in web
    assert "celery -A workforce worker -Q celery " in " ".join(services["worker"]["command"])
    # Webhook deliveries have their own worker, on the queue their task is routed to.
    assert "celery -A workforce worker -Q webhooks " in " ".join(services["worker-webhooks"]["command"])
    assert settings.CELERY_TASK_ROUTES["connectors.tasks.webhook_deliveries_apply"] == {"queue": "webhooks"}
    assert "celery -A workforce beat" in " ".join(services["beat"]["command"])
    assert "noeviction" in services["redis"]["command"]


def test_compose_only_sets_variables_the_code_reads():
    services = compose()["services"]
    for name in ("web", "worker", "worker-webhooks", "beat", "migrate"):
        env = set(services[name]["environment"])
        unknown = env - READ_VARIABLES
        assert not unknown, f"{name} sets variables nothing reads: {sorted(unknown)}"
        assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "WORKFORCE_ENV"} <= env


def test_compose_interpolations_are_documented_or_image_only():
    text = (ROOT / "docker-compose.yml").read_text()
    interpolated = set(re.findall(r"\$\{([A-Z_]+)", text))
    assert interpolated - documented_variables() - IMAGE_ONLY == set()


def test_web_trusts_exactly_one_proxy_caddy_in_the_app_and_in_uvicorn():
    import ipaddress

    config = compose()
    web, caddy = config["services"]["web"], config["services"]["caddy"]
    assert web["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    command = web["command"]
    trusted = command[command.index("--forwarded-allow-ips") + 1]
    caddy_address = caddy["networks"]["default"]["ipv4_address"]
    assert trusted == caddy_address  # uvicorn rewrites the client only for requests Caddy forwards
    subnet = config["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(caddy_address) in ipaddress.ip_network(subnet)
    assert settings.TRUSTED_PROXY_COUNT == 0  # the default: X-Forwarded-For ignored without a proxy
    assert settings.AXES_CLIENT_IP_CALLABLE == "core.client_ip.client_ip"


def test_caddy_does_not_buffer_the_event_stream():
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "/api/events/stream" in caddyfile
    assert "flush_interval -1" in caddyfile
    assert "respond /metrics 404" in caddyfile  # unauthenticated: internal network only


def test_production_settings_pass_the_deploy_check():
    import os
    import secrets
    import subprocess
    import sys

    env = dict(
        os.environ,
        WORKFORCE_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        WORKFORCE_ADMIN_PASSWORD="set-by-operator",
        ALLOWED_HOSTS="ops.example.com",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env["WORKFORCE_ENV"] = "production"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def _settings_value(name: str, **variables: str) -> str:
    import os
    import subprocess
    import sys

    env = {key: value for key, value in os.environ.items() if key != name}
    env.update(DJANGO_SETTINGS_MODULE="workforce.settings", DATABASE_URL="postgres://u@localhost/db",
               DJANGO_SECRET_KEY="k" * 60, WORKFORCE_ADMIN_PASSWORD="set", **variables)  # fmt: skip
    command = [sys.executable, "-c", f"from django.conf import settings; print(settings.{name})"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_private_source_addresses_are_refused_by_default_in_production_only():
    name = "CONNECTOR_ALLOW_PRIVATE_ADDRESSES"
    assert _settings_value(name, WORKFORCE_ENV="production") == "False"
    assert _settings_value(name, WORKFORCE_ENV="production", CONNECTOR_ALLOW_PRIVATE_ADDRESSES="true") == "True"
    assert _settings_value(name, WORKFORCE_ENV="development") == "True"


def test_the_broker_never_hands_out_a_task_that_may_still_be_running():
    from celery import current_app

    from workforce.celery import app  # noqa: F401 - registers the project's tasks

    limits = {name: task.time_limit or settings.CELERY_TASK_TIME_LIMIT for name, task in current_app.tasks.items()
              if not name.startswith("celery.")}  # fmt: skip
    assert limits["connectors.tasks.connector_sync_task"] == 3700  # the longest, as the settings' comment says
    # The tests run on Redis (the filesystem broker of single-machine mode has no visibility timeout).
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > max(limits.values())
