"""Generate the Chatwoot side of a dataset: inboxes, contacts, conversations and their messages.

Message ids follow time across the whole account (as a real database sequence would), so within a
conversation they ascend with `created_at`. Conversation and contact ids follow creation time too.
"""

import random
from dataclasses import dataclass

from sandbox import texts
from sandbox.dataset import BASE_EPOCH, DAY, Contact, Conversation, Message, make_uuid, stream

INBOXES = [
    (1, "Website", "Channel::WebWidget"),
    (2, "Email", "Channel::Email"),
    (3, "Telegram", "Channel::Telegram"),
]
STATUSES = ["open", "resolved", "pending", "snoozed"]
STATUS_WEIGHTS = [35, 45, 12, 8]
LONG_THREAD = 260  # at least one thread longer than this (several `after=` pages of 100)


def build(ds) -> tuple[list[dict], dict, dict]:
    """(inboxes, contacts by id, conversations by id) for the dataset `ds`."""
    rng = stream(ds.seed, "chatwoot")
    inboxes = [_inbox(ds, *spec) for spec in INBOXES]
    contacts = _contacts(ds, rng)
    threads = _conversations(ds, rng, contacts, thread_sizes(rng, ds.scale))
    _number_contacts(rng, contacts, threads)
    _messages(ds, rng, threads)
    by_id = {c.id: c for c in sorted(contacts, key=lambda c: c.id)}
    return inboxes, by_id, {t.conversation.id: t.conversation for t in threads}


@dataclass(slots=True)
class _Thread:
    """A conversation being generated, with its contact and planned size."""

    conversation: Conversation
    contact: Contact
    size: int


def _inbox(ds, inbox_id: int, name: str, channel_type: str) -> dict:
    domain = ds.studio["domain"]
    return {
        "id": inbox_id,
        "name": name,
        "channel_type": channel_type,
        "channel_id": inbox_id,
        "website_url": f"https://{domain}" if channel_type == "Channel::WebWidget" else "",
        "email": f"hello@{domain}" if channel_type == "Channel::Email" else None,
        "medium": "email" if channel_type == "Channel::Email" else None,
        "provider": None,
    }


# ---------------------------------------------------------------- contacts


