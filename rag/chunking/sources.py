"""Documents per source type, read from raw rows through `connectors.selectors.raw_rows` only.

Each builder takes a project and source ids and returns `(documents, gone)`: the documents of the ids that
still exist, and the ids whose record is gone (tombstoned: deleted or trashed at the source, or a conversation
left with nothing public to say). Private Chatwoot notes and activity lines never become units.

Each document's header carries the record's current facts (an issue's state, assignee, priority, project and
cycle; a deal's stage, amount and owner; a conversation's status and assignee), so every chunk can answer
"what status is it in now", and `meta["facts"]` holds the same values for evidence and answers (and an issue's
due date, which the header leaves out: in every chunk's text it moved rankings and told no search anything).
"""

from collections import defaultdict
from decimal import Decimal

from connectors.selectors import chatwoot_app_link, raw_rows
from rag.chunking.documents import Document, Unit
from rag.models import SourceType

ACTIVITY_MESSAGE = 2  # Chatwoot message_type of "assigned to …" / "resolved by …" lines


def _ids(values) -> list[str]:
    return sorted({str(value) for value in values if value not in (None, "")})


# ---------------------------------------------------------------- Chatwoot conversations


def conversation_documents(project, ids) -> tuple[list[Document], list[str]]:
    """One document per conversation: its public messages in order, each prefixed by its author."""
    conversations = {c.external_id: c for c in raw_rows(project=project, source="chatwoot", stream="conversations",
                                                         external_ids=_ids(ids))}  # fmt: skip
    messages = defaultdict(list)
    rows = (
        raw_rows(project=project, source="chatwoot", stream="messages")
        .filter(conversation_external_id__in=list(conversations), private=False)
        .exclude(message_type=ACTIVITY_MESSAGE)
        .exclude(content="")
        .order_by("source_created_at", "id")
        .only("external_id", "conversation_external_id", "content", "sender_type", "raw", "source_created_at")
    )
    for message in rows:
        messages[message.conversation_external_id].append(message)
    contacts = _contacts(project, [c.contact_external_id for c in conversations.values()])
    link = chatwoot_app_link(project=project)
    documents = []
    for external_id, conversation in conversations.items():
        if messages[external_id]:
            contact = contacts.get(conversation.contact_external_id, {})
            documents.append(_conversation_document(conversation, messages[external_id], contact, link))
    found = {d.source_id for d in documents}
    return documents, [i for i in _ids(ids) if i not in found]


def _conversation_title(external_id: str, contact: dict) -> tuple[str, str]:
    """(who, title) of a conversation: the contact's name, and "Conversation #id · name (company)"."""
    who = contact.get("name") or "unknown contact"
    company = contact.get("company", "")
    about = f"{who} ({company})" if company else who
    return who, f"Conversation #{external_id} · {about}"


def conversations_with_new_headers(project, ids) -> list[str]:
    """Of these conversations, the ones whose chunks would change for reasons outside their messages: a
    different contact, contact name or company, status or assignee in the header, no chunks yet, or the
    conversation gone.

    A conversation or contact row changes on every new message (activity times); re-chunking all of its
    conversations for that would rebuild unchanged text, so only these are refreshed (messages pages refresh
    the rest)."""
    from rag.models import Chunk

    wanted = _ids(ids)
    conversations = list(
        raw_rows(project=project, source="chatwoot", stream="conversations", external_ids=wanted).only(
            "external_id", "contact_external_id", "status", "assignee_external_id"
        )
    )
    contacts = _contacts(project, [c.contact_external_id for c in conversations])
    stored = {
        source_id: _header_key(title, meta or {})
        for source_id, title, meta in Chunk.objects.filter(
            project=project, source_type=SourceType.CHATWOOT_CONVERSATION, source_id__in=wanted, ordinal=0
        ).values_list("source_id", "title", "meta")
    }
    changed = set(wanted) - {c.external_id for c in conversations}  # gone: their chunks go too
    for conversation in conversations:
        _, title = _conversation_title(conversation.external_id, contacts.get(conversation.contact_external_id, {}))
        now = (title[:300], conversation.contact_external_id, conversation.status, conversation.assignee_external_id)
        if stored.get(conversation.external_id) != now:
            changed.add(conversation.external_id)
    return sorted(changed)


