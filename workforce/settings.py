"""Settings for Workforce Ops: one module, driven by environment variables.

Every variable is listed with its default and effect in `docs/configuration.md`. Settings only read the
environment: they start no process, probe no server and create no file. Outside production the entry points
(`manage.py`, `make run`, the test harness, the scripts) call `workforce.devservices.dev_environment` first,
which starts the embedded PostgreSQL / a private Redis and passes their URLs on; production passes its own
(`workforce.preflight` refuses to start without them, in one line).
"""

import logging
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from workforce.env import env_bool, env_float, env_int, env_list, env_rate, env_required, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
log = logging.getLogger("workforce.settings")

# ---------------------------------------------------------------- environment

WORKFORCE_ENV = env_str("WORKFORCE_ENV", "development")
PRODUCTION = WORKFORCE_ENV == "production"
DEBUG = env_bool("DEBUG", False)
# Local state of a dev machine (embedded PostgreSQL, private Redis, local broker, static files): named here,
# created by `workforce.devservices` (and by the Dockerfile for the image).
DATA_DIR = Path(env_str("WORKFORCE_DATA_DIR") or BASE_DIR / ".data")


def _dev_hint(name: str, how: str) -> str:
    """Why a required variable is missing: in development the entry points provide it."""
    return (
        f"{name} is not set: in development `make run`, `manage.py` and the test suite {how}; production must set it."
    )


SECRET_KEY = env_required(
    "DJANGO_SECRET_KEY",
    hint="" if PRODUCTION else _dev_hint("DJANGO_SECRET_KEY", "set it from the data folder's `secret_key` file"),
)
# Fernet keys for secrets at rest (connector tokens, webhook signing secrets), comma-separated: the first encrypts,
# every one decrypts (core.crypto); `manage.py rotate_secrets` moves old rows onto the first.
_FIELD_KEYS_HINT = _dev_hint("FIELD_ENCRYPTION_KEYS", "set it from the data folder's `field_encryption_key` file")
_field_keys = env_required("FIELD_ENCRYPTION_KEYS", hint="" if PRODUCTION else _FIELD_KEYS_HINT)
FIELD_ENCRYPTION_KEYS = tuple(key.strip() for key in _field_keys.split(",") if key.strip())
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# ---------------------------------------------------------------- applications

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "axes",
    "django_celery_beat",
    "django_eventstream",
    "django_prometheus",
    # Floors from the bottom up (docs/architecture.md): foundation, jobs and audit, domains, pages, the roof.
    "core",
    "audit",
    "jobs",
    "connectors",
    "crm",
    "rag",
    "ops_dashboard",
    "workforce",
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "core.middleware.BodySizeLimitMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "workforce.urls"
ASGI_APPLICATION = "workforce.asgi.application"
WSGI_APPLICATION = "workforce.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# ---------------------------------------------------------------- database

DATABASE_URL = env_required("DATABASE_URL", hint=_dev_hint("DATABASE_URL", "start the embedded PostgreSQL and set it"))
DB_POOL_MIN_SIZE = env_int("DB_POOL_MIN_SIZE", 2, minimum=0)
DB_POOL_MAX_SIZE = env_int("DB_POOL_MAX_SIZE", 20, minimum=1)


def _database() -> dict:
    config = dj_database_url.parse(DATABASE_URL)
    config["ENGINE"] = "django.db.backends.postgresql"
    # Pooled connections: long-lived SSE streams must not exhaust max_connections (STACK-NOTES).
    config["OPTIONS"] = {
        **config.get("OPTIONS", {}),
        "pool": {"min_size": DB_POOL_MIN_SIZE, "max_size": DB_POOL_MAX_SIZE, "timeout": 10},
    }
    config["CONN_MAX_AGE"] = 0
    # A per-run suffix lets several test runs share one server without dropping each other's database.
    config["TEST"] = {"NAME": f"test_{config['NAME']}{env_str('WORKFORCE_TEST_DB_SUFFIX', '')}"}
    return config


DATABASES = {"default": _database()}

# ---------------------------------------------------------------- redis, broker, cache

# Read as given: `none` (or empty, or unset) is single-machine mode. Which Redis a dev machine uses (the one at
# redis://127.0.0.1:6379/0, a private redis-server, or none) is decided by `workforce.devservices`.
_REDIS_SETTING = (env_str("REDIS_URL") or "").strip()
REDIS_URL = None if _REDIS_SETTING.lower() in ("", "none") else _REDIS_SETTING
SINGLE_MACHINE_MODE = REDIS_URL is None
if SINGLE_MACHINE_MODE and PRODUCTION:
    raise ImproperlyConfigured("REDIS_URL is required in production: single-machine mode is for development.")
