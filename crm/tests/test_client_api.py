"""`GET /api/clients/<id>`: one client's records over real syncs of the sandbox — shape, counts, the timeline's
order, no private note or activity line anywhere, 404s, read keys, and isolation between projects."""

import uuid

import pytest
from django.db.models import Q

from connectors.selectors import raw_rows
from core.models import Role
from crm import clients
from crm.models import CrmAccount, CrmContact
from crm.tests.factories import make_account, make_deal, make_move

pytestmark = pytest.mark.django_db

SOURCES = ("attio", "chatwoot", "linear")
MESSAGES = 200  # enough that every client has conversations with private notes and activity lines


@pytest.fixture
def synced(project, make_tenant, bind, sync):
    """The owner's project synced from a sandbox tenant (the CRM mirror built by the after-commit hooks)."""
    bind(project, make_tenant(messages=MESSAGES))
    for source in SOURCES:
        sync(project, source)
    return project


def busiest_client(project) -> CrmAccount:
    """The account with the most linked Chatwoot contacts (it has conversations)."""
    refs = CrmContact.objects.filter(project=project, source_system="chatwoot", account__isnull=False)
    counts: dict = {}
    for account_id in refs.values_list("account_id", flat=True):
        counts[account_id] = counts.get(account_id, 0) + 1
    assert counts, "the sandbox links Chatwoot contacts to Attio companies by e-mail domain"
    return CrmAccount.objects.get(pk=max(counts, key=counts.get))


def whole_timeline(api, account, **headers) -> tuple[dict, list[dict]]:
    body = api.get(f"/api/clients/{account.id}", {"page_size": 500}, **headers).json()
    assert body["timeline"]["next"] is None, "one page holds the client's whole timeline"
    return body, body["timeline"]["results"]


def test_a_client_has_its_records_counted_and_on_one_timeline(owner_api, synced):
    account = busiest_client(synced)
    response = owner_api.get(f"/api/clients/{account.id}")
    assert response.status_code == 200
    body = response.json()
    assert body["account"] == {
        "id": str(account.id),
        "source_system": "attio",
        "external_ref": account.external_ref,
        "name": account.name,
        "domain": account.domain,
        "web_url": account.web_url,
    }
    assert set(body["counts"]) == set(body["latest"]) == set(clients.COUNT_KEYS.values())
    assert body["timeline"]["count"] == sum(body["counts"].values())
    assert len(body["timeline"]["results"]) == min(50, body["timeline"]["count"])

    contacts = CrmContact.objects.filter(project=synced, account=account, source_system="chatwoot")
    conversations = raw_rows(project=synced, source="chatwoot", stream="conversations").filter(
        contact_external_id__in=list(contacts.values_list("external_ref", flat=True))
    )
    assert body["counts"]["conversations"] == conversations.count() > 0
    public = raw_rows(project=synced, source="chatwoot", stream="messages").filter(
        conversation_external_id__in=list(conversations.values_list("external_id", flat=True)),
        private=False,
    )
    assert body["counts"]["messages"] == public.exclude(message_type=2).exclude(content="").count() > 0
    assert body["counts"]["deals"] == account.opportunities.filter(deleted_at__isnull=True).count()
    assert body["counts"]["issues"] > 0, "the graph links the client's Linear project and its issues"

    _, timeline = whole_timeline(owner_api, account)
    assert {item["kind"] for item in timeline} >= {"conversation", "message", "issue", "deal"}
    times = [item["at"] for item in timeline if item["at"]]
    assert times == sorted(times, reverse=True), "newest first"
    for key, latest in body["latest"].items():
        of_kind = [item for item in timeline if clients.COUNT_KEYS[item["kind"]] == key]
        assert latest == (of_kind[0] if of_kind else None), key
    conversation = next(item for item in timeline if item["kind"] == "conversation")
    assert conversation["url"].endswith(f"/conversations/{conversation['source_id']}")
    issue = next(item for item in timeline if item["kind"] == "issue")
    assert issue["url"].startswith("https://linear.app/")


