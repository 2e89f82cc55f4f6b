"""Members and API keys partials: what each role sees, no raw key ever, and a bounded number of queries."""

import pytest

from core.models import Membership, Role
from core.services import api_key_create
from ops_dashboard.tests.factories import browser_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowded(project, owner, make_user):
    for index in range(12):
        user = make_user(f"member-{index:02}")
        Membership.objects.create(project=project, user=user, role=Role.VIEWER)
        api_key_create(project=project, name=f"script {index}", scope="read", created_by=user)
    return project


def test_members_partial_gives_owners_the_controls_and_viewers_none(owner, crowded):
    html = browser_for(owner, crowded).get("/partials/settings/members").content.decode()
    assert 'data-testid="role-member-00"' in html
    assert 'data-testid="remove-member-11"' in html
    viewer = Membership.objects.filter(project=crowded, role=Role.VIEWER).first().user
    html = browser_for(viewer, crowded).get("/partials/settings/members").content.decode()
    assert "members-read-only" in html
    assert "data-member-role" not in html


def test_keys_partial_lists_prefixes_never_keys(owner, crowded):
    _, raw = api_key_create(project=crowded, name="visible", scope="write", created_by=owner)
    html = browser_for(owner, crowded).get("/partials/settings/keys").content.decode()
    assert raw not in html
    assert f"wfo_{raw.split('_')[1]}…" in html
    assert html.count('data-testid="revoke-') == 13


@pytest.mark.parametrize(("name", "most"), [("settings/members", 8), ("settings/keys", 8)])
def test_settings_partials_need_a_bounded_number_of_queries(owner, crowded, name, most, django_assert_max_num_queries):
    client = browser_for(owner, crowded)
    client.get(f"/partials/{name}")
    with django_assert_max_num_queries(most):
        assert client.get(f"/partials/{name}").status_code == 200
