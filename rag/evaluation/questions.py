"""The labelled question set over the sandbox studio dataset (seed `demo`, 2000 messages: the `make run` data).

Relevance comes from the dataset itself, never from a retriever: a question names a client (or a deal
stage, an invoice number, an issue key) and a topic; the relevant sources are the records of that client
whose own text matches the topic's pattern — any conversation, issue, deal or company for a question about
what was said, issues only for a question about issues, deals and companies only for one about deals
(public messages only: private notes and activity lines are not evidence). Question wording is written by
hand per topic and language; some questions ask in English about Russian-speaking clients. Each question
carries the slices of the held-out set (`heldout.py`) that apply to its template (`paraphrase` where the
wording avoids the records' distinctive words, `note_comment` for deal notes, `cross_language`,
`current_fact` for deal stages, `quote`) and, where the template allows, `facts` the answer must hold (the
topic's word, the invoice number, the issue key and client, the stage, the figures of the notes).

    .venv/bin/python -m rag.evaluation.questions   # rewrites rag/evaluation/questions.json

Ids are the source systems' own (Chatwoot conversation id, Linear issue id, Attio record id), stable for
the seed and scale; a test checks that the committed file equals a fresh build.
"""

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

SEED, MESSAGES = "demo", 2000
PATH = Path(__file__).with_name("questions.json")


@dataclass(frozen=True)
class Doc:
    """A source record of the dataset as the chunker would see it."""

    kind: str  # messages | issues | deals
    source_type: str
    source_id: str
    client: str  # client name ("" when none)
    text: str
    stage: str = ""

    @property
    def key(self) -> str:
        return f"{self.source_type}:{self.source_id}"


# topic → (pattern over the record's text, {kind: {lang: [question templates]}})
TOPICS: dict[str, tuple[str, dict]] = {
    "safari": (
        r"Safari",
        {
            "messages": {
                "en": ["What did {client} tell us about the contact form failing in Safari?"],
                "ru": ["Что {client} писали про форму обратной связи, которая не работает в Safari?"],
            },
            "issues": {
                "en": ["Which Linear issues track the Safari form fix for {client}?"],
                "ru": ["Какие задачи в Linear про форму в Safari для {client}?"],
            },
        },
    ),
    "logo": (
        r"logo|логотип",
        {
            "messages": {
                "en": ["Did {client} ask us for the final logo in vector format?"],
                "ru": ["Просили ли {client} прислать финальные исходники логотипа?"],
            },
            "issues": {
                "en": ["Is there a task to export the logo files for {client}?"],
                "ru": ["Есть ли задача подготовить файлы логотипа для {client}?"],
            },
        },
    ),
    "invoice": (
        r"[Ii]nvoice #|Счёт №",
        {
            "messages": {
                "en": ["Which invoices did {client} approve and when will the money arrive?"],
                "ru": ["Когда {client} оплатят согласованный счёт?"],
            }
        },
    ),
    "deadline": (
        r"deadline|[Сс]рок \d",
        {
            "messages": {
                "en": ["Did {client} ask whether the due date still holds?"],
                "ru": ["Спрашивали ли {client}, в силе ли сроки по проекту?"],
            }
        },
    ),
    "hero": (
        r"hero|[Пп]ервый экран|первого экрана",
        {
            "messages": {
                "en": ["What feedback did {client} give on the homepage hero?"],
                "ru": ["Что {client} сказали про первый экран в макетах?"],
            },
            "issues": {
                "en": ["Which design tasks cover the hero section for {client}?"],
                "ru": ["Какие задачи по макету первого экрана для {client}?"],
            },
        },
    ),
    "prices": (
        r"old prices|outdated prices|[Pp]rices on the|старые цены|устаревшие цены|кэшируются цены",
        {
            "messages": {
                "en": ["Did {client} complain about wrong prices at checkout?"],
                "ru": ["Жаловались ли {client} на неправильные цены при оплате?"],
            },
            "issues": {
                "en": ["Which tickets deal with stale cached prices in the {client} checkout?"],
                "ru": ["Какие задачи про устаревшие цены на странице оплаты у {client}?"],
            },
        },
    ),
    "staging": (
        r"[Ss]taging|стенд",
        {
            "messages": {
                "en": ["Has {client} been chasing us for a link to the preview environment?"],
                "ru": ["Спрашивали ли {client} про тестовый стенд?"],
            },
            "issues": {
                "en": ["Which tasks deploy the {client} build to staging?"],
                "ru": ["Какие задачи по выкладке сборки на стенд для {client}?"],
            },
        },
    ),
    "call": (
        r"review call|[Сс]озвон",
        {
            "messages": {
                "en": ["Did {client} want to reschedule the review meeting?"],
                "ru": ["Просили ли {client} перенести созвон?"],
            }
        },
    ),
    "colours": (
        r"colou?rs|palette|цвета|палитр",
        {
            "messages": {
                "en": ["Were there complaints from {client} about how the colours look on phones?"],
                "ru": ["Что не так с цветами на мобильных у {client}?"],
            },
            "issues": {
                "en": ["Is there an issue about adjusting the mobile palette for {client}?"],
                "ru": ["Есть ли задача поправить палитру для мобильных у {client}?"],
            },
        },
    ),
    "brief": (
        r"brief|бриф",
        {
            "messages": {
                "en": ["Did {client} send a brief and ask how much it would cost?"],
                "ru": ["Присылали ли {client} бриф и просили ли оценку?"],
            }
        },
    ),
    "cookie": (
        r"cookie banner",
        {
            "messages": {"en": ["What did {client} want changed in the cookie consent text?"]},
            "issues": {"en": ["Which issue tracks the cookie banner wording for {client}?"]},
        },
    ),
    "illustration": (
        r"illustration",
        {
            "messages": {"en": ["Did {client} request another drawing for the pricing page?"]},
            "issues": {"en": ["Which task asks for a pricing page illustration for {client}?"]},
        },
    ),
    "kickoff": (
        r"Kick-off call|Стартовый созвон",
        {
            "deals": {
                "en": ["What budget did {client} mention at the kick-off, and who decides?"],
                "ru": ["Какой бюджет {client} назвали на стартовом созвоне?"],
            }
        },
    ),
    "proposal": (
        r"Proposal sent|КП отправлено",
        {
            "deals": {
                "en": ["Did we send {client} a proposal, and when do we follow up?"],
                "ru": ["Отправляли ли коммерческое предложение для {client}?"],
            }
        },
    ),
    "quarterly": (
        r"Quarterly review|Квартальная встреча",
        {
            "deals": {
                "en": ["How satisfied is {client} with our delivery speed?"],
                "ru": ["Довольны ли {client} скоростью работы?"],
            }
        },
    ),
    "terms": (
        r"Payment terms",
        {"deals": {"en": ["Did {client} ask for longer payment terms on an invoice?"]}},
    ),
}
STAGE_QUESTIONS = [
    ("Negotiation", "en", "Which deals are in negotiation right now?"),
    ("Lost", "en", "Which deals did we lose?"),
    ("Won 🎉", "ru", "Какие сделки мы выиграли (стадия Won)?"),
    ("Lead", "ru", "Какие сделки пока на стадии Lead?"),
    ("Proposal", "en", "Which opportunities are at the proposal stage?"),
]
TYPO_QUESTIONS = [
    ("Greenleaf Dental", "safari", "messages", "en", "safari form bug at Greenleef Dentl"),
    ("Blue Harbor Coffee", "kickoff", "deals", "en", "kickof notes for Blu Harbour Coffe"),
]


