"""Reads for the dashboard: whose live data a request may see, and what each panel shows.

Panels read other apps only through their selectors, narrowed here to the columns a panel renders and
bounded in rows, so a panel costs the same few queries however much data the project holds.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone

from connectors import selectors as connector_selectors
from connectors.constants import PORTFOLIO, ErrorStatus, Source, SyncStatus
from core import selectors as tenancy
from jobs.selectors import job_names_for, job_runs_for

if TYPE_CHECKING:  # type names only: the dashboard reads other apps through their selectors
    from core.models import Project
    from jobs.models import JobRun

RECENT_RUNS_LIMIT = 10
JOB_RUNS_LIMIT = 50
SYNC_RUNS_LIMIT = 15
THROUGHPUT_RUNS_LIMIT = 60
ERRORS_LIMIT = 50
DEAD_LETTERS_LIMIT = 50
TREND_DAYS = 30
DIFF_IDS_SHOWN = 20
# `sourceFilter` values of POST /api/lightrag/query the search page offers (none ticked = everything).
SEARCH_SOURCE_FILTERS = (("messages", "Conversations"), ("issues", "Linear issues"), ("deals", "Deals and companies"))
SEARCH_MODES = (("mix", "mix (default)"), ("local", "local: what it names"), ("global", "global: across clients"),
                ("hybrid", "hybrid: local + global"), ("naive", "naive: text only"))  # fmt: skip
# A connector counts as stale when its last success is older than this many sync intervals.
STALE_INTERVALS = 2
SYNC_RUN_FIELDS = ("id", "source", "status", "trigger", "started_at", "finished_at", "duration_ms", "counts", "error")
ERROR_FIELDS = ("id", "source", "stream", "operation", "source_ref", "error_kind", "message", "attempt", "status",
                "next_retry_at", "updated_at")  # fmt: skip


class AccessRefused(Exception):
    """Why a request may not read live data, as an API error (code, detail, HTTP status)."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


def not_authenticated() -> AccessRefused:
    return AccessRefused(401, "not_authenticated", "Log in first.")


def no_active_project() -> AccessRefused:
    return AccessRefused(409, "active_project_required", "Select a project first (POST /api/projects/<id>/select).")


def not_a_member() -> AccessRefused:
    return AccessRefused(403, "forbidden", "You are not a member of the active project.")


def live_project_for(*, user, session) -> "Project":
    """The session's active project when `user` may read it (one query when they may).

    Raises AccessRefused: 401 anonymous, 409 no (or a deleted) active project, 403 no role in it.
    """
    if not user.is_authenticated:
        raise not_authenticated()
    project_id = session.get(tenancy.ACTIVE_PROJECT_SESSION_KEY)
    if not project_id:
        raise no_active_project()
    project = tenancy.projects_visible_to(user).filter(pk=project_id).first()
    if project is not None:
        return project
    if tenancy.project_get(project_id) is not None:
        raise not_a_member()
    raise no_active_project()


JOB_RUN_FIELDS = ("id", "job", "status", "trigger", "created_at", "started_at", "duration_ms", "error")


def recent_job_runs(*, project: "Project", limit: int = RECENT_RUNS_LIMIT) -> "QuerySet[JobRun]":
    """The project's newest job runs, newest first (one query)."""
    return job_runs_for(project=project).only(*JOB_RUN_FIELDS)[:limit]


def job_runs_page(*, project: "Project", job: str = "", limit: int = JOB_RUNS_LIMIT) -> dict:
    """The project's newest runs (of one job, or all) with their counts (one query)."""
    runs = job_runs_for(project=project, job=job or None).only(*JOB_RUN_FIELDS, "finished_at", "counts")[:limit]
    return {"rows": list(runs), "limit": limit}


def job_names(*, project: "Project") -> list[str]:
    """The jobs that ran for the project (the runs filter)."""
    return job_names_for(project=project)


def schedule_rows(*, staff: bool) -> list[dict]:
    """Every scheduled job with cadence, supervision state, last and next run (shared by all projects); their
    error text and suspension reasons only for staff (None otherwise)."""
    from jobs.supervision import scheduler_jobs

    return scheduler_jobs(show_errors=staff)


# ---------------------------------------------------------------- connectors: state and freshness