def _contacts(ds, rng: random.Random) -> list[Contact]:
    contacts: list[Contact] = []
    for client in ds.clients:
        for _ in range(rng.randint(1, 3)):
            person = _person(rng, client)
            while any(c.email == person.email for c in contacts[-3:]):  # only the deliberate twin shares one
                person = _person(rng, client)
            contacts.append(person)
    # Two contacts with the same e-mail: the person wrote once from the widget and once by e-mail.
    first = contacts[0]
    contacts.append(Contact(0, first.client, first.first, first.first, first.email, None, None, first.city, 2))
    for _ in range(3 + len(ds.clients) // 8):
        name = f"{rng.choice(texts.VISITOR_ADJ)}-{rng.choice(texts.VISITOR_NOUN)}-{rng.randint(100, 999)}"
        contacts.append(Contact(0, None, name, name, None, None, None, None, 1))
    return contacts


def _person(rng: random.Random, client) -> Contact:
    if client.lang == "ru":
        (first, first_latin), (last, last_latin) = rng.choice(texts.RU_FIRST), rng.choice(texts.RU_LAST)
        last = last + "а" if first in texts.FEMININE_RU else last
        phone = f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
    else:
        first, last = rng.choice(texts.EN_FIRST), rng.choice(texts.EN_LAST)
        first_latin, last_latin = first.lower(), last.lower()
        phone = f"+44 7700 9{rng.randint(10000, 99999)}"
    email = f"{first_latin}.{last_latin}@{client.domain}"
    identifier = f"crm-{rng.randint(10000, 99999)}" if rng.random() < 0.3 else None
    inbox_id = rng.choices([1, 2, 3], weights=[35, 45, 20])[0]
    phone = phone if rng.random() < 0.5 else None
    return Contact(0, client.index, f"{first} {last}", first, email, phone, identifier, client.city, inbox_id)


# ---------------------------------------------------------------- conversations


def thread_sizes(rng: random.Random, total: int) -> list[int]:
    """Messages per conversation summing to `total`: one long thread, most between 5 and 40."""
    big = LONG_THREAD + rng.randint(1, 40) if total >= 2 * LONG_THREAD else max(1, total // 2)
    sizes, remaining = [big], total - big
    while remaining > 0:
        roll = rng.random()
        size = rng.randint(5, 25) if roll < 0.7 else rng.randint(26, 40) if roll < 0.95 else rng.randint(41, 80)
        if remaining - size < 5:
            size = remaining
        sizes.append(size)
        remaining -= size
    rng.shuffle(sizes)
    return sizes


def _conversations(ds, rng: random.Random, contacts: list[Contact], sizes: list[int]) -> list[_Thread]:
    anonymous = [c for c in contacts if c.client is None]
    people = [c for c in contacts if c.client is not None]
    # Every contact gets a conversation while there are enough; anonymous visitors get one each.
    owners = (anonymous + people)[: len(sizes)]
    owners += [rng.choice(people) for _ in range(len(sizes) - len(owners))]
    rng.shuffle(owners)
    threads = []
    for size, contact in zip(sizes, owners, strict=True):
        status = rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0]
        inbox = contact.inbox_id if contact.client is None or rng.random() < 0.8 else rng.randint(1, 3)
        assignee = rng.choice(ds.staff).agent_id if rng.random() < 0.8 else None
        labels = sorted(set(rng.sample(texts.LABELS, rng.randint(0, 2))))
        priority = rng.choice([None, None, "low", "medium", "high", "urgent"])
        # Long threads need room: they start early enough for their span.
        latest = max(2 * DAY, min(89 * DAY, size * 1800))
        start = BASE_EPOCH - rng.randint(latest, 90 * DAY)
        conversation = Conversation(0, make_uuid(rng), 0, inbox, status, assignee, labels, priority, start)
        if status == "snoozed":
            conversation.snoozed_until = BASE_EPOCH + rng.randint(1, 10) * DAY
        threads.append(_Thread(conversation, contact, size))
    threads.sort(key=lambda t: t.conversation.created_at)
    for number, thread in enumerate(threads, start=1):
        thread.conversation.id = number
    return threads


def _number_contacts(rng: random.Random, contacts: list[Contact], threads: list[_Thread]) -> None:
    """Contacts are numbered by creation time: shortly before their first conversation."""
    first_seen: dict[int, int] = {}
    for thread in threads:  # sorted by start, so the first one seen is the earliest
        first_seen.setdefault(id(thread.contact), thread.conversation.created_at)
    for contact in contacts:
        start = first_seen.get(id(contact))
        if start is None:
            contact.created_at = BASE_EPOCH - rng.randint(91 * DAY, 120 * DAY)
        else:
            contact.created_at = start - rng.randint(3600, 5 * DAY)
    for number, contact in enumerate(sorted(contacts, key=lambda c: (c.created_at, c.name)), start=1):
        contact.id = number
    for thread in threads:
        thread.conversation.contact_id = thread.contact.id


# ---------------------------------------------------------------- messages


def _messages(ds, rng: random.Random, threads: list[_Thread]) -> None:
    everything = []
    for thread in threads:
        conversation, contact = thread.conversation, thread.contact
        client = ds.clients[contact.client] if contact.client is not None else None
        times = _times(rng, conversation.created_at, thread.size)
        conversation.messages = [
            _message(ds, rng, conversation, contact, client, position, moment, thread.size)
            for position, moment in enumerate(times)
        ]
        everything.extend(conversation.messages)
    everything.sort(key=lambda m: (m.created_at, m.conversation_id))  # stable: keeps order inside a thread
    for number, message in enumerate(everything, start=1):
        message.id = number
    for thread in threads:
        _summarise(thread.conversation, thread.contact)


def _times(rng: random.Random, start: int, size: int) -> list[int]:
    room = BASE_EPOCH - 3600 - start
    span = min(room, int(size * rng.uniform(600, 4 * 3600)))
    times = sorted(start + rng.randint(0, span) for _ in range(size - 1))
    times.insert(0, start)
    for i in range(1, size):  # strictly increasing seconds
        times[i] = max(times[i], times[i - 1] + 1)
    return times


def _message(ds, rng, conversation, contact, client, position, moment, size) -> Message:
    roll = rng.random() if position else 0.3
    last = position == size - 1 and size > 1
    if last and conversation.status == "resolved":
        roll = 0.1  # a resolved thread ends with the "marked resolved" activity
    agent = ds.staff[conversation.assignee_id - 1] if conversation.assignee_id else rng.choice(ds.staff)
    if roll < 0.07 and position:
        kind = "resolved" if last and conversation.status == "resolved" else None
        return _activity(rng, conversation, agent, moment, kind)
    if roll < 0.15:
        content = fill(rng, private_bank(client), client, contact, agent)
        return Message(0, conversation.id, 1, True, "User", agent.agent_id, content, moment, moment, "sent")
    if roll < 0.6:
        content = fill(rng, incoming_bank(client), client, contact, agent)
        return Message(0, conversation.id, 0, False, "Contact", contact.id, content, moment, moment, "sent")
    content = fill(rng, outgoing_bank(client), client, contact, agent)
    return Message(0, conversation.id, 1, False, "User", agent.agent_id, content, moment, moment, "read")


def _activity(rng, conversation, agent, moment, kind) -> Message:
    template = texts.ACTIVITY[2] if kind == "resolved" else rng.choice(texts.ACTIVITY)
    content = template.format(agent=agent.name)
    return Message(0, conversation.id, 2, False, None, None, content, moment, moment, "sent")


def _summarise(conversation: Conversation, contact: Contact) -> None:
    """Conversation and contact activity times from the messages."""
    last = conversation.messages[-1]
    conversation.created_at = conversation.messages[0].created_at
    conversation.last_activity_at = conversation.updated_at = last.created_at
    incoming = [m.created_at for m in conversation.messages if m.message_type == 0]
    if incoming:
        contact.last_activity_at = max(contact.last_activity_at or 0, incoming[-1])


def incoming_bank(client) -> list[str]:
    return texts.RU_INCOMING if client and client.lang == "ru" else texts.EN_INCOMING


def outgoing_bank(client) -> list[str]:
    return texts.RU_OUTGOING if client and client.lang == "ru" else texts.EN_OUTGOING


def private_bank(client) -> list[str]:
    return texts.RU_PRIVATE if client and client.lang == "ru" else texts.EN_PRIVATE


def fill(rng: random.Random, bank: list[str], client, contact, agent) -> str:
    """A phrase from `bank` with the client's details filled in."""
    day = (
        f"{rng.randint(1, 28):02d}.{rng.randint(9, 12):02d}"
        if client and client.lang == "ru"
        else (rng.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]))
    )
    return rng.choice(bank).format(
        client=client.name if client else "your company",
        work=client.work if client else "website",
        first=contact.first,
        agent=agent.first,
        number=rng.randint(1000, 9999),
        amount=f"{rng.randint(2, 60) * 500} {'EUR' if client and client.lang == 'ru' else 'USD'}",
        day=day,
    )