def _header_key(title: str, meta: dict) -> tuple:
    """What a conversation's header is built from, as its first chunk stored it (compared with the raw row:
    an agent renamed at Chatwoot shows up with the conversation's next change, not on its own)."""
    facts = meta.get("facts") or {}
    return title, meta.get("contact_id"), facts.get("status", ""), meta.get("assignee_id", "")


def _assignee_names(conversation) -> tuple[str, str]:
    """(display name, full name) of the conversation's agent: the name Chatwoot shows ("Mark") and the one Linear
    and Attio use for the same person ("Mark Ellis"); each falls back on the other."""
    meta = (conversation.raw or {}).get("meta")
    assignee = (meta.get("assignee") if isinstance(meta, dict) else None) or {}
    if not isinstance(assignee, dict):
        return "", ""
    shown, full = assignee.get("available_name") or "", assignee.get("name") or ""
    return str(shown or full)[:100], str(full or shown)[:100]


def _conversation_facts(conversation) -> dict:
    # The full name in the evidence and answers (one person named one way across the sources); the header keeps
    # the name Chatwoot shows, which the text search was measured with (the full name there cost the fusion).
    return {"status": conversation.status or "", "assignee": _assignee_names(conversation)[1]}


def _assigned(name: str) -> str:
    return f"assigned to {name}" if name else "unassigned"


def _joined(*parts: str) -> str:
    return ", ".join(part for part in parts if part)


def _conversation_document(conversation, messages, contact: dict, link: str) -> Document:
    who, title = _conversation_title(conversation.external_id, contact)
    about = title.partition(" · ")[2]
    units = []
    for message in messages:
        author = _author(message, who)
        units.append(Unit(f"{author}: {message.content}", ref=f"m:{message.external_id}", author=author,
                          at=message.source_created_at))  # fmt: skip
    facts = _conversation_facts(conversation)
    return Document(
        source_type=SourceType.CHATWOOT_CONVERSATION,
        source_id=conversation.external_id,
        title=title,
        # "Chatwoot conversation #12 with Maria (Acme), open, assigned to Anna Petrova"
        header=_joined(
            f"Chatwoot conversation #{conversation.external_id} with {about}",
            facts["status"],
            _assigned(_assignee_names(conversation)[0]),
        ),
        url=f"{link}/conversations/{conversation.external_id}" if link else "",
        units=units,
        occurred_at=conversation.source_created_at,
        author=who,
        meta={
            "contact_id": conversation.contact_external_id,
            "assignee_id": conversation.assignee_external_id or "",
            "facts": facts,
        },
    )


def _author(message, contact_name: str) -> str:
    sender = (message.raw or {}).get("sender")
    if isinstance(sender, dict) and sender.get("name"):
        return str(sender["name"])[:100]
    return contact_name if message.sender_type == "Contact" else "Studio"


def _contacts(project, contact_ids) -> dict[str, dict]:
    """{contact id: {name, company}}; the company is the Attio company whose domain is the e-mail's."""
    rows = raw_rows(project=project, source="chatwoot", stream="contacts", external_ids=_ids(contact_ids))
    contacts = {c.external_id: {"name": c.name, "domain": c.email.rpartition("@")[2]} for c in rows}
    domains = _ids(c["domain"] for c in contacts.values())
    companies = raw_rows(project=project, source="attio", stream="companies").filter(domain__in=domains)
    by_domain = dict(companies.values_list("domain", "name"))
    for contact in contacts.values():
        contact["company"] = by_domain.get(contact.pop("domain"), "")
    return contacts


def conversations_of_contacts(project, contact_ids) -> list[str]:
    rows = raw_rows(project=project, source="chatwoot", stream="conversations")
    return _ids(rows.filter(contact_external_id__in=_ids(contact_ids)).values_list("external_id", flat=True))


def conversations_at_domains(project, domains) -> list[str]:
    """Conversations of contacts whose e-mail is at one of `domains` (their header names the company)."""
    domains = _ids(d.lower() for d in domains)
    if not domains:
        return []
    contacts = raw_rows(project=project, source="chatwoot", stream="contacts")
    ids = [cid for cid, email in contacts.values_list("external_id", "email") if email.rpartition("@")[2] in domains]
    return conversations_of_contacts(project, ids)


# ---------------------------------------------------------------- Linear issues


