"""Answers with citations: from a chat model that must cite evidence ids, or extractive from the top evidence.

A model's answer is checked sentence by sentence: citation ids not in the evidence are removed, and a
sentence left without a valid citation is dropped (and counted), because an uncited claim is not one the
product can back. If nothing cited survives — or the model is down — the extractive answer is used.

The extractive answer quotes, per cited item, the sentence(s) that best answer the question (the item's
`quote`, see `rag.services.evidence`). A question about a current fact (status, stage, assignee, owner,
priority, amount, cycle; English or Russian) is answered from the first item's `facts`, e.g. "ACME-12 is In
Progress, assigned to Anna Petrova, priority High [E1]". The second quoted item is the one whose quote holds
most of the question's words the first one lacks, so a question spread over two records gets a sentence
from each. A question asking for a kind of record ("… did that become a task?") gets the best one of that kind
beside the messages that match it better; the record whose quote gives the kind of answer asked (an amount, a
date, who decides) answers first; "which clients …" lists one line per client; "the latest <kind>" answers from
the newest such record; a record the question names by its own number answers before any other.
"""

import math
import re
from dataclasses import dataclass, field

from rag.graph.intent import KIND_STEMS, asked_kinds, which_kinds
from rag.providers import ProviderError
from rag.providers.offline import words
from rag.services.evidence import LATEST_STEMS, answer_types, question_keys, value_named, values_named

EXTRACTIVE_ITEMS = 3
TYPED_DEPTH = 10  # how deep an answer looks for a quote giving the kind of answer asked (an amount, a date, …)
KIND_DEPTH = 15  # how deep an answer looks for a record of the kind the question asks the facts of
LISTED_ITEMS = 8  # records a "which … are in <state>" answer lists
CONTEXT_CHARS = 1200
NO_EVIDENCE = "Nothing in this project's conversations, issues or deals matches the question."
SYSTEM_PROMPT = (
    "You answer questions about a design studio's client work using only the numbered evidence given. "
    "After every sentence, cite the evidence it relies on with its id in square brackets, e.g. [E2] or [E1][E3]. "
    "Never cite an id that is not listed. If the evidence does not answer the question, say so in one sentence "
    "and cite the closest evidence. Answer in the language of the question, in at most five sentences."
)
_CITATION = re.compile(r"\[((?:E\d+)(?:\s*[,;]\s*E\d+)*)\]")
_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?!\[)")


@dataclass
class Answer:
    text: str
    citations: list[str]
    mode: str  # llm | extractive | extractive_fallback
    degraded: bool = False
    flags: dict = field(default_factory=dict)


# Which facts a question asks for: word stems (English and Russian) → fact keys of `meta["facts"]`.
FACT_WORDS = {
    ("status", "state", "stage", "progress", "stand", "done", "finish", "complet", "closed", "resolved", "pipeline",
     "happen", "случил",
     "статус", "состояни", "стади", "этап", "готов", "закры", "заверш", "решен", "воронк"): ("state", "status",
                                                                                              "stage"),
    ("assign", "own", "responsible", "назнач", "ответствен", "исполнител", "владел"): ("assignee", "owner"),
    ("priority", "urgent", "приоритет", "срочн"): ("priority",),
    ("amount", "worth", "value", "сумм", "стоимост"): ("amount",),
    ("cycle", "sprint", "цикл", "спринт"): ("cycle",),
    ("deadline", "due", "дедлайн", "срок"): ("due",),
}  # fmt: skip
NOT_FACT_WORDS = ("решени",)  # «решение» is a decision, not «решена» (resolved)
_READY_TO = re.compile(r"\bготов\w* (?:\w+ )?\w+(?:ть|ти|чь)\b")  # «готовы потратить» is willing, not done
_WHO_IS_ON = re.compile(
    r"\bwho(?:'s| is| are)? (?:on|working|handling|in charge|doing|leading|looking after|assigned)\b"
    r"|\bwho (?:handles|owns|leads|does|works on)\b"
    r"|\bкто (?:работает|занимается|отвечает|ведет|делает|назначен)\b"
)
_HOW_MUCH = re.compile(r"\bhow much\b|\bсколько\b", re.IGNORECASE)
_WHERE_IS_IT = re.compile(
    r"\bgo(?:ne)? anywhere\b|\bwhere (?:is|are) (?:it|they|that|this)\b|\bчто (?:стало )?с (?:ней|ним|ними)\b"
)


