"""Production refuses to start without its database, broker and keys, with one clear line instead of a traceback.

Called by the process entry points (`manage.py`, `workforce/asgi.py`, `workforce/wsgi.py`, the Celery
program through `workforce/celery.py`) before Django reads the settings. Outside production it does nothing:
there the development environment (`workforce.devservices`) provides what is missing. Settings never ping
anything; the broker ping happens here, once per process.
"""

import sys
from urllib.parse import urlsplit

from core import crypto
from core.redaction import safe_url
from workforce.env import env_str

EXIT_CODE = 2
BROKER_TIMEOUT_SECONDS = 2.0

_passed = False  # several entry points may run in one process (manage.py imports the Celery app too)


class CannotStart(Exception):
    """What production lacks, as one sentence for the operator."""


def preflight(*, ping_broker: bool = True) -> None:
    """In production: print why the process cannot start to stderr and exit 2; otherwise return."""
    global _passed
    if _passed or env_str("WORKFORCE_ENV", "development") != "production":
        return
    try:
        production_requirements(ping_broker=ping_broker)
    except CannotStart as problem:
        print(f"workforce: cannot start: {problem}", file=sys.stderr, flush=True)
        sys.exit(EXIT_CODE)
    _passed = True


def production_requirements(*, ping_broker: bool = True) -> None:
    """Raise CannotStart for the first thing production needs and does not have."""
    required = "(required when WORKFORCE_ENV=production)"
    for name in ("DATABASE_URL", "DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEYS"):
        if not (env_str(name) or "").strip():
            raise CannotStart(f"{name} is not set {required}")
    keys_problem = crypto.keys_problem(crypto.keys_split(env_str("FIELD_ENCRYPTION_KEYS") or ""))
    if keys_problem:
        raise CannotStart(keys_problem)
    redis_url = (env_str("REDIS_URL") or "").strip()
    if not redis_url:
        raise CannotStart(f"REDIS_URL is not set {required}")
    if redis_url.lower() == "none":
        raise CannotStart("REDIS_URL is none: single-machine mode is for development, not WORKFORCE_ENV=production")
    broker = (env_str("CELERY_BROKER_URL") or "").strip() or redis_url
    if ping_broker:
        broker_answers(broker)


def broker_answers(url: str, timeout: float = BROKER_TIMEOUT_SECONDS) -> None:
    """Connect to the Celery broker once (any kombu transport); raise CannotStart when it does not answer."""
    import kombu

    try:
        with kombu.Connection(url, connect_timeout=timeout, transport_options={"socket_timeout": timeout}) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
    except Exception as exc:  # every transport has its own errors; all of them mean "cannot start"
        reason = _hide_password(str(exc), url) or type(exc).__name__
        raise CannotStart(
            f"the broker at {safe_url(url)} does not answer within {timeout:g} s ({reason}); "
            "check CELERY_BROKER_URL or REDIS_URL"
        ) from exc


def _hide_password(text: str, url: str) -> str:
    password = urlsplit(url).password
    return text.replace(url, safe_url(url)).replace(password, "***") if password else text
