"""Reads over the CRM mirror, always for one project."""

from django.db.models import Count, Q, QuerySet, Sum

from crm.models import CrmAccount, CrmContact, CrmOpportunity, LinkStatus, Stage


def accounts(*, project) -> QuerySet[CrmAccount]:
    return (
        CrmAccount.objects.filter(project=project)
        .annotate(opportunity_count=Count("opportunities"))
        .order_by("name", "external_ref")
    )


def opportunities(*, project, stage: str | None = None) -> QuerySet[CrmOpportunity]:
    queryset = CrmOpportunity.objects.filter(project=project).select_related("account").order_by("name", "id")
    return queryset.filter(stage=stage) if stage else queryset


def overview(*, project) -> dict:
    """Accounts, pipeline by stage with amounts, orphans and contact linking (4 queries)."""
    by_stage = {
        row["stage"]: row
        for row in CrmOpportunity.objects.filter(project=project)
        .values("stage")
        .annotate(count=Count("id"), amount=Sum("amount"))
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
        "orphans": CrmOpportunity.objects.filter(project=project, account__isnull=True).count(),
        "contacts": contacts,
    }


def entity_counts(*, project) -> dict:
    """Mirror rows per table (one query)."""
    from django.db import connection

    from crm.models import CrmOpportunityStageEvent

    models = {
        "accounts": CrmAccount,
        "contacts": CrmContact,
        "opportunities": CrmOpportunity,
        "stage_events": CrmOpportunityStageEvent,
    }
    sql = " UNION ALL ".join(
        f"SELECT %s, count(*) FROM {model._meta.db_table} WHERE project_id = %s" for model in models.values()
    )
    params = [value for name in models for value in (name, project.pk)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())
