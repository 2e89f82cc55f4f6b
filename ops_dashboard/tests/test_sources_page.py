"""The Sources page (server-rendered): every source with how it is connected; owners get the buttons, viewers a
read-only list, and no token ever reaches the page."""

import pytest
from django.utils import timezone

from connectors.models import ConnectorConfig, ConnectorSyncState, SyncStatus
from core.models import Membership, Role
from ops_dashboard.tests.factories import browser_for

pytestmark = pytest.mark.django_db

TOKEN = "lin_api_do-not-show-this-0123456789"


@pytest.fixture
def connected(project):
    ConnectorConfig.objects.create(project=project, source="linear", base_url="https://api.linear.app/graphql",
                                   secret=TOKEN, secret_changed_at=timezone.now())  # fmt: skip
    ConnectorSyncState.objects.create(project=project, source="linear", status=SyncStatus.PAUSED,
                                      paused_reason="auth: linear answered HTTP 401")  # fmt: skip
    return project


def test_owners_see_each_source_with_its_state_and_the_buttons(owner, connected):
    page = browser_for(owner, connected).get("/settings/sources")
    html = page.content.decode()
    assert page.status_code == 200
    assert TOKEN not in html
    assert 'data-testid="token-linear">set, changed' in html
    assert 'data-testid="source-status-linear">paused' in html
    assert 'data-testid="edit-linear"' in html
    assert 'data-testid="connect-chatwoot"' in html
    assert 'data-testid="connect-attio"' in html


def test_viewers_see_the_list_without_buttons(make_user, connected):
    viewer = make_user("vera-viewer")
    Membership.objects.create(user=viewer, project=connected, role=Role.VIEWER)
    html = browser_for(viewer, connected).get("/partials/sources/list").content.decode()
    assert "sources-read-only" in html
    assert 'data-testid="edit-linear"' not in html
    assert 'data-testid="connect-chatwoot"' not in html
    assert TOKEN not in html


def test_the_list_is_one_project_s(make_user, connected, other_project):
    ConnectorConfig.objects.create(project=other_project, source="attio", base_url="https://api.attio.com", secret="x")
    stranger = other_project.memberships.get().user
    html = browser_for(stranger, other_project).get("/partials/sources/list").content.decode()
    assert 'data-testid="connect-linear"' in html  # Alpha's Linear is not Beta's
    assert 'data-testid="edit-attio"' in html


def test_the_list_partial_needs_a_bounded_number_of_queries(owner, connected, django_assert_max_num_queries):
    client = browser_for(owner, connected)
    client.get("/partials/sources/list")  # warm the session and project caches
    with django_assert_max_num_queries(10):
        assert client.get("/partials/sources/list").status_code == 200
