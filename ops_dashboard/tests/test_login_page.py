"""The login page's `next=`: only a same-origin relative path survives, anything else falls back to `/`."""

import re

import pytest

from ops_dashboard.views import DEFAULT_NEXT

pytestmark = pytest.mark.django_db


def rendered_next(api, value: str) -> str:
    html = api.get("/login", {"next": value}).content.decode()
    return re.search(r'data-next="([^"]*)"', html).group(1)


@pytest.mark.parametrize(
    "value",
    [
        "/\\evil.com",
        "\\\\evil.com",
        "//evil.com",
        "///evil.com",
        "javascript:alert(1)",
        "http://evil.com/",
        "https://evil.com/connectors",
        "evil.com",
        "/\t/evil.com",
        "/\n/evil.com",
        "/connectors\\..\\..\\evil",
        "",
    ],
)
def test_login_next_refuses_anything_but_a_same_origin_path(api, value):
    assert rendered_next(api, value) == DEFAULT_NEXT


@pytest.mark.parametrize("value", ["/connectors", "/search?q=invoice", "/jobs#runs"])
def test_login_next_keeps_a_same_origin_path(api, value):
    assert rendered_next(api, value) == value.replace("&", "&amp;")


def test_login_without_next_goes_to_the_default_page(api):
    html = api.get("/login").content.decode()
    assert f'data-next="{DEFAULT_NEXT}"' in html