def asked_facts(query: str) -> set[str]:
    """The fact keys a question asks about ("what status is ACME-12 in" → state/status/stage)."""
    lowered = _READY_TO.sub(" ", query.lower().replace("ё", "е"))
    words = [word for word in re.findall(r"[^\W_]+", lowered) if not word.startswith(NOT_FACT_WORDS)]
    asked = set()
    for stems, keys in FACT_WORDS.items():
        if any(word.startswith(stem) for word in words for stem in stems):
            asked.update(keys)
    if _WHO_IS_ON.search(lowered):
        asked.update(("assignee", "owner"))  # "who is on ACME-12?"
    if _HOW_MUCH.search(lowered):
        asked.add("amount")
    if _WHERE_IS_IT.search(lowered):
        asked.update(("state", "status", "stage"))  # "did the ticket go anywhere?"
    return asked


def _record_name(item: dict) -> str:
    """How a fact sentence names the record: the issue key, "Conversation #12", "Deal …"."""
    title = item["title"]
    if item["source_type"] == "linear_issue":
        return title.split(" ", 1)[0]
    return title.split(" · ", 1)[0]


# The facts a fact sentence adds after the state and people, with how it says them (priority and amount always).
FACT_LABELS = (("priority", "priority"), ("amount", "amount"), ("cycle", "in"), ("project", "project"), ("due", "due"))


def facts_sentence(item: dict, asked: set[str]) -> str:
    """ "ACME-12 is In Progress, assigned to Anna Petrova, priority High [E1]." (the facts the record has)."""
    facts = item.get("facts") or {}
    name = _record_name(item)
    state = facts.get("state") or facts.get("status") or ""
    stage = facts.get("stage") or ""
    head = f"{name} is {state}" if state else f"{name} is at stage {stage}" if stage else name
    parts = []
    if "assignee" in facts:
        parts.append(f"assigned to {facts['assignee']}" if facts["assignee"] else "unassigned")
    if facts.get("owner"):
        parts.append(f"owned by {facts['owner']}")
    for key, label in FACT_LABELS:
        if facts.get(key) and (key in asked or key in ("priority", "amount")):
            parts.append(f"{label} {facts[key]}")
    return ", ".join([head, *parts]) + f" [{item['id']}]."


# The current facts a quoted record shows beside its title, by kind: what a reader asks next about a ticket, a
# deal or a conversation ("and is it done? whose is it?").
BRIEF_FACTS = {"linear_issue": ("state", "assignee"), "attio_deal": ("stage", "amount", "owner"),
               "chatwoot_conversation": ("status", "assignee")}  # fmt: skip


def facts_brief(item: dict) -> str:
    """ "Done · Olga Smirnova": the record's current state and owner, as far as it has them."""
    facts = item.get("facts") or {}
    return " · ".join(str(facts[key]) for key in BRIEF_FACTS.get(item["source_type"], ()) if facts.get(key))


def _quote_line(item: dict, *, with_facts: bool = True) -> str:
    quote = _quote_text(item)
    brief = facts_brief(item) if with_facts else ""
    title = f"{item['title']} ({brief})" if brief else item["title"]
    if _same_words(quote, item["title"]):  # the record's title line: say it once
        return f"{title} [{item['id']}]"
    return f"{title}: {quote} [{item['id']}]"


def _same_words(quote: str, title: str) -> bool:
    normal = [re.sub(r"\W+", " ", text).strip().lower() for text in (quote, title)]
    return bool(normal[0]) and normal[0] in normal[1]


