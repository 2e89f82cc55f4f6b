"""The CRM page and its partials: what a member sees, the filters, empty states, and what each partial costs."""

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from crm.tests.factories import make_account, make_contact, make_deal, make_move

pytestmark = pytest.mark.django_db

BASE_QUERIES = 3  # session, user, project


def fill(project, count: int, *, prefix: str = "") -> None:
    """`count` accounts, each with a contact, an open deal that moved once, and an orphan deal."""
    for index in range(count):
        account = make_account(project, f"{prefix}Account {index:02}")
        make_contact(project, f"{prefix}Contact {index}", account=account)
        deal = make_deal(project, f"{prefix}Deal {index}", stage="proposal", amount="1000", account=account)
        make_deal(project, f"{prefix}Orphan {index}", stage="qualified", amount="10", currency="EUR")
        make_move(deal, "qualified", "proposal")


def test_crm_page_is_in_the_nav_and_declares_its_live_partials(owner_api):
    html = owner_api.get("/crm").content.decode()
    assert '<a href="/crm" aria-current="page">CRM</a>' in html
    for name in ("pipeline", "deals", "accounts", "orphans"):
        assert f'data-partial-url="/partials/crm/{name}" data-partial-events="job_completed data_changed"' in html
    assert 'data-filters-for="crm/deals crm/accounts"' in html
    assert "chart_pipeline.js" in html
    assert "<script>" not in html  # CSP: no inline scripts


def test_crm_page_carries_its_filters_into_the_partials(owner_api):
    html = owner_api.get("/crm", {"stage": "won", "q": "acme", "include_closed": "1", "poll": "5"}).content.decode()
    assert 'data-partial-url="/partials/crm/deals?stage=won&amp;q=acme&amp;include_closed=1"' in html
    assert 'data-partial-url="/partials/crm/accounts?q=acme"' in html
    assert '<option value="won" selected>' in html
    assert 'value="acme"' in html
    assert 'value="1" checked' in html


def test_crm_page_without_a_project_goes_to_projects(api, make_user):
    user = make_user("nina-no-project")
    assert api.login(user.username).status_code == 200
    response = api.get("/crm")
    assert response.status_code == 302
    assert response["Location"] == "/projects"


def test_pipeline_partial_shows_figures_chart_data_and_stages(owner_api, project):
    acme = make_account(project, "Acme")
    make_deal(project, "A", stage="proposal", amount="12500", account=acme)
    make_deal(project, "B", stage="negotiation", amount="300.25", currency="EUR")
    make_deal(project, "C", stage="won", amount="999")
    make_deal(project, "D", stage="lost", amount="5", stage_changed_at=timezone.now() - dt.timedelta(days=120))
    html = owner_api.get("/partials/crm/pipeline").content.decode()
    assert "EUR 300.25 · USD 12,500" in html
    assert "2 open deals" in html
    assert re.search(r'data-testid="won">.*?<strong>1</strong>.*?USD 999', html, re.S)
    assert re.search(r'data-testid="lost">.*?<strong>0</strong>', html, re.S)
    data = json.loads(re.search(r'<script id="pipeline-data" type="application/json">(.*?)</script>', html).group(1))
    assert data == {
        "stages": ["discovery", "qualified", "proposal", "negotiation"],
        "counts": [0, 0, 1, 1],
        "series": {"EUR": [0, 0, 0, 300.25], "USD": [0, 0, 12500, 0]},
    }


def test_deals_partial_lists_open_deals_with_their_history(owner_api, project):
    acme = make_account(project, "Acme")
    deal = make_deal(project, "Website", stage="proposal", account=acme, owner_ref="owner-7")
    make_move(deal, "discovery", "qualified", occurred_at=timezone.now() - dt.timedelta(days=2))
    make_move(deal, "qualified", "proposal", source="manual", actor="pia", reason="Sent the quote")
    make_deal(project, "Lonely", stage="discovery")
    make_deal(project, "Won deal", stage="won")
    html = owner_api.get("/partials/crm/deals").content.decode()
    assert html.count("<tr data-deal-id=") == 2
    assert "Won deal" not in html
    assert "owner-7" in html
    assert "qualified → proposal" in html
    assert "(manual, pia)</span>: Sent the quote" in html
    assert "discovery → qualified" in html  # the older move, in the row's history
    assert 'class="badge warn"' in html  # Lonely has no account
    assert "2 open deals." in html


