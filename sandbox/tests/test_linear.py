"""Linear over real HTTP: schema subset, connections, incremental filters, errors and rate-limit headers."""

import time

import pytest

from sandbox.linear import schema
from sandbox.tests.conftest import Linear

ISSUE_FIELDS = """
    id identifier number title description priority priorityLabel estimate createdAt updatedAt archivedAt
    startedAt completedAt canceledAt dueDate trashed url branchName labelIds
    state { id name type } project { id } cycle { id } assignee { id } creator { id } team { id }
    parent { id } projectMilestone { id } labels { nodes { id } }
"""
INCREMENTAL = (
    "query Issues($after: String, $since: DateTimeOrDuration) { issues(first: 50, after: $after, "
    "includeArchived: true, orderBy: updatedAt, filter: { updatedAt: { gte: $since } }) { nodes { "
    + ISSUE_FIELDS
    + " } pageInfo { hasNextPage endCursor } } }"
)


def walk(client: Linear, query: str, root: str, **variables) -> list[dict]:
    nodes, after = [], None
    while True:
        connection = client.data(query, after=after, **variables)[root]
        nodes += connection["nodes"]
        if not connection["pageInfo"]["hasNextPage"]:
            return nodes
        after = connection["pageInfo"]["endCursor"]


def test_the_contract_query_runs_and_walks_every_issue(linear, acme):
    nodes = walk(linear, INCREMENTAL, "issues", since=None)
    assert len(nodes) == len(acme.dataset.linear.issues)
    assert len({n["id"] for n in nodes}) == len(nodes)
    updated = [n["updatedAt"] for n in nodes]
    assert updated == sorted(updated)
    issue = nodes[0]
    assert issue["url"].startswith("https://linear.app/")
    assert f"/issue/{issue['identifier']}/" in issue["url"]
    assert issue["state"]["type"] in {"backlog", "unstarted", "started", "completed", "canceled"}
    assert isinstance(issue["number"], int)  # integral floats print as integers, as Linear's server does


