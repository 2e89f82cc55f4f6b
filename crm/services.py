"""Building the CRM mirror from raw rows, incrementally and idempotently, and moving stages by hand.

Refreshes run after each committed sync page of Attio companies/people/deals and Chatwoot contacts
(see `crm.apps`). Re-running any of them writes the same rows; a stage event is written only when the
source's stage actually changed. Records deleted at the source leave the mirror in the transaction that
tombstones them (`mirror_on_removed`): a deal is closed (out of the pipeline, its stage history kept), an
account or contact is removed and the links that named it are cleared. A deal the source shows again reopens.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from audit.services import audit_record
from connectors.selectors import raw_rows
from core.events import publish_on_commit
from core.selectors import project_get
from crm.models import CrmAccount, CrmContact, CrmOpportunity, CrmOpportunityStageEvent, LinkStatus
from crm.stages import PROBABILITY, map_stage

ATTIO, CHATWOOT = "attio", "chatwoot"
REFRESHERS = {}  # (source, stream) → function(project, ids)


def _refresher(source: str, stream: str):
    def register(function):
        REFRESHERS[(source, stream)] = function
        return function

    return register


def mirror_refresh(*, project, source: str, stream: str, external_ids=None) -> None:
    """Refresh the mirror rows that come from these raw rows (all of the stream when ids is None)."""
    refresher = REFRESHERS.get((source, stream))
    if refresher is not None:
        with transaction.atomic():
            refresher(project, external_ids)


def mirror_rebuild(*, project) -> None:
    """Refresh everything (order matters: accounts before what links to them)."""
    for source, stream in (
        ("attio", "companies"),
        ("attio", "people"),
        ("attio", "deals"),
        ("chatwoot", "contacts"),
    ):
        mirror_refresh(project=project, source=source, stream=stream)


def _upsert(model, project, rows: list[dict], fields: list[str]) -> None:
    """Insert or update mirror rows by (project, source_system, external_ref)."""
    now = timezone.now()
    objects = [model(project=project, account_scope_id=project.account_scope_id, updated_at=now, **row) for row in rows]
    model.objects.bulk_create(
        objects,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["project", "source_system", "external_ref"],
        update_fields=[*fields, "updated_at"],
    )


def _account_ids(project, refs) -> dict[str, object]:
    """{company external id: account id} for the given refs."""
    refs = {ref for ref in refs if ref}
    rows = CrmAccount.objects.filter(project=project, source_system=ATTIO, external_ref__in=refs)
    return dict(rows.values_list("external_ref", "id"))


@_refresher(ATTIO, "companies")
def accounts_refresh(project, external_ids) -> None:
    rows = raw_rows(project=project, source=ATTIO, stream="companies", external_ids=external_ids)
    payload = [
        {
            "source_system": ATTIO,
            "external_ref": r.external_id,
            "name": r.name,
            "domain": r.domain,
            "web_url": r.web_url,
        }
        for r in rows.only("external_id", "name", "domain", "web_url")
    ]
    _upsert(CrmAccount, project, payload, ["name", "domain", "web_url"])
    refs = [row["external_ref"] for row in payload]
    _relink_to_accounts(project, refs)


def _relink_to_accounts(project, company_refs: list[str]) -> None:
    """Opportunities and people that named these companies before they arrived get their account now."""
    accounts = dict(
        CrmAccount.objects.filter(project=project, source_system=ATTIO, external_ref__in=company_refs).values_list(
            "external_ref", "id"
        )
    )
    account_of_company = CrmAccount.objects.filter(
        project=project, source_system=ATTIO, external_ref=OuterRef("company_ref")
    ).values("id")[:1]
    CrmOpportunity.objects.filter(project=project, account__isnull=True, company_ref__in=list(accounts)).update(
        account_id=Subquery(account_of_company)
    )
    people = raw_rows(project=project, source=ATTIO, stream="people").filter(company_external_id__in=list(accounts))
    company_of = dict(people.values_list("external_id", "company_external_id"))
    contacts = list(
        CrmContact.objects.filter(
            project=project, source_system=ATTIO, account__isnull=True, external_ref__in=list(company_of)
        ).only("id", "external_ref")
    )
    for contact in contacts:
        contact.account_id, contact.link_status = accounts[company_of[contact.external_ref]], LinkStatus.LINKED
    CrmContact.objects.bulk_update(contacts, ["account", "link_status"])
    contacts_link_chatwoot(project, None, only_unlinked=True)


@_refresher(ATTIO, "people")
def people_refresh(project, external_ids) -> None:
    rows = list(raw_rows(project=project, source=ATTIO, stream="people", external_ids=external_ids))
    accounts = _account_ids(project, [r.company_external_id for r in rows])
    payload = [
        {
            "source_system": ATTIO,
            "external_ref": r.external_id,
            "name": r.name,
            "email": r.email,
            "account_id": accounts.get(r.company_external_id),
            "link_status": LinkStatus.LINKED if r.company_external_id in accounts else LinkStatus.UNMATCHED,
        }
        for r in rows
    ]
    _upsert(CrmContact, project, payload, ["name", "email", "account", "link_status"])
    contacts_link_chatwoot(project, None, only_unlinked=True)


@_refresher(ATTIO, "deals")
def opportunities_refresh(project, external_ids) -> None:
    rows = list(raw_rows(project=project, source=ATTIO, stream="deals", external_ids=external_ids))
    existing = {
        o.external_ref: o
        for o in CrmOpportunity.objects.filter(
            project=project, source_system=ATTIO, external_ref__in=[r.external_id for r in rows]
        )
    }
    accounts = _account_ids(project, [r.company_external_id for r in rows])
    now, events, payload = timezone.now(), [], []
    for raw in rows:
        stage = map_stage(raw.stage)
        current = existing.get(raw.external_id)
        changed = current is not None and current.source_stage != raw.stage
        payload.append(_opportunity_values(raw, stage, accounts, current, changed, now))
        if changed:
            events.append((raw.external_id, current.stage, stage))
    _upsert(
        CrmOpportunity,
        project,
        payload,
        [
            "name",
            "stage",
            "source_stage",
            "amount",
            "currency",
            "probability",
            "account",
            "company_ref",
            "owner_ref",
            "web_url",
            "stage_changed_at",
            "deleted_at",
            "deleted_reason",
        ],
    )
    _write_sync_stage_events(project, events, now)


def _opportunity_values(raw, stage, accounts, current, changed, now) -> dict:
    keep_manual_stage = current is not None and not changed
    final_stage = current.stage if keep_manual_stage else stage
    return {
        "source_system": ATTIO,
        "external_ref": raw.external_id,
        "name": raw.name,
        "stage": final_stage,
        "source_stage": raw.stage,
        "amount": raw.amount,
        "currency": raw.currency,
        "probability": PROBABILITY.get(final_stage, 0.0),
        "account_id": accounts.get(raw.company_external_id),
        "company_ref": raw.company_external_id,
        "owner_ref": raw.owner_external_id,
        "web_url": raw.web_url,
        "stage_changed_at": now if changed else (current.stage_changed_at if current else raw.source_created_at),
        "deleted_at": None,  # a deal back at the source reopens
        "deleted_reason": "",
    }


def _write_sync_stage_events(project, events: list[tuple], now) -> None:
    if not events:
        return
    ids = dict(
        CrmOpportunity.objects.filter(
            project=project, source_system=ATTIO, external_ref__in=[ref for ref, _, _ in events]
        ).values_list("external_ref", "id")
    )
    CrmOpportunityStageEvent.objects.bulk_create(
        CrmOpportunityStageEvent(
            project=project,
            account_scope_id=project.account_scope_id,
            opportunity_id=ids[ref],
            from_stage=old,
            to_stage=new,
            source="sync",
            occurred_at=now,
        )
        for ref, old, new in events
    )
    _announce_stage_moves(project, len(events))


def _announce_stage_moves(project, moved: int) -> None:
    """Tell the dashboard (CRM page, overview) after commit that deals changed stage."""
    data = {"what": "crm_stage_moves", "moved": moved}
    publish_on_commit(project_id=project.pk, event_type="data_changed", data=data)


@_refresher(CHATWOOT, "contacts")
def chatwoot_contacts_refresh(project, external_ids) -> None:
    rows = raw_rows(project=project, source=CHATWOOT, stream="contacts", external_ids=external_ids)
    payload = [
        {"source_system": CHATWOOT, "external_ref": r.external_id, "name": r.name, "email": r.email}
        for r in rows.only("external_id", "name", "email")
    ]
    _upsert(CrmContact, project, payload, ["name", "email"])
    contacts_link_chatwoot(project, [row["external_ref"] for row in payload])


def contacts_link_chatwoot(project, external_refs, *, only_unlinked: bool = False) -> None:
    """Link Chatwoot contacts to an Attio person (same email) or an account (same domain) when unambiguous."""
    contacts = CrmContact.objects.filter(project=project, source_system=CHATWOOT)
    if external_refs is not None:
        contacts = contacts.filter(external_ref__in=external_refs)
    if only_unlinked:
        contacts = contacts.exclude(link_status=LinkStatus.LINKED)
    contacts = list(contacts.only("id", "email"))
    if not contacts:
        return
    people, domains = _people_by_email(project), _accounts_by_domain(project)
    for contact in contacts:
        contact.person_id, contact.account_id, contact.link_status = _match(contact.email, people, domains)
    CrmContact.objects.bulk_update(contacts, ["person", "account", "link_status"], batch_size=1000)


def _people_by_email(project) -> dict[str, list[tuple]]:
    people = defaultdict(list)
    rows = CrmContact.objects.filter(project=project, source_system=ATTIO).exclude(email="")
    for person_id, email, account_id in rows.values_list("id", "email", "account_id"):
        people[email.lower()].append((person_id, account_id))
    return people


def _accounts_by_domain(project) -> dict[str, list]:
    domains = defaultdict(list)
    for account_id, domain in CrmAccount.objects.filter(project=project).exclude(domain="").values_list("id", "domain"):
        domains[domain.lower()].append(account_id)
    return domains


def _match(email: str, people: dict, domains: dict) -> tuple:
    """(person id, account id, link status) for one email."""
    email = (email or "").lower()
    if not email or "@" not in email:
        return None, None, LinkStatus.UNMATCHED
    matches = people.get(email, [])
    if len(matches) == 1:
        return matches[0][0], matches[0][1], LinkStatus.LINKED
    if len(matches) > 1:
        return None, None, LinkStatus.AMBIGUOUS
    accounts = domains.get(email.rsplit("@", 1)[1], [])
    if len(accounts) == 1:
        return None, accounts[0], LinkStatus.LINKED
    return None, None, LinkStatus.AMBIGUOUS if accounts else LinkStatus.UNMATCHED


@transaction.atomic
def opportunity_stage_move(*, opportunity: CrmOpportunity, stage: str, reason: str, actor, request_id: str = ""):
    """A person moves a deal: stage event + audit. The source's next sync keeps it unless the source changes."""
    event = CrmOpportunityStageEvent.objects.create(
        project=opportunity.project,
        opportunity=opportunity,
        from_stage=opportunity.stage,
        to_stage=stage,
        source="manual",
        reason=reason,
        actor=getattr(actor, "username", str(actor or "")),
    )
    opportunity.stage, opportunity.probability = stage, PROBABILITY.get(stage, 0.0)
    opportunity.stage_changed_at = event.occurred_at
    opportunity.updated_at = timezone.now()
    opportunity.save(update_fields=["stage", "probability", "stage_changed_at", "updated_at"])
    audit_record(
        action="crm.stage_move",
        actor=actor,
        project=opportunity.project,
        entity_type="crm_opportunity",
        entity_id=str(opportunity.id),
        request_id=request_id,
        payload={"from": event.from_stage, "to": stage, "reason": reason},
    )
    _announce_stage_moves(opportunity.project, 1)
    return opportunity, event


