"""The knowledge graph: built by the sync hooks, following renames and deletions; entity linking; query modes
that stay in their project and never show a private note."""

import pytest
from django.db.models import Count

from crm.models import CrmAccount, CrmOpportunity
from rag.constants import QUERY_MODES
from rag.graph.build import graph_rebuild
from rag.graph.linking import entities_link
from rag.graph.names import transliterate
from rag.graph.selectors import client_neighbourhood, client_records, graph_counts
from rag.models import Chunk, GraphAlias, GraphEntity, GraphRelation
from rag.services.embeddings import embeddings_run
from rag.services.query import QueryParams, lightrag_query
from rag.tests.conftest import MARK

pytestmark = pytest.mark.django_db


def linked_names(project, question: str) -> list[str]:
    return [item.name for item in entities_link(project=project, question=question)]


def client_named(project, name: str) -> GraphEntity:
    return GraphEntity.objects.get(project=project, kind="client", name=name)


def snapshot(project) -> tuple:
    return (
        sorted(GraphEntity.objects.filter(project=project).values_list("kind", "key", "name")),
        sorted(GraphAlias.objects.filter(project=project).values_list("entity__key", "norm", "kind")),
        sorted(GraphRelation.objects.filter(project=project).values_list("src__key", "dst__key", "type")),
    )


# ---------------------------------------------------------------- built from the sync


def test_a_sync_builds_clients_with_their_contacts_deals_projects_issues_and_conversations(studio_project):
    project, dataset = studio_project, studio_project.tenant.dataset
    counts = graph_counts(project=project)
    assert counts["client"] == CrmAccount.objects.filter(project=project).count() == len(dataset.clients)
    assert counts["deal"] == CrmOpportunity.objects.filter(project=project, deleted_at__isnull=True).count()
    assert counts["linear_project"] == len(dataset.linear.projects)
    assert counts["issue"] == len(dataset.linear.issues)
    assert counts["conversation"] == len(dataset.conversations)
    # Every Linear project is "<client> — <work>": linked to the client it names (twins by their domain).
    for linear_project in dataset.linear.projects:
        entity = GraphEntity.objects.get(project=project, kind="linear_project", key=linear_project["id"])
        client = GraphRelation.objects.get(project=project, src=entity, type="project_of").dst
        assert linear_project["name"].startswith(client.name)
        assert client.facts["domain"] in linear_project["description"]
    # A client's records: its deals as the CRM mirror has them, the issues of its Linear project.
    account = CrmAccount.objects.filter(project=project, opportunities__isnull=False).first()
    records = client_records(project=project, account_ref=account.external_ref)
    assert set(records["deals"]) == set(account.opportunities.values_list("external_ref", flat=True))
    project_ids = {p["id"] for p in dataset.linear.projects if p["name"].startswith(account.name)}
    assert records["issues"]
    assert all(dataset.linear.issues[i]["projectId"] in project_ids for i in records["issues"])
    picture = client_neighbourhood(project=project, account_ref=account.external_ref)
    assert picture["nodes"][0]["name"] == account.name
    assert {edge["type"] for edge in picture["edges"]} >= {"deal_of", "project_of", "in_project"}


def test_rebuilding_the_graph_changes_nothing_a_sync_built(studio_project):
    built = snapshot(studio_project)
    graph_rebuild(project=studio_project)
    graph_rebuild(project=studio_project)
    assert snapshot(studio_project) == built


def test_the_embeddings_cycle_builds_the_graph_of_a_project_synced_before_it_existed(studio_project):
    from jobs.services import job_execute
    from rag.services.cascade import embeddings_cycle

    built = snapshot(studio_project)
    GraphEntity.objects.filter(project=studio_project).delete()  # as after the upgrade that added the graph
    assert graph_counts(project=studio_project)["client"] == 0
    job_execute(job="embeddings_cycle", work=embeddings_cycle, task_id="")
    assert snapshot(studio_project) == built
    job_execute(job="embeddings_cycle", work=embeddings_cycle, task_id="")  # nothing to build the second time
    assert snapshot(studio_project) == built


