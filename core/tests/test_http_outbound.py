"""Outbound HTTP: credentials never follow a redirect, and the private-address policy (real HTTP, local servers)."""

import socket
from types import SimpleNamespace

import pytest

from connectors.sources.chatwoot import ChatwootConnector
from core.http import AddressNotAllowed, HttpClient, PermanentError, address_refused, base_url_check
from tests.support.recorder import Answer

SECRET_HEADERS = {"api_access_token": "chatwoot-token", "Authorization": "Bearer linear-key", "X-Api-Key": "k"}


def redirect_to(url: str):
    return lambda path: Answer(status=302, headers={"Location": url + "/collect"})


def client(base_url: str, **kwargs) -> HttpClient:
    return HttpClient(name="chatwoot", base_url=base_url, headers=SECRET_HEADERS, sleep=lambda s: None, **kwargs)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_host_is_refused_and_the_token_never_sent_there(recording_server, status):
    elsewhere = recording_server()
    source = recording_server(lambda path: Answer(status=status, headers={"Location": elsewhere.url + "/collect"}))
    with pytest.raises(PermanentError, match="redirect"):
        client(source.url, max_attempts=1).get("/api/v1/accounts/1/inboxes")
    assert len(source.requests) == 1
    assert source.requests[0]["headers"]["api_access_token"] == "chatwoot-token"
    assert elsewhere.requests == []


def test_the_chatwoot_connectors_token_never_follows_a_redirect(recording_server, settings):
    elsewhere = recording_server()
    source = recording_server(redirect_to(elsewhere.url))
    config = SimpleNamespace(project=None, base_url=source.url, secret="tok", rate_limit_per_second=100, account_id="1")
    connector = ChatwootConnector(config=config, sleep=lambda s: None)
    with pytest.raises(PermanentError):
        connector.fetch_by_ids(stream="contacts", ids=["5"])
    assert elsewhere.requests == []


# ---------------------------------------------------------------- private addresses


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1",  # noqa: S104
     "240.0.0.1", "255.255.255.255", "::1", "fe80::1", "fc00::1", "ff02::1", "::ffff:127.0.0.1", "::"],
)  # fmt: skip
def test_non_public_addresses_are_refused(address):
    assert address_refused(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_pass(address):
    assert not address_refused(address)


def resolving_to(*addresses):
    def resolve(host, port, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in addresses]

    return resolve


def test_every_resolved_address_is_checked():
    with pytest.raises(AddressNotAllowed, match=r"10\.0\.0\.5"):
        base_url_check("https://chatwoot.example", allow_private=False, resolve=resolving_to("1.1.1.1", "10.0.0.5"))
    base_url_check("https://chatwoot.example", allow_private=False, resolve=resolving_to("1.1.1.1"))


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:3000", "http://localhost:3000", "http://[::1]/", "http://169.254.169.254/latest"]
)
def test_private_base_urls_are_refused_unless_allowed(url):
    with pytest.raises(AddressNotAllowed, match="CONNECTOR_ALLOW_PRIVATE_ADDRESSES"):
        base_url_check(url, allow_private=False)
    base_url_check(url, allow_private=True)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/", "gopher://x", "https://", "example.com"])
def test_a_base_url_must_be_http_with_a_host_whatever_the_policy(url):
    with pytest.raises(AddressNotAllowed):
        base_url_check(url, allow_private=True)


def test_a_host_that_does_not_resolve_is_refused_when_private_addresses_are_not_allowed():
    with pytest.raises(AddressNotAllowed, match="does not resolve"):
        base_url_check("https://nothing.invalid", allow_private=False)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_the_client_refuses_a_private_peer_at_request_time(recording_server, host):
    """A host checked when its config was saved may resolve elsewhere later (DNS rebinding): the client checks the
    address each connection actually reached, and sends nothing there."""
    server = recording_server()
    port = server.url.rsplit(":", 1)[1]
    with pytest.raises(AddressNotAllowed, match="private or reserved"):
        client(f"http://{host}:{port}", allow_private=False).get("/api/v1/accounts/1/inboxes")
    assert server.requests == []


def test_the_client_follows_the_setting_and_reaches_the_sandbox_in_dev(recording_server, settings):
    server = recording_server()
    settings.CONNECTOR_ALLOW_PRIVATE_ADDRESSES = True
    assert client(server.url).get("/ok") == {}
    settings.CONNECTOR_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(AddressNotAllowed):
        client(server.url).get("/ok")
    assert len(server.requests) == 1