def _quoted_items(evidence: list[dict], query: str) -> list[dict]:
    """The top item (or, when its quote gives none of the kinds of answer the question wants, the first of the top
    TYPED_DEPTH whose quote gives most of them), then the item whose quote best adds the question's words the
    chosen ones lack (weighted by rarity across the quotes), then the rest by rank: at most EXTRACTIVE_ITEMS."""
    evidence = _answering_first(evidence, query)
    head = evidence[: EXTRACTIVE_ITEMS + 2]
    keys = question_keys(query)
    if not keys or len(head) < 2:
        return head[:EXTRACTIVE_ITEMS]
    quoted = [_quote_keys(item) & keys for item in head]
    weight = {k: math.log(1 + (len(head) + 1) / (1 + sum(k in q for q in quoted))) for k in keys}
    chosen, covered = [0], set(quoted[0])
    gains = [(sum(weight[k] for k in quoted[i] - covered), -i) for i in range(1, len(head))]
    best_gain, best = max(gains)
    if best_gain > 0:
        chosen.append(-best)
    chosen += [i for i in range(len(head)) if i not in chosen]
    return [head[i] for i in chosen[:EXTRACTIVE_ITEMS]]


def _answering_first(evidence: list[dict], query: str) -> list[dict]:
    """ "How much were they ready to spend, back when Noah decided?": the note saying "Budget around 48000 EUR.
    Decision maker: Noah." answers before records ranked above it that say neither."""
    wanted = answer_types(query)
    if not wanted or not evidence:
        return evidence
    given = [sum(1 for give in wanted if give.search(_quote_text(item))) for item in evidence[:TYPED_DEPTH]]
    best = max(range(len(given)), key=lambda n: (given[n], -n))
    if given[0] or not given[best]:
        return evidence
    return [evidence[best], *evidence[:best], *evidence[best + 1 :]]


def _quote_text(item: dict) -> str:
    return item.get("quote") or item["snippet"]


def _with_kind_asked(quoted: list[dict], evidence: list[dict], query: str, said: list[str]) -> list[dict]:
    """The quoted items with, second, the best record of the kind the question asks for when neither they nor the
    records whose facts are `said` (ids) are one ("Kate says the colours are off on phones — did that become a
    task?": her message, then the task)."""
    kinds = asked_kinds(query)
    if not kinds or any(item["source_type"] in kinds for item in [*quoted, *_by_ids(evidence, said)]):
        return quoted
    of_kind = next(iter(_of_kinds(evidence[:KIND_DEPTH], kinds)), None)
    return quoted if of_kind is None else [*quoted[:1], of_kind, *quoted[1 : EXTRACTIVE_ITEMS - 1]]


# "Which clients asked for 30-day terms?", «какие клиенты жаловались …»: a question listing clients.
_WHICH_CLIENTS = re.compile(
    r"\b(?:which|what|list|all)\s+(?:of (?:our|the)\s+)?(?:clients|customers|companies|accounts)\b"
    r"|\b(?:какие|каких|все|список)\s+(?:из\s+)?(?:клиент|компани|заказчик)\w*",
    re.IGNORECASE,
)


_CLIENT_WORDS = question_keys(
    "client clients customer customers company companies account accounts клиент клиенты "
    "компания компании заказчик заказчики"
)


def _one_per_client(evidence: list[dict], query: str) -> list[dict]:
    """The best item of each client whose quote says what the top item's says of the question (the same
    answer, for another client), up to LISTED_ITEMS: one line per client listed."""
    keys = question_keys(query) - _CLIENT_WORDS  # "clients" is what is listed, not what they said
    answered = _quote_keys(evidence[0]) & keys
    best: dict[str, dict] = {}
    for item in evidence:
        client = (item.get("client") or {}).get("id")
        if client and client not in best and answered <= _quote_keys(item):
            best[client] = item
    return list(best.values())[:LISTED_ITEMS]


def _quote_keys(item: dict) -> set[str]:
    return question_keys(_quote_text(item))


def _by_ids(evidence: list[dict], ids: list[str]) -> list[dict]:
    return [item for item in evidence if item["id"] in ids]


def _of_kinds(items: list[dict], kinds: set[str]) -> list[dict]:
    return [item for item in items if item["source_type"] in kinds]