def test_deals_partial_honours_filters_and_names_ignored_values(owner_api, project):
    make_deal(project, "Acme won", stage="won", account=make_account(project, "Acme"))
    make_deal(project, "Globex open", account=make_account(project, "Globex"))
    html = owner_api.get("/partials/crm/deals", {"stage": "won", "q": "acm"}).content.decode()
    assert "Acme won" in html
    assert "Globex open" not in html
    html = owner_api.get("/partials/crm/deals", {"stage": "nonsense"}).content.decode()
    assert "Ignored unknown filter: stage=nonsense." in html
    assert "Globex open" in html
    html = owner_api.get("/partials/crm/deals", {"q": "nobody"}).content.decode()
    assert "No deals match these filters." in html


def test_empty_states_say_where_the_data_comes_from(owner_api):
    for name, testid, text in (
        ("crm/pipeline", "pipeline-empty", "built from Attio deals"),
        ("crm/deals", "deals-empty", "Deals come from Attio"),
        ("crm/accounts", "accounts-empty", "Accounts are Attio companies"),
        ("crm/orphans", "orphans-empty", "every deal has its account"),
        ("overview/pipeline", "overview-pipeline-empty", "No open deals and no stage moves this week"),
    ):
        html = owner_api.get(f"/partials/{name}").content.decode()
        assert f'data-testid="{testid}"' in html
        assert text in html


def test_accounts_and_orphans_partials(owner_api, project):
    acme = make_account(project, "Acme", domain="acme.test")
    make_contact(project, "Ann Example", account=acme)
    make_deal(project, "Retainer", stage="negotiation", account=acme)
    make_deal(project, "Nobody's", company_ref="company-404")
    make_contact(project, "Chat stranger", source_system="chatwoot")
    accounts = owner_api.get("/partials/crm/accounts").content.decode()
    assert "Ann Example" in accounts
    assert "Retainer" in accounts
    assert "acme.test" in accounts
    orphans = owner_api.get("/partials/crm/orphans").content.decode()
    assert "Nobody&#x27;s" in orphans
    assert "company-404" in orphans
    assert "Contacts without an account: 1 from chatwoot" in orphans
    assert (
        "No account name or domain contains “zzz”."
        in owner_api.get("/partials/crm/accounts", {"q": "zzz"}).content.decode()
    )


def test_another_projects_crm_never_shows(owner_api, other_project):
    fill(other_project, 2, prefix="Theirs ")
    for name in ("crm/pipeline", "crm/deals", "crm/accounts", "crm/orphans", "overview/pipeline"):
        html = owner_api.get(f"/partials/{name}", {"include_closed": "1"}).content.decode()
        assert "Theirs" not in html, name


def test_overview_pipeline_panel_shows_the_total_and_this_weeks_moves(owner_api, project):
    deal = make_deal(project, "Website", stage="negotiation", amount="4000")
    make_move(deal, "proposal", "negotiation")
    html = owner_api.get("/").content.decode()
    assert 'data-partial-url="/partials/overview/pipeline"' in html
    assert "USD 4,000" in html
    assert re.search(r'data-testid="overview-stage-moves"><strong>1</strong>', html)
    assert "proposal → " in html


# Locked query counts: a panel polled by every open tab must not grow with the data.
PARTIAL_QUERIES = {
    "crm/pipeline": 2,  # open by stage and currency; won/lost in the window
    "crm/deals": 3,  # deals with their account; their stage events; the total past the cap
    "crm/accounts": 4,  # accounts; their contacts; their open deals; the total past the cap
    "crm/orphans": 3,  # orphan deals; their total; contacts without an account by source
    "overview/pipeline": 2,  # open pipeline; this week's newest moves with their count
}


@pytest.mark.parametrize(("name", "queries"), PARTIAL_QUERIES.items())
def test_partial_query_count_does_not_grow_with_the_mirror(
    owner_api, project, django_assert_num_queries, name, queries
):
    fill(project, 60)  # past every cap (50 deals, 25 accounts, 20 orphans, 5 moves)
    with django_assert_num_queries(BASE_QUERIES + queries):
        owner_api.get(f"/partials/{name}")
    fill(project, 30, prefix="More ")
    with django_assert_num_queries(BASE_QUERIES + queries):
        response = owner_api.get(f"/partials/{name}", {"include_closed": "1"})
    assert response.status_code == 200
