"""In a real browser: the CRM page renders its panels and chart without a script error, its filters narrow the
lists (and the URL), a deal's history opens, and a stage move in another process redraws the page live."""

import re

import pytest
from playwright.sync_api import expect

from core.models import Role
from crm.tests.factories import make_account, make_contact, make_deal, make_move

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What a worker (or the stage API) does: move a deal; `data_changed` goes out after commit.
STAGE_MOVE = """
from core.models import Project
from crm import selectors
from crm.services import opportunity_stage_move
project = Project.objects.get(pk={project_id!r})
deal = selectors.live_opportunities(project=project).select_related("project").get(pk={deal_id!r})
opportunity_stage_move(opportunity=deal, stage={stage!r}, reason="moved in another process", actor=None)
"""


def script_errors(page) -> list[str]:
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return errors


@pytest.fixture
def pipeline(make_user, make_project):
    user = make_user("carl-crm")
    project = make_project("Pipeline", members={user: Role.PM})
    acme, globex = make_account(project, "Acme"), make_account(project, "Globex")
    make_contact(project, "Ann Acme", account=acme)
    website = make_deal(project, "Acme website", stage="proposal", amount="12000", account=acme)
    make_move(website, "qualified", "proposal", source="manual", actor="carl")
    make_deal(project, "Globex app", stage="discovery", amount="8000", currency="EUR", account=globex)
    make_deal(project, "Globex renewal", stage="won", amount="3000", account=globex)
    make_deal(project, "Lost cause", stage="qualified", amount="500")
    return user, project, website


def test_crm_page_renders_with_its_chart_and_no_script_errors(page, login_cookie, pipeline):
    user, project, _ = pipeline
    errors = script_errors(page)
    login_cookie(page, user, project)
    page.goto("/crm")
    expect(page.get_by_role("heading", level=1)).to_have_text("CRM")
    expect(page.get_by_test_id("live-status")).to_have_text("live")
    chart = page.locator("[data-chart=pipeline]")
    expect(chart.locator("canvas")).to_have_count(1)
    expect(chart).to_have_attribute("data-drawn", "4")  # the four open stages
    expect(chart.locator(".u-legend")).to_contain_text("EUR")
    expect(page.get_by_test_id("open-pipeline")).to_contain_text("3 open deals")
    expect(page.get_by_test_id("orphans")).to_contain_text("Lost cause")
    page.get_by_test_id("deal-history").locator("summary").click()
    expect(page.get_by_test_id("deal-history")).to_contain_text("(manual, carl)")
    assert errors == []


def test_filters_change_the_lists_and_the_url(page, login_cookie, pipeline):
    user, project, _ = pipeline
    errors = script_errors(page)
    login_cookie(page, user, project)
    page.goto("/crm")
    deals = page.get_by_test_id("partial-crm-deals")
    accounts = page.get_by_test_id("partial-crm-accounts")
    stage, search = page.locator("select[name=stage]"), page.get_by_role("searchbox")
    expect(deals.locator("tr[data-deal-id]")).to_have_count(3)
    expect(deals).not_to_contain_text("Globex renewal")

    stage.select_option("won")
    expect(deals.locator("tr[data-deal-id]")).to_have_count(1)
    expect(deals).to_contain_text("Globex renewal")
    expect(page).to_have_url(re.compile(r"/crm\?stage=won$"))

    stage.select_option("")
    search.fill("acme")
    search.press("Enter")
    expect(deals.locator("tr[data-deal-id]")).to_have_count(1)
    expect(deals).to_contain_text("Acme website")
    expect(accounts.locator("tr[data-account-id]")).to_have_count(1)
    expect(accounts).not_to_contain_text("Globex")

    search.fill("")
    page.get_by_label("include closed").check()
    expect(deals.locator("tr[data-deal-id]")).to_have_count(4)
    expect(page).to_have_url(re.compile(r"/crm\?include_closed=1$"))
    page.get_by_label("include closed").uncheck()
    expect(deals.locator("tr[data-deal-id]")).to_have_count(3)
    expect(page).to_have_url(re.compile(r"/crm$"))
    assert errors == []


def test_a_stage_move_elsewhere_refreshes_the_page_live(page, login_cookie, pipeline, asgi_server):
    user, project, website = pipeline
    errors = script_errors(page)
    login_cookie(page, user, project)
    page.goto("/crm")
    expect(page.get_by_test_id("live-status")).to_have_text("live")
    row = page.locator(f'tr[data-deal-id="{website.id}"]')
    expect(row).to_have_attribute("data-stage", "proposal")
    page.evaluate("window.notReloaded = true")
    page.evaluate("document.querySelector('[data-chart=pipeline] canvas').dataset.old = '1'")

    asgi_server.worker_run(STAGE_MOVE.format(project_id=str(project.id), deal_id=str(website.id), stage="negotiation"))

    expect(row).to_have_attribute("data-stage", "negotiation", timeout=5_000)
    expect(row).to_contain_text("proposal → negotiation")
    expect(page.locator("[data-chart=pipeline] canvas")).to_have_count(1)
    expect(page.locator("[data-chart=pipeline] canvas[data-old]")).to_have_count(0)  # redrawn from fresh data
    assert page.evaluate("window.notReloaded") is True

    page.goto("/")
    expect(page.get_by_test_id("overview-stage-moves").locator("strong")).to_have_text("2")  # with the fixture's
    expect(page.get_by_test_id("overview-latest-moves")).to_contain_text("Acme website")
    assert errors == []


def test_an_empty_mirror_reads_as_empty_states_without_script_errors(page, login_cookie, make_user, make_project):
    user = make_user("edna-empty")
    project = make_project("Empty", members={user: Role.OWNER})
    errors = script_errors(page)
    login_cookie(page, user, project)
    page.goto("/crm")
    expect(page.get_by_test_id("live-status")).to_have_text("live")
    expect(page.get_by_test_id("pipeline-empty")).to_contain_text("No open deals in the CRM mirror")
    expect(page.get_by_test_id("deals-empty")).to_be_visible()
    expect(page.locator("[data-chart=pipeline]")).to_have_count(0)
    page.goto("/crm?stage=bogus&include_closed=1")
    expect(page.get_by_test_id("partial-crm-deals")).to_contain_text("Ignored unknown filter: stage=bogus.")
    assert errors == []
