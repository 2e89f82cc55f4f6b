"""The studio dataset of one tenant: clients, staff, and what Chatwoot, Linear and Attio hold about them.

Generation is deterministic: every random choice comes from `random.Random` streams seeded by
`(seed, part)`, and every time is `BASE_TIME` minus an offset, so the same seed and scale give
byte-identical `to_json()` output. Mutations (see mutations.py) stamp the wall clock instead,
always later than anything already in the data (`stamp()`).
"""

import datetime as dt
import json
import random
import re
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field

from sandbox import texts

BASE_TIME = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
BASE_EPOCH = int(BASE_TIME.timestamp())
DAY = 86400

_LATIN = ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f"]
_LATIN += ["kh", "ts", "ch", "sh", "sch", "", "y", "", "e", "yu", "ya"]
_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _LATIN, strict=True))


def iso_ms(epoch: float) -> str:
    """Linear's timestamp format: `2026-10-05T12:00:00.123Z` (string order == time order)."""
    moment = dt.datetime.fromtimestamp(round(epoch, 3), tz=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def iso_ns(epoch: float) -> str:
    """Attio's timestamp format: nanosecond digits, `2026-10-05T12:00:00.123456000Z`."""
    moment = dt.datetime.fromtimestamp(round(epoch, 6), tz=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}000Z"


def parse_iso(value: str) -> float:
    """Epoch seconds of an ISO 8601 timestamp or date (naive values are UTC)."""
    text = value.strip().replace("Z", "+00:00")
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)  # Python parses at most microseconds
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.timestamp()


def slugify(text: str, limit: int = 60) -> str:
    """URL slug like Linear's: lower case, transliterated Cyrillic, dashes."""
    latin = "".join(_TRANSLIT.get(ch, ch) for ch in text.lower())
    return re.sub(r"[^a-z0-9]+", "-", latin).strip("-")[:limit].strip("-")


def make_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def stream(seed: str, part: str) -> random.Random:
    """An independent random stream per dataset part, so parts do not shift each other."""
    return random.Random(f"{seed}|{part}")


@dataclass(slots=True)
class Client:
    index: int
    name: str
    domain: str
    lang: str  # "en" | "ru"
    city: tuple
    work: str


@dataclass(slots=True)
class Staff:
    index: int
    first: str
    last: str
    email: str
    role: str  # Chatwoot role: administrator | agent

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def agent_id(self) -> int:
        return self.index + 1


@dataclass(slots=True)
class Contact:
    id: int
    client: int | None  # None = anonymous widget visitor
    name: str
    first: str
    email: str | None
    phone: str | None
    identifier: str | None
    city: tuple | None
    inbox_id: int
    created_at: int = 0
    last_activity_at: int | None = None

    @property
    def resolved(self) -> bool:
        """Chatwoot lists only contacts with an email, phone number or identifier."""
        return bool(self.email or self.phone or self.identifier)


@dataclass(slots=True)
class Message:
    id: int
    conversation_id: int
    message_type: int  # 0 incoming, 1 outgoing, 2 activity
    private: bool
    sender_type: str | None  # Contact | User | None (activity)
    sender_id: int | None
    content: str
    created_at: int
    updated_at: int
    status: str
    content_attributes: dict = field(default_factory=dict)  # {"deleted": True} once deleted


@dataclass(slots=True)
class Conversation:
    id: int
    uuid: str
    contact_id: int
    inbox_id: int
    status: str
    assignee_id: int | None
    labels: list
    priority: str | None
    created_at: int
    updated_at: int = 0
    last_activity_at: int = 0
    snoozed_until: int | None = None
    messages: list = field(default_factory=list)


@dataclass
class LinearData:
    org: dict
    users: list
    teams: list
    states: list
    cycles: list
    statuses: list
    projects: list
    labels: list
    issues: dict  # id -> node
    comments: dict  # id -> node


@dataclass
class AttioData:
    workspace: dict
    objects: dict  # slug -> object
    members: list
    statuses: list  # deal stage statuses
    records: dict  # slug -> {record_id: record}
    notes: dict  # note_id -> note


