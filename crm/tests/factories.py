"""Mirror rows built directly (the mirror's own tests cover how syncs write them)."""

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from crm.models import CrmAccount, CrmContact, CrmOpportunity, CrmOpportunityStageEvent

_numbers = itertools.count(1)


def _scoped(project) -> dict:
    return {"project": project, "account_scope_id": project.account_scope_id}


def make_account(project, name: str, *, domain: str = "", **fields) -> CrmAccount:
    ref = f"company-{next(_numbers)}"
    return CrmAccount.objects.create(**_scoped(project), source_system="attio", external_ref=ref, name=name,
                                     domain=domain, **fields)  # fmt: skip


def make_contact(project, name: str, *, account=None, source_system: str = "attio", **fields) -> CrmContact:
    ref = f"person-{next(_numbers)}"
    return CrmContact.objects.create(**_scoped(project), source_system=source_system, external_ref=ref, name=name,
                                     account=account, **fields)  # fmt: skip


def make_deal(project, name: str, *, stage: str = "discovery", amount="1000", currency: str = "USD", account=None,
              stage_changed_at=None, **fields) -> CrmOpportunity:  # fmt: skip
    ref = f"deal-{next(_numbers)}"
    fields.setdefault("company_ref", account.external_ref if account else "")
    return CrmOpportunity.objects.create(
        **_scoped(project),
        source_system="attio",
        external_ref=ref,
        name=name,
        stage=stage,
        amount=None if amount is None else Decimal(amount),
        currency=currency,
        account=account,
        stage_changed_at=stage_changed_at or timezone.now() - dt.timedelta(days=3),
        **fields,
    )


def make_move(deal, from_stage: str, to_stage: str, *, occurred_at=None, **fields) -> CrmOpportunityStageEvent:
    """A stage event (the deal's own stage is left as it is)."""
    return CrmOpportunityStageEvent.objects.create(
        project=deal.project,
        account_scope_id=deal.account_scope_id,
        opportunity=deal,
        from_stage=from_stage,
        to_stage=to_stage,
        occurred_at=occurred_at or timezone.now(),
        **fields,
    )
