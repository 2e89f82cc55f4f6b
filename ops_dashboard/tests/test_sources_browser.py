"""In a real browser: connect Linear from the Sources page, see a bad token named before saving, save a good one,
and watch the saved connection test itself; a viewer gets the list only."""

import pytest
from playwright.sync_api import expect

from connectors.models import ConnectorConfig
from core.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_connect_linear_test_a_bad_token_then_save_a_good_one(page, login_cookie, make_user, make_project,
                                                                make_tenant, sandbox):  # fmt: skip
    user = make_user("sol-sources")
    project = make_project("Onboarding", members={user: Role.OWNER})
    tenant = make_tenant(messages=20)
    login_cookie(page, user, project)
    page.goto("/settings/sources")
    expect(page.get_by_test_id("live-status")).to_have_text("live")

    page.get_by_test_id("connect-linear").click()
    form = page.get_by_test_id("source-form")
    expect(page.get_by_test_id("source-form-title")).to_have_text("Connect Linear")
    form.get_by_label("Base URL").fill(sandbox.linear_url)
    form.get_by_label("Token").fill("not-the-right-key")
    page.get_by_test_id("form-test").click()
    expect(page.get_by_test_id("source-form-note")).to_contain_text("refused the token")
    assert not ConnectorConfig.objects.filter(project=project).exists()

    form.get_by_label("Token").fill(tenant.linear_api_key)
    page.get_by_test_id("form-save").click()
    expect(page.get_by_test_id("source-form-note")).to_contain_text("Saved. Connected to Linear")
    expect(page.get_by_test_id("token-linear")).to_contain_text("set, changed")
    assert ConnectorConfig.objects.get(project=project, source="linear").secret == tenant.linear_api_key
    assert tenant.linear_api_key not in page.content()

    page.get_by_test_id("test-linear").click()
    expect(page.locator('[data-note="source-linear"]')).to_contain_text("Connected to Linear")


def test_a_viewer_sees_the_list_and_no_form(page, login_cookie, make_user, make_project):
    owner, viewer = make_user("oona-owner"), make_user("vic-viewer")
    project = make_project("Read only", members={owner: Role.OWNER, viewer: Role.VIEWER})
    login_cookie(page, viewer, project)
    page.goto("/settings/sources")
    expect(page.get_by_test_id("sources-read-only")).to_be_visible()
    expect(page.get_by_test_id("connect-linear")).to_have_count(0)
    expect(page.get_by_test_id("source-form-card")).to_be_hidden()
