"""Ids that go into a source's URLs: checked per source where a person or a stored unit names them, quoted as
one path segment wherever a URL is built, so `../`, `?` or `#` can never change the path."""

import uuid
from types import SimpleNamespace

import pytest

from connectors.models import ConnectorError, SyncRun
from connectors.services.retry import dead_letter_retry
from connectors.sources.attio import AttioConnector
from connectors.sources.chatwoot import ChatwootConnector
from core.http import PermanentError, path_segment
from tests.support.recorder import Answer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("source", "entry"),
    [
        ("chatwoot", "conversations:../../accounts/2/conversations"),
        ("chatwoot", "conversations:1?page=2"),
        ("chatwoot", "conversations:1#fragment"),
        ("chatwoot", "conversations:1/../2"),
        ("chatwoot", "contacts:0"),
        ("chatwoot", "contacts:-3"),
        ("chatwoot", "contacts:abc"),
        ("chatwoot", "inboxes:1%2F.."),
        ("linear", "issues:../../graphql"),
        ("linear", "issues:ENG-12"),
        ("linear", f"issues:{uuid.uuid4()}/.."),
        ("attio", "deals:../../v2/webhooks"),
        ("attio", "notes:deal-1"),
        ("attio", f"people:{uuid.uuid4()}?x=1"),
    ],
)
def test_resync_refuses_ids_that_are_not_the_sources_with_400_naming_ids(
    owner_api, project, make_tenant, bind, source, entry
):
    bind(project, make_tenant(), sources=[source])
    response = owner_api.post(f"/api/connectors/{source}/resync", {"ids": [entry]})
    assert response.status_code == 400, response.content
    assert "ids" in response.json()["detail"]
    assert not SyncRun.objects.filter(project=project, trigger="resync").exists()


def config(base_url: str, **extra) -> SimpleNamespace:
    return SimpleNamespace(project=None, base_url=base_url, secret="s3cret", rate_limit_per_second=1000, **extra)


def not_found(path: str) -> Answer:
    return Answer(status=404, body={"error": "not found"})


def test_chatwoot_by_id_reads_put_each_id_in_one_quoted_path_segment(recording_server):
    server = recording_server(not_found)
    connector = ChatwootConnector(config=config(server.url, account_id="7/../8"), sleep=lambda s: None)
    page = connector.fetch_by_ids(stream="conversations", ids=["1/../../../profile", "2?page=9", "3#x", "4\\..\\5"])
    assert [r["path"] for r in server.requests] == [
        "/api/v1/accounts/7%2F..%2F8/conversations/1%2F..%2F..%2F..%2Fprofile",
        "/api/v1/accounts/7%2F..%2F8/conversations/2%3Fpage%3D9",
        "/api/v1/accounts/7%2F..%2F8/conversations/3%23x",
        "/api/v1/accounts/7%2F..%2F8/conversations/4%5C..%5C5",
    ]
    assert len(page.skipped) == 4


def test_attio_by_id_reads_put_each_id_in_one_quoted_path_segment(recording_server):
    server = recording_server(not_found)
    connector = AttioConnector(config=config(server.url), sleep=lambda s: None)
    connector.fetch_by_ids(stream="notes", ids=["../../v2/webhooks"])
    connector.fetch_by_ids(stream="deals", ids=["a?b#c"])
    assert [r["path"] for r in server.requests] == [
        "/v2/notes/..%2F..%2Fv2%2Fwebhooks",
        "/v2/objects/deals/records/a%3Fb%23c",
    ]


@pytest.mark.parametrize("value", ["", ".", ".."])
def test_a_dot_segment_or_nothing_is_never_a_path_segment(value):
    with pytest.raises(PermanentError):
        path_segment(value)


def test_a_dead_letter_naming_an_id_that_is_not_the_sources_fails_without_a_sync(project, make_tenant, bind, owner):
    bind(project, make_tenant(), sources=["chatwoot"])
    error = ConnectorError.objects.create(
        project=project,
        source="chatwoot",
        stream="messages",
        dedupe_key="messages:conversation:../../profile",
        unit={"stream": "messages", "item": "../../profile"},
        status="dead_letter",
        attempt=5,
    )
    assert dead_letter_retry(error=error, actor=owner) == "failed"
    error.refresh_from_db()
    assert "is not a record id of chatwoot" in error.message
    assert (error.status, error.attempt) == ("dead_letter", 6)
    assert not SyncRun.objects.filter(project=project).exists()
