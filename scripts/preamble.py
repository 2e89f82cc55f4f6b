"""The start every Django script in `scripts/` shares: the repository on sys.path, an environment, Django set up.

    from preamble import django_setup  # scripts/ is on sys.path when a script runs

    django_setup(db_name="workforce_bench_sync")  # then import models

Settings only read the environment, so on a dev machine the script prepares it as `manage.py` does
(`workforce.devservices.dev_environment`): its own database `db_name` on the embedded PostgreSQL unless
WORKFORCE_DB_NAME or DATABASE_URL say otherwise, the Redis at REDIS_URL (or a private one, or none), the data
folders and the secret key. What it starts keeps running for the next run. Processes the script spawns inherit
DATABASE_URL and REDIS_URL from `os.environ`, so they use the same database and broker.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the scripts import the project's packages (workforce, connectors, …)


def django_setup(*, db_name: str) -> None:
    """Prepare the environment (development) or check it (production), then `django.setup()`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")
    os.environ.setdefault("WORKFORCE_DB_NAME", db_name)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if os.environ.get("WORKFORCE_ENV") == "production":
        from workforce.preflight import preflight

        preflight()
    else:
        from workforce.devservices import dev_environment

        dev_environment(os.environ)
    import django

    django.setup()