if SINGLE_MACHINE_MODE:
    log.warning("REDIS_URL is none: single-machine mode, local broker, dashboard polls.")

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
if CELERY_BROKER_URL == "filesystem://":
    BROKER_DIR = DATA_DIR / "broker"  # its folders are created by workforce.devservices
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "in"),
        "data_folder_out": str(BROKER_DIR / "in"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
else:
    # Longer than every task's hard time limit (the longest is 3700 s): Redis hands a task that is still running
    # to another worker once this passes (acks_late), so a shorter timeout would run a long sync twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 7200}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 1800, minimum=1)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing fails fast when the broker is down, so the API can answer 503 instead of hanging.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False

# The database cache keeps throttles and short-lived flags cross-process without needing Redis.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "workforce_cache",
    }
}

# ---------------------------------------------------------------- live events (SSE)

if REDIS_URL:
    import redis as _redis

    _redis_kwargs = _redis.connection.parse_url(REDIS_URL)
    EVENTSTREAM_REDIS = {
        key: _redis_kwargs[key] for key in ("host", "port", "db", "password", "username") if key in _redis_kwargs
    }
EVENTSTREAM_ALLOW_ORIGINS = env_list("CORS_ORIGIN", [])
# Streams carry one project channel, readable by its members only (second line after the view's checks).
EVENTSTREAM_CHANNELMANAGER_CLASS = "ops_dashboard.channels.ProjectChannelManager"
SSE_HEARTBEAT_SECONDS = env_int("SSE_HEARTBEAT_SECONDS", 25, minimum=1)
# Pages poll their partials this often (15-60 s) while the stream is down; `?poll=N` on a page overrides it.
DASHBOARD_POLL_SECONDS = 20

# ---------------------------------------------------------------- auth and sessions

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
WORKFORCE_ADMIN_USERNAME = env_str("WORKFORCE_ADMIN_USERNAME", "admin")
WORKFORCE_ADMIN_PASSWORD = env_str("WORKFORCE_ADMIN_PASSWORD") or (None if PRODUCTION else "workforce-admin")
WORKFORCE_DEMO_PROJECT = env_str("WORKFORCE_DEMO_PROJECT", "Demo studio")

SESSION_COOKIE_AGE = int(timedelta(days=14).total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_HEADER_NAME = "HTTP_X_CSRF_TOKEN"
CSRF_FAILURE_VIEW = "core.api.errors.csrf_failure"
LOGIN_URL = "/login"

# Login lockout: 10 failures per IP+username in 15 minutes (django-axes, counted in the database).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = timedelta(seconds=env_int("LOGIN_LOCKOUT_SECONDS", 900, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "core.api.errors.axes_lockout"
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"  # the same client IP as the throttles
LOGIN_RATE_PER_IP = env_rate("LOGIN_RATE_PER_IP", "30/min")

# Reverse proxies in front of the web process (compose: 1, Caddy). 0: X-Forwarded-For is ignored; N: the Nth
# address from its right is the client (core/client_ip.py). Lockouts, throttles and the audit trail use it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

# HTTPS hardening applies in production only (read always so a typo fails everywhere).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True) and PRODUCTION
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0) if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Every response (core.middleware.SecurityHeadersMiddleware, docs/security.md): scripts from this origin only,
# no framing, no plugins. Inline styles only where third-party pages need them (Swagger UI, the admin).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
CONTENT_SECURITY_POLICY_INLINE_STYLE_PATHS = ("/api/docs/", "/admin/")
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), usb=()"
)

CORS_ALLOWED_ORIGINS = env_list("CORS_ORIGIN", [])
CORS_ALLOW_CREDENTIALS = True
CORS_ALLOW_HEADERS = ["content-type", "x-csrf-token", "x-request-id", "authorization", "x-api-key"]

# ---------------------------------------------------------------- API

# Rates per caller (API key, else user, else client IP) and scope; 429 with Retry-After over them
# (core/api/throttling.py). LLM: LightRAG queries a chat model answers; without one a query is a read.
API_THROTTLE_READ = env_rate("API_THROTTLE_READ", "120/min")
API_THROTTLE_WRITE = env_rate("API_THROTTLE_WRITE", "30/min")
API_THROTTLE_LLM = env_rate("API_THROTTLE_LLM", "10/min")

