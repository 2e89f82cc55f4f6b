"""The client page (`/clients/<id>`): what a member sees — header, counts and latest activity, the timeline, the
graph picture — the links to it from the CRM page, and the 404s."""

import re
import uuid

import pytest
from django.utils import timezone

from connectors.selectors import raw_rows
from core.models import Role
from crm.models import CrmContact
from crm.tests.factories import make_account, make_contact, make_deal, make_move
from ops_dashboard.client_graph import neighbourhood_layout

pytestmark = pytest.mark.django_db


@pytest.fixture
def synced(project, make_tenant, bind, sync):
    bind(project, make_tenant(messages=120))
    for source in ("attio", "chatwoot", "linear"):
        sync(project, source)
    return project


def linked_client(project):
    """An account with a linked Chatwoot contact that has conversations."""
    talking = set(raw_rows(project=project, source="chatwoot", stream="conversations")
                  .values_list("contact_external_id", flat=True))  # fmt: skip
    contacts = CrmContact.objects.filter(project=project, source_system="chatwoot", account__isnull=False)
    contact = contacts.filter(external_ref__in=talking).select_related("account").order_by("external_ref").first()
    assert contact is not None, "the sandbox links Chatwoot contacts to Attio companies"
    return contact.account


def test_a_synced_client_shows_counts_timeline_and_its_graph(owner_api, synced):
    account = linked_client(synced)
    response = owner_api.get(f"/clients/{account.id}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 data-testid="client-name">{account.name}</h1>' in html
    assert account.domain in html
    assert '<a href="/crm" aria-current="page">CRM</a>' in html  # the client page belongs to the CRM
    for key in ("conversations", "messages", "issues", "deals", "notes", "stage_moves"):
        assert f'data-testid="count-{key}"' in html
    assert re.search(r'data-testid="count-conversations">[1-9]', html)
    assert 'data-testid="timeline"' in html
    assert 'data-kind="message"' in html
    assert 'data-kind="issue"' in html
    svg = re.search(r"<svg [^>]*role=\"img\".*?</svg>", html, re.S).group(0)
    assert f'<title id="graph-title">Graph neighbourhood of {account.name}</title>' in svg
    assert 'class="node node-client"' in svg
    assert 'class="node node-contact"' in svg
    assert "<line " in svg
    assert "<script>" not in html  # CSP: no inline scripts


def test_the_timeline_is_newest_first_and_paged(owner_api, project):
    acme = make_account(project, "Acme", domain="acme.test")
    deal = make_deal(project, "Website", account=acme)
    start = timezone.now() - timezone.timedelta(days=100)
    for day in range(60):
        make_move(deal, "discovery", "qualified", occurred_at=start + timezone.timedelta(days=day), reason=f"m{day}")
    html = owner_api.get(f"/clients/{acme.id}").content.decode()
    assert "1–50 of 61 items." in html
    assert re.findall(r"sync: (m\d+)", html)[:2] == ["m59", "m58"]
    assert 'href="?page=2#timeline"' in html
    older = owner_api.get(f"/clients/{acme.id}", {"page": 2}).content.decode()
    assert "51–61 of 61 items." in older
    assert "sync: m0" in older


def test_a_client_with_nothing_linked_says_so(owner_api, project):
    lonely = make_account(project, "Lonely")
    html = owner_api.get(f"/clients/{lonely.id}").content.decode()
    assert 'data-testid="timeline-empty"' in html
    assert 'data-testid="count-deals">0<' in html


def test_crm_accounts_link_to_their_client_page(owner_api, project):
    acme = make_account(project, "Acme", web_url="https://app.attio.com/acme")
    make_contact(project, "Ann", account=acme)
    html = owner_api.get("/crm").content.decode()
    assert f'<a href="/clients/{acme.id}" data-testid="client-link">Acme</a>' in html
    assert 'href="https://app.attio.com/acme"' in html  # the Attio link stays beside it


@pytest.mark.parametrize("account_id", ["not-a-uuid", str(uuid.uuid4())])
def test_an_unknown_or_malformed_id_is_the_pages_404(owner_api, account_id):
    assert owner_api.get(f"/clients/{account_id}").status_code == 404


def test_another_projects_client_is_a_404_even_with_the_same_name(owner_api, project, other_project):
    make_account(project, "Acme")
    theirs = make_account(other_project, "Acme")
    make_deal(other_project, "Their secret deal", account=theirs)
    assert owner_api.get(f"/clients/{theirs.id}").status_code == 404


def test_only_members_with_a_project_see_a_client(api, project, make_user):
    acme = make_account(project, "Acme")
    anonymous = api.get(f"/clients/{acme.id}")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login")
    api.login(make_user("nina-no-project").username)
    assert api.get(f"/clients/{acme.id}")["Location"] == "/projects"


def test_a_member_of_another_project_cannot_open_it_by_selecting_theirs(api, project, make_project, make_user):
    acme = make_account(project, "Acme")
    outsider = make_user("otto-outsider")
    elsewhere = make_project("Elsewhere", members={outsider: Role.OWNER})
    api.login(outsider.username)
    assert api.select(project).status_code in (403, 404)  # not theirs to select
    assert api.select(elsewhere).status_code == 200
    assert api.get(f"/clients/{acme.id}").status_code == 404


def test_the_layout_is_deterministic_and_keeps_every_node_in_the_picture():
    nodes = [{"id": "c", "kind": "client", "name": "Acme"}]
    nodes += [{"id": f"i{n}", "kind": "issue", "name": f"ACME-{n} a long issue title to cut"} for n in range(20)]
    nodes += [{"id": f"p{n}", "kind": "contact", "name": f"Person {n}"} for n in range(8)]
    edges = [{"source": "c", "target": node["id"], "type": "linked"} for node in nodes[1:]]
    edges.append({"source": "c", "target": "missing", "type": "linked"})
    first = neighbourhood_layout({"nodes": nodes, "edges": edges})
    assert first == neighbourhood_layout({"nodes": list(reversed(nodes)), "edges": edges})
    assert len(first["nodes"]) == 29
    assert len(first["edges"]) == 28  # the edge to a node not drawn is left out
    assert first["nodes"][0].kind == "client"
    assert (first["nodes"][0].x, first["nodes"][0].y) == (first["width"] / 2, first["height"] / 2)
    for node in first["nodes"]:
        assert 0 < node.x < first["width"]
        assert 0 < node.y < first["height"]
        assert len(node.label) <= 22
    assert first["counts"] == {"client": 1, "contact": 8, "issue": 20}
    assert neighbourhood_layout({"nodes": [], "edges": []})["nodes"] == []