# ---------------------------------------------------------------- the dataset as documents


def dataset_docs(ds) -> list[Doc]:
    """Conversations, issues, deals and companies of the dataset with client and text (public text only)."""
    return [*_conversations(ds), *_issues(ds), *_deals(ds), *_companies(ds)]


def _conversations(ds) -> list[Doc]:
    docs = []
    for conversation in ds.conversations.values():
        contact = ds.contacts[conversation.contact_id]
        client = ds.clients[contact.client].name if contact.client is not None else ""
        public = [m.content for m in conversation.messages if not m.private and m.message_type != 2]
        if public:
            docs.append(Doc("messages", "chatwoot_conversation", str(conversation.id), client, "\n".join(public)))
    return docs


def _issues(ds) -> list[Doc]:
    comments: dict[str, list[str]] = {}
    for comment in ds.linear.comments.values():
        comments.setdefault(comment["issueId"], []).append(comment["body"])
    docs = []
    for issue in ds.linear.issues.values():
        client = ds.clients[issue["client"]].name
        text = "\n".join([issue["title"], issue["description"], *comments.get(issue["id"], [])])
        docs.append(Doc("issues", "linear_issue", issue["id"], client, text))
    return docs


def _notes_of(ds) -> dict[str, list[str]]:
    notes: dict[str, list[str]] = {}
    for note in ds.attio.notes.values():
        notes.setdefault(note["parent_record_id"], []).append(f"{note['title']}\n{note['content_plaintext']}")
    return notes


def _deals(ds) -> list[Doc]:
    notes, docs = _notes_of(ds), []
    for deal in ds.attio.records["deals"].values():
        record_id = deal["id"]["record_id"]
        name = deal["values"]["name"][-1]["value"]
        stage = next(v["status"]["title"] for v in deal["values"]["stage"] if v["active_until"] is None)
        client = name.split(":")[0]
        docs.append(Doc("deals", "attio_deal", record_id, client, "\n".join([name, *notes.get(record_id, [])]), stage))
    return docs


