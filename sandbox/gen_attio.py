"""Generate the Attio side of a dataset: workspace, objects, members, companies, people, deals and notes.

Records are stored as Attio returns them, `{id, created_at, web_url, values}`, but `values` keeps the
full history (values with `active_until` set); attio.py hides inactive values unless asked.
Reverse references (company `team`/`associated_deals`, person `associated_deals`) are derived when
rendering, so they can never disagree with the forward ones.
"""

import random

from sandbox import texts
from sandbox.dataset import BASE_EPOCH, DAY, AttioData, iso_ns, make_uuid, parse_iso, stream

OBJECTS = [("companies", "Company", "Companies"), ("people", "Person", "People"), ("deals", "Deal", "Deals")]
SINGULAR = {"companies": "company", "people": "person", "deals": "deal"}
SYSTEM = {"type": "system", "id": None}


def build(ds) -> AttioData:
    rng = stream(ds.seed, "attio")
    workspace_id = make_uuid(rng)
    workspace = {"id": workspace_id, "name": ds.studio["name"], "slug": ds.studio["slug"]}
    objects = {
        slug: {
            "id": {"workspace_id": workspace_id, "object_id": make_uuid(rng)},
            "api_slug": slug,
            "singular_noun": singular,
            "plural_noun": plural,
            "created_at": iso_ns(BASE_EPOCH - 500 * DAY),
        }
        for slug, singular, plural in OBJECTS
    }
    members = [_member(rng, workspace_id, staff) for staff in ds.staff]
    stage_attribute = make_uuid(rng)
    statuses = [
        {
            "id": {
                "workspace_id": workspace_id,
                "object_id": objects["deals"]["id"]["object_id"],
                "attribute_id": stage_attribute,
                "status_id": make_uuid(rng),
            },
            "title": title,
            "is_archived": False,
            "celebration_enabled": title == "Won 🎉",
            "target_time_in_status": None,
        }
        for title in texts.DEAL_STAGES
    ]
    data = AttioData(workspace, objects, members, statuses, {slug: {} for slug in objects}, {})
    companies = [new_company(rng, data, c.name, c.domain, BASE_EPOCH - _days(rng, 60, 150)) for c in ds.clients]
    people = _people(rng, ds, data, companies)
    deals = _deals(rng, ds, data, companies, people)
    for record in sorted(companies + people + deals, key=lambda r: r["created_at"]):
        data.records[object_of(data, record)][record["id"]["record_id"]] = record
    for note in sorted(_notes(rng, ds, data, companies, deals), key=lambda n: (n["created_at"], n["id"]["note_id"])):
        data.notes[note["id"]["note_id"]] = note
    return data


def _member(rng, workspace_id, staff) -> dict:
    return {
        "id": {"workspace_id": workspace_id, "workspace_member_id": make_uuid(rng)},
        "first_name": staff.first,
        "last_name": staff.last,
        "avatar_url": None,
        "email_address": staff.email,
        "created_at": iso_ns(BASE_EPOCH - (400 - 10 * staff.index) * DAY),
        "access_level": "admin" if staff.role == "administrator" else "member",
    }


def object_of(data: AttioData, record: dict) -> str:
    object_id = record["id"]["object_id"]
    return next(slug for slug, obj in data.objects.items() if obj["id"]["object_id"] == object_id)


def value(kind: str, moment: float, actor: dict | None = None, **fields) -> dict:
    """One attribute value in Attio's output shape, active from `moment`."""
    return {
        "active_from": iso_ns(moment),
        "active_until": None,
        "created_by_actor": actor or SYSTEM,
        **fields,
        "attribute_type": kind,
    }


def new_record(rng: random.Random, data: AttioData, slug: str, moment: float, values: dict) -> dict:
    record_id = make_uuid(rng)
    workspace = data.workspace
    values = {
        "record_id": [value("text", moment, value=record_id)],
        **values,
        "created_at": [value("timestamp", moment, value=iso_ns(moment))],
        "created_by": [value("actor-reference", moment, referenced_actor_type="system", referenced_actor_id=None)],
    }
    return {
        "id": {
            "workspace_id": workspace["id"],
            "object_id": data.objects[slug]["id"]["object_id"],
            "record_id": record_id,
        },
        "created_at": iso_ns(moment),
        "web_url": f"https://app.attio.com/{workspace['slug']}/{SINGULAR[slug]}/{record_id}",
        "values": values,
    }


def member_actor(member: dict) -> dict:
    return {"type": "workspace-member", "id": member["id"]["workspace_member_id"]}


def new_company(rng: random.Random, data: AttioData, name: str, domain: str, moment: float) -> dict:
    actor = member_actor(rng.choice(data.members))
    return new_record(
        rng,
        data,
        "companies",
        moment,
        {
            "name": [value("text", moment, actor, value=name)],
            "domains": [value("domain", moment, actor, domain=domain, root_domain=domain)],
            "description": [value("text", moment, actor, value=f"Client of the studio since {iso_ns(moment)[:7]}")],
        },
    )


def _people(rng, ds, data, companies) -> list[dict]:
    people, seen = [], set()
    for contact in sorted(ds.contacts.values(), key=lambda c: c.id):
        if not contact.email or contact.email in seen or contact.client is None:
            continue  # Attio e-mail addresses are unique: the duplicate Chatwoot contact is one person
        seen.add(contact.email)
        company = companies[contact.client]
        moment = _epoch(company["created_at"]) + _days(rng, 1, 20)
        people.append(new_person(rng, data, contact, company, moment))
    return people


