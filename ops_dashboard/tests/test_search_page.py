"""The Search page: a form over `POST /api/lightrag/query`, saying when there is nothing to search yet."""

import pytest

from ops_dashboard.tests.factories import make_chunks

pytestmark = pytest.mark.django_db


def test_search_page_offers_the_query_filters(owner_api):
    html = owner_api.get("/search").content.decode()
    for value in ("messages", "issues", "deals"):
        assert f'name="sourceFilter" value="{value}"' in html
    assert 'name="date_from"' in html
    assert 'name="date_to"' in html
    for mode in ("mix", "local", "global", "hybrid", "naive"):
        assert f'<option value="{mode}"' in html
    assert '<option value="mix" selected>' in html
    assert "ops_dashboard/search.js" in html
    assert "live.js" not in html  # nothing on this page changes by itself
    assert '<a href="/search" aria-current="page">' in html


def test_search_page_before_any_sync_says_what_to_do(owner_api):
    html = owner_api.get("/search").content.decode()
    assert "Nothing to search yet: sync a connector first" in html


def test_search_page_while_embeddings_are_pending_says_answers_use_keywords(owner_api, project):
    make_chunks(project, 4, status="pending")
    html = owner_api.get("/search").content.decode()
    assert "4 chunks still waiting to be embedded" in html


def test_search_page_with_ready_chunks_has_no_warning(owner_api, project):
    make_chunks(project, 2, status="ready")
    html = owner_api.get("/search").content.decode()
    assert 'data-testid="search-not-ready"' not in html


def test_search_page_needs_login(api):
    response = api.get("/search")
    assert response.status_code == 302
    assert response["Location"].startswith("/login")