def test_private_notes_and_activity_lines_never_show_not_even_in_counts(owner_api, synced):
    account = busiest_client(synced)
    body, timeline = whole_timeline(owner_api, account)
    conversation_ids = [item["source_id"] for item in timeline if item["kind"] == "conversation"]
    messages = raw_rows(project=synced, source="chatwoot", stream="messages").filter(
        conversation_external_id__in=conversation_ids
    )
    hidden = messages.filter(Q(private=True) | Q(message_type=2))
    assert hidden.filter(private=True).exists(), "the test needs private notes"
    assert hidden.filter(message_type=2).exists(), "the test needs activity lines"
    hidden_ids = set(hidden.values_list("external_id", flat=True))
    shown = {item["source_id"] for item in timeline if item["kind"] == "message"}
    assert shown
    assert not shown & hidden_ids
    assert (
        body["counts"]["messages"]
        == len(shown)
        == messages.count()
        - len(hidden_ids)
        - messages.filter(content="", private=False).exclude(message_type=2).count()
    )
    text = " ".join(f"{item['title']} {item['summary']}" for item in timeline)
    for content in hidden.exclude(content="").values_list("content", flat=True)[:50]:
        assert content[:60] not in text


def test_a_read_key_reads_a_client(api, synced, make_api_key):
    account = busiest_client(synced)
    key = make_api_key(synced, "read")
    response = api.get(f"/api/clients/{account.id}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json()["account"]["id"] == str(account.id)


@pytest.mark.parametrize("account_id", ["not-a-uuid", str(uuid.uuid4()), "1"])
def test_an_id_that_names_no_client_of_the_project_is_a_404(owner_api, account_id):
    response = owner_api.get(f"/api/clients/{account_id}")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_another_projects_client_is_a_404(owner_api, other_project):
    theirs = make_account(other_project, "Theirs")
    response = owner_api.get(f"/api/clients/{theirs.id}")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_a_page_past_the_timeline_is_a_404_and_a_bad_page_size_a_400(owner_api, project):
    acme = make_account(project, "Acme")
    make_deal(project, "Website", account=acme)
    assert owner_api.get(f"/api/clients/{acme.id}", {"page": 2}).status_code == 404
    response = owner_api.get(f"/api/clients/{acme.id}", {"page_size": 0})
    assert response.status_code == 400
    assert "page_size" in response.json()["detail"]


def test_two_projects_with_clients_of_the_same_names_see_only_their_own(
    api, owner, project, make_project, make_tenant, bind, sync, make_api_key
):
    """Both projects synced from tenants of the same seed (same names, same source ids); one stage move and a
    deal only in the second project show only there."""
    other = make_project("Twin", members={owner: Role.OWNER})  # a key is made by a member of its project
    for each in (project, other):
        bind(each, make_tenant(messages=MESSAGES))
        for source in SOURCES:
            sync(each, source)
    mine = busiest_client(project)
    twin = CrmAccount.objects.get(project=other, external_ref=mine.external_ref)
    assert twin.name == mine.name
    assert twin.id != mine.id
    make_move(make_deal(other, "Twin-only deal", account=twin), "discovery", "qualified")

    my_key, their_key = make_api_key(project, "read"), make_api_key(other, "read")
    my_body, my_timeline = whole_timeline(api, mine, HTTP_AUTHORIZATION=f"Bearer {my_key}")
    their_body, their_timeline = whole_timeline(api, twin, HTTP_AUTHORIZATION=f"Bearer {their_key}")
    assert their_body["counts"]["deals"] == my_body["counts"]["deals"] + 1
    assert their_body["counts"]["stage_moves"] == my_body["counts"]["stage_moves"] + 1
    assert not any("Twin-only" in item["title"] for item in my_timeline)
    assert any("Twin-only" in item["title"] for item in their_timeline)
    # Each key reaches only its own project's account, even with the other's id.
    assert api.get(f"/api/clients/{twin.id}", HTTP_AUTHORIZATION=f"Bearer {my_key}").status_code == 404
    assert api.get(f"/api/clients/{mine.id}", HTTP_AUTHORIZATION=f"Bearer {their_key}").status_code == 404


def test_the_query_count_does_not_grow_with_the_clients_records(owner_api, project):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    acme = make_account(project, "Acme")

    def add(count: int) -> int:
        for index in range(count):
            make_move(make_deal(project, f"Deal {index}", account=acme), "discovery", "qualified")
        with CaptureQueriesContext(connection) as queries:
            assert owner_api.get(f"/api/clients/{acme.id}").status_code == 200
        return len(queries)

    assert add(2) == add(20)
