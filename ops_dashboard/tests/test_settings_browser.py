"""In a real browser: an owner adds a colleague by email, makes them PM and removes them; makes an API key that
is shown once, lists it by prefix and revokes it."""

import pytest
from playwright.sync_api import expect

from core.models import ApiKey, Membership, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def team(make_user, make_project):
    owner, colleague = make_user("omar-owner"), make_user("cleo-colleague")
    colleague.email = "cleo@studio.test"
    colleague.save()
    return owner, colleague, make_project("People", members={owner: Role.OWNER})


def test_an_owner_adds_re_roles_and_removes_a_member(page, login_cookie, team):
    owner, colleague, project = team
    login_cookie(page, owner, project)
    page.goto("/settings/members")
    expect(page.get_by_test_id("live-status")).to_have_text("live")

    page.get_by_label("Username or email").fill("cleo@studio.test")
    page.get_by_test_id("member-add").click()
    expect(page.get_by_test_id("member-form-note")).to_contain_text("Added cleo-colleague as viewer")
    expect(page.get_by_test_id("role-cleo-colleague")).to_have_value("viewer")

    page.get_by_test_id("role-cleo-colleague").select_option("pm")
    expect(page.locator(f'[data-note="member-{colleague.pk}"]')).to_contain_text("Now pm")
    assert Membership.objects.get(project=project, user=colleague).role == Role.PM

    page.get_by_test_id("role-omar-owner").select_option("viewer")
    expect(page.locator(f'[data-note="member-{owner.pk}"]')).to_contain_text("at least one owner")
    expect(page.get_by_test_id("role-omar-owner")).to_have_value("owner")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("remove-cleo-colleague").click()
    expect(page.get_by_test_id("remove-cleo-colleague")).to_have_count(0)
    assert not Membership.objects.filter(project=project, user=colleague).exists()


def test_a_key_is_shown_once_listed_by_prefix_and_revoked(page, login_cookie, team):
    owner, _, project = team
    login_cookie(page, owner, project)
    page.goto("/settings/keys")
    expect(page.get_by_test_id("keys-empty")).to_be_visible()

    page.get_by_label("Name").fill("weekly report")
    page.get_by_label("Scope").select_option("write")
    page.get_by_test_id("key-create").click()
    expect(page.get_by_test_id("key-form-note")).to_contain_text("Created weekly report (write)")
    raw = page.get_by_test_id("key-value").inner_text()
    key = ApiKey.objects.get(project=project)
    assert raw.startswith(f"wfo_{key.prefix}_")
    expect(page.locator(f'tr[data-key="{key.prefix}"]')).to_contain_text(f"wfo_{key.prefix}…")

    page.reload()
    assert raw not in page.content(), "a key is shown once"
    page.get_by_test_id(f"revoke-{key.prefix}").click()
    expect(page.get_by_test_id(f"key-state-{key.prefix}")).to_have_text("revoked")
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_a_viewer_reads_members_without_controls(page, login_cookie, team):
    _, colleague, project = team
    Membership.objects.create(project=project, user=colleague, role=Role.VIEWER)
    login_cookie(page, colleague, project)
    page.goto("/settings/members")
    expect(page.get_by_test_id("members-read-only")).to_be_visible()
    expect(page.locator("[data-member-role]")).to_have_count(0)
    expect(page.get_by_test_id("members-table")).to_contain_text("omar-owner")