def issue_documents(project, ids) -> tuple[list[Document], list[str]]:
    """One document per issue: title, description, then its comments in order."""
    # Trashed issues are tombstones (raw_rows leaves them out); archived ones stay, marked archived.
    issues = list(raw_rows(project=project, source="linear", stream="issues", external_ids=_ids(ids)))
    comments = defaultdict(list)
    rows = (
        raw_rows(project=project, source="linear", stream="comments")
        .filter(issue_external_id__in=[i.external_id for i in issues])
        .order_by("source_created_at", "id")
    )
    for comment in rows:
        comments[comment.issue_external_id].append(comment)
    projects = dict(
        raw_rows(project=project, source="linear", stream="projects", external_ids=_ids(
            i.project_external_id for i in issues)).values_list("external_id", "name")
    )  # fmt: skip
    states = dict(
        raw_rows(project=project, source="linear", stream="workflow_states", external_ids=_ids(
            i.state_external_id for i in issues)).values_list("external_id", "name")
    )  # fmt: skip
    cycles = {
        external_id: _cycle_name(number, name)
        for external_id, number, name in raw_rows(project=project, source="linear", stream="cycles", external_ids=_ids(
            i.cycle_external_id for i in issues)).values_list("external_id", "number", "name")
    }  # fmt: skip
    documents = [_issue_document(i, comments[i.external_id], _issue_facts(i, states, projects, cycles)) for i in issues]
    found = {d.source_id for d in documents}
    return documents, [i for i in _ids(ids) if i not in found]


def _cycle_name(number, name) -> str:
    """ "Cycle 3", or "Cycle 3 (Launch)" when the cycle has a name."""
    if number in (None, ""):
        return str(name or "")
    label = f"Cycle {int(float(number))}"
    return f"{label} ({name})" if name else label


PRIORITY_LABELS = {0: "No priority", 1: "Urgent", 2: "High", 3: "Medium", 4: "Low"}  # Linear's fixed scale


def _issue_facts(issue, states: dict, projects: dict, cycles: dict) -> dict:
    """State, assignee, priority, project and cycle names of an issue ("" when it has none), and its due date
    when it has one.

    State and cycle names come from the synced workflow states and cycles (renaming one re-chunks its issues),
    else from the issue's own payload; the assignee's from the issue's payload (`assignee { name }`). A payload
    stored before the connector asked for that name has only the id: the assignee is then left out, not
    called "unassigned"."""
    raw = issue.raw or {}
    cycle = raw.get("cycle") or {}
    assignee = str((raw.get("assignee") or {}).get("name") or (raw.get("assignee") or {}).get("displayName") or "")
    priority = raw.get("priorityLabel") or PRIORITY_LABELS.get(issue.priority, "")
    facts = {
        "state": str(states.get(issue.state_external_id) or (raw.get("state") or {}).get("name") or issue.state_type),
        "assignee": assignee[:100],
        "priority": "" if priority == "No priority" else str(priority),
        "project": projects.get(issue.project_external_id, ""),
        "cycle": cycles.get(issue.cycle_external_id) or _cycle_name(cycle.get("number"), cycle.get("name")),
    }
    if issue.assignee_external_id and not assignee:
        del facts["assignee"]
    if raw.get("dueDate"):  # "what's the deadline on the banner copy?": only an issue that has one says it
        facts["due"] = str(raw["dueDate"])[:10]
    return facts


def _issue_document(issue, comments, facts: dict) -> Document:
    label = issue.identifier or issue.external_id
    # "Linear issue ACME-12 (In Progress, priority High, Cycle 3) in Acme Website, assigned to Anna Petrova"
    status = _joined(facts["state"], f"priority {facts['priority']}" if facts["priority"] else "", facts["cycle"],
                     "archived" if issue.archived_at else "")  # fmt: skip
    header = f"Linear issue {label}" + (f" ({status})" if status else "")
    header += f" in {facts['project']}" if facts["project"] else ""
    header += f", {_assigned(facts['assignee'])}" if "assignee" in facts else ""
    units = [Unit(issue.title, at=issue.source_created_at)]
    units += [Unit(issue.description, at=issue.source_created_at)] if issue.description else []
    units += [Unit(f"{_comment_label(c)}: {c.body}", ref=f"c:{c.external_id}", at=c.source_created_at)
              for c in comments if c.body]  # fmt: skip
    return Document(
        source_type=SourceType.LINEAR_ISSUE,
        source_id=issue.external_id,
        title=f"{label} {issue.title}",
        header=header,
        url=issue.url,
        units=units,
        occurred_at=issue.source_created_at,
        meta={"identifier": issue.identifier, "state": facts["state"], "archived": bool(issue.archived_at),
              "facts": facts},
    )  # fmt: skip


