"""The pipeline page's reads: one project only, open deals only in the open pipeline, a 90-day won/lost window,
filters that narrow the deals, and a bounded number of queries however many rows there are."""

import datetime as dt
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.utils import timezone

from crm import selectors
from crm.selectors import PipelineFilter
from crm.tests.factories import make_account, make_contact, make_deal, make_move

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 28, 14, 36, 58, tzinfo=dt.UTC)  # a Saturday


def stage(summary, name):
    return next(row for row in summary["stages"] if row["stage"] == name)


def test_open_pipeline_sums_open_deals_per_stage_and_currency(project):
    acme = make_account(project, "Acme")
    make_deal(project, "A", stage="proposal", amount="1000", account=acme)
    make_deal(project, "B", stage="proposal", amount="500.50", account=acme)
    make_deal(project, "C", stage="proposal", amount="700", currency="EUR")
    make_deal(project, "D", stage="negotiation", amount=None)
    summary = selectors.pipeline_summary(project=project)
    proposal = stage(summary, "proposal")
    assert proposal["count"] == 3
    assert proposal["amounts"] == [
        {"currency": "EUR", "amount": Decimal("700")},
        {"currency": "USD", "amount": Decimal("1500.50")},
    ]
    assert stage(summary, "negotiation")["count"] == 1
    assert summary["open_count"] == 4
    assert summary["open_totals"] == [
        {"currency": "EUR", "amount": Decimal("700")},
        {"currency": "USD", "amount": Decimal("1500.50")},
    ]
    assert [row["stage"] for row in summary["stages"]] == ["discovery", "qualified", "proposal", "negotiation"]


def test_closed_deals_are_not_in_the_open_pipeline(project):
    make_deal(project, "Open", stage="qualified", amount="100")
    make_deal(project, "Won", stage="won", amount="900")
    make_deal(project, "Lost", stage="lost", amount="800")
    make_deal(project, "Deleted", stage="qualified", amount="700", deleted_at=timezone.now(), deleted_reason="gone")
    summary = selectors.pipeline_summary(project=project)
    assert summary["open_count"] == 1
    assert summary["open_totals"] == [{"currency": "USD", "amount": Decimal("100")}]


def test_won_and_lost_count_only_the_last_90_days(project):
    make_deal(project, "Won lately", stage="won", amount="900", stage_changed_at=NOW - dt.timedelta(days=89))
    make_deal(project, "Won long ago", stage="won", amount="5000", stage_changed_at=NOW - dt.timedelta(days=91))
    make_deal(project, "Lost lately", stage="lost", amount="300", stage_changed_at=NOW - dt.timedelta(days=1))
    make_deal(project, "Won, deleted", stage="won", stage_changed_at=NOW, deleted_at=NOW)
    summary = selectors.pipeline_summary(project=project, now=NOW)
    assert summary["won"]["count"] == 1
    assert summary["won"]["amounts"] == [{"currency": "USD", "amount": Decimal("900")}]
    assert summary["lost"]["count"] == 1
    assert summary["days"] == 90


def test_another_projects_deals_never_appear(project, other_project):
    theirs = make_account(other_project, "Theirs Inc")
    deal = make_deal(other_project, "Their deal", stage="proposal", amount="99999", account=theirs)
    make_deal(other_project, "Their orphan", stage="discovery")
    make_deal(other_project, "Their win", stage="won")
    make_move(deal, "qualified", "proposal")
    make_contact(other_project, "Their contact")
    summary = selectors.pipeline_summary(project=project)
    assert summary["open_count"] == 0
    assert summary["won"]["count"] == 0
    everything = PipelineFilter(include_closed=True)
    assert selectors.deals_page(project=project, filters=everything)["rows"] == []
    assert selectors.accounts_page(project=project)["rows"] == []
    orphans = selectors.orphans_page(project=project)
    assert orphans["rows"] == []
    assert orphans["contacts_without_account"] == {}
    assert selectors.stage_history(project=project, opportunity_ids=[deal.id]) == {}
    assert selectors.stage_moves_since(project=project, since=NOW - dt.timedelta(days=365))["count"] == 0


def test_deals_list_open_deals_with_account_and_last_move(project):
    acme = make_account(project, "Acme")
    deal = make_deal(project, "Website", stage="proposal", account=acme, owner_ref="owner-7")
    make_move(deal, "discovery", "qualified", occurred_at=NOW - dt.timedelta(days=5))
    make_move(deal, "qualified", "proposal", occurred_at=NOW - dt.timedelta(days=1), source="manual", actor="pia")
    make_deal(project, "Won", stage="won")
    make_deal(project, "Deleted", deleted_at=NOW)
    page = selectors.deals_page(project=project, filters=PipelineFilter())
    assert [row["deal"].name for row in page["rows"]] == ["Website"]
    row = page["rows"][0]
    assert row["deal"].account.name == "Acme"
    assert row["deal"].owner_ref == "owner-7"
    assert (row["last_move"].from_stage, row["last_move"].to_stage) == ("qualified", "proposal")
    assert [event.to_stage for event in row["history"]] == ["proposal", "qualified"]
    assert page["total"] == 1