def new_person(rng, data, contact, company, moment) -> dict:
    actor = member_actor(rng.choice(data.members))
    first, _, last = contact.name.partition(" ")
    local, _, domain = contact.email.partition("@")
    return new_record(
        rng,
        data,
        "people",
        moment,
        {
            "name": [value("personal-name", moment, actor, first_name=first, last_name=last, full_name=contact.name)],
            "email_addresses": [
                value(
                    "email-address",
                    moment,
                    actor,
                    original_email_address=contact.email,
                    email_address=contact.email,
                    email_domain=domain,
                    email_root_domain=domain,
                    email_local_specifier=local,
                )
            ],
            "company": [reference("companies", company, moment, actor)],
            "job_title": [
                value(
                    "text",
                    moment,
                    actor,
                    value=rng.choice(["CEO", "Marketing lead", "Product manager", "Founder", "Операционный директор"]),
                )
            ],
        },
    )


def reference(slug: str, record: dict, moment: float, actor: dict | None = None) -> dict:
    return value("record-reference", moment, actor, target_object=slug, target_record_id=record["id"]["record_id"])


def _deals(rng, ds, data, companies, people) -> list[dict]:
    deals = []
    people_of = {}
    for person in people:
        people_of.setdefault(person["values"]["company"][0]["target_record_id"], []).append(person)
    for client, company in zip(ds.clients, companies, strict=True):
        for _ in range(rng.randint(1, 3)):
            team = people_of.get(company["id"]["record_id"], [])
            deals.append(new_deal(rng, data, client, company, team, _epoch(company["created_at"]) + DAY))
    for client in ds.clients[:2]:  # orphans: deals nobody linked to a company
        deals.append(new_deal(rng, data, client, None, [], BASE_EPOCH - _days(rng, 20, 50)))
    return deals


def new_deal(rng, data, client, company, team, after: float, history: bool = True) -> dict:
    """A deal created after `after`; older deals already moved through a stage or two."""
    moment = after + _days(rng, 1, 30)
    moment = min(moment, BASE_EPOCH - DAY)
    owner = rng.choice(data.members)
    actor = member_actor(owner)
    currency = "EUR" if client.lang == "ru" else "USD"
    values = {
        "name": [value("text", moment, actor, value=f"{client.name}: {client.work}")],
        "stage": [],
        "value": [
            value("currency", moment, actor, currency_value=float(rng.randint(6, 240) * 500), currency_code=currency)
        ],
        "owner": [
            value(
                "actor-reference",
                moment,
                actor,
                referenced_actor_type="workspace-member",
                referenced_actor_id=owner["id"]["workspace_member_id"],
            )
        ],
        "associated_company": [reference("companies", company, moment, actor)] if company else [],
        "associated_people": [reference("people", p, moment, actor) for p in team[:2]],
    }
    record = new_record(rng, data, "deals", moment, values)
    stages = [rng.choice(data.statuses[:2])]
    for _ in range(rng.randint(0, 2) if history else 0):
        stages.append(rng.choice([s for s in data.statuses if s is not stages[-1]]))
    step = (BASE_EPOCH - DAY - moment) / max(1, len(stages))
    for index, status in enumerate(stages):
        push_stage(record, status, moment + index * step, actor)
    return record


def push_stage(record: dict, status: dict, moment: float, actor: dict) -> None:
    """Attio keeps history: close the active stage value and append the new one."""
    stages = record["values"]["stage"]
    for old in stages:
        if old["active_until"] is None:
            old["active_until"] = iso_ns(moment)
    stages.append(value("status", moment, actor, status=status))


def _notes(rng, ds, data, companies, deals) -> list[dict]:
    notes = []
    for client, company in zip(ds.clients, companies, strict=True):
        for _ in range(rng.randint(3, 5)):
            notes.append(new_note(rng, data, client, "companies", company))
    by_company = {c["id"]["record_id"]: client for client, c in zip(ds.clients, companies, strict=True)}
    for deal in deals:
        link = deal["values"]["associated_company"]
        client = by_company[link[0]["target_record_id"]] if link else ds.clients[0]
        for _ in range(rng.randint(1, 3)):
            notes.append(new_note(rng, data, client, "deals", deal))
    return notes


def new_note(rng, data, client, parent_object: str, parent: dict, moment: float | None = None) -> dict:
    if moment is None:
        start = _epoch(parent["created_at"])
        moment = start + rng.uniform(3600, max(7200, BASE_EPOCH - DAY - start))
    bank = texts.RU_NOTES if client.lang == "ru" else texts.EN_NOTES
    title, body = rng.choice(bank)
    fields = {
        "client": client.name,
        "work": client.work,
        "first": rng.choice(texts.EN_FIRST),
        "amount": f"{rng.randint(5, 90) * 1000} {'EUR' if client.lang == 'ru' else 'USD'}",
        "day": f"{rng.randint(1, 28):02d}.{rng.randint(9, 12):02d}",
        "number": rng.randint(1000, 9999),
    }
    title, body = title.format(**fields), body.format(**fields)
    author = rng.choice(data.members)
    return {
        "id": {"workspace_id": data.workspace["id"], "note_id": make_uuid(rng)},
        "parent_object": parent_object,
        "parent_record_id": parent["id"]["record_id"],
        "title": title,
        "meeting_id": None,
        "content_plaintext": body,
        "content_markdown": f"**{title}**\n\n{body}",
        "tags": [],
        "created_by_actor": member_actor(author),
        "created_at": iso_ns(moment),
    }


def _days(rng: random.Random, low: int, high: int) -> float:
    """A random span between `low` and `high` days, to the microsecond."""
    return rng.randint(low * DAY, high * DAY) + rng.randint(0, 999_999) / 1e6


def _epoch(stamp: str) -> float:
    return parse_iso(stamp)