def test_updated_at_gte_returns_exactly_the_rows_at_or_after_the_bound(linear, acme):
    issues = sorted(acme.dataset.linear.issues.values(), key=lambda i: i["updatedAt"])
    bound = issues[len(issues) // 3]["updatedAt"]
    nodes = walk(linear, INCREMENTAL, "issues", since=bound)
    assert sorted(n["id"] for n in nodes) == sorted(i["id"] for i in issues if i["updatedAt"] >= bound)
    assert nodes[0]["updatedAt"] == bound


def test_other_date_operators_and_durations(linear, acme):
    issues = acme.dataset.linear.issues.values()
    bound = sorted(i["createdAt"] for i in issues)[10]
    query = (
        "query($b: DateTimeOrDuration) { issues(first: 250, includeArchived: true, "
        "filter: {createdAt: {lt: $b}}) { nodes { id } } }"
    )
    assert len(linear.data(query, b=bound)["issues"]["nodes"]) == 10
    future = '{ issues(filter: {updatedAt: {gt: "P1D"}}) { nodes { id } } }'  # from now, one day ahead
    assert linear.data(future)["issues"]["nodes"] == []
    recent = '{ comments(first: 250, filter: {updatedAt: {gte: "-P400D"}}) { nodes { id } } }'
    assert len(linear.data(recent)["comments"]["nodes"]) == min(250, len(acme.dataset.linear.comments))


def test_id_in_filter_relation_filter_and_edges(linear, acme):
    wanted = sorted(acme.dataset.linear.issues)[:3]
    query = "query($ids: [ID!]) { issues(filter: {id: {in: $ids}}) { edges { cursor node { id } } } }"
    edges = linear.data(query, ids=wanted)["issues"]["edges"]
    assert sorted(e["node"]["id"] for e in edges) == wanted
    assert all(e["cursor"] for e in edges)
    team = acme.dataset.linear.teams[0]
    query = (
        "query($key: String) { issues(first: 250, includeArchived: true, "
        "filter: {team: {key: {eq: $key}}}) { nodes { team { key } } } }"
    )
    nodes = linear.data(query, key=team["key"])["issues"]["nodes"]
    expected = sum(1 for i in acme.dataset.linear.issues.values() if i["teamId"] == team["id"])
    assert len(nodes) == min(250, expected)
    assert {n["team"]["key"] for n in nodes} == {team["key"]}


def test_default_page_is_50_and_order_is_created_at(linear):
    connection = linear.data("{ issues { nodes { createdAt } pageInfo { hasNextPage hasPreviousPage startCursor } } }")
    created = [n["createdAt"] for n in connection["issues"]["nodes"]]
    assert len(created) == 50
    assert created == sorted(created)
    assert connection["issues"]["pageInfo"]["hasNextPage"] is True
    assert connection["issues"]["pageInfo"]["hasPreviousPage"] is False


def test_first_over_250_is_an_input_error(linear):
    response = linear.query("{ issues(first: 251) { nodes { id } } }")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert error["path"] == ["issues"]
    assert "250" in error["extensions"]["userPresentableMessage"]


def test_unknown_fields_fail_validation(linear):
    response = linear.query("{ issues { nodes { notAField } } }")
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_every_root_list_and_nested_relation(linear, acme):
    query = """{
      viewer { id name email isMe admin }
      organization { id name urlKey userCount teams { nodes { key } } projectStatuses { name type } }
      teams { nodes { id key name states { nodes { name type position } } cycles { nodes { number isActive } } } }
      workflowStates(first: 100) { nodes { id name type team { key } } }
      cycles(first: 100) { nodes { id number startsAt endsAt team { id } } }
      projects(first: 100) { nodes { id name url slugId status { name type } lead { id } teams { nodes { id } } } }
      comments(first: 5) { nodes { id body url issue { id identifier } user { id } } }
      users { nodes { id name displayName email active } }
      issueLabels { nodes { id name color } }
    }"""
    data = linear.data(query)
    ds = acme.dataset
    assert data["viewer"]["isMe"] is True
    assert data["viewer"]["admin"] is True
    assert data["organization"]["userCount"] == len(ds.staff)
    assert len(data["teams"]["nodes"]) == len(ds.linear.teams)
    types = {s["type"] for s in data["teams"]["nodes"][0]["states"]["nodes"]}
    assert types == {"backlog", "unstarted", "started", "completed", "canceled"}
    assert sum(1 for c in data["teams"]["nodes"][0]["cycles"]["nodes"] if c["isActive"]) == 1
    assert len(data["projects"]["nodes"]) == len(ds.clients)
    assert all("#comment-" in c["url"] and c["issue"]["identifier"] in c["url"] for c in data["comments"]["nodes"])
    assert len(data["users"]["nodes"]) == len(ds.staff)


def test_single_entity_lookup_and_missing_entity(linear, acme):
    issue_id = next(iter(acme.dataset.linear.issues))
    found = linear.data("query($id: String!) { issue(id: $id) { id comments { nodes { id } } } }", id=issue_id)
    assert found["issue"]["id"] == issue_id
    body = linear.query('{ issue(id: "nope") { id } }').json()
    assert body["data"] is None
    assert body["errors"][0]["message"] == "Entity not found"


def test_rate_limit_headers_are_on_every_answer_in_epoch_ms(linear):
    first = linear.query("{ viewer { id } }")
    second = linear.query("{ viewer { id } }")
    limit = int(first.headers["X-RateLimit-Requests-Limit"])
    assert (
        int(second.headers["X-RateLimit-Requests-Remaining"])
        == int(first.headers["X-RateLimit-Requests-Remaining"]) - 1
    )
    assert int(first.headers["X-RateLimit-Requests-Remaining"]) < limit
    reset = int(first.headers["X-RateLimit-Requests-Reset"])
    assert time.time() * 1000 < reset <= (time.time() + 3600) * 1000  # milliseconds, within the hour
    assert "X-RateLimit-Complexity-Remaining" in first.headers
    errored = linear.query("{ issues(first: 999) { nodes { id } } }")
    assert "X-RateLimit-Requests-Reset" in errored.headers


@pytest.mark.parametrize("header", ["{key}", "Bearer {key}"])
def test_api_key_with_or_without_bearer(sandbox, acme, header):
    client = Linear(sandbox, acme, key=header.format(key=acme.linear_api_key))
    assert client.data("{ viewer { id } }")["viewer"]["id"]


def test_unknown_key_is_an_authentication_error(sandbox, acme):
    response = Linear(sandbox, acme, key="lin_sandbox_nobody_00000000").query("{ viewer { id } }")
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "AUTHENTICATION_ERROR"
    assert "X-RateLimit-Requests-Remaining" in response.headers


def test_tenants_see_only_their_own_workspace(sandbox, acme, make_tenant):
    other = make_tenant(seed="other-linear")
    mine = Linear(sandbox, acme).data("{ organization { id urlKey } }")["organization"]
    theirs = Linear(sandbox, other).data("{ organization { id urlKey } }")["organization"]
    assert mine != theirs


def test_the_schema_is_a_subset_of_linears_types():
    issue = schema().type_map["Issue"]
    assert {"state", "project", "cycle", "assignee", "creator", "team", "labels", "comments"} <= set(issue.fields)
    assert str(issue.fields["state"].type) == "WorkflowState!"
    assert str(schema().type_map["Query"].fields["issues"].type) == "IssueConnection!"


def test_archived_issues_appear_only_with_include_archived(linear, acme):
    issues = acme.dataset.linear.issues.values()
    archived = {i["id"] for i in issues if i["archivedAt"]}
    assert archived
    query = "query($a: Boolean) { issues(first: 250, includeArchived: $a) { nodes { id archivedAt } } }"
    hidden = {n["id"] for n in linear.data(query, a=False)["issues"]["nodes"]}
    shown = {n["id"] for n in linear.data(query, a=True)["issues"]["nodes"]}
    assert not hidden & archived
    assert archived <= shown
    assert len(shown) == len(issues)


def test_issue_lookup_by_identifier(linear, acme):
    issue = next(iter(acme.dataset.linear.issues.values()))
    found = linear.data("query($id: String!) { issue(id: $id) { id } }", id=issue["identifier"])
    assert found["issue"]["id"] == issue["id"]
