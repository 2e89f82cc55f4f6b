"""Attio over real HTTP: records in the value-array format, offset paging, filters, notes limits, errors."""

import pytest

from sandbox.tests.conftest import Attio

VALUE_KEYS = {"active_from", "active_until", "created_by_actor", "attribute_type"}


def test_self_objects_and_workspace_members(attio, acme):
    me = attio.get("/v2/self").json()
    assert me["active"] is True
    assert me["workspace_id"] == acme.dataset.attio.workspace["id"]
    objects = attio.get("/v2/objects").json()["data"]
    assert {o["api_slug"] for o in objects} == {"companies", "people", "deals"}
    assert {"id", "api_slug", "singular_noun", "plural_noun", "created_at"} <= set(objects[0])
    members = attio.get("/v2/workspace_members").json()["data"]
    assert len(members) == len(acme.dataset.staff)
    assert {"id", "first_name", "last_name", "email_address", "access_level", "created_at"} <= set(members[0])


def test_records_query_pages_by_offset_to_the_end(attio, acme):
    records, offset = [], 0
    while True:
        page = attio.query("people", limit=7, offset=offset).json()["data"]
        records += page
        if len(page) < 7:
            break
        offset += 7
    ids = [r["id"]["record_id"] for r in records]
    assert sorted(ids) == sorted(acme.dataset.attio.records["people"])
    assert len(set(ids)) == len(ids)
    default = attio.query("people").json()["data"]
    assert len(default) == len(ids)  # default limit 500


def test_record_shape_and_value_format(attio):
    company = attio.query("companies", limit=1).json()["data"][0]
    assert {"id", "created_at", "web_url", "values"} <= set(company)
    assert company["web_url"].endswith(f"/company/{company['id']['record_id']}")
    assert company["created_at"].endswith("000Z")
    for values in company["values"].values():
        for item in values:
            assert set(item) >= VALUE_KEYS
            assert item["active_until"] is None
    assert company["values"]["domains"][0]["domain"].endswith(".example")
    person = attio.query("people", limit=1).json()["data"][0]["values"]
    assert person["name"][0]["attribute_type"] == "personal-name"
    assert person["name"][0]["full_name"]
    assert person["email_addresses"][0]["email_address"]
    assert person["company"][0]["target_object"] == "companies"


def test_deals_have_stage_value_owner_and_company(attio, acme):
    deals = attio.query("deals").json()["data"]
    stages = {d["values"]["stage"][0]["status"]["title"] for d in deals}
    assert stages <= {"Lead", "In Progress", "Proposal", "Negotiation", "Won 🎉", "Lost"}
    value = deals[0]["values"]["value"][0]
    assert value["currency_code"] in ("USD", "EUR")
    assert value["currency_value"] > 0
    assert deals[0]["values"]["owner"][0]["referenced_actor_type"] == "workspace-member"
    orphans = [d for d in deals if not d["values"]["associated_company"]]
    assert len(orphans) >= 2


def test_created_at_filter_and_sorts(attio, acme):
    companies = sorted(acme.dataset.attio.records["companies"].values(), key=lambda r: r["created_at"])
    bound = companies[3]["created_at"]
    body = {"filter": {"created_at": {"$gte": bound}}, "sorts": [{"attribute": "created_at", "direction": "asc"}]}
    rows = attio.query("companies", **body).json()["data"]
    assert [r["id"]["record_id"] for r in rows] == [r["id"]["record_id"] for r in companies[3:]]
    newest = attio.query("companies", sorts=[{"attribute": "created_at", "direction": "desc"}], limit=1).json()
    assert newest["data"][0]["id"] == companies[-1]["id"]


def test_record_id_and_shorthand_filters(attio, acme):
    wanted = sorted(acme.dataset.attio.records["deals"])[:2]
    rows = attio.query("deals", filter={"record_id": {"$in": wanted}}).json()["data"]
    assert sorted(r["id"]["record_id"] for r in rows) == wanted
    name = acme.dataset.clients[0].name
    twins = attio.query("companies", filter={"name": name}).json()["data"]
    assert len(twins) == 2  # the two companies with the same name
    response = attio.query("companies", filter={"colour": "red"})
    assert response.status_code == 400
    assert response.json()["code"] == "filter_error"


def test_single_record_and_missing_record(attio, acme):
    record_id = next(iter(acme.dataset.attio.records["deals"]))
    assert attio.get(f"/v2/objects/deals/records/{record_id}").json()["data"]["id"]["record_id"] == record_id
    missing = attio.get("/v2/objects/deals/records/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404
    assert missing.json()["type"] == "invalid_request_error"
    assert missing.json()["code"] == "not_found"
    assert attio.get("/v2/objects/unicorns/records/x").status_code == 404


def test_notes_page_with_limit_and_offset_and_filter_by_parent(attio, acme):
    notes, offset = [], 0
    while True:
        page = attio.get("/v2/notes", limit=50, offset=offset).json()["data"]
        notes += page
        if len(page) < 50:
            break
        offset += 50
    assert len(notes) == len(acme.dataset.attio.notes)
    assert len(attio.get("/v2/notes").json()["data"]) == 10  # default limit
    note = notes[0]
    assert {"id", "parent_object", "parent_record_id", "title", "content_plaintext", "content_markdown",
            "created_by_actor", "created_at", "tags", "meeting_id"} <= set(note)  # fmt: skip
    mine = attio.get("/v2/notes", parent_object=note["parent_object"], parent_record_id=note["parent_record_id"],
                     limit=50).json()["data"]  # fmt: skip
    assert note in mine
    assert all(n["parent_record_id"] == note["parent_record_id"] for n in mine)


def test_notes_limit_over_50_is_a_validation_error(attio):
    response = attio.get("/v2/notes", limit=51)
    assert response.status_code == 400
    assert response.json()["status_code"] == 400
    assert response.json()["type"] == "invalid_request_error"


@pytest.mark.parametrize("header", ["Bearer attio_sandbox_nobody_00000000", "", "attio_sandbox_no_bearer"])
def test_bad_credentials_are_401_auth_errors(sandbox, acme, header):
    client = Attio(sandbox, acme)
    client.session.headers["Authorization"] = header
    response = client.get("/v2/self")
    assert response.status_code == 401
    assert response.json()["type"] == "auth_error"
    assert response.json()["status_code"] == 401


def test_tenants_see_only_their_own_records(sandbox, acme, make_tenant):
    other = make_tenant(seed="other-attio")
    theirs = Attio(sandbox, other).query("companies").json()["data"]
    assert {r["id"]["workspace_id"] for r in theirs} == {other.dataset.attio.workspace["id"]}
    record_id = theirs[0]["id"]["record_id"]
    assert Attio(sandbox, acme).get(f"/v2/objects/companies/records/{record_id}").status_code == 404
