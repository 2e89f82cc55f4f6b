"""In a real browser: from the CRM page's accounts to a synced client's page, with its timeline and graph."""

import re

import pytest
from playwright.sync_api import expect

from connectors.selectors import raw_rows
from connectors.services.sync import connector_sync
from core.models import Role
from crm.models import CrmContact
from rag.services.embeddings import embeddings_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def synced(make_user, make_project, make_tenant, bind, sleep):
    """A member's project synced from a sandbox tenant, and one of its clients that has conversations."""
    user = make_user("cora-client")
    project = make_project("Clients", members={user: Role.PM})
    bind(project, make_tenant(messages=120))
    for source in ("attio", "chatwoot", "linear"):
        assert connector_sync(project=project, source=source, sleep=sleep).status == "ok"
    talking = raw_rows(project=project, source="chatwoot", stream="conversations").values_list(
        "contact_external_id", flat=True
    )
    contact = (
        CrmContact.objects.filter(project=project, source_system="chatwoot", external_ref__in=list(talking))
        .exclude(account=None)
        .select_related("account")
        .order_by("external_ref")
        .first()
    )
    return user, project, contact.account


def test_a_client_link_on_the_crm_page_opens_its_timeline(page, login_cookie, synced):
    user, project, account = synced
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login_cookie(page, user, project)
    page.goto("/crm")
    row = page.get_by_test_id("partial-crm-accounts").locator(f'tr[data-account-id="{account.id}"]')
    row.get_by_test_id("client-link").click()

    expect(page).to_have_url(re.compile(rf"/clients/{account.id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(account.name)
    expect(page.get_by_test_id("client-domain")).to_contain_text(account.domain)
    timeline = page.get_by_test_id("timeline")
    expect(timeline.locator("li[data-kind=message]").first).to_be_visible()
    expect(timeline.locator("li[data-kind=conversation]").first).to_be_visible()
    expect(page.get_by_test_id("count-conversations")).not_to_have_text("0")
    graph = page.get_by_role("img", name=f"Graph neighbourhood of {account.name}")
    expect(graph).to_be_visible()
    expect(graph.locator("g.node-client")).to_have_count(1)
    assert errors == []


def test_search_evidence_links_to_the_client_it_belongs_to(page, login_cookie, synced):
    user, project, account = synced
    embeddings_run(project=project)
    login_cookie(page, user, project)
    page.goto("/search")
    page.get_by_label("Question").fill(f"What did {account.name} ask about lately?")
    with page.expect_response("**/api/lightrag/query") as response:
        page.get_by_role("button", name="Ask").click()
    evidence = response.value.json()["evidence"]
    owned = [item for item in evidence if item.get("client")]
    assert owned, "evidence about a client names it"

    card = page.locator(f"#evidence-{owned[0]['id']}")
    link = card.locator("a.client-link")
    expect(link).to_have_text(f"client: {owned[0]['client']['name']}")
    expect(link).to_have_attribute("href", f"/clients/{owned[0]['client']['id']}")
    unowned = [item for item in evidence if not item.get("client")]
    if unowned:  # no link where the evidence belongs to no client
        expect(page.locator(f"#evidence-{unowned[0]['id']} a.client-link")).to_have_count(0)
    link.click()
    expect(page).to_have_url(re.compile(rf"/clients/{owned[0]['client']['id']}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(owned[0]["client"]["name"])
