from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    """The roof: the Django project package (settings, URLs, Celery app, launcher) and the commands that tie
    every app together (`bootstrap`, `doctor`, `sandbox`). It owns no models."""

    name = "workforce"
    label = "site"
    verbose_name = "Workforce Ops"

    def ready(self) -> None:
        from crm.clients import client_graph_register

        # The client page reads the knowledge graph's links; crm may not import rag (floors), so the roof ties them.
        client_graph_register(records=_client_records, neighbourhood=_client_neighbourhood)


# TEMPORARY until rag.graph.selectors lands (issue17-graph): the same signatures, read from raw rows.
def _client_records(*, project, account_ref: str) -> dict[str, list[str]]:
    from connectors.selectors import raw_rows

    company = raw_rows(project=project, source="attio", stream="companies", external_ids=[account_ref]).first()
    domain = company.domain.lower() if company and company.domain else None
    if not domain:
        return {"conversations": [], "issues": [], "deals": [], "linear_projects": [], "contacts": []}
    contacts = [c for c, e in raw_rows(project=project, source="chatwoot", stream="contacts")
                .values_list("external_id", "email") if e.lower().rpartition("@")[2] == domain]  # fmt: skip
    conversations = raw_rows(project=project, source="chatwoot", stream="conversations").filter(
        contact_external_id__in=contacts
    )
    projects = raw_rows(project=project, source="linear", stream="projects").filter(raw__description__icontains=domain)
    project_ids = list(projects.values_list("external_id", flat=True))
    issues = raw_rows(project=project, source="linear", stream="issues").filter(project_external_id__in=project_ids)
    deals = raw_rows(project=project, source="attio", stream="deals").filter(company_external_id=account_ref)
    return {
        "conversations": list(conversations.values_list("external_id", flat=True)),
        "issues": list(issues.values_list("external_id", flat=True)),
        "deals": list(deals.values_list("external_id", flat=True)),
        "linear_projects": project_ids,
        "contacts": contacts,
    }


def _client_neighbourhood(*, project, account_ref: str, limit: int = 40) -> dict:
    from connectors.selectors import raw_rows

    records = _client_records(project=project, account_ref=account_ref)
    company = raw_rows(project=project, source="attio", stream="companies", external_ids=[account_ref]).first()
    client = f"client:{account_ref}"
    nodes = [{"id": client, "kind": "client", "name": company.name if company else account_ref}]
    edges = []
    names = {
        "contact": ("chatwoot", "contacts", "contacts", "name"),
        "deal": ("attio", "deals", "deals", "name"),
        "linear_project": ("linear", "projects", "linear_projects", "name"),
        "issue": ("linear", "issues", "issues", "identifier"),
        "conversation": ("chatwoot", "conversations", "conversations", "external_id"),
    }
    for kind, (source, stream, key, field) in names.items():
        rows = raw_rows(project=project, source=source, stream=stream, external_ids=records[key][:8])
        for external_id, name in rows.values_list("external_id", field):
            if len(nodes) >= limit:
                break
            nodes.append({"id": f"{kind}:{external_id}", "kind": kind, "name": str(name or external_id)})
            edges.append({"source": client, "target": f"{kind}:{external_id}", "type": f"has_{kind}"})
    return {"nodes": nodes, "edges": edges}