def test_the_graph_follows_a_rename_and_forgets_deleted_records(
    studio_project, sandbox, sync_all, reconcile, confirm_at_once
):
    project, tenant = studio_project, studio_project.tenant
    account = CrmAccount.objects.filter(project=project, opportunities__isnull=False).order_by("name").first()
    old_name = account.name
    sandbox.mutate(tenant=tenant.name, action="rename_companies", ids=[account.external_ref], to="Quillfeather Works")
    deal = account.opportunities.first().external_ref
    sandbox.mutate(tenant=tenant.name, action="delete_deal", ids=[deal])
    conversation = next(iter(tenant.dataset.conversations))
    sandbox.mutate(tenant=tenant.name, action="delete_conversation", ids=[conversation])
    sync_all(project)
    reconcile(project)
    reconcile(project)  # a record is deleted after two 404s (docs/deletions.md)

    client = GraphEntity.objects.get(project=project, kind="client", key=account.external_ref)
    assert client.name == "Quillfeather Works"
    assert "Quillfeather Works" in linked_names(project, "What did Quillfeather Works ask for?")
    others_with_old_name = CrmAccount.objects.filter(project=project, name=old_name).count()
    assert len([n for n in linked_names(project, f"What did {old_name} ask for?") if n == old_name]) == (
        others_with_old_name
    )
    assert not GraphEntity.objects.filter(project=project, kind="deal", key=deal).exists()
    assert deal not in client_records(project=project, account_ref=account.external_ref)["deals"]
    assert not GraphEntity.objects.filter(project=project, kind="conversation", key=str(conversation)).exists()


# ---------------------------------------------------------------- entity linking


def test_linking_finds_names_across_scripts_typos_domains_issue_keys_and_invoice_numbers(studio_project):
    project, dataset = studio_project, studio_project.tenant.dataset
    russian = next(c for c in dataset.clients if c.lang == "ru")
    english = next(c for c in dataset.clients if c.lang == "en" and len(c.name.split()[0]) >= 6)
    latin = russian.name.translate(str.maketrans("абвгдеёзийклмнопрстуфхцыэ", "abvgdeeziiklmnoprstufhcye"))
    latin = latin.translate(str.maketrans("АБВГДЕЁЗИЙКЛМНОПРСТУФХЦЫЭ", "ABVGDEEZIIKLMNOPRSTUFHCYE"))
    assert russian.name in linked_names(project, f"What did {latin} say about the invoice?")
    assert russian.name in linked_names(project, f"Что писали {russian.name}?")
    typo = english.name.replace(english.name[3], "", 1)  # one letter missing
    assert english.name in linked_names(project, f"news from {typo}")
    assert english.name in linked_names(project, f"anything from {english.domain} lately?")
    issue = next(iter(dataset.linear.issues.values()))
    linked = entities_link(project=project, question=f"what state is {issue['identifier']} in now?")
    assert [item.key for item in linked] == [issue["id"]]
    invoice = GraphAlias.objects.filter(project=project, kind="invoice").select_related("entity").first()
    assert invoice is not None, "the sandbox's messages and notes mention invoice numbers"
    assert invoice.entity.name in linked_names(project, f"Is invoice {invoice.norm} paid?")
    assert linked_names(project, "What did the design team say about the homepage?") == []


def test_of_two_clients_with_one_name_the_question_links_the_one_it_also_names_by_domain(studio_project):
    project, dataset = studio_project, studio_project.tenant.dataset
    first, twin = dataset.clients[0], dataset.clients[5]
    assert first.name == twin.name  # the sandbox's twin clients, told apart by their domains
    assert first.domain != twin.domain
    both = entities_link(project=project, question=f"What did {first.name} ask for?")
    assert len([item for item in both if item.kind == "client"]) == 2  # the name alone cannot say which
    for client in (first, twin):
        linked = entities_link(project=project, question=f"What did {client.name} ({client.domain}) ask for?")
        clients = [item for item in linked if item.kind == "client"]
        assert [item.key for item in clients] == [
            GraphEntity.objects.get(project=project, kind="client", facts__domain=client.domain).key
        ]


