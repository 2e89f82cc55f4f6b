"""Cross-system reconciliation: ids the source reports (a full id walk) vs raw rows vs mirror rows.

Per connector and run it stores total, missing, duplicates, orphans, completeness and the ids behind
each count (bounded), plus a portfolio row weighted by totals. History is append-only.
`completeness_pct = 100 × (total − missing − duplicates) / total` (100 when total is 0).
"""

import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from audit.services import audit_record
from connectors import hooks
from connectors.models import PORTFOLIO, ConnectorConfig, ReconciliationMetric, SyncRun
from connectors.selectors import raw_rows
from connectors.services.sync import connector_sync
from connectors.sources import connector_for
from core.events import publish_on_commit
from core.http import HttpError


def completeness_pct(total: int, missing: int, duplicates: int) -> float:
    """100 × (total − missing − duplicates) / total, 100 when total is 0, never below 0."""
    if total <= 0:
        return 100.0
    return round(max(0.0, 100.0 * (total - missing - duplicates) / total), 2)


@dataclass
class Tally:
    """Counts and ids for one connector while it is being reconciled."""

    total: int = 0
    missing: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    details: dict = field(default_factory=dict)

    def metric(self, *, project, source: str, run_id, error: str = "") -> ReconciliationMetric:
        cap = settings.RECONCILIATION_MAX_IDS
        pct = 0.0 if error else completeness_pct(self.total, len(self.missing), len(self.duplicates))
        return ReconciliationMetric(
            project=project,
            account_scope_id=project.account_scope_id,
            run_id=run_id,
            source=source,
            total=self.total,
            missing=len(self.missing),
            duplicates=len(self.duplicates),
            orphans=len(self.orphans),
            completeness_pct=pct,
            missing_ids=self.missing[:cap],
            duplicate_ids=self.duplicates[:cap],
            orphan_ids=self.orphans[:cap],
            details=self.details,
            error=error,
        )


def _compare_stream(tally: Tally, project, source: str, stream: str, walked: list[str]) -> None:
    """Source ids vs raw ids vs mirror ids for one stream."""
    source_ids = set(walked)
    raw_ids = set(raw_rows(project=project, source=source, stream=stream).values_list("external_id", flat=True))
    mirror = hooks.mirrored_ids(project, source, stream)
    not_in_raw = sorted(source_ids - raw_ids)
    gone_from_source = sorted(raw_ids - source_ids)
    not_in_mirror = sorted((raw_ids & source_ids) - mirror) if mirror is not None else []
    repeated = sorted(i for i, n in Counter(walked).items() if n > 1)
    tally.total += len(source_ids | raw_ids)
    tally.missing += [f"{stream}:{i}" for i in (*not_in_raw, *gone_from_source, *not_in_mirror)]
    tally.duplicates += [f"{stream}:{i}" for i in repeated]
    tally.details[stream] = {
        "source": len(source_ids),
        "raw": len(raw_ids),
        "not_in_raw": len(not_in_raw),
        "gone_from_source": len(gone_from_source),
        "not_in_mirror": len(not_in_mirror),
    }


def _duplicate_emails(tally: Tally, project, source: str, stream: str) -> None:
    rows = raw_rows(project=project, source=source, stream=stream).exclude(email="")
    emails = rows.values("email").annotate(n=Count("id")).filter(n__gt=1).values_list("email", flat=True)
    repeated = rows.filter(email__in=list(emails)).order_by("email", "external_id")
    tally.duplicates += [f"{stream}:{i}" for i in repeated.values_list("external_id", flat=True)]


def _orphans(tally: Tally, project, source: str) -> None:
    if source == "attio":
        companies = raw_rows(project=project, source="attio", stream="companies").values("external_id")
        deals = raw_rows(project=project, source="attio", stream="deals").exclude(company_external_id__in=companies)
        tally.orphans += [f"deals:{i}" for i in deals.values_list("external_id", flat=True)]
    elif source == "chatwoot":
        contacts = raw_rows(project=project, source="chatwoot", stream="contacts").values("external_id")
        conversations = raw_rows(project=project, source="chatwoot", stream="conversations").exclude(
            contact_external_id__in=contacts
        )
        tally.orphans += [f"conversations:{i}" for i in conversations.values_list("external_id", flat=True)]