@dataclass
class ConnectorRow:
    """One source as the dashboard shows it: configuration, state, lease/progress and last run."""

    source: str
    label: str
    config: object | None
    state: object | None
    last_run: object | None
    now: dt.datetime = field(default_factory=timezone.now)
    webhook: "WebhookSummary | None" = None  # filled by `freshness_rows` only

    @property
    def configured(self) -> bool:
        return self.config is not None

    @property
    def enabled(self) -> bool:
        return bool(self.config and self.config.enabled)

    @property
    def status(self) -> str:
        if self.config is not None and not self.config.enabled:
            return "disabled"
        return self.state.status if self.state else SyncStatus.IDLE

    @property
    def running(self) -> bool:
        return self.status == SyncStatus.RUNNING

    @property
    def last_success_at(self):
        return self.state.last_success_at if self.state else None

    @property
    def last_attempt_at(self):
        return self.state.last_attempt_at if self.state else None

    @property
    def failures(self) -> int:
        return self.state.consecutive_failures if self.state else 0

    @property
    def last_error(self) -> str:
        return self.state.last_error if self.state else ""

    @property
    def lease(self) -> dict | None:
        """{owner, heartbeat_at, stale} while a run holds the lease."""
        if not self.state or not self.state.lease_owner:
            return None
        return {
            "owner": self.state.lease_owner,
            "heartbeat_at": self.state.lease_heartbeat_at,
            "stale": self.state.lease_is_stale(self.now),
        }

    @property
    def stale(self) -> bool:
        """Enabled, and no success within STALE_INTERVALS sync intervals (or never)."""
        if not self.enabled:
            return False
        if self.last_success_at is None:
            return True
        window = dt.timedelta(minutes=self.config.sync_interval_minutes * STALE_INTERVALS)
        return self.now - self.last_success_at > window

    @property
    def progress(self) -> dict:
        """While running: {stream, run_id, streams: [(name, counts)], fetched} from the last committed page."""
        if not self.running or not self.state.progress:
            return {}
        counts = self.state.progress.get("counts") or {}
        return {
            "stream": self.state.progress.get("stream", ""),
            "run_id": self.state.progress.get("run_id", ""),
            "streams": sorted(counts.items()),
            "fetched": sum(c.get("fetched", 0) for c in counts.values()),
        }

    @property
    def sync_url(self) -> str:
        return reverse("connector-sync", kwargs={"name": self.source})


def connector_rows(*, project) -> list[ConnectorRow]:
    """Every source (configured or not) with state, config and last run (3 queries)."""
    now = timezone.now()
    labels = dict(Source.choices)
    return [
        ConnectorRow(entry["source"], labels[entry["source"]], entry["config"], entry["state"], entry["last_run"], now)
        for entry in connector_selectors.connector_states(project=project)
    ]


# ---------------------------------------------------------------- connectors: webhooks (live updates)


@dataclass(frozen=True)
class WebhookSummary:
    """A source's webhook as the freshness panel shows it: registered or not, last delivery, the deliveries of
    the last 24 h by status, those refused at its endpoint by reason (never stored, only counted), and the source
    change → searchable seconds (p50/p95) of those applied in the last hour."""

    registered_at: dt.datetime | None = None
    last_delivery_at: dt.datetime | None = None
    deliveries: dict = field(default_factory=dict)
    rejections: dict = field(default_factory=dict)
    applied_hour: int = 0
    p50: float | None = None
    p95: float | None = None

    @property
    def registered(self) -> bool:
        return self.registered_at is not None

    @property
    def received(self) -> int:
        return sum(self.deliveries.values())

    @property
    def rejected(self) -> int:
        return sum(self.rejections.values())

    @property
    def p50_ms(self) -> int | None:
        return None if self.p50 is None else round(self.p50 * 1000)

    @property
    def p95_ms(self) -> int | None:
        return None if self.p95 is None else round(self.p95 * 1000)

    @property
    def by_status(self) -> list[tuple[str, int]]:
        """The statuses with deliveries, in the order a delivery goes through them."""
        return [(status, n) for status, n in self.deliveries.items() if n]


def webhook_public_url() -> str:
    """Where the sources are told to deliver ("" when webhooks cannot be registered)."""
    return settings.WEBHOOK_PUBLIC_URL