MAX_REQUEST_BODY_BYTES = env_int("MAX_REQUEST_BODY_BYTES", 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.ApiKeyAuthentication",
        "core.api.authentication.CsrfSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.IsMemberOfActiveProject"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.ApiAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.ApiRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"login_ip": LOGIN_RATE_PER_IP},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Workforce Ops API",
    "DESCRIPTION": "Connectors, CRM mirror, LightRAG and operations of a design/delivery studio.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Request components of their own, so they can say what a request must be (non-blank strings) apart from
    # what responses hold (core.api.schema).
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set that several components use.
    "ENUM_NAME_OVERRIDES": {
        "ConnectorEnum": "connectors.constants.Source",
        "ConnectorErrorStatusEnum": "connectors.constants.ErrorStatus",
        "JobStatusEnum": "jobs.constants.JobStatus",
        "OpportunityStageEnum": "crm.models.Stage",
        "RoleEnum": "core.roles.Role.values",
        "QueuedWorkStatusEnum": [("queued", "queued")],
    },
}

# ---------------------------------------------------------------- connectors

CONNECTOR_LEASE_STALE_SECONDS = env_int("CONNECTOR_LEASE_STALE_SECONDS", 600, minimum=10)
CONNECTOR_MAX_RETRIES = env_int("CONNECTOR_MAX_RETRIES", 5, minimum=1)
CONNECTOR_RETRY_BASE_SECONDS = env_int("CONNECTOR_RETRY_BASE_SECONDS", 30, minimum=1)
CONNECTOR_RETRY_MAX_SECONDS = env_int("CONNECTOR_RETRY_MAX_SECONDS", 6 * 3600, minimum=1)
# A failed after-commit hook (connectors/hooks.py) is replayed by the minute job with the backoff above, at most
# this many times; after that only a sync of the connector (or an operator) tries again.
HOOK_REPAIR_MAX_ATTEMPTS = env_int("HOOK_REPAIR_MAX_ATTEMPTS", 10, minimum=1)
CONNECTOR_HTTP_TIMEOUT_SECONDS = env_float("CONNECTOR_HTTP_TIMEOUT_SECONDS", 30.0)
# Source URLs on loopback/private/link-local/multicast/reserved addresses: allowed outside production (the sandbox
# listens on 127.0.0.1), refused in production unless set (docs/security.md).
CONNECTOR_ALLOW_PRIVATE_ADDRESSES = env_bool("CONNECTOR_ALLOW_PRIVATE_ADDRESSES", not PRODUCTION)
CONNECTOR_SYNC_INTERVAL_MINUTES = env_int("CONNECTOR_SYNC_INTERVAL_MINUTES", 15, minimum=1)
# Seed the default project's connector configs (single-project installs); secrets never logged.
CHATWOOT_BASE_URL = env_str("CHATWOOT_BASE_URL", "")
CHATWOOT_API_TOKEN = env_str("CHATWOOT_API_TOKEN", "")
CHATWOOT_ACCOUNT_ID = env_str("CHATWOOT_ACCOUNT_ID", "")
LINEAR_API_URL = env_str("LINEAR_API_URL", "")
LINEAR_API_KEY = env_str("LINEAR_API_KEY", "")
ATTIO_API_URL = env_str("ATTIO_API_URL", "")
ATTIO_API_KEY = env_str("ATTIO_API_KEY", "")

# Webhooks (docs/webhooks.md). Without a public URL nothing is registered and syncs run as before.
WEBHOOK_PUBLIC_URL = env_str("WEBHOOK_PUBLIC_URL", "").rstrip("/")  # e.g. https://ops.example.com
WEBHOOK_MAX_DELIVERIES_PER_SECOND = env_int("WEBHOOK_MAX_DELIVERIES_PER_SECOND", 50, minimum=1)  # per endpoint
# With a registered webhook that delivered within this many minutes, a connector syncs only every
# WEBHOOK_RELAXED_SYNC_MINUTES (the sync stays the safety net); 0 keeps the configured interval.
WEBHOOK_RELAXED_SYNC_MINUTES = env_int("WEBHOOK_RELAXED_SYNC_MINUTES", 60, minimum=0)
CELERY_TASK_ROUTES = {"connectors.tasks.webhook_deliveries_apply": {"queue": "webhooks"}}

# ---------------------------------------------------------------- CRM mirror and reconciliation