def test_a_record_named_by_its_number_comes_first(studio_project):
    project = studio_project
    embeddings_run(project=project)
    aliases = GraphAlias.objects.filter(project=project, kind="invoice", entity__kind="conversation")
    invoice = aliases.select_related("entity").order_by("norm").first()  # in a message of a client's conversation
    client = GraphRelation.objects.get(project=project, src=invoice.entity, type="of_client").dst.name
    question = f"Invoice #{invoice.norm} of the {client} deal: what amount and budget did they agree?"
    first = lightrag_query(project=project, params=QueryParams(query=question), chat=None)["evidence"][0]
    assert (first["source_type"], first["source_id"]) == (invoice.entity.source_type, invoice.entity.source_id)
    # A state the question asks about is no reason to lift the client's resolved conversations over the one named
    invoice = aliases.exclude(entity__facts__status="resolved").select_related("entity").order_by("norm").first()
    client = GraphRelation.objects.get(project=project, src=invoice.entity, type="of_client").dst.name
    question = f"{client} invoice {invoice.norm}: is that conversation closed?"
    result = lightrag_query(project=project, params=QueryParams(query=question), chat=None)
    first = result["evidence"][0]
    assert (first["source_type"], first["source_id"]) == (invoice.entity.source_type, invoice.entity.source_id)
    assert result["answer"].startswith(f"Conversation #{invoice.entity.source_id} is {invoice.entity.facts['status']}")


def test_a_question_writing_an_amount_in_groups_finds_the_deal_of_that_amount(studio_project):
    from rag.services.query import numbers_joined

    assert numbers_joined("the 4,000 USD deal, на 66 500 EUR, 1 250 000") == "the 4000 USD deal, на 66500 EUR, 1250000"
    assert numbers_joined("Safari 17.2 on 25.10, DES-28, 500 users") == "Safari 17.2 on 25.10, DES-28, 500 users"
    project = studio_project
    embeddings_run(project=project)
    deal = CrmOpportunity.objects.filter(project=project, amount__gte=1000).order_by("-amount").first()
    grouped = f"{int(deal.amount):,}"  # "108,000"
    assert "," in grouped
    question = f"Which deal is worth {grouped} {deal.currency}?"
    result = lightrag_query(project=project, params=QueryParams(query=question), chat=None)
    first = result["evidence"][0]
    assert (first["source_type"], first["source_id"]) == ("attio_deal", deal.external_ref)


def test_a_question_writing_thousands_in_words_finds_the_deal_of_that_amount(studio_project):
    from rag.services.query import numbers_joined

    assert numbers_joined("the 24k deal, на 83 тысячи, 83 тыс. евро, 2.5k, 1,5 млн") == (
        "the 24000 deal, на 83000, 83000 евро, 2500, 1500000"
    )
    assert numbers_joined("v3k, тысяча, Safari 17.2") == "v3k, тысяча, Safari 17.2"
    project = studio_project
    embeddings_run(project=project)
    deals = CrmOpportunity.objects.filter(project=project, amount__gte=1000).order_by("-amount")
    deal = next(d for d in deals if d.amount % 1000 == 0)
    for question in (f"What stage is the {int(deal.amount) // 1000}k deal at?",
                     f"На какой стадии сделка на {int(deal.amount) // 1000} тысяч?"):  # fmt: skip
        first = lightrag_query(project=project, params=QueryParams(query=question), chat=None)["evidence"][0]
        assert (first["source_type"], first["source_id"]) == ("attio_deal", deal.external_ref), question