class Dataset:
    """One tenant's data; hold `lock` while reading or changing it from several threads."""

    def __init__(self, seed: str = "demo", messages: int = 2000) -> None:
        from sandbox import gen_attio, gen_chatwoot, gen_linear

        if messages < 10:
            raise ValueError("messages must be at least 10")
        self.seed = str(seed)
        self.scale = int(messages)
        self.lock = threading.RLock()
        self.last_stamp = float(BASE_EPOCH)
        self._build_studio()
        self.inboxes, self.contacts, self.conversations = gen_chatwoot.build(self)
        self.linear = gen_linear.build(self)
        self.attio = gen_attio.build(self)
        self.mutation_rng = stream(self.seed, "mutations")
        self.deleted_up_to = {"conversation": 0, "message": 0}  # Chatwoot ids are sequences: never reused

    # ------------------------------------------------------------ the studio and its clients

    def _build_studio(self) -> None:
        rng = stream(self.seed, "studio")
        name, slug = rng.choice(texts.STUDIOS)
        self.studio = {"name": name, "slug": f"{slug}-{slugify(self.seed, 20)}", "domain": f"{slug}.example"}
        staff_count = rng.randint(4, 6)
        self.staff = [
            Staff(i, first, last, f"{first.lower()}@{self.studio['domain']}", role)
            for i, (first, last, role) in enumerate(texts.STAFF[:staff_count])
        ]
        self.clients = self._build_clients(stream(self.seed, "clients"))

    def _build_clients(self, rng: random.Random) -> list[Client]:
        count = max(8, self.scale // 500)
        pools = {"en": _name_pool(rng, "en"), "ru": _name_pool(rng, "ru")}
        langs = ["en", "ru", "en", "en", "ru"]  # the first clients alternate, then 60/40 at random
        clients, domains = [], set()
        for index in range(count):
            lang = langs[index] if index < len(langs) else ("ru" if rng.random() < 0.4 else "en")
            name, slug = next(pools[lang])
            domain = _unique_domain(slug, domains)
            city = rng.choice(texts.RU_CITIES if lang == "ru" else texts.EN_CITIES)
            work = rng.choice(texts.RU_WORK if lang == "ru" else texts.EN_WORK)
            clients.append(Client(index, name, domain, lang, city, work))
        # Two different companies with the same name (different domains), on purpose.
        twin = clients[5]
        twin.name, twin.lang = clients[0].name, clients[0].lang
        twin.domain = _unique_domain(clients[0].domain.split(".")[0] + "-group", domains)
        return clients

    # ------------------------------------------------------------ time

    def stamp(self) -> float:
        """Wall-clock time for a mutation, strictly after every earlier stamp and the generated data."""
        with self.lock:
            self.last_stamp = max(time.time(), self.last_stamp + 1)
            return self.last_stamp

    # ------------------------------------------------------------ read helpers used by tests and servers

    def counts(self) -> dict:
        """Entity counts across the three products."""
        messages = [m for c in self.conversations.values() for m in c.messages]
        records = self.attio.records
        return {
            "clients": len(self.clients),
            "staff": len(self.staff),
            "inboxes": len(self.inboxes),
            "agents": len(self.staff),
            "contacts": len(self.contacts),
            "resolved_contacts": sum(1 for c in self.contacts.values() if c.resolved),
            "anonymous_contacts": sum(1 for c in self.contacts.values() if not c.resolved),
            "conversations": len(self.conversations),
            "messages": len(messages),
            "private_messages": sum(1 for m in messages if m.private),
            "activity_messages": sum(1 for m in messages if m.message_type == 2),
            "teams": len(self.linear.teams),
            "workflow_states": len(self.linear.states),
            "cycles": len(self.linear.cycles),
            "projects": len(self.linear.projects),
            "project_statuses": len(self.linear.statuses),
            "issue_labels": len(self.linear.labels),
            "issues": len(self.linear.issues),
            "comments": len(self.linear.comments),
            "users": len(self.linear.users),
            "companies": len(records["companies"]),
            "people": len(records["people"]),
            "deals": len(records["deals"]),
            "notes": len(self.attio.notes),
            "workspace_members": len(self.attio.members),
        }

    def longest_conversation(self) -> tuple[int, int]:
        """(conversation id, message count) of the longest thread."""
        best = max(self.conversations.values(), key=lambda c: (len(c.messages), -c.id))
        return best.id, len(best.messages)

    def message_ids(self, conversation_id: int) -> list[int]:
        return [m.id for m in self.conversations[int(conversation_id)].messages]

    def resolved_contacts(self) -> list[Contact]:
        return [c for c in self.contacts.values() if c.resolved]

    def next_message_id(self) -> int:
        last = max((c.messages[-1].id for c in self.conversations.values() if c.messages), default=0)
        return 1 + max(last, self.deleted_up_to["message"])

    def next_conversation_id(self) -> int:
        return 1 + max(max(self.conversations, default=0), self.deleted_up_to["conversation"])

    def drop_conversations(self, conversations: list[Conversation]) -> list[int]:
        """Delete conversations with their messages; returns the message ids (their ids are never handed out again)."""
        message_ids = [m.id for c in conversations for m in c.messages]
        for conversation in conversations:
            del self.conversations[conversation.id]
        self.deleted_up_to["conversation"] = max([self.deleted_up_to["conversation"], *(c.id for c in conversations)])
        self.deleted_up_to["message"] = max([self.deleted_up_to["message"], *message_ids])
        return message_ids

    def to_json(self) -> str:
        """Canonical JSON of the whole dataset (the determinism check compares these strings)."""
        payload = {
            "studio": self.studio,
            "clients": [asdict(c) for c in self.clients],
            "staff": [asdict(s) for s in self.staff],
            "inboxes": self.inboxes,
            "contacts": [asdict(c) for c in self.contacts.values()],
            "conversations": [_conversation_dict(c) for c in self.conversations.values()],
            "linear": asdict(self.linear),
            "attio": asdict(self.attio),
        }
        return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_MESSAGE_FIELDS = [k for k in Message.__slots__ if k != "conversation_id"]


def _conversation_dict(conversation: Conversation) -> dict:
    data = {k: getattr(conversation, k) for k in conversation.__slots__ if k != "messages"}
    data["messages"] = [[getattr(m, k) for k in _MESSAGE_FIELDS] for m in conversation.messages]
    return data


def _name_pool(rng: random.Random, lang: str):
    """Company names: the hand-picked ones first, then prefix+suffix combinations, then numbered repeats."""
    if lang == "ru":
        fixed, prefixes, suffixes = texts.RU_COMPANIES, texts.RU_PREFIXES, texts.RU_SUFFIXES
    else:
        fixed, prefixes, suffixes = texts.EN_COMPANIES, texts.EN_PREFIXES, texts.EN_SUFFIXES
    combos = [(f"{p} {s}", f"{ps}-{ss}") for p, ps in prefixes for s, ss in suffixes]
    rng.shuffle(combos)
    names = list(fixed) + combos
    yield from names
    round_number = 2
    while True:
        for name, slug in names:
            yield f"{name} {round_number}", f"{slug}-{round_number}"
        round_number += 1


def _unique_domain(slug: str, taken: set) -> str:
    candidate, n = f"{slug}.example", 2
    while candidate in taken:
        candidate, n = f"{slug}{n}.example", n + 1
    taken.add(candidate)
    return candidate