def _companies(ds) -> list[Doc]:
    notes, docs = _notes_of(ds), []
    for company in ds.attio.records["companies"].values():
        record_id = company["id"]["record_id"]
        name = company["values"]["name"][-1]["value"]
        docs.append(Doc("deals", "attio_company", record_id, name, "\n".join([name, *notes.get(record_id, [])])))
    return docs


# ---------------------------------------------------------------- questions


# Which records can answer a question of each kind: a question about what a client said is also answered by
# the ticket or deal note that records it; a question about issues or deals asks for those records only.
SCOPE = {"messages": ("messages", "issues", "deals"), "issues": ("issues",), "deals": ("deals",)}


def relevant(docs: list[Doc], *, kind: str, client: str, pattern: str) -> list[str]:
    regex = re.compile(pattern)
    return sorted(d.key for d in docs if d.kind in SCOPE[kind] and d.client == client and regex.search(d.text))


# Slices (as in the held-out set): which template wordings avoid the records' distinctive words, which
# answers sit in a deal's or company's notes, what an answer must name.
PARAPHRASED = {
    ("deadline", "messages", "en"),  # "due date still holds" ↔ "deadline … still realistic"
    ("staging", "messages", "en"),  # "preview environment" ↔ "staging link"
    ("call", "messages", "en"),  # "reschedule the review meeting" ↔ "move our review call"
    ("illustration", "messages", "en"),  # "another drawing" ↔ "one more illustration"
    ("colours", "messages", "en"),  # "how the colours look on phones" ↔ "colours are off on mobile"
    ("prices", "messages", "en"),  # "wrong prices at checkout" ↔ "shows the old prices"
    ("prices", "messages", "ru"),  # «неправильные цены при оплате» ↔ «снова старые цены»
    ("logo", "messages", "ru"),  # «исходники логотипа» ↔ «файлы логотипа»
    ("quarterly", "deals", "ru"),  # «скоростью работы» ↔ «довольны скоростью»
}
NOTE_TOPICS = ("kickoff", "proposal", "quarterly", "terms")
TOPIC_FACTS = {
    "safari": ["Safari"],
    "logo": ["logo", "логотип"],
    "invoice": ["invoice", "счёт"],
    "deadline": ["deadline", "срок"],
    "hero": ["hero", "первый экран", "первого экрана"],
    "prices": ["prices", "цены"],
    "staging": ["staging", "стенд"],
    "call": ["call", "созвон"],
    "colours": ["colour", "palette", "цвет", "палитр"],
    "brief": ["brief", "бриф"],
    "cookie": ["cookie"],
    "illustration": ["illustration"],
    "quarterly": ["happy", "довольны"],
}
# what a note answer names: the figures the notes of the relevant records hold
NOTE_FIGURES = {
    "kickoff": r"(?:Budget around|Бюджет около) (\d+)",
    "proposal": r"(?:Follow up on|Напомнить) (\d\d\.\d\d)",
    "terms": r"invoice #(\d+)",
}


def _entry(question: str, lang: str, kind: str, topic: str, keys: list[str], facts=None) -> dict:
    base = topic.removesuffix("_typo")
    slices = []
    if (base, kind, lang.split("→")[0]) in PARAPHRASED and not topic.endswith("_typo"):
        slices.append("paraphrase")
    if kind == "deals" and base in NOTE_TOPICS:
        slices.append("note_comment")
    if "→" in lang:
        slices.append("cross_language")
    if topic == "stage":
        slices.append("current_fact")
    if topic in ("invoice_number", "identifier"):
        slices.append("quote")
    if facts is None and base in TOPIC_FACTS:
        facts = [TOPIC_FACTS[base]]
    return {
        "question": question,
        "lang": lang,
        "kind": kind,
        "topic": topic,
        "slices": slices,
        "relevant": [{"source_type": k.split(":", 1)[0], "source_id": k.split(":", 1)[1]} for k in keys],
        **({"facts": facts} if facts else {}),
    }


def note_facts(docs: list[Doc], topic: str, keys: list[str]) -> list[list[str]] | None:
    """For a question answered by notes: one group with every figure those notes hold."""
    if topic not in NOTE_FIGURES:
        return None
    texts = [d.text for d in docs if d.key in keys]
    figures = sorted({f for text in texts for f in re.findall(NOTE_FIGURES[topic], text)})
    return [figures] if figures else None