def test_which_deals_are_in_a_stage_lists_every_such_deal_with_its_facts(studio_project):
    project = studio_project
    embeddings_run(project=project)
    live = CrmOpportunity.objects.filter(project=project, deleted_at__isnull=True)
    stage = live.values("source_stage").annotate(n=Count("id")).order_by("-n", "source_stage")[0]["source_stage"]
    deals = live.filter(source_stage=stage)
    assert deals.count() > 3  # more than an answer quotes otherwise
    result = lightrag_query(project=project, params=QueryParams(query=f"Which deals are in {stage}?", top_k=40,
                                                                source_limit=25), chat=None)  # fmt: skip
    lines = result["answer"].splitlines()
    assert len(lines) >= min(deals.count(), 8)
    for deal in deals[:8]:
        assert any(f"is at stage {stage}" in line and str(int(deal.amount)) in line for line in lines), deal.name


def test_a_person_named_beside_their_client_brings_their_conversations_first(project, make_tenant, bind, sync_all):
    bind(project, make_tenant(seed="delta", messages=1000))
    sync_all(project)
    embeddings_run(project=project)
    people: dict[str, dict[str, set]] = {}  # client → contact → conversation ids
    for source_id, title in Chunk.objects.filter(project=project, source_type="chatwoot_conversation").values_list(
        "source_id", "title"
    ):
        contact, _, client = title.split(" · ", 1)[1].rpartition(" (")
        if len(contact.split()) > 1:  # a full name, as people write one
            people.setdefault(client.rstrip(")"), {}).setdefault(contact, set()).add(source_id)
    # a Russian-speaking client's contact, written in Latin letters: no word of the question is in their messages
    client, contacts = next((c, p) for c, p in sorted(people.items()) if len(p) > 1 and not c.isascii())
    contact, theirs = sorted(contacts.items())[0]
    question = f"What did {transliterate(contact).title()} from {client} write to us?"
    evidence = lightrag_query(project=project, params=QueryParams(query=question, top_k=40), chat=None)["evidence"]
    conversations = [e["source_id"] for e in evidence if e["source_type"] == "chatwoot_conversation"]
    shown = [source_id in theirs for source_id in conversations]
    assert any(shown)
    assert shown == sorted(shown, reverse=True), (contact, conversations)  # theirs, then anyone else's


# ---------------------------------------------------------------- modes


def test_every_mode_answers_from_the_active_project_only(twins):
    ours, theirs = twins
    name = GraphEntity.objects.filter(project=ours, kind="client").order_by("name").first().name
    assert GraphEntity.objects.filter(project=theirs, kind="client", name=name).exists()
    our_chunks = set(Chunk.objects.filter(project=ours).values_list("id", flat=True))
    our_accounts = {str(i) for i in CrmAccount.objects.filter(project=ours).values_list("id", flat=True)}
    our_keys = set(GraphEntity.objects.filter(project=ours).values_list("key", flat=True))
    for mode in QUERY_MODES:
        result = lightrag_query(project=ours, params=QueryParams(query=f"What did {name} say?", mode=mode), chat=None)
        assert result["mode"] == mode
        assert result["evidence"], mode
        assert {chunk["id"] for chunk in result["chunks"]} <= our_chunks
        assert MARK not in str(result)
        assert {item["client"]["id"] for item in result["evidence"] if item["client"]} <= our_accounts
        assert {entity["key"] for entity in result["entities"]} <= our_keys


def test_local_mode_keeps_to_the_named_client_and_says_which_entity_brought_each_record(studio_project):
    project = studio_project
    embeddings_run(project=project)
    account = CrmAccount.objects.filter(project=project, opportunities__isnull=False).order_by("name").last()
    result = lightrag_query(project=project, params=QueryParams(query=f"{account.name} deal", mode="local"), chat=None)
    assert result["stats"]["graph"]["local_fallback"] is False
    assert result["evidence"]
    for item in result["evidence"]:
        assert item["entity"]["via"] == "local"
        assert item["client"]["name"] == account.name
    mine = client_records(project=project, account_ref=account.external_ref)
    assert {item["source_id"] for item in result["evidence"] if item["source_type"] == "attio_deal"} <= set(
        mine["deals"]
    )
    unnamed = lightrag_query(project=project, params=QueryParams(query="logo files", mode="local"), chat=None)
    assert unnamed["stats"]["graph"]["local_fallback"] is True
    assert unnamed["entities"] == []