def _holding(items: list[dict], asked: set[str]) -> list[dict]:
    return [item for item in items if asked & set(item.get("facts") or {})]


def _fact_holders(evidence: list[dict], query: str, asked: set[str]) -> list[dict]:
    """The top records holding an asked fact: of the kind the question names when some are ("the deal's stage",
    looking a little deeper for one), and of the entity it names when it names one."""
    holders = _holding(evidence[: EXTRACTIVE_ITEMS + 3], asked)
    keys = question_keys(query)
    # "… who took the urgent task into work?": records in the state or priority the question names come first,
    # after a record the question names itself ("invoice 9254 — is that conversation closed?")
    holders.sort(key=lambda item: (not _named_itself(item), -values_named(item.get("facts") or {}, keys)))
    kinds = asked_kinds(query)
    of_kind = _of_kinds(holders, kinds)
    deeper = _of_kinds(_holding(evidence[:KIND_DEPTH], asked), kinds)
    if kinds and _latest_of_kind(query, kinds):  # "Kate's most recent conversation: what status?": the newest
        of_kind = sorted(_named_first(deeper), key=lambda item: item["occurred_at"] or "", reverse=True)[:1]
    elif kinds and not of_kind:  # "… asked for the logo files: what status is the task in?": the best task below
        of_kind = deeper[:1]
    if kinds & which_kinds(query):  # "who looks after Summit Legal's chats?": each of them, as far as shown
        of_kind = _of_kinds(_holding(evidence, asked), kinds)[:LISTED_ITEMS]
        holders = of_kind or holders[:EXTRACTIVE_ITEMS]
    else:
        holders = of_kind[:EXTRACTIVE_ITEMS] if of_kind else holders[:EXTRACTIVE_ITEMS]
    return _named_first(holders)


def _latest_of_kind(query: str, kinds: set[str]) -> bool:
    """Whether the question asks for the newest record of a kind it names ("Kate's most recent conversation",
    «последний диалог»), not for the newest line of one ("… and what did the latest comment say?")."""
    found = words(query.lower().replace("ё", "е"))
    stems = tuple(stem for kind in kinds for stem in KIND_STEMS.get(kind, ()))
    return any(
        word.startswith(LATEST_STEMS) and any(w.startswith(stems) for w in found[n + 1 : n + 3])
        for n, word in enumerate(found)
    )


_ENTITY_KIND = {"chatwoot_conversation": "conversation", "linear_issue": "issue", "attio_deal": "deal"}


def _named_itself(item: dict) -> bool:
    """Whether the question names this record itself (its number, key or name), not only its client or person."""
    entity = item.get("entity") or {}
    return entity.get("kind") == _ENTITY_KIND.get(item["source_type"]) and entity.get("key") == item["source_id"]


def _named_first(items: list[dict]) -> list[dict]:
    """The items of what the question names (linked entities' records), when there are any, else all."""
    named = [item for item in items if (item.get("entity") or {}).get("via") == "local"]
    return named or items


def listed_by_value(evidence: list[dict], query: str) -> list[dict]:
    """For a question asking which records of a kind are in a state it names ("which deals are in
    Negotiation", «какие задачи в In Review»): those records among the evidence, up to LISTED_ITEMS."""
    kinds = which_kinds(query)
    if not kinds:
        return []
    keys = question_keys(query)
    listed = [item for item in evidence if item["source_type"] in kinds and value_named(item.get("facts") or {}, keys)]
    return _named_first(listed)[:LISTED_ITEMS]


