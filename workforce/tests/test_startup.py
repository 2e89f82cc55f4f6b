"""Settings only read the environment; production refuses to start in one line; a dev machine prepares its own.

Every case runs real processes (`python -c`, `manage.py`, uvicorn, celery) with the environment a user would have.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from cryptography.fernet import Fernet

from workforce import embedded

ROOT = Path(__file__).resolve().parents[2]
SERVICE_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "DJANGO_SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "WORKFORCE_DB_NAME",
)
FIELD_KEY = Fernet.generate_key().decode()
PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "broker": settings.CELERY_BROKER_URL,
    "broker_options": settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    "static_root": str(settings.STATIC_ROOT),
    "single_machine": settings.SINGLE_MACHINE_MODE,
    "eventstream_redis": getattr(settings, "EVENTSTREAM_REDIS", None),
}))
"""


def run(argv: list[str], env: dict, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def shell_env(**variables: str) -> dict:
    """This machine's environment without the variables the test session prepared, plus `variables`."""
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    return {**env, **variables}


def dead_redis_url(password: str = "") -> str:
    auth = f":{password}@" if password else ""
    return f"redis://{auth}127.0.0.1:{embedded.free_port()}/0"


def processes_mentioning(path: Path) -> list[str]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if str(path) in cmdline:
            found.append(cmdline)
    return found


# ---------------------------------------------------------------- settings


@pytest.mark.parametrize("missing", ["DATABASE_URL", "DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEYS"])
def test_settings_without_a_required_variable_refuse_and_start_or_write_nothing(tmp_path, missing):
    data_dir = tmp_path / "data"
    given = {
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",
        "DJANGO_SECRET_KEY": "dev-key",
        "FIELD_ENCRYPTION_KEYS": FIELD_KEY,
    }
    del given[missing]
    env = shell_env(WORKFORCE_ENV="development", WORKFORCE_DATA_DIR=str(data_dir), **given)

    result = run([sys.executable, "-c", "import workforce.settings"], env)

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {missing} is not set" in result.stderr, result.stderr
    assert not data_dir.exists(), "settings created the data folder"
    assert processes_mentioning(tmp_path) == []  # no postmaster, no redis-server


@pytest.mark.parametrize("redis", ["none", "dead"])
def test_settings_name_the_data_folders_but_create_nothing_and_probe_nothing(tmp_path, redis):
    data_dir = tmp_path / "data"
    redis_url = "none" if redis == "none" else dead_redis_url()
    env = shell_env(
        WORKFORCE_ENV="development",
        WORKFORCE_DATA_DIR=str(data_dir),
        DATABASE_URL="postgres://nobody@127.0.0.1:1/nothing",
        DJANGO_SECRET_KEY="dev-key",
        FIELD_ENCRYPTION_KEYS=FIELD_KEY,
        REDIS_URL=redis_url,
        DJANGO_SETTINGS_MODULE="workforce.settings",
    )

    result = run([sys.executable, "-c", f"import django; django.setup(); {PRINT_SETTINGS}"], env)

    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["static_root"] == str(data_dir / "staticfiles")
    if redis == "none":
        assert seen["single_machine"] is True
        assert seen["broker"] == "filesystem://"
        assert seen["broker_options"]["data_folder_in"] == str(data_dir / "broker" / "in")
        assert seen["eventstream_redis"] is None
    else:  # taken as given: nothing asked whether it answers
        assert seen["single_machine"] is False
        assert seen["broker"] == redis_url
        assert seen["eventstream_redis"]["port"] == int(redis_url.rsplit(":", 1)[1].split("/")[0])
    assert not data_dir.exists(), "settings created the data folder"
    assert processes_mentioning(tmp_path) == []


# ---------------------------------------------------------------- production refuses in one line


def production_env(**variables: str) -> dict:
    return shell_env(
        WORKFORCE_ENV="production",
        DJANGO_SECRET_KEY="production-key-for-this-test",
        FIELD_ENCRYPTION_KEYS=FIELD_KEY,
        WORKFORCE_ADMIN_PASSWORD="set-by-operator",
        **variables,
    )


def one_line(result: subprocess.CompletedProcess) -> str:
    """The refusal: exit code 2 and exactly one line on stderr, no traceback."""
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("workforce: cannot start: "), lines[0]
    return lines[0]


def test_production_without_database_url_refuses_in_one_line():
    line = one_line(run([sys.executable, "manage.py", "check"], production_env(REDIS_URL=dead_redis_url())))
    assert "DATABASE_URL is not set" in line
    assert "WORKFORCE_ENV=production" in line


def test_production_with_a_broker_nobody_answers_refuses_in_one_line_without_its_password():
    url = dead_redis_url(password="hunter2-secret")
    env = production_env(DATABASE_URL="postgres://workforce:db-secret@127.0.0.1:1/workforce", REDIS_URL=url)
    result = run([sys.executable, "manage.py", "check"], env)
    line = one_line(result)
    assert "broker" in line
    assert url.replace("hunter2-secret", "***") in line
    assert "hunter2-secret" not in result.stderr + result.stdout
    assert "db-secret" not in result.stderr + result.stdout


def test_production_without_field_encryption_keys_refuses_in_one_line():
    env = production_env(DATABASE_URL="postgres://workforce@127.0.0.1:1/workforce", REDIS_URL=dead_redis_url())
    del env["FIELD_ENCRYPTION_KEYS"]
    line = one_line(run([sys.executable, "manage.py", "check"], env))
    assert "FIELD_ENCRYPTION_KEYS is not set" in line
    assert "WORKFORCE_ENV=production" in line


def test_production_with_a_malformed_field_encryption_key_refuses_in_one_line_without_the_keys():
    bad = "not-a-fernet-key-but-secret-material"
    env = production_env(DATABASE_URL="postgres://workforce@127.0.0.1:1/workforce", REDIS_URL=dead_redis_url())
    env["FIELD_ENCRYPTION_KEYS"] = f"{FIELD_KEY},{bad}"
    result = run([sys.executable, "manage.py", "check"], env)
    line = one_line(result)
    assert "FIELD_ENCRYPTION_KEYS: key 2 of 2 is not a Fernet key" in line
    assert bad not in result.stderr + result.stdout
    assert FIELD_KEY not in result.stderr + result.stdout


@pytest.mark.parametrize("redis_url", ["none", ""])
def test_production_refuses_single_machine_mode(redis_url):
    env = production_env(DATABASE_URL="postgres://workforce@127.0.0.1:1/workforce", REDIS_URL=redis_url)
    line = one_line(run([sys.executable, "manage.py", "check"], env))
    assert "REDIS_URL" in line


@pytest.mark.parametrize(
    "program",
    [
        ["-m", "uvicorn", "workforce.asgi:application", "--port", "0"],
        ["-m", "celery", "-A", "workforce", "worker", "--pool", "solo"],
        ["-m", "celery", "-A", "workforce", "beat"],
        ["-c", "import workforce.wsgi"],
    ],
    ids=["uvicorn", "celery-worker", "celery-beat", "wsgi"],
)
def test_every_production_process_refuses_a_dead_broker_the_same_way(program):
    env = production_env(DATABASE_URL="postgres://workforce@127.0.0.1:1/workforce", REDIS_URL=dead_redis_url())
    line = one_line(run([sys.executable, *program], env, timeout=90))
    assert "the broker at redis://127.0.0.1:" in line


# ---------------------------------------------------------------- development prepares itself


def test_manage_py_on_a_dev_machine_runs_on_the_embedded_postgres_with_a_kept_secret_key():
    """No DATABASE_URL, no secret key, no field keys: manage.py starts (or reuses) the embedded server and uses the
    dev keys kept in the data folder."""
    env = shell_env(
        WORKFORCE_ENV="development",
        WORKFORCE_DB_NAME="workforce_manage_test",
        REDIS_URL=os.environ.get("REDIS_URL", "none"),  # the test session's: nothing else gets started
    )
    code = (
        "import json; from pathlib import Path; from django.conf import settings; from django.db import connection\n"
        "cursor = connection.cursor(); cursor.execute('SELECT current_database()')\n"
        "key = (Path(settings.DATA_DIR) / 'secret_key').read_text().strip()\n"
        "field_key = (Path(settings.DATA_DIR) / 'field_encryption_key').read_text().strip()\n"
        "fields = ('NAME', 'USER', 'PASSWORD', 'HOST', 'PORT')\n"
        "print(json.dumps({**{f: connection.settings_dict[f] for f in fields}, 'db': cursor.fetchone()[0],"
        " 'dev_key': settings.SECRET_KEY == key, 'field_keys': settings.FIELD_ENCRYPTION_KEYS == (field_key,)}))"
    )

    result = run([sys.executable, "manage.py", "shell", "-c", code], env, timeout=120)

    assert result.returncode == 0, result.stdout + result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["db"] == seen["NAME"] == "workforce_manage_test"
    assert (seen["USER"], seen["PASSWORD"]) == ("postgres", "")
    assert Path(seen["HOST"]).is_dir()  # the unix socket's folder, parsed from the URL manage.py passed on
    assert int(seen["PORT"]) > 0
    assert seen["dev_key"] is True
    assert (embedded.DATA_DIR / "secret_key").stat().st_mode & 0o777 == 0o600
    assert seen["field_keys"] is True
    assert (embedded.DATA_DIR / "field_encryption_key").stat().st_mode & 0o777 == 0o600