def _comment_label(comment) -> str:
    """ "Comment by Olga Smirnova" (who found what), or "Comment" when the payload has no author's name (a bot,
    an integration, or a row stored before the connector asked for it)."""
    user = (comment.raw or {}).get("user")
    name = str(user.get("name") or user.get("displayName") or "")[:100] if isinstance(user, dict) else ""
    return f"Comment by {name}" if name else "Comment"


def issues_of(project, field: str, ids) -> list[str]:
    """Live issues whose `field` (project_external_id, cycle_external_id) is one of `ids`."""
    rows = raw_rows(project=project, source="linear", stream="issues").filter(**{f"{field}__in": _ids(ids)})
    return _ids(rows.values_list("external_id", flat=True))


def issues_of_comments(project, comment_ids) -> list[str]:
    rows = raw_rows(project=project, source="linear", stream="comments", external_ids=_ids(comment_ids),
                    include_deleted=True)  # fmt: skip
    return _ids(rows.values_list("issue_external_id", flat=True))


# ---------------------------------------------------------------- Attio deals and companies


def _notes(project, parent_object: str, parent_ids) -> dict[str, list]:
    notes = defaultdict(list)
    rows = (
        raw_rows(project=project, source="attio", stream="notes")
        .filter(parent_object=parent_object, parent_external_id__in=_ids(parent_ids))
        .order_by("source_created_at", "id")
    )
    for note in rows:
        notes[note.parent_external_id].append(note)
    return notes


def _note_units(notes) -> list[Unit]:
    return [Unit(f"Note «{n.title}»: {n.content}", ref=f"n:{n.external_id}", at=n.source_created_at) for n in notes]


def _money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return "unknown"
    whole = amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount
    return f"{whole} {currency}".strip()


def deal_documents(project, ids) -> tuple[list[Document], list[str]]:
    """One document per deal: name, stage, amount, owner and company, then its notes."""
    deals = list(raw_rows(project=project, source="attio", stream="deals", external_ids=_ids(ids)))
    companies = dict(
        raw_rows(project=project, source="attio", stream="companies", external_ids=_ids(
            d.company_external_id for d in deals)).values_list("external_id", "name")
    )  # fmt: skip
    owners = dict(
        raw_rows(project=project, source="attio", stream="workspace_members", external_ids=_ids(
            d.owner_external_id for d in deals)).values_list("external_id", "name")
    )  # fmt: skip
    notes = _notes(project, "deals", [d.external_id for d in deals])
    documents = []
    for deal in deals:
        company = companies.get(deal.company_external_id, "")
        facts = {
            "stage": deal.stage or "",
            "amount": _money(deal.amount, deal.currency) if deal.amount is not None else "",
            "owner": owners.get(deal.owner_external_id, ""),
        }
        owned = f"owned by {facts['owner']}" if facts["owner"] else "" if deal.owner_external_id else "no owner"
        if deal.owner_external_id and not facts["owner"]:
            del facts["owner"]  # a member not synced yet: unknown, not "no owner"
        summary = f"Deal {deal.name}. Stage: {deal.stage or 'unknown'}. Amount: {_money(deal.amount, deal.currency)}."
        summary += f" Owner: {facts['owner']}." if facts.get("owner") else ""
        summary += f" Company: {company}." if company else " No company linked."
        documents.append(
            Document(
                source_type=SourceType.ATTIO_DEAL,
                source_id=deal.external_id,
                title=f"Deal {deal.name}",
                # "Attio deal Acme retainer · Acme: Proposal, 12000 USD, owned by Anna Petrova"
                header=f"Attio deal {deal.name}"
                + (f" · {company}" if company else "")
                + ": "
                + _joined(facts["stage"] or "no stage", facts["amount"], owned),
                url=deal.web_url,
                units=[Unit(summary, at=deal.source_created_at), *_note_units(notes[deal.external_id])],
                occurred_at=deal.source_created_at,
                meta={"stage": deal.stage, "company_id": deal.company_external_id, "facts": facts},
            )
        )
    found = {d.source_id for d in documents}
    return documents, [i for i in _ids(ids) if i not in found]


