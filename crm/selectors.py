"""Reads over the CRM mirror, always for one project."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum, Window
from django.utils import timezone

from crm.models import CrmAccount, CrmContact, CrmOpportunity, CrmOpportunityStageEvent, LinkStatus, Stage


def accounts(*, project) -> QuerySet[CrmAccount]:
    open_deals = Count("opportunities", filter=Q(opportunities__deleted_at__isnull=True))
    return (
        CrmAccount.objects.filter(project=project)
        .annotate(opportunity_count=open_deals)
        .order_by("name", "external_ref")
    )


def live_opportunities(*, project) -> QuerySet[CrmOpportunity]:
    """Deals the source still has (closed ones, deleted at the source, keep only their stage history)."""
    return CrmOpportunity.objects.filter(project=project, deleted_at__isnull=True)


def opportunities(*, project, stage: str | None = None) -> QuerySet[CrmOpportunity]:
    queryset = live_opportunities(project=project).select_related("account").order_by("name", "id")
    return queryset.filter(stage=stage) if stage else queryset


def overview(*, project) -> dict:
    """Accounts, pipeline by stage with amounts, orphans and contact linking (4 queries)."""
    by_stage = {
        row["stage"]: row
        for row in live_opportunities(project=project).values("stage").annotate(count=Count("id"), amount=Sum("amount"))
    }
    pipeline = [
        {
            "stage": stage,
            "count": by_stage.get(stage, {}).get("count", 0),
            "amount": str(by_stage.get(stage, {}).get("amount") or 0),
        }
        for stage in Stage.values
    ]
    contacts = CrmContact.objects.filter(project=project, source_system="chatwoot").aggregate(
        linked=Count("id", filter=Q(link_status=LinkStatus.LINKED)),
        ambiguous=Count("id", filter=Q(link_status=LinkStatus.AMBIGUOUS)),
        unmatched=Count("id", filter=Q(link_status=LinkStatus.UNMATCHED)),
    )
    return {
        "accounts": CrmAccount.objects.filter(project=project).count(),
        "pipeline": pipeline,
        "orphans": live_opportunities(project=project).filter(account__isnull=True).count(),
        "contacts": contacts,
    }


def entity_counts(*, project) -> dict:
    """Mirror rows per table, open deals only (one query)."""
    from django.db import connection

    models = {
        "accounts": CrmAccount,
        "contacts": CrmContact,
        "opportunities": CrmOpportunity,
        "stage_events": CrmOpportunityStageEvent,
    }
    only_open = {CrmOpportunity: " AND deleted_at IS NULL"}
    sql = " UNION ALL ".join(
        f"SELECT %s, count(*) FROM {model._meta.db_table} WHERE project_id = %s{only_open.get(model, '')}"
        for model in models.values()
    )
    params = [value for name in models for value in (name, project.pk)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


# ---------------------------------------------------------------- the pipeline page (dashboard, GET /api/crm/pipeline)

STAGES = tuple(Stage.values)
OPEN_STAGES = (Stage.DISCOVERY, Stage.QUALIFIED, Stage.PROPOSAL, Stage.NEGOTIATION)
CLOSED_STAGES = (Stage.WON, Stage.LOST)
WON_LOST_DAYS = 90
DEALS_LIMIT = 50
ACCOUNTS_LIMIT = 25
ORPHANS_LIMIT = 20
HISTORY_SHOWN = 20
SEARCH_MAX_CHARS = 100
TRUE_VALUES = ("1", "true", "on", "yes")
DEAL_FIELDS = ("id", "name", "stage", "amount", "currency", "owner_ref", "web_url", "stage_changed_at",
               "deleted_at", "deleted_reason", "external_ref", "account__id", "account__name")  # fmt: skip
EVENT_FIELDS = ("id", "opportunity_id", "from_stage", "to_stage", "source", "actor", "reason", "occurred_at")


@dataclass(frozen=True)
class PipelineFilter:
    """The deals and accounts filters: a stage, account search text, and whether closed deals are listed.

    Closed means won, lost, or deleted at the source. Without a stage only open deals are listed (all of them
    with `include_closed`); a stage lists that stage's deals (deleted ones too with `include_closed`).
    """

    stage: str = ""
    q: str = ""
    include_closed: bool = False
    ignored: tuple[str, ...] = ()

    @classmethod
    def from_query(cls, query) -> "PipelineFilter":
        """Unknown values are dropped (and named in `ignored`); search text is trimmed to SEARCH_MAX_CHARS."""
        stage, ignored = query.get("stage", ""), []
        if stage and stage not in Stage.values:
            ignored.append(f"stage={stage}")
            stage = ""
        q = " ".join(query.get("q", "").split())[:SEARCH_MAX_CHARS]
        return cls(stage=stage, q=q, include_closed=query.get("include_closed", "") in TRUE_VALUES,
                   ignored=tuple(ignored))  # fmt: skip

    @property
    def active(self) -> bool:
        return bool(self.stage or self.q or self.include_closed)


def _by_stage_and_currency(queryset, stages) -> list[dict]:
    """[{stage, count, amounts: [{currency, amount}]}] for each of `stages`, in order (one query)."""
    rows = (
        queryset.filter(stage__in=stages).values("stage", "currency").annotate(count=Count("id"), amount=Sum("amount"))
    )
    found: dict[str, dict] = {stage: {"stage": stage, "count": 0, "amounts": []} for stage in stages}
    for row in rows.order_by("stage", "currency"):
        entry = found[row["stage"]]
        entry["count"] += row["count"]
        entry["amounts"].append({"currency": row["currency"], "amount": row["amount"] or Decimal(0)})
    return list(found.values())


def _currency_totals(stages: list[dict]) -> list[dict]:
    totals: dict[str, Decimal] = {}
    for stage in stages:
        for amount in stage["amounts"]:
            totals[amount["currency"]] = totals.get(amount["currency"], Decimal(0)) + amount["amount"]
    return [{"currency": currency, "amount": amount} for currency, amount in sorted(totals.items())]


def open_pipeline(*, project) -> dict:
    """Open deals per open stage with their value per currency, and the totals (one query).

    Open: live deals (not deleted at the source) in an open stage. Amounts are never converted between currencies.
    """
    stages = _by_stage_and_currency(live_opportunities(project=project), OPEN_STAGES)
    return {
        "stages": stages,
        "open_count": sum(stage["count"] for stage in stages),
        "open_totals": _currency_totals(stages),
        "currencies": sorted({amount["currency"] for stage in stages for amount in stage["amounts"]}),
    }


def pipeline_summary(*, project, days: int = WON_LOST_DAYS, now=None) -> dict:
    """`open_pipeline`, and won/lost in the last `days` days: live deals that reached that stage (their
    `stage_changed_at`) within the window (2 queries)."""
    since = (now or timezone.now()) - dt.timedelta(days=days)
    recent = live_opportunities(project=project).filter(stage_changed_at__gte=since)
    won, lost = _by_stage_and_currency(recent, CLOSED_STAGES)
    return {**open_pipeline(project=project), "won": won, "lost": lost, "days": days}


def _deals_queryset(*, project, filters: PipelineFilter) -> QuerySet[CrmOpportunity]:
    queryset = CrmOpportunity.objects.filter(project=project)
    if not filters.include_closed:
        queryset = queryset.filter(deleted_at__isnull=True)
    if filters.stage:
        queryset = queryset.filter(stage=filters.stage)
    elif not filters.include_closed:
        queryset = queryset.filter(stage__in=OPEN_STAGES)
    if filters.q:
        queryset = queryset.filter(account__name__icontains=filters.q)
    return queryset


def stage_history(*, project, opportunity_ids) -> dict:
    """{deal id: [stage events, newest first]} for these deals of the project (one query)."""
    events = CrmOpportunityStageEvent.objects.filter(project=project, opportunity_id__in=list(opportunity_ids))
    history: dict = {}
    for event in events.only(*EVENT_FIELDS).order_by("-occurred_at", "-id"):
        history.setdefault(event.opportunity_id, []).append(event)
    return history


def deals_page(*, project, filters: PipelineFilter, limit: int = DEALS_LIMIT) -> dict:
    """The deals matching the filters, most recently moved first, each with its account, last stage move and
    stage history (`HISTORY_SHOWN` newest events), and how many match in all (2–3 queries)."""
    queryset = _deals_queryset(project=project, filters=filters)
    ordered = queryset.select_related("account").only(*DEAL_FIELDS)
    rows = list(ordered.order_by(F("stage_changed_at").desc(nulls_last=True), "name", "id")[:limit])
    history = stage_history(project=project, opportunity_ids=[row.id for row in rows])
    deals = []
    for row in rows:
        events = history.get(row.id, [])
        deals.append({"deal": row, "last_move": events[0] if events else None, "history": events[:HISTORY_SHOWN],
                      "history_more": max(0, len(events) - HISTORY_SHOWN)})  # fmt: skip
    total = len(rows) if len(rows) < limit else queryset.count()
    return {"rows": deals, "total": total, "limit": limit}


def accounts_page(*, project, q: str = "", limit: int = ACCOUNTS_LIMIT) -> dict:
    """Accounts (by name, matching `q` on name or domain) with their contacts and open deals, and how many
    match in all (3–4 queries)."""
    queryset = CrmAccount.objects.filter(project=project)
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(domain__icontains=q))
    contacts = Prefetch("contacts", CrmContact.objects.only("id", "name", "email", "source_system", "account_id")
                        .order_by("name", "email", "id"))  # fmt: skip
    deals = Prefetch(
        "opportunities",
        live_opportunities(project=project).filter(stage__in=OPEN_STAGES)
        .only("id", "name", "stage", "amount", "currency", "account_id").order_by("name", "id"),
        to_attr="open_deals",
    )  # fmt: skip
    fields = ("id", "name", "domain", "web_url", "external_ref")
    rows = list(queryset.only(*fields).order_by("name", "external_ref").prefetch_related(contacts, deals)[:limit])
    total = len(rows) if len(rows) < limit else queryset.count()
    return {"rows": rows, "total": total, "limit": limit}


def orphans_page(*, project, limit: int = ORPHANS_LIMIT) -> dict:
    """Orphans as the mirror defines them (`CrmOpportunity.is_orphan`, `overview`): live deals in any stage without
    an account (no company, or one unknown to the mirror); plus how many contacts have no account, by source
    (3 queries)."""
    queryset = live_opportunities(project=project).filter(account__isnull=True)
    fields = ("id", "name", "stage", "amount", "currency", "company_ref", "web_url", "external_ref")
    rows = list(queryset.only(*fields).order_by("name", "id")[:limit])
    total = len(rows) if len(rows) < limit else queryset.count()
    unlinked = CrmContact.objects.filter(project=project, account__isnull=True).values("source_system")
    contacts = {row["source_system"]: row["n"] for row in unlinked.annotate(n=Count("id")).order_by("source_system")}
    return {"rows": rows, "total": total, "limit": limit, "contacts_without_account": contacts}


def week_start(now=None) -> dt.datetime:
    """Monday 00:00 of the current week, in the site's time zone."""
    local = timezone.localtime(now or timezone.now())
    return (local - dt.timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)