def test_no_mode_ever_shows_a_private_note(studio_project):
    project, dataset = studio_project, studio_project.tenant.dataset
    embeddings_run(project=project)
    private = {m.content for c in dataset.conversations.values() for m in c.messages if m.private and m.content}
    assert private, "the sandbox seeds private notes"
    names = sorted({c.name for c in dataset.clients})
    questions = [*(f"What did {n} write internally?" for n in names[:3]), "internal note about the budget"]
    for mode in QUERY_MODES:
        for question in questions:
            result = str(lightrag_query(project=project, params=QueryParams(query=question, mode=mode), chat=None))
            assert not [text for text in private if text in result], (mode, question)


def test_the_api_takes_a_mode_and_refuses_an_unknown_one(studio_project, owner_api):
    embeddings_run(project=studio_project)
    default = owner_api.post("/api/lightrag/query", {"query": "logo files"})
    assert default.status_code == 200
    assert default.json()["mode"] == "mix"
    local = owner_api.post("/api/lightrag/query", {"query": "logo files", "mode": "global"}).json()
    assert local["mode"] == "global"
    refused = owner_api.post("/api/lightrag/query", {"query": "logo files", "mode": "graph"})
    assert refused.status_code == 400
    assert "mode" in refused.json()["detail"]


def test_a_broken_graph_degrades_the_query_instead_of_failing_it(studio_project, owner_api):
    from django.db import connection

    embeddings_run(project=studio_project)
    name = GraphEntity.objects.filter(project=studio_project, kind="client").first().name
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute("ALTER TABLE rag_graph_aliases RENAME TO rag_graph_aliases_away")
    response = owner_api.post("/api/lightrag/query", {"query": f"What did {name} say?"})
    assert response.status_code == 200
    body = response.json()
    assert body["degraded"] is True
    assert body["evidence"], "the chunk search still answers"
    assert body["stats"]["graph_error"]
    metrics = owner_api.get("/metrics").content.decode()
    assert 'app_rag_query_problems_total{mode="mix",reason="graph_unavailable"} 1.0' in metrics


def test_a_question_about_a_clients_deal_answers_with_that_deals_stage(studio_project):
    project = studio_project
    embeddings_run(project=project)
    account = CrmAccount.objects.filter(project=project, opportunities__isnull=False).order_by("name").last()
    result = lightrag_query(project=project, params=QueryParams(query=f"На каком этапе сделка с {account.name}?"),
                            chat=None)  # fmt: skip
    first = result["evidence"][0]
    assert (first["source_type"], first["client"]["name"]) == ("attio_deal", account.name)
    stage = account.opportunities.get(external_ref=first["source_id"]).source_stage
    assert result["answer"].splitlines()[0].startswith(f"{first['title']} is at stage {stage}")


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("Which deals did we lose?", {"attio_deal"}),
        ("What budget did Acme name on the kick-off call in the company record?", {"attio_company"}),
        ("Какие задачи открыты по Ромашке?", {"linear_issue"}),
        ("What did they say in the chat?", {"chatwoot_conversation"}),
        ("What happened with the logo?", set()),
        ("Is it in Linear yet?", {"linear_issue"}),
        ("Has a fix shipped?", {"linear_issue"}),
    ],
)
def test_a_question_names_the_kind_of_record_it_is_about(question, kinds):
    from rag.graph.intent import LEADING_WORDS, asked_kinds

    assert asked_kinds(question) == kinds
    assert asked_kinds(question, leading=LEADING_WORDS) == (kinds if "chat" not in question else set())
    assert asked_kinds("Safari contact form bug invoice deal kick-off budget", leading=LEADING_WORDS) == set()