def company_documents(project, ids) -> tuple[list[Document], list[str]]:
    """One document per company: name, domain, description and people, then its notes."""
    companies = list(raw_rows(project=project, source="attio", stream="companies", external_ids=_ids(ids)))
    people = defaultdict(list)
    rows = raw_rows(project=project, source="attio", stream="people").filter(
        company_external_id__in=[c.external_id for c in companies]
    )
    for person in rows.order_by("name"):
        people[person.company_external_id].append(person.name)
    notes = _notes(project, "companies", [c.external_id for c in companies])
    documents = [_company_document(c, people[c.external_id], notes[c.external_id]) for c in companies]
    found = {d.source_id for d in documents}
    return documents, [i for i in _ids(ids) if i not in found]


def _company_document(company, people: list[str], notes) -> Document:
    description = _attio_text(company.raw, "description")
    summary = f"Company {company.name} ({company.domain})." + (f" {description}." if description else "")
    summary += f" People: {', '.join(people)}." if people else ""
    return Document(
        source_type=SourceType.ATTIO_COMPANY,
        source_id=company.external_id,
        title=f"Company {company.name}",
        header=f"Attio company {company.name} ({company.domain})",
        url=company.web_url,
        units=[Unit(summary, at=company.source_created_at), *_note_units(notes)],
        occurred_at=company.source_created_at,
        meta={"domain": company.domain},
    )


def _attio_text(record: dict, attribute: str) -> str:
    values = [v for v in ((record or {}).get("values") or {}).get(attribute) or [] if not v.get("active_until")]
    return str(values[-1].get("value") or "") if values else ""


def deals_of_owners(project, member_ids) -> list[str]:
    rows = raw_rows(project=project, source="attio", stream="deals").filter(owner_external_id__in=_ids(member_ids))
    return _ids(rows.values_list("external_id", flat=True))


def deals_of_companies(project, company_ids) -> list[str]:
    rows = raw_rows(project=project, source="attio", stream="deals").filter(company_external_id__in=_ids(company_ids))
    return _ids(rows.values_list("external_id", flat=True))


def company_domains(project, company_ids) -> list[str]:
    rows = raw_rows(project=project, source="attio", stream="companies", external_ids=_ids(company_ids),
                    include_deleted=True)  # fmt: skip
    return _ids(rows.values_list("domain", flat=True))


def note_parents(project, note_ids) -> dict[str, list[str]]:
    """{"deals": [...], "companies": [...]}: the records these notes belong to (deleted notes included)."""
    rows = raw_rows(project=project, source="attio", stream="notes", external_ids=_ids(note_ids), include_deleted=True)
    parents = defaultdict(list)
    for parent_object, parent_id in rows.values_list("parent_object", "parent_external_id"):
        parents[parent_object].append(parent_id)
    return parents


def company_of_people(project, person_ids) -> list[str]:
    rows = raw_rows(project=project, source="attio", stream="people", external_ids=_ids(person_ids),
                    include_deleted=True)  # fmt: skip
    return _ids(rows.values_list("company_external_id", flat=True))


BUILDERS = {
    SourceType.CHATWOOT_CONVERSATION: conversation_documents,
    SourceType.LINEAR_ISSUE: issue_documents,
    SourceType.ATTIO_DEAL: deal_documents,
    SourceType.ATTIO_COMPANY: company_documents,
}


def all_source_ids(project) -> dict[str, list[str]]:
    """Every live record id per source type (for a full rebuild and the orphan sweep)."""

    def ids(source, stream):
        return _ids(raw_rows(project=project, source=source, stream=stream).values_list("external_id", flat=True))

    return {
        SourceType.CHATWOOT_CONVERSATION: ids("chatwoot", "conversations"),
        SourceType.LINEAR_ISSUE: ids("linear", "issues"),
        SourceType.ATTIO_DEAL: ids("attio", "deals"),
        SourceType.ATTIO_COMPANY: ids("attio", "companies"),
    }