def freshness_rows(*, project) -> list[ConnectorRow]:
    """`connector_rows` with each source's webhook summary (3 + 1 queries)."""
    rows = connector_rows(project=project)
    webhooks = connector_selectors.webhook_overview(project=project)
    for row in rows:
        row.webhook = WebhookSummary(**webhooks[row.source]) if row.source in webhooks else WebhookSummary()
    return rows


# ---------------------------------------------------------------- connectors: runs and throughput


def run_totals(counts: dict) -> dict:
    """Per-stream counts summed over streams: {fetched, inserted, updated, unchanged, failed}."""
    keys = ("fetched", "inserted", "updated", "unchanged", "failed")
    return {key: sum(int(stream.get(key, 0) or 0) for stream in counts.values()) for key in keys}


def newest_sync_runs(*, project, limit: int, finished_only: bool = False) -> list:
    """The project's `limit` newest sync runs, newest first (one query).

    Asked as one `ORDER BY started_at DESC LIMIT n` per connector, glued with UNION ALL: each part walks
    the (project, source, -started_at) index and stops after `limit` rows, where one ORDER BY over the
    project would sort every run it has (90 days of 15-minute runs of 3 connectors: ~26k rows, ~10 ms).
    """
    parts = []
    for source in Source.values:
        queryset = connector_selectors.sync_runs(project=project, source=source)
        if finished_only:
            queryset = queryset.filter(finished_at__isnull=False)
        parts.append(queryset.only(*SYNC_RUN_FIELDS)[:limit])
    return list(parts[0].union(*parts[1:], all=True).order_by("-started_at")[:limit])


def recent_sync_runs(*, project, limit: int = SYNC_RUNS_LIMIT) -> list[dict]:
    """The newest sync runs with per-stream counts and their totals (one query)."""
    return [
        {"run": run, "streams": sorted((run.counts or {}).items()), "totals": run_totals(run.counts or {})}
        for run in newest_sync_runs(project=project, limit=limit)
    ]


def sync_throughput(*, project, limit: int = THROUGHPUT_RUNS_LIMIT) -> dict:
    """Rows fetched per finished run over time, per connector, oldest first (one query).

    Returns {"points": [{at, connector, fetched, rows_per_s}], "connectors": [...]} — the chart's data.
    """
    points = []
    for run in reversed(newest_sync_runs(project=project, limit=limit, finished_only=True)):
        fetched = run_totals(run.counts or {})["fetched"]
        seconds = (run.duration_ms or 0) / 1000
        points.append(
            {
                "at": int(run.started_at.timestamp()),
                "connector": run.source,
                "fetched": fetched,
                "rows_per_s": round(fetched / seconds, 1) if seconds else None,
            }
        )
    return {"points": points, "connectors": sorted({p["connector"] for p in points})}


# ---------------------------------------------------------------- connectors: errors and dead letters


def error_counts(*, project) -> dict:
    """{"by_source": {source: {open, dead_letter}}, "open": n, "dead_letter": n} of unresolved errors (one query)."""
    unresolved = connector_selectors.connector_errors(project=project).exclude(status=ErrorStatus.RESOLVED)
    by_source = {source: {ErrorStatus.OPEN: 0, ErrorStatus.DEAD_LETTER: 0} for source in Source.values}
    for row in unresolved.order_by().values("source", "status").annotate(n=Count("id")):
        by_source.setdefault(row["source"], {})[row["status"]] = row["n"]
    return {
        "by_source": by_source,
        "open": sum(c.get(ErrorStatus.OPEN, 0) for c in by_source.values()),
        "dead_letter": sum(c.get(ErrorStatus.DEAD_LETTER, 0) for c in by_source.values()),
    }


@dataclass(frozen=True)
class ErrorFilter:
    """The errors list's filters, validated (unknown values are dropped, and said so)."""

    status: str = ""
    source: str = ""
    ignored: tuple[str, ...] = ()

    @classmethod
    def from_query(cls, query) -> "ErrorFilter":
        status, source = query.get("status", ""), query.get("connector", "")
        ignored = []
        if status and status not in ErrorStatus.values:
            ignored.append(f"status={status}")
            status = ""
        if source and source not in Source.values:
            ignored.append(f"connector={source}")
            source = ""
        return cls(status=status, source=source, ignored=tuple(ignored))