def test_filters_narrow_the_deals(project):
    acme, globex = make_account(project, "Acme"), make_account(project, "Globex")
    make_deal(project, "Acme open", stage="qualified", account=acme)
    make_deal(project, "Acme won", stage="won", account=acme)
    make_deal(project, "Acme deleted", stage="qualified", account=acme, deleted_at=NOW)
    make_deal(project, "Globex open", stage="proposal", account=globex)

    def names(**filters):
        page = selectors.deals_page(project=project, filters=PipelineFilter(**filters))
        return sorted(row["deal"].name for row in page["rows"])

    assert names() == ["Acme open", "Globex open"]
    assert names(q="acm") == ["Acme open"]
    assert names(stage="won") == ["Acme won"]
    assert names(stage="qualified") == ["Acme open"]
    assert names(stage="qualified", include_closed=True) == ["Acme deleted", "Acme open"]
    assert names(q="acme", include_closed=True) == ["Acme deleted", "Acme open", "Acme won"]


def test_bad_filter_values_are_ignored_and_named():
    filters = PipelineFilter.from_query(QueryDict("stage=bogus&q=%20%20ac%20%20me%20&include_closed=maybe"))
    assert filters == PipelineFilter(stage="", q="ac me", include_closed=False, ignored=("stage=bogus",))
    assert PipelineFilter.from_query(QueryDict("q=" + "x" * 500)).q == "x" * selectors.SEARCH_MAX_CHARS
    assert PipelineFilter.from_query(QueryDict("stage=won&include_closed=1")).include_closed is True


def test_deals_are_capped_and_the_total_said(project):
    for index in range(5):
        make_deal(project, f"Deal {index}")
    page = selectors.deals_page(project=project, filters=PipelineFilter(), limit=3)
    assert (len(page["rows"]), page["total"], page["limit"]) == (3, 5, 3)


def test_accounts_carry_their_contacts_and_open_deals_only(project):
    acme = make_account(project, "Acme", domain="acme.test")
    make_account(project, "Globex", domain="globex.test")
    make_contact(project, "Ann", account=acme)
    make_contact(project, "Bob", account=acme, source_system="chatwoot")
    make_deal(project, "Open one", stage="negotiation", account=acme)
    make_deal(project, "Won one", stage="won", account=acme)
    make_deal(project, "Gone", account=acme, deleted_at=NOW)
    page = selectors.accounts_page(project=project)
    assert [account.name for account in page["rows"]] == ["Acme", "Globex"]
    acme_row = page["rows"][0]
    assert [contact.name for contact in acme_row.contacts.all()] == ["Ann", "Bob"]
    assert [deal.name for deal in acme_row.open_deals] == ["Open one"]
    assert [a.name for a in selectors.accounts_page(project=project, q="GLOBEX.t")["rows"]] == ["Globex"]


def test_orphans_are_deals_the_source_still_has_without_an_account(project):
    acme = make_account(project, "Acme")
    make_deal(project, "Linked", account=acme)
    make_deal(project, "Orphan", company_ref="company-unknown")
    make_deal(project, "Closed orphan", deleted_at=NOW)
    make_contact(project, "Loner", source_system="chatwoot")
    make_contact(project, "Linked person", account=acme)
    page = selectors.orphans_page(project=project)
    assert [deal.name for deal in page["rows"]] == ["Orphan"]
    assert page["total"] == 1
    assert page["contacts_without_account"] == {"chatwoot": 1}


def test_stage_moves_since_counts_and_lists_the_newest(project):
    deal = make_deal(project, "Mover")
    week_start = selectors.week_start(NOW)
    assert week_start == dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
    make_move(deal, "discovery", "qualified", occurred_at=week_start - dt.timedelta(minutes=1))
    for hours in range(1, 8):
        make_move(deal, "qualified", "proposal", occurred_at=week_start + dt.timedelta(hours=hours))
    moves = selectors.stage_moves_since(project=project, since=week_start, limit=5)
    assert moves["count"] == 7
    assert len(moves["latest"]) == 5
    assert moves["latest"][0].occurred_at == week_start + dt.timedelta(hours=7)
    assert moves["latest"][0].opportunity.name == "Mover"


def test_reads_cost_the_same_queries_however_many_rows(project, django_assert_num_queries):
    def fill(count):
        for index in range(count):
            account = make_account(project, f"Account {index}")
            make_contact(project, f"Contact {index}", account=account)
            deal = make_deal(project, f"Deal {index}", stage="proposal", account=account)
            make_deal(project, f"Orphan {index}", stage="qualified")
            make_move(deal, "qualified", "proposal")

    for count in (15, 30):  # past the cap of 10 both times: the totals are counted
        fill(count)
        with django_assert_num_queries(2):
            selectors.pipeline_summary(project=project)
        with django_assert_num_queries(3):  # deals, their stage events, the total
            selectors.deals_page(project=project, filters=PipelineFilter(), limit=10)
        with django_assert_num_queries(4):  # accounts, contacts, open deals, the total
            selectors.accounts_page(project=project, limit=10)
        with django_assert_num_queries(3):  # orphan deals, their total, contacts without an account
            selectors.orphans_page(project=project, limit=10)
        with django_assert_num_queries(1):
            selectors.open_pipeline(project=project)
        with django_assert_num_queries(1):
            selectors.stage_moves_since(project=project, since=NOW - dt.timedelta(days=7), limit=1)
