"""GET /api/crm/pipeline: the open pipeline and won/lost of the active project, with a validated window."""

import datetime as dt

import pytest
from django.utils import timezone

from crm.tests.factories import make_deal

pytestmark = pytest.mark.django_db


def test_pipeline_answers_open_stages_and_the_won_lost_window(owner_api, project, other_project):
    make_deal(project, "Open", stage="proposal", amount="1200.50")
    make_deal(project, "Won", stage="won", amount="900", stage_changed_at=timezone.now() - dt.timedelta(days=10))
    make_deal(project, "Another", stage="proposal", amount="77")
    make_deal(other_project, "Other project", stage="proposal", amount="5")
    body = owner_api.get("/api/crm/pipeline").json()
    proposal = next(stage for stage in body["stages"] if stage["stage"] == "proposal")
    assert proposal == {"stage": "proposal", "count": 2, "amounts": [{"currency": "USD", "amount": "1277.50"}]}
    assert body["open_count"] == 2
    assert body["won"]["count"] == 1
    assert body["days"] == 90
    assert owner_api.get("/api/crm/pipeline", {"days": "7"}).json()["won"]["count"] == 0


@pytest.mark.parametrize("days", ["0", "366", "soon"])
def test_a_bad_window_is_a_400_naming_the_field(owner_api, days):
    response = owner_api.get("/api/crm/pipeline", {"days": days})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_input"
    assert "days" in response.json()["detail"]


def test_pipeline_needs_an_active_project(api, make_user):
    user = make_user("nora-none")
    assert api.login(user.username).status_code == 200
    assert api.get("/api/crm/pipeline").status_code == 409