CRM_STAGE_MAP = env_str("CRM_STAGE_MAP", "")  # JSON {"source stage title": "discovery|qualified|…"}
CONNECTOR_RECONCILIATION_MIN_COMPLETENESS_PCT = env_float("CONNECTOR_RECONCILIATION_MIN_COMPLETENESS_PCT", 95.0)
RECONCILIATION_MAX_IDS = env_int("RECONCILIATION_MAX_IDS", 500, minimum=1)
# Deletions found without webhooks (docs/deletions.md): stored ids no source list shows are asked for by id, at
# most this many per stream per check; a second 404 at least this many seconds after the first tombstones the
# record, at most this many records per connector per check (the rest wait for the next one).
DELETION_PROBES_PER_RUN = env_int("DELETION_PROBES_PER_RUN", 1000, minimum=1)
DELETION_CONFIRM_AFTER_SECONDS = env_int("DELETION_CONFIRM_AFTER_SECONDS", 300, minimum=0)
DELETIONS_MAX_PER_RUN = env_int("DELETIONS_MAX_PER_RUN", 500, minimum=1)
# Conversations whose messages a check re-reads because the source touched them (a deleted message), per run.
DELETION_REREADS_PER_RUN = env_int("DELETION_REREADS_PER_RUN", 200, minimum=0)

# ---------------------------------------------------------------- LightRAG (owned by the rag app)

from django.core.exceptions import ImproperlyConfigured  # noqa: E402 - kept inside the section this app owns

# Providers. Empty EMBEDDING_PROVIDER / LLM_PROVIDER: `openai` when OPENAI_API_KEY or OPENAI_BASE_URL is set,
# else the built-in offline embedder and extractive answers (deterministic, no network).
EMBEDDING_PROVIDER = env_str("EMBEDDING_PROVIDER", "")  # offline | openai
EMBEDDING_MODEL = env_str("EMBEDDING_MODEL", "text-embedding-3-small")
# Fixed per install: the vector column is created with it (changing it needs `manage.py embed --reset`).
# 1024: the offline embedder's hashing noise drowns relevance below that (docs/rag-evaluation.md).
EMBEDDING_DIMENSIONS = env_int("EMBEDDING_DIMENSIONS", 1024, minimum=8)
if EMBEDDING_DIMENSIONS > 2000:
    raise ImproperlyConfigured("EMBEDDING_DIMENSIONS must be at most 2000 (pgvector's HNSW limit).")
OPENAI_API_KEY = env_str("OPENAI_API_KEY", "")
OPENAI_BASE_URL = env_str("OPENAI_BASE_URL", "")  # any OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1
OPENAI_TIMEOUT_SECONDS = env_float("OPENAI_TIMEOUT_SECONDS", 30.0)
OPENAI_MAX_RETRIES = env_int("OPENAI_MAX_RETRIES", 2, minimum=0)  # in-call retries of the openai client
EMBEDDING_ENCODING_FORMAT = env_str("EMBEDDING_ENCODING_FORMAT", "base64")  # float: for endpoints without base64
LLM_PROVIDER = env_str("LLM_PROVIDER", "")  # extractive | openai
LLM_MODEL = env_str("LLM_MODEL", "gpt-4o-mini")
# The query path gives the provider one short chance, then answers keyword-only (`degraded: true`).
RAG_QUERY_PROVIDER_TIMEOUT_SECONDS = env_float("RAG_QUERY_PROVIDER_TIMEOUT_SECONDS", 10.0)
# Embedding runs: provider request limits (OpenAI: 2048 inputs, 300k tokens), per-run budget, attempts.
EMBEDDING_BATCH_MAX_INPUTS = env_int("EMBEDDING_BATCH_MAX_INPUTS", 2048, minimum=1)
EMBEDDING_BATCH_MAX_TOKENS = env_int("EMBEDDING_BATCH_MAX_TOKENS", 300_000, minimum=1000)
EMBEDDING_RUN_TOKEN_BUDGET = env_int("EMBEDDING_RUN_TOKEN_BUDGET", 2_000_000, minimum=1000)
EMBEDDING_MAX_ATTEMPTS = env_int("EMBEDDING_MAX_ATTEMPTS", 5, minimum=1)
EMBEDDING_STALE_SECONDS = env_int("EMBEDDING_STALE_SECONDS", 900, minimum=60)
if EMBEDDING_BATCH_MAX_INPUTS > 2048 or EMBEDDING_BATCH_MAX_TOKENS > 300_000:
    raise ImproperlyConfigured("EMBEDDING_BATCH_MAX_INPUTS ≤ 2048 and EMBEDDING_BATCH_MAX_TOKENS ≤ 300000.")