def test_a_question_naming_records_in_the_plural_or_starting_with_which_picks_records_of_that_kind():
    from rag.graph.intent import which_kinds

    assert which_kinds("Which deals are in Negotiation?") == {"attio_deal"}
    assert which_kinds("Who has the open threads with Kate?") == {"chatwoot_conversation"}
    assert which_kinds("Павел Попов — какие его диалоги открыты?") == {"chatwoot_conversation"}
    assert which_kinds("Who has the thread with Kate?") == set()
    assert which_kinds("What did Kate say about the logo?") == set()


def test_a_conversation_status_is_named_the_way_people_say_it():
    from rag.services.evidence import question_keys, value_named

    for question, status in (("открытые переписки", "open"), ("the closed chats", "resolved"),
                             ("threads we pushed to later", "snoozed"), ("отложенные диалоги", "snoozed")):  # fmt: skip
        assert value_named({"status": status}, question_keys(question)), question
        assert not value_named({"status": "pending"}, question_keys(question)), question
    for state, still_open in (("In Progress", True), ("Todo", True), ("Done", False), ("Canceled", False)):
        assert value_named({"state": state}, question_keys("Which tickets are still open?")) == still_open
        assert value_named({"state": state}, question_keys("Какие задачи ещё открыты?")) == still_open
    assert not value_named({"stage": "Won 🎉"}, question_keys("open deals"))
    assert value_named({"state": "Todo"}, question_keys("which ones are still unfinished?"))
    assert not value_named({"state": "Done"}, question_keys("какие задачи ещё незавершены?"))


def test_records_of_the_kind_asked_in_the_state_and_priority_named_rise_among_the_fetched():
    from types import SimpleNamespace

    from rag.services.modes import value_boosted
    from rag.services.retrieval import Fused

    facts = {1: {"state": "Done", "priority": "Medium"}, 2: {"state": "Backlog", "priority": "Urgent"},
             3: {"state": "In Progress", "priority": "Urgent"}}  # fmt: skip
    fused = [Fused(id=n, score=1.0 - n / 10, source=("linear_issue", f"i-{n}")) for n in facts]
    chunks = {n: SimpleNamespace(meta={"facts": f}) for n, f in facts.items()}
    ranked = value_boosted("Who took the urgent checkout task into progress?", fused, chunks)
    assert [f.id for f in ranked] == [3, 2, 1]
    plain = [Fused(id=n, score=1.0 - n / 10, source=("linear_issue", f"i-{n}")) for n in facts]
    assert [f.id for f in value_boosted("Who is on the checkout task?", plain, chunks)] == [1, 2, 3]


def test_a_word_the_lexicon_knows_never_links_a_name_it_merely_resembles(project):
    from rag.graph.names import name_key

    client = GraphEntity.objects.create(project=project, kind="client", key="c-summit", name="Summit Legal")
    for norm, kind, weight in ((name_key("Summit Legal"), "name", 1.0), (name_key("Summit"), "short_name", 0.8)):
        GraphAlias.objects.create(project=project, entity=client, norm=norm, kind=kind, weight=weight)
    assert linked_names(project, "Какие сделки на стадии Proposal и на какие суммы?") == []  # «суммы» ≈ "Summit"
    assert linked_names(project, "How much is the Sumit deal?") == ["Summit Legal"]  # a typo still links
    assert linked_names(project, "Invoices of Sumit Legal?") == ["Summit Legal"]  # beside a word the lexicon knows
    # as Russian speakers write the name: too few trigrams in common to be a candidate by spelling alone
    assert linked_names(project, "Саммит Лигал: какой бюджет назвали на созвоне?") == ["Summit Legal"]


def test_a_studio_wide_which_question_ranks_every_record_in_the_state_it_names(studio_project):
    from rag.services.modes import _in_named_states

    project = studio_project
    embeddings_run(project=project)
    live = CrmOpportunity.objects.filter(project=project, deleted_at__isnull=True)
    for stage in live.values_list("source_stage", flat=True).distinct():
        expected = {deal.external_ref for deal in live.filter(source_stage=stage)}
        ranked = _in_named_states(project, f"Which deals are in {stage}?")
        assert {f.source for f in ranked} == {("attio_deal", ref) for ref in expected}, stage
    assert _in_named_states(project, "Which deals are in Hibernation?") == []
    assert _in_named_states(project, f"Which deals about the logo are in {stage}?") == []  # a topic: text search
    assert _in_named_states(project, "What did Maria say about the logo?") == []


