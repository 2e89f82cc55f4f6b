"""The CRM mirror built from real syncs of the sandbox: keys, orphans, stage events, contact links."""

import pytest

from connectors.services.sync import connector_sync
from crm.models import CrmAccount, CrmContact, CrmOpportunity, CrmOpportunityStageEvent, LinkStatus
from crm.services import mirror_rebuild

# Real commits: the mirror is refreshed by hooks that run after each sync page commits.
pytestmark = pytest.mark.django_db(transaction=True)


def sync_all(project, sleep, sources=("attio", "chatwoot")):
    for source in sources:
        assert connector_sync(project=project, source=source, sleep=sleep).status == "ok"


def test_companies_with_the_same_name_stay_two_accounts(studio, make_tenant, bind, sleep):
    tenant = make_tenant()
    bind(studio, tenant, sources=["attio"])
    sync_all(studio, sleep, sources=["attio"])
    accounts = CrmAccount.objects.filter(project=studio)
    assert accounts.count() == tenant.dataset.counts()["companies"]
    names = list(accounts.values_list("name", flat=True))
    twins = [name for name in set(names) if names.count(name) > 1]
    assert twins, "the sandbox seeds two companies sharing a name"
    assert len(set(accounts.filter(name=twins[0]).values_list("external_ref", flat=True))) == 2


def test_a_deal_without_a_company_is_kept_as_an_orphan(owner_api, project, make_tenant, bind, sleep):
    tenant = make_tenant()
    bind(project, tenant, sources=["attio"])
    sync_all(project, sleep, sources=["attio"])
    assert CrmOpportunity.objects.filter(project=project).count() == tenant.dataset.counts()["deals"]
    overview = owner_api.get("/api/crm/overview").json()
    assert overview["orphans"] >= 2
    assert sum(stage["count"] for stage in overview["pipeline"]) == tenant.dataset.counts()["deals"]
    listed = owner_api.get("/api/crm/opportunities?page_size=500").json()["results"]
    assert sum(1 for row in listed if row["is_orphan"]) == overview["orphans"]


def test_each_stage_change_in_the_source_writes_exactly_one_event(studio, make_tenant, bind, sleep, sandbox):
    tenant = make_tenant()
    bind(studio, tenant, sources=["attio"])
    sync_all(studio, sleep, sources=["attio"])
    assert CrmOpportunityStageEvent.objects.filter(project=studio).count() == 0
    moved = sandbox.mutate(tenant=tenant.name, action="move_deal_stage", count=3)["deals"]
    sync_all(studio, sleep, sources=["attio"])
    sync_all(studio, sleep, sources=["attio"])  # nothing new: no new events
    events = CrmOpportunityStageEvent.objects.filter(project=studio)
    assert events.count() == 3
    assert set(events.values_list("opportunity__external_ref", flat=True)) == {str(i) for i in moved}
    assert all(event.from_stage != event.to_stage for event in events)


def test_mirror_refresh_is_idempotent(studio, make_tenant, bind, sleep):
    bind(studio, make_tenant(), sources=["attio", "chatwoot"])
    sync_all(studio, sleep)
    before = {
        model.__name__: sorted(model.objects.filter(project=studio).values_list("external_ref", "updated_at"))
        for model in (CrmAccount, CrmContact, CrmOpportunity)
    }
    mirror_rebuild(project=studio)
    mirror_rebuild(project=studio)
    for model in (CrmAccount, CrmContact, CrmOpportunity):
        refs = sorted(model.objects.filter(project=studio).values_list("external_ref", flat=True))
        assert refs == [ref for ref, _ in before[model.__name__]]
    assert CrmOpportunityStageEvent.objects.filter(project=studio).count() == 0


def test_chatwoot_contacts_link_to_attio_people_by_email(studio, make_tenant, bind, sleep):
    bind(studio, make_tenant(), sources=["attio", "chatwoot"])
    sync_all(studio, sleep, sources=["chatwoot", "attio"])  # contacts first: linking must catch up later
    chat = CrmContact.objects.filter(project=studio, source_system="chatwoot").exclude(email="")
    linked = chat.filter(link_status=LinkStatus.LINKED)
    assert linked.exists()
    for contact in linked.filter(person__isnull=False)[:20]:
        assert contact.person.email == contact.email
        assert contact.account_id == contact.person.account_id


def test_manual_stage_move_with_idempotency_key(owner_api, project, make_tenant, bind, sleep):
    bind(project, make_tenant(), sources=["attio"])
    sync_all(project, sleep, sources=["attio"])
    deal = CrmOpportunity.objects.filter(project=project).exclude(stage="won").first()
    path = f"/api/crm/opportunities/{deal.id}/stage"
    first = owner_api.post(path, {"stage": "won", "reason": "signed"}, HTTP_IDEMPOTENCY_KEY="move-1")
    assert first.status_code == 200
    assert first.json()["stage_event"]["to_stage"] == "won"
    replay = owner_api.post(path, {"stage": "won", "reason": "signed"}, HTTP_IDEMPOTENCY_KEY="move-1")
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert CrmOpportunityStageEvent.objects.filter(opportunity=deal).count() == 1
    clash = owner_api.post(path, {"stage": "lost"}, HTTP_IDEMPOTENCY_KEY="move-1")
    assert clash.status_code == 409
    assert clash.json()["error"] == "conflict"
    # The manual stage survives a sync in which the source stage did not change.
    sync_all(project, sleep, sources=["attio"])
    deal.refresh_from_db()
    assert deal.stage == "won"


def test_stage_move_validation_and_scoping(owner_api, project, other_project, make_tenant, bind, sleep):
    bind(project, make_tenant(), sources=["attio"])
    sync_all(project, sleep, sources=["attio"])
    deal = CrmOpportunity.objects.filter(project=project).first()
    assert owner_api.post(f"/api/crm/opportunities/{deal.id}/stage", {"stage": "bogus"}).status_code == 400
    assert owner_api.post("/api/crm/opportunities/nope/stage", {"stage": "won"}).status_code == 400
    foreign = CrmOpportunity.objects.create(project=other_project, source_system="attio", external_ref="x1")
    assert owner_api.post(f"/api/crm/opportunities/{foreign.id}/stage", {"stage": "won"}).status_code == 404
    assert owner_api.get("/api/crm/opportunities?stage=nope").status_code == 400


def test_another_projects_data_never_appears_in_any_count(owner_api, project, other_project, make_tenant, bind, sleep):
    tenant = make_tenant(seed="north")
    bind(project, tenant, sources=["attio"])
    bind(other_project, make_tenant(seed="south"), sources=["attio"])
    sync_all(project, sleep, sources=["attio"])
    sync_all(other_project, sleep, sources=["attio"])
    overview = owner_api.get("/api/crm/overview").json()
    assert overview["accounts"] == tenant.dataset.counts()["companies"]
    assert sum(stage["count"] for stage in overview["pipeline"]) == tenant.dataset.counts()["deals"]
    accounts = owner_api.get("/api/crm/accounts?page_size=500").json()
    assert accounts["count"] == tenant.dataset.counts()["companies"]
    mine = set(CrmAccount.objects.filter(project=project).values_list("id", flat=True))
    assert {row["id"] for row in accounts["results"]} == {str(i) for i in mine}