def _reconcile_connector(project, config, run_id, sleep) -> ReconciliationMetric:
    tally, connector = Tally(), connector_for(config, sleep=sleep)
    try:
        for stream in connector.reconciled_streams:
            _compare_stream(tally, project, config.source, stream, list(connector.list_ids(stream=stream)))
    except HttpError as exc:
        return tally.metric(project=project, source=config.source, run_id=run_id, error=f"id walk failed: {exc}")
    finally:
        connector.close()
    email_streams = {"chatwoot": "contacts", "attio": "people"}
    if config.source in email_streams:
        _duplicate_emails(tally, project, config.source, email_streams[config.source])
    _orphans(tally, project, config.source)
    return tally.metric(project=project, source=config.source, run_id=run_id)


def _portfolio(project, run_id, metrics: list[ReconciliationMetric]) -> ReconciliationMetric:
    total = sum(m.total for m in metrics)
    missing, duplicates = sum(m.missing for m in metrics), sum(m.duplicates for m in metrics)
    return ReconciliationMetric(
        project=project,
        account_scope_id=project.account_scope_id,
        run_id=run_id,
        source=PORTFOLIO,
        total=total,
        missing=missing,
        duplicates=duplicates,
        orphans=sum(m.orphans for m in metrics),
        completeness_pct=completeness_pct(total, missing, duplicates),
    )


def reconciliation_run(*, project, actor=None, sleep=time.sleep) -> dict:
    """Walk every enabled connector's ids, compare, store the metrics; audit completeness below threshold."""
    run_id = uuid.uuid4()
    configs = ConnectorConfig.objects.filter(project=project, enabled=True).select_related("project")
    metrics = [_reconcile_connector(project, config, run_id, sleep) for config in configs.order_by("source")]
    portfolio = _portfolio(project, run_id, metrics)
    threshold = settings.CONNECTOR_RECONCILIATION_MIN_COMPLETENESS_PCT
    with transaction.atomic():
        ReconciliationMetric.objects.bulk_create([*metrics, portfolio])
        for metric in metrics:
            if metric.completeness_pct < threshold:
                audit_record(
                    action="reconciliation.completeness_low",
                    actor=actor or "reconciliation",
                    project=project,
                    status="warning",
                    entity_type="connector",
                    entity_id=metric.source,
                    payload={
                        "completeness_pct": metric.completeness_pct,
                        "threshold": threshold,
                        "missing": metric.missing,
                        "duplicates": metric.duplicates,
                    },
                )
        audit_record(
            action="reconciliation.run",
            actor=actor or "reconciliation",
            project=project,
            payload={"run_id": str(run_id), "portfolio_pct": portfolio.completeness_pct},
        )
        data = {"what": "reconciliation", "run_id": str(run_id), "completeness_pct": portfolio.completeness_pct}
        publish_on_commit(project_id=project.pk, event_type="data_changed", data=data)
    return {"run_id": str(run_id), "metrics": [*metrics, portfolio], "summary": portfolio}


def connector_resync(*, project, source: str, ids: dict[str, list[str]], actor) -> SyncRun:
    """Re-read exactly the listed records now (the reconciliation diff's ids), audited.

    Raises AlreadyRunning (409) when another run of the connector holds the lease.
    """
    run = connector_sync(project=project, source=source, trigger="resync", resync_ids=ids)
    audit_record(
        action="connector.resync",
        actor=actor,
        project=project,
        entity_type="connector",
        entity_id=source,
        payload={"ids": sum(len(v) for v in ids.values()), "run_id": str(run.id)},
    )
    return run


def parse_resync_ids(ids: list[str], *, streams: tuple[str, ...]) -> dict[str, list[str]]:
    """["deals:abc", …] → {"deals": ["abc"]}; raises ValueError naming a bad entry."""
    grouped: dict[str, list[str]] = {}
    for entry in ids:
        stream, _, external_id = str(entry).partition(":")
        if stream not in streams or not external_id:
            raise ValueError(f"{entry!r} is not 'stream:id' with stream in {', '.join(streams)}")
        grouped.setdefault(stream, []).append(external_id)
    return grouped