def mirror_on_page(event) -> None:
    """Connector hook: refresh the mirror rows behind a committed page's changed rows."""
    if (event.source, event.stream) not in REFRESHERS or not event.changed_ids:
        return
    project = project_get(event.project_id)
    if project is not None:
        mirror_refresh(project=project, source=event.source, stream=event.stream, external_ids=list(event.changed_ids))


MIRROR_TABLES = {
    (ATTIO, "companies"): (CrmAccount, ATTIO),
    (ATTIO, "people"): (CrmContact, ATTIO),
    (ATTIO, "deals"): (CrmOpportunity, ATTIO),
    (CHATWOOT, "contacts"): (CrmContact, CHATWOOT),
}


def mirror_ids(project, source: str, stream: str) -> set[str] | None:
    """Connector reconciliation hook: external refs of this stream present (open) in the mirror."""
    target = MIRROR_TABLES.get((source, stream))
    if target is None:
        return None
    model, system = target
    rows = model.objects.filter(project=project, source_system=system)
    if model is CrmOpportunity:
        rows = rows.filter(deleted_at__isnull=True)
    return set(rows.values_list("external_ref", flat=True))


def mirror_on_removed(event) -> None:
    """Connector removal hook (inside the tombstoning transaction): the mirror lets these records go."""
    project = project_get(event.project_id)
    if project is None:
        return
    for stream, ids in event.removed.items():
        if (event.source, stream) in MIRROR_TABLES and ids:
            mirror_on_deleted(project, event.source, stream, list(ids), reason=event.reason)


def mirror_on_deleted(project, source: str, stream: str, external_ids, *, reason: str) -> int:
    """Deals deleted at the source are closed with the reason; accounts and contacts go, and what linked to them
    is relinked (or left unmatched)."""
    model, system = MIRROR_TABLES[(source, stream)]
    rows = model.objects.filter(project=project, source_system=system, external_ref__in=list(external_ids))
    if model is CrmOpportunity:
        now = timezone.now()
        return rows.filter(deleted_at__isnull=True).update(deleted_at=now, deleted_reason=reason, updated_at=now)
    removed, _ = rows.delete()
    if system == ATTIO:  # people and deals may have lost their account, Chatwoot contacts their match
        CrmContact.objects.filter(
            project=project, source_system=ATTIO, account__isnull=True, link_status=LinkStatus.LINKED
        ).update(link_status=LinkStatus.UNMATCHED)
        contacts_link_chatwoot(project, None)
    return removed