def test_a_person_named_in_a_question_about_a_ticket_brings_their_clients_tickets(studio_project):
    project = studio_project
    embeddings_run(project=project)
    contacts = GraphEntity.objects.filter(project=project, kind="contact", name__contains=" ").order_by("name")
    for contact in contacts:
        client = GraphRelation.objects.filter(project=project, src=contact, type="of_client").first()
        issues = GraphEntity.objects.filter(
            project=project, kind="issue", relations_out__dst_id=getattr(client, "dst_id", None)
        ).order_by("key")
        if issues.exists():
            break
    ours = set(issues.values_list("source_id", flat=True))
    topic = issues.first().name.split(": ", 1)[-1]
    question = f"{contact.name} wrote to us about this: {topic}. Is there a ticket for it?"
    result = lightrag_query(project=project, params=QueryParams(query=question, top_k=40), chat=None)
    tickets = [e for e in result["evidence"][:10] if e["source_type"] == "linear_issue"]
    theirs = [e for e in tickets if (e["entity"] or {}).get("name") == contact.name]
    assert theirs, (question, [e["title"] for e in result["evidence"][:10]])
    assert {e["source_id"] for e in theirs} <= ours  # their client's tickets, never another client's
    quoted = result["answer"].splitlines()[:3]  # the ticket answers beside the message
    assert any(line.startswith(e["title"]) for line in quoted for e in theirs), quoted


def test_the_states_a_question_can_name_follow_a_deal_moved_to_a_new_stage_at_once(studio_project):
    from rag.graph.build import deals_refresh
    from rag.graph.selectors import state_values

    project = studio_project
    deal = CrmOpportunity.objects.filter(project=project, deleted_at__isnull=True).first()
    before = state_values(project=project, source_types=["attio_deal"])  # read once: kept for a minute
    assert ("attio_deal", "Legal review") not in before
    CrmOpportunity.objects.filter(pk=deal.pk).update(source_stage="Legal review")
    deals_refresh(project, refs=[deal.external_ref])
    assert ("attio_deal", "Legal review") in state_values(project=project, source_types=["attio_deal"])


def test_a_deal_nobody_attached_to_a_company_is_found_from_the_clients_its_name_names(studio_project):
    from rag.graph.build import clients_refresh
    from rag.graph.selectors import entity_sources

    project = studio_project
    embeddings_run(project=project)
    deal = CrmOpportunity.objects.filter(project=project, deleted_at__isnull=True, account__isnull=True).first()
    assert deal is not None, "the sandbox seeds deals without a company"
    clients = [c for c in GraphEntity.objects.filter(project=project, kind="client") if deal.name.startswith(c.name)]
    assert clients
    for client in clients:  # every client of that name: the name alone cannot tell them apart
        sources = {(t, i) for _, t, i, _ in entity_sources(project=project, entity_ids=[client.id])}
        assert ("attio_deal", deal.external_ref) in sources
        assert deal.external_ref not in client_records(project=project, account_ref=client.key)["deals"]  # not theirs
    # A client synced (or renamed) after the deal finds it too.
    GraphRelation.objects.filter(project=project, type="named_for", src__key=deal.external_ref).delete()
    clients_refresh(project, refs=[clients[0].key])
    assert GraphRelation.objects.filter(project=project, type="named_for", src__key=deal.external_ref).exists()
    question = f"{deal.name}: what stage is that deal in?"
    result = lightrag_query(project=project, params=QueryParams(query=question, top_k=40), chat=None)
    item = next(e for e in result["evidence"] if e["source_id"] == deal.external_ref)
    assert item["client"] is None  # nobody linked it to a client, and the evidence does not pretend otherwise