# Chunking (approximate tokens: no tokenizer download) and the HNSW index.
RAG_CHUNK_TOKENS = env_int("RAG_CHUNK_TOKENS", 300, minimum=50)
RAG_CHUNK_OVERLAP_TOKENS = env_int("RAG_CHUNK_OVERLAP_TOKENS", 50, minimum=0)
# Conversations are cut into shorter windows: a chat moves between topics every few messages.
RAG_MESSAGE_WINDOW_TOKENS = env_int("RAG_MESSAGE_WINDOW_TOKENS", 150, minimum=50)
if min(RAG_CHUNK_TOKENS, RAG_MESSAGE_WINDOW_TOKENS) // 2 <= RAG_CHUNK_OVERLAP_TOKENS:
    raise ImproperlyConfigured("RAG_CHUNK_OVERLAP_TOKENS must be less than half of every chunk size.")
# A run with at least this many pending chunks drops the HNSW index, loads, and rebuilds it (0: never).
RAG_HNSW_BULK_THRESHOLD = env_int("RAG_HNSW_BULK_THRESHOLD", 20_000, minimum=0)
RAG_HNSW_EF_SEARCH = env_int("RAG_HNSW_EF_SEARCH", 100, minimum=10)

# ---------------------------------------------------------------- i18n, static

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
# Created by workforce.devservices on a dev machine and by the Dockerfile in the image (whitenoise warns without it).
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True

# ---------------------------------------------------------------- operations

STORAGE_BUDGET_GB = env_float("STORAGE_BUDGET_GB", 20.0)

# Scheduled jobs (jobs/supervision.py): backoff after a failed run, suspension after N failures in a row.
JOB_SUSPEND_AFTER_FAILURES = env_int("JOB_SUSPEND_AFTER_FAILURES", 10, minimum=1)
JOB_BACKOFF_BASE_SECONDS = env_int("JOB_BACKOFF_BASE_SECONDS", 60, minimum=1)
JOB_BACKOFF_MAX_SECONDS = env_int("JOB_BACKOFF_MAX_SECONDS", 3600, minimum=1)
# The stale-work sweep (jobs/sweeper.py) closes a run still `queued` after this long (its task message was lost);
# longer than the broker's visibility timeout (7200 s), so a message redelivered after a crash finds its run open.
JOB_QUEUED_MAX_SECONDS = env_int("JOB_QUEUED_MAX_SECONDS", 3 * 3600, minimum=60)

# Retention (jobs/retention.py, ARCHITECTURE §12): days kept per table; deletes per table per run.
RETENTION_QUERY_RUNS_DAYS = env_int("RETENTION_QUERY_RUNS_DAYS", 180, minimum=1)
RETENTION_AUDIT_EVENTS_DAYS = env_int("RETENTION_AUDIT_EVENTS_DAYS", 365, minimum=1)
RETENTION_CONNECTOR_ERRORS_DAYS = env_int("RETENTION_CONNECTOR_ERRORS_DAYS", 90, minimum=1)
RETENTION_JOB_RUNS_DAYS = env_int("RETENTION_JOB_RUNS_DAYS", 90, minimum=1)
RETENTION_SYNC_RUNS_DAYS = env_int("RETENTION_SYNC_RUNS_DAYS", 90, minimum=1)
RETENTION_RECONCILIATION_METRICS_DAYS = env_int("RETENTION_RECONCILIATION_METRICS_DAYS", 365, minimum=1)
RETENTION_WEBHOOK_DELIVERIES_DAYS = env_int("RETENTION_WEBHOOK_DELIVERIES_DAYS", 14, minimum=1)
RETENTION_LOGIN_LOGS_DAYS = env_int("RETENTION_LOGIN_LOGS_DAYS", 30, minimum=1)  # django-axes access/failure logs
# Stored `Idempotency-Key` answers are kept this long (then deleted by retention_cleanup, which runs every 12 h).
IDEMPOTENCY_TTL_HOURS = env_int("IDEMPOTENCY_TTL_HOURS", 24, minimum=1)
RETENTION_BATCH_SIZE = env_int("RETENTION_BATCH_SIZE", 1000, minimum=1)
PROMETHEUS_EXPORT_MIGRATIONS = False

# ---------------------------------------------------------------- logging

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.request_context.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # One INFO line per HTTP request of the openai client and per SSE connection is noise at scale.
        "httpx": {"level": "WARNING"},
        "django_eventstream": {"level": "WARNING"},
    },
}