def answer_extractive(evidence: list[dict], *, query: str = "", mode: str = "extractive") -> Answer:
    """The answering sentence(s) of each of the top evidence items, each with its citation; a question about a
    current fact starts with the facts of the first item that has them."""
    if not evidence:
        return Answer(NO_EVIDENCE, [], mode)
    lines, cited = [], []
    asked = asked_facts(query) if query else set()
    listed = listed_by_value(evidence, query) if query else []
    if listed or (query and _latest_of_kind(query, asked_kinds(query))):
        # "which deals are in negotiation?": every such record; "Kate's most recent thread?": the newest one —
        # each with its facts, whether or not the question names one
        asked = asked or {"state", "status", "stage"}
    if asked:  # each top record that holds an asked fact says it (a question may be about several records)
        for holder in listed or _fact_holders(evidence, query, asked):
            lines.append(facts_sentence(holder, asked))
            cited.append(holder["id"])
    by_client = _one_per_client(evidence, query) if _WHICH_CLIENTS.search(query) else []
    quoted = by_client or _with_kind_asked(_quoted_items(evidence, query), evidence, query, cited)
    for item in quoted:
        if len(lines) >= max(EXTRACTIVE_ITEMS, len(by_client)) + (len(cited) if asked else 0):
            break
        if item["id"] in cited and (item in listed or _same_words(_quote_text(item), item["title"])):
            continue  # its facts are already said, and its quote would only repeat its title or its facts
        lines.append(_quote_line(item, with_facts=item["id"] not in cited))  # facts said once per record
        cited += [item["id"]] if item["id"] not in cited else []
    return Answer("\n".join(lines), cited, mode)


def prompt_for(query: str, evidence: list[dict], texts: dict[str, str]) -> str:
    """The user message: the question, then each evidence item with its id, title, time and text."""
    blocks = [
        f"[{item['id']}] {item['title']} ({item['occurred_at'] or 'undated'})\n{texts.get(item['id'], item['snippet'])}"
        for item in evidence
    ]
    return f"Question: {query}\n\nEvidence:\n\n" + "\n\n".join(blocks)


def citations_validate(text: str, evidence_ids: set[str]) -> tuple[str, list[str], dict]:
    """Keep sentences with at least one valid citation; strip invalid ids. Returns (text, citations, flags)."""
    kept, cited, invalid, dropped = [], [], [], 0
    for sentence in _SENTENCE.split(text.strip()):
        ids = [i for group in _CITATION.findall(sentence) for i in re.findall(r"E\d+", group)]
        valid = [i for i in ids if i in evidence_ids]
        invalid += [i for i in ids if i not in evidence_ids]
        if not valid:
            dropped += 1 if sentence.strip() else 0
            continue
        cleaned = _CITATION.sub(lambda m, ok=frozenset(valid): _keep_ids(m[1], ok), sentence)
        kept.append(cleaned.strip())
        cited += [i for i in valid if i not in cited]
    return " ".join(kept), cited, {"uncited_sentences_dropped": dropped, "invalid_citations": sorted(set(invalid))}


def _keep_ids(group: str, valid: frozenset) -> str:
    return "".join(f"[{i}]" for i in re.findall(r"E\d+", group) if i in valid)


def answer_with_model(*, chat, query: str, evidence: list[dict], texts: dict[str, str]) -> Answer:
    """Ask the chat model; fall back to the extractive answer when it fails or cites nothing valid."""
    if not evidence:
        return Answer(NO_EVIDENCE, [], "extractive")
    try:
        reply = chat.complete(system=SYSTEM_PROMPT, user=prompt_for(query, evidence, texts))
    except ProviderError as exc:
        fallback = answer_extractive(evidence, query=query, mode="extractive_fallback")
        fallback.degraded, fallback.flags = True, {"llm_error": str(exc)}
        return fallback
    text, citations, flags = citations_validate(reply, {item["id"] for item in evidence})
    if not citations:
        fallback = answer_extractive(evidence, query=query, mode="extractive_fallback")
        fallback.flags = {**flags, "llm_answer_uncited": True}
        return fallback
    return Answer(text, citations, "llm", flags=flags)


def evidence_texts(evidence: list[dict], chunks_by_id: dict) -> dict[str, str]:
    """Context for the model: each evidence item's best chunk text (header and lines), trimmed."""
    texts = {}
    for item in evidence:
        chunk = chunks_by_id.get(item["chunk_ids"][0])
        if chunk is not None:
            texts[item["id"]] = chunk.text[:CONTEXT_CHARS]
    return texts