def stage_moves_since(*, project, since, limit: int = 5) -> dict:
    """How many stage moves happened since `since`, and the newest `limit` with their deal (one query: the count
    rides along each row as a window aggregate)."""
    events = CrmOpportunityStageEvent.objects.filter(project=project, occurred_at__gte=since)
    latest = list(
        events.select_related("opportunity").only(*EVENT_FIELDS, "opportunity__name", "opportunity__external_ref")
        .annotate(total=Window(Count("id"))).order_by("-occurred_at", "-id")[:limit]
    )  # fmt: skip
    return {"count": latest[0].total if latest else 0, "latest": latest, "since": since}


# ---------------------------------------------------------------- for the knowledge graph (rag.graph)


def graph_accounts(*, project, refs=None) -> list[dict]:
    """Accounts as the graph needs them: id, external_ref, name, domain (all, or those of `refs`)."""
    rows = CrmAccount.objects.filter(project=project)
    rows = rows if refs is None else rows.filter(external_ref__in=[str(r) for r in refs])
    return list(rows.values("id", "external_ref", "name", "domain"))


def graph_contacts(*, project, source_system: str, refs=None) -> list[dict]:
    """Contacts of one source system with their account's external ref (None when unlinked)."""
    rows = CrmContact.objects.filter(project=project, source_system=source_system)
    rows = rows if refs is None else rows.filter(external_ref__in=[str(r) for r in refs])
    return list(rows.values("external_ref", "name", "email", account_ref=F("account__external_ref")))


GRAPH_DEAL_FIELDS = ("external_ref", "name", "stage", "source_stage", "amount", "currency")


def graph_opportunities(*, project, refs=None) -> list[dict]:
    """Live deals with their stage (the pipeline's and the source's own name of it), amount and account's external
    ref."""
    rows = live_opportunities(project=project)
    rows = rows if refs is None else rows.filter(external_ref__in=[str(r) for r in refs])
    return list(rows.values(*GRAPH_DEAL_FIELDS, account_ref=F("account__external_ref")))


def graph_deal_refs_of_accounts(*, project, account_refs, unlinked: bool = False) -> list[str]:
    """External refs of the live deals of these accounts, and with `unlinked` of those attached to no account."""
    linked = Q(account__external_ref__in=[str(r) for r in account_refs])
    rows = live_opportunities(project=project).filter(linked | Q(account__isnull=True) if unlinked else linked)
    return list(rows.values_list("external_ref", flat=True))