def topic_questions(ds, docs: list[Doc], rng: random.Random) -> list[dict]:
    """Per client and kind: two topics in the client's language, plus one asked across languages."""
    entries = []
    for client in dict.fromkeys(c.name for c in ds.clients):  # the two same-named clients ask once
        lang = next(c.lang for c in ds.clients if c.name == client)
        for kind in ("messages", "issues", "deals"):
            candidates = [t for t, (_, by_kind) in TOPICS.items() if lang in by_kind.get(kind, {})]
            rng.shuffle(candidates)
            picked = 0
            for topic in candidates:
                keys = relevant(docs, kind=kind, client=client, pattern=TOPICS[topic][0])
                if not 0 < len(keys) <= 25:
                    continue
                template = TOPICS[topic][1][kind][lang][0]
                facts = note_facts(docs, topic, keys) if kind == "deals" else None
                entries.append(_entry(template.format(client=client), lang, kind, topic, keys, facts))
                picked += 1
                if picked == 2:
                    break
            entries += _cross_language(docs, rng, client, lang, kind)
    return entries


def _cross_language(docs, rng, client: str, lang: str, kind: str) -> list[dict]:
    """An English question about a Russian-speaking client (their records are in Russian)."""
    if lang != "ru" or kind == "deals":
        return []
    topics = [t for t, (_, by_kind) in TOPICS.items() if "en" in by_kind.get(kind, {})]
    rng.shuffle(topics)
    for topic in topics:
        keys = relevant(docs, kind=kind, client=client, pattern=TOPICS[topic][0])
        if 0 < len(keys) <= 25:
            question = TOPICS[topic][1][kind]["en"][0].format(client=client)
            return [_entry(question, "en→ru", kind, topic, keys)]
    return []


def invoice_questions(docs: list[Doc], rng: random.Random, count: int = 6) -> list[dict]:
    """Look-ups of one invoice number mentioned in conversations."""
    numbers = sorted({n for d in docs if d.kind == "messages" for n in re.findall(r"(?:#|№)(\d{4})", d.text)})
    entries = []
    for number in rng.sample(numbers, count):
        keys = sorted(d.key for d in docs if d.kind == "messages" and re.search(rf"(?:#|№){number}\b", d.text))
        lang = "ru" if any("№" + number in d.text for d in docs if d.key in keys) else "en"
        question = f"Оплачен ли счёт {number}?" if lang == "ru" else f"What happened with invoice {number}?"
        entries.append(_entry(question, lang, "messages", "invoice_number", keys, [[number]]))
    return entries


def identifier_questions(ds, rng: random.Random, count: int = 4) -> list[dict]:
    issues = sorted(ds.linear.issues.values(), key=lambda i: i["identifier"])
    entries = []
    for issue in rng.sample(issues, count):
        question = f"What is {issue['identifier']} about and who reported it?"
        client = ds.clients[issue["client"]].name
        facts = [[issue["identifier"]], [client]]
        entries.append(_entry(question, "en", "issues", "identifier", [f"linear_issue:{issue['id']}"], facts))
    return entries


def stage_questions(docs: list[Doc]) -> list[dict]:
    entries = []
    for stage, lang, question in STAGE_QUESTIONS:
        keys = sorted(d.key for d in docs if d.source_type == "attio_deal" and d.stage == stage)
        if keys:
            entries.append(_entry(question, lang, "deals", "stage", keys, [[stage.split()[0]]]))
    return entries


def typo_questions(docs: list[Doc]) -> list[dict]:
    entries = []
    for client, topic, kind, lang, question in TYPO_QUESTIONS:
        keys = relevant(docs, kind=kind, client=client, pattern=TOPICS[topic][0])
        if keys:
            facts = note_facts(docs, topic, keys) if kind == "deals" else None
            entries.append(_entry(question, lang, kind, f"{topic}_typo", keys, facts))
    return entries


def build(seed: str = SEED, messages: int = MESSAGES) -> list[dict]:
    """The whole labelled set, numbered (the committed file is the default seed and scale)."""
    from sandbox.dataset import Dataset

    ds = Dataset(seed, messages)
    docs = dataset_docs(ds)
    rng = random.Random(f"lightrag-eval|{seed}|{messages}")
    entries = topic_questions(ds, docs, rng)
    entries += invoice_questions(docs, rng) + identifier_questions(ds, rng) + stage_questions(docs)
    entries += typo_questions(docs)
    return [{"id": f"q{n:02d}", **entry} for n, entry in enumerate(entries, start=1)]


def load(path: Path = PATH) -> dict:
    """A committed set: {seed, messages, questions} (this one unless `path` names another)."""
    return json.loads(path.read_text())


def dumps(entries: list[dict], *, seed: str = SEED, messages: int = MESSAGES) -> str:
    return json.dumps({"seed": seed, "messages": messages, "questions": entries}, ensure_ascii=False, indent=1) + "\n"


if __name__ == "__main__":
    PATH.write_text(dumps(build()))
    print(f"wrote {PATH}")
