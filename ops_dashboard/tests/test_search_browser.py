"""In a real browser: ask a question over synced data, follow a citation to its evidence card, rate the answer."""

import re

import pytest
from playwright.sync_api import expect

from connectors.selectors import raw_rows
from connectors.services.sync import connector_sync
from core.models import Role
from rag.models import Feedback, QueryRun
from rag.services.embeddings import embeddings_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def searchable(make_user, make_project, make_tenant, bind, sleep):
    """A member's project with its Linear issues synced, chunked and embedded (offline embedder)."""
    user = make_user("sara-search")
    project = make_project("Searchable", members={user: Role.PM})
    bind(project, make_tenant(), sources=["linear"])
    connector_sync(project=project, source="linear", sleep=sleep)
    embeddings_run(project=project)
    return user, project


def test_answer_cites_evidence_that_links_to_the_source_and_takes_feedback(page, login_cookie, searchable):
    user, project = searchable
    login_cookie(page, user, project)
    page.goto("/search")
    page.get_by_label("Question").fill("Which issues are about the homepage design?")
    page.get_by_label("Linear issues").check()
    with page.expect_response("**/api/lightrag/query") as response:
        page.get_by_role("button", name="Ask").click()

    answer = page.get_by_test_id("answer")
    expect(answer.locator("a.cite").first).to_be_visible()
    cite = answer.locator("a.cite").first
    evidence_id = cite.inner_text()
    card = page.locator(f"#evidence-{evidence_id}")
    expect(card).to_have_class("evidence-card cited")
    expect(card.get_by_role("link", name="open in source ↗")).to_have_attribute("href", re.compile(r"^https?://"))
    cite.click()
    expect(card).to_have_class("evidence-card cited highlight")
    expect(card).to_be_in_viewport()

    # The answer is not degraded (the API says so), and the badge agrees.
    assert response.value.json()["degraded"] is False
    expect(page.get_by_test_id("degraded")).to_be_hidden()
    # The rating buttons draw the page's own icons, not emoji a machine may lack a font for.
    feedback = page.get_by_test_id("feedback")
    expect(feedback.locator("button svg.icon")).to_have_count(2)
    assert not re.search(r"[\U0001F300-\U0001FAFF]", feedback.inner_text())

    page.get_by_role("button", name="Useful", exact=True).click()
    expect(page.get_by_test_id("feedback-note")).to_have_text("Thanks: feedback recorded.")
    run = QueryRun.objects.get(project=project)
    assert run.params["sourceFilter"] == ["issues"]
    assert (run.mode, page.get_by_test_id("answer-stats").inner_text().count("mode: mix")) == ("mix", 1)
    assert Feedback.objects.get(query_run=run).rating == 1

    # Another mode: the request carries it and the stats line says which ran.
    page.get_by_label("Mode").select_option("local")
    with page.expect_response("**/api/lightrag/query") as response:
        page.get_by_role("button", name="Ask").click()
    assert response.value.json()["mode"] == "local"
    expect(page.get_by_test_id("answer-stats")).to_contain_text("mode: local")


def test_a_refused_query_shows_the_api_error_inline(page, login_cookie, make_user, make_project):
    user = make_user("rita-refused")
    project = make_project("Empty", members={user: Role.VIEWER})
    login_cookie(page, user, project)
    page.goto("/search")
    page.get_by_label("Question").fill("homepage")
    page.get_by_label("From").fill("2026-10-02")
    page.get_by_label("To").fill("2026-10-01")
    page.get_by_role("button", name="Ask").click()
    expect(page.get_by_role("alert")).to_have_text("date_to: Must be later than date_from.")
    expect(page.get_by_test_id("answer-card")).to_be_hidden()


def test_an_archived_issue_is_found_and_marked_archived(page, login_cookie, searchable):
    user, project = searchable
    archived = raw_rows(project=project, source="linear", stream="issues").filter(archived_at__isnull=False).first()
    assert archived is not None, "the sandbox archives some old closed issues"
    login_cookie(page, user, project)
    page.goto("/search")
    page.get_by_label("Question").fill(archived.title)
    page.get_by_role("button", name="Ask").click()

    card = page.locator(".evidence-card", has_text=f"source id {archived.external_id}")
    expect(card.locator(".badge.warn")).to_have_text("archived")
    live = page.locator(".evidence-card", has_not_text=f"source id {archived.external_id}").first
    expect(live).to_be_visible()
    expect(live.locator(".badge.warn")).to_have_count(0)
