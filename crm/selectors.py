"""Reads over the CRM mirror, always for one project."""

from django.db.models import Count, Q, QuerySet, Sum

from crm.models import CrmAccount, CrmContact, CrmOpportunity, LinkStatus, Stage


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

    from crm.models import CrmOpportunityStageEvent

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
