"""The CRM mirror: accounts, contacts, opportunities and stage events, built from raw rows.

Every row is keyed by (project, source_system, external_ref); names are never keys.
"""

import uuid

from django.db import models
from django.utils import timezone

from core.scoping import ScopedModel


class Stage(models.TextChoices):
    DISCOVERY = "discovery"
    QUALIFIED = "qualified"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    WON = "won"
    LOST = "lost"


class MirrorRow(ScopedModel):
    """Columns every mirror row has."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source_system = models.CharField(max_length=20)
    external_ref = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["project", "source_system", "external_ref"], name="%(app_label)s_%(class)s_ref_uniq"
            )
        ]


class CrmAccount(MirrorRow):
    """A client company (from Attio companies)."""

    name = models.CharField(max_length=300, blank=True)
    domain = models.CharField(max_length=300, blank=True)
    web_url = models.URLField(max_length=500, blank=True)

    class Meta(MirrorRow.Meta):
        db_table = "crm_accounts"
        indexes = [models.Index(fields=["project", "domain"], name="crm_account_domain_idx")]

    def __str__(self) -> str:
        return self.name or self.external_ref


class LinkStatus(models.TextChoices):
    LINKED = "linked"
    AMBIGUOUS = "ambiguous"
    UNMATCHED = "unmatched"


class CrmContact(MirrorRow):
    """A person (Attio people and Chatwoot contacts). Chatwoot contacts link to an Attio person and/or an
    account when the match is unambiguous."""

    name = models.CharField(max_length=300, blank=True)
    email = models.CharField(max_length=320, blank=True)
    account = models.ForeignKey(CrmAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts")
    person = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="chat_identities")
    link_status = models.CharField(max_length=20, choices=LinkStatus.choices, default=LinkStatus.UNMATCHED)

    class Meta(MirrorRow.Meta):
        db_table = "crm_contacts"
        indexes = [models.Index(fields=["project", "email"], name="crm_contact_email_idx")]

    def __str__(self) -> str:
        return self.name or self.email or self.external_ref


class CrmOpportunity(MirrorRow):
    """A deal. Without a resolvable company it is kept and counted as an orphan. A deal deleted at the source
    is closed (`deleted_at`, `deleted_reason`), not dropped, so its stage history stays."""

    name = models.CharField(max_length=300, blank=True)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.DISCOVERY)
    source_stage = models.CharField(max_length=100, blank=True, help_text="The stage as the source names it.")
    amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=10, blank=True)
    probability = models.FloatField(default=0.0)
    account = models.ForeignKey(
        CrmAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="opportunities"
    )
    company_ref = models.CharField(max_length=64, blank=True, help_text="The source's company id, resolved or not.")
    owner_ref = models.CharField(max_length=64, blank=True)
    web_url = models.URLField(max_length=500, blank=True)
    stage_changed_at = models.DateTimeField(null=True, blank=True)
    # Closed when the deal is deleted at the source: it leaves the pipeline, its stage history stays.
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_reason = models.CharField(max_length=20, blank=True, default="")

    class Meta(MirrorRow.Meta):
        db_table = "crm_opportunities"
        indexes = [models.Index(fields=["project", "stage"], name="crm_opp_stage_idx")]

    def __str__(self) -> str:
        return self.name or self.external_ref

    @property
    def is_orphan(self) -> bool:
        return self.account_id is None


class CrmOpportunityStageEvent(ScopedModel):
    """A stage change: seen in the source (`sync`) or made by a person (`manual`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    opportunity = models.ForeignKey(CrmOpportunity, on_delete=models.CASCADE, related_name="stage_events")
    from_stage = models.CharField(max_length=20, blank=True)
    to_stage = models.CharField(max_length=20)
    source = models.CharField(max_length=20, default="sync")
    reason = models.TextField(blank=True)
    actor = models.CharField(max_length=150, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "crm_opportunity_stage_events"
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.from_stage or '∅'} → {self.to_stage}"