def errors_page(*, project, filters: ErrorFilter, limit: int = ERRORS_LIMIT) -> dict:
    """The newest errors matching the filters, and how many match in all (2 queries)."""
    queryset = connector_selectors.connector_errors(
        project=project, status=filters.status or None, source=filters.source or None
    )
    rows = list(queryset.only(*ERROR_FIELDS)[:limit])
    total = len(rows) if len(rows) < limit else queryset.count()
    return {"rows": rows, "total": total}


def dead_letters_page(*, project, limit: int = DEAD_LETTERS_LIMIT) -> dict:
    """The newest dead letters, each with its retry URL, and their total (1–2 queries)."""
    queryset = connector_selectors.dead_letters(project=project)
    rows = list(queryset.only(*ERROR_FIELDS)[:limit])
    total = len(rows) if len(rows) < limit else queryset.count()
    return {
        "rows": [{"error": row, "retry_url": reverse("connectors-dead-letter-retry", args=[row.id])} for row in rows],
        "total": total,
    }


# ---------------------------------------------------------------- reconciliation


def completeness_trend(*, project, days: int = TREND_DAYS) -> dict:
    """Daily completeness for the last `days` days: the day's last run per connector and portfolio (one query).

    Returns {"days": [unix seconds at 00:00 UTC], "series": {source: [pct | None per day]}, "latest": {source: pct}}.
    """
    history = connector_selectors.reconciliation_history(project=project, days=days, limit=days * 48)
    by_day: dict[dt.date, dict[str, float]] = {}
    for metric in history:  # newest first: the first seen per day and source is that day's last run
        by_day.setdefault(metric.created_at.date(), {}).setdefault(metric.source, metric.completeness_pct)
    day_list = sorted(by_day)
    sources = sorted({source for values in by_day.values() for source in values}, key=_portfolio_first)
    series = {source: [by_day[day].get(source) for day in day_list] for source in sources}
    return {
        "days": [int(dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC).timestamp()) for day in day_list],
        "series": series,
        "latest": {source: next(p for p in reversed(points) if p is not None) for source, points in series.items()},
    }


def _portfolio_first(source: str) -> tuple[int, str]:
    return (0 if source == PORTFOLIO else 1, source)


def reconciliation_diff(*, project, shown: int = DIFF_IDS_SHOWN) -> list[dict]:
    """Per connector: latest vs previous completeness, the ids to re-sync and how (1 + one per connector queries)."""
    diff = []
    for metric in connector_selectors.reconciliation_latest(project=project):
        if metric.source == PORTFOLIO:
            continue
        previous = connector_selectors.reconciliation_previous(
            project=project, source=metric.source, before=metric.created_at
        )
        previous_pct = previous.completeness_pct if previous else None
        diff.append(
            {
                "metric": metric,
                "previous_pct": previous_pct,
                "delta_pct": round(metric.completeness_pct - previous_pct, 2) if previous else None,
                "below_threshold": metric.completeness_pct < settings.CONNECTOR_RECONCILIATION_MIN_COMPLETENESS_PCT,
                "missing_shown": metric.missing_ids[:shown],
                "missing_more": max(0, metric.missing - shown),
                "deleted_shown": metric.deleted_ids[:shown],
                "deleted_more": max(0, metric.deleted_at_source - shown),
                "duplicates_shown": metric.duplicate_ids[:shown],
                "duplicates_more": max(0, metric.duplicates - shown),
                "resync_url": reverse("connector-resync", kwargs={"name": metric.source}),
                "resync_body": {"ids": metric.missing_ids},
            }
        )
    return diff


# ---------------------------------------------------------------- embeddings (LightRAG)


def lightrag_query_outcomes(*, project) -> dict:
    """The project's LightRAG queries of the last 24 h and the share that failed or degraded (1 query)."""
    from rag import selectors as rag_selectors

    return rag_selectors.query_outcomes(project=project, hours=24)


def embedding_backlog(*, project) -> dict:
    """Chunks by status, the backlog still to embed and the last embeddings run (2 queries)."""
    from rag import selectors as rag_selectors

    counts = rag_selectors.chunk_counts(project=project)
    return {
        "counts": counts,
        "backlog": counts.get("pending", 0) + counts.get("processing", 0),
        "total": sum(counts.values()),
        "last_run": rag_selectors.last_embedding_run(project=project),
    }
