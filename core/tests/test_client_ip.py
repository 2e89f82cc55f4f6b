"""One client IP for throttles, login lockouts and the audit trail, from a configured number of trusted proxies."""

import pytest
from django.test import RequestFactory

from core.client_ip import client_ip


def request_from(forwarded: str | None = None, remote: str = "10.0.0.9"):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, None, "10.0.0.9"),
        (0, "1.1.1.1", "10.0.0.9"),  # nobody trusted: the header is ignored
        (1, None, "10.0.0.9"),  # a request that did not pass the proxy (the host's health check)
        (1, "1.1.1.1", "1.1.1.1"),
        (1, "6.6.6.6, 1.1.1.1", "1.1.1.1"),  # the client's own entries are never trusted
        (2, "6.6.6.6, 1.1.1.1, 172.30.0.2", "1.1.1.1"),
        (2, "1.1.1.1", "10.0.0.9"),  # fewer addresses than proxies
        (1, "not-an-address", "10.0.0.9"),
        (1, " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_client_ip_counts_trusted_proxies_from_the_right(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(request_from(forwarded)) == expected


@pytest.mark.django_db
def test_login_lockout_ignores_a_spoofed_forwarded_for_without_a_trusted_proxy(api, owner, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.AXES_FAILURE_LIMIT = 2
    api.refresh_csrf()
    first = api.post("/api/auth/login", {"username": owner.username, "password": "x"}, HTTP_X_FORWARDED_FOR="1.1.1.1")
    second = api.post("/api/auth/login", {"username": owner.username, "password": "x"}, HTTP_X_FORWARDED_FOR="2.2.2.2")
    assert (first.status_code, second.status_code) == (401, 429)


@pytest.mark.django_db
def test_login_lockout_keys_on_the_forwarded_client_behind_a_trusted_proxy(api, owner, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 2
    api.refresh_csrf()

    def attempt(client_address):
        payload = {"username": owner.username, "password": "x"}
        return api.post("/api/auth/login", payload, HTTP_X_FORWARDED_FOR=client_address).status_code

    assert [attempt("1.1.1.1"), attempt("2.2.2.2")] == [401, 401]  # two clients, one failure each
    assert attempt("1.1.1.1") == 429  # the second failure from the same client locks it out
    assert attempt("3.3.3.3") == 401
