"""Evidence: the fused chunks grouped by the source record they come from, each with its best sentence.

One evidence item per source (conversation, issue, deal, company), in the order of its best chunk, at most
`source_limit` of them. Each content line of the chunk (a message, a comment, a note, a paragraph; never the
header, which every chunk of the record repeats) is split into sentences, and a sentence scores the summed
weight of the question's words it holds (stems and lexicon concepts, so a Russian sentence can answer an English
question); a word weighs more the fewer of the evidence items hold it, so "invoice" outweighs the client's
name that every item repeats. The best sentence (and up to two more of the same item when they add question words
the first lacks) is the item's `quote`; the line holding it is the `snippet`. For a conversation that line is
one message, and the deep link points at it. `facts` are the record's current facts (`meta["facts"]`).

What kind of answer a question wants counts too: a "why" question prefers a sentence giving a reason ("blocked
until …", «ждём …»), a "when" question one with a date, a "how much" question one with an amount, and a question
naming a day ("on 2 October") a line written that day (each worth the record's top question word). Question words
the record's title already holds count for nothing (the title is shown anyway); "the most recent …" prefers the
later of equal sentences; a sentence the question itself quotes brings the sentence after it, which is what the
question asks about ("they reviewed v2 with their CEO — what did they say?"), and "what did we answer?" the reply.
"""

import functools
import math
import re
from dataclasses import dataclass

from rag.models import GROUP_OF, SourceType
from rag.providers.lexicon import concepts_of, phrase_keys
from rag.providers.offline import STOP_WORDS, stem, words

SNIPPET_CHARS = 320
QUOTE_CHARS = 400
_FIGURE = re.compile(r"\d\d")  # a date, an amount, a number: two digits in a row
_ANY_DIGIT = re.compile(r"\d")
_DAY_DOT = re.compile(r"(?<![\d.])(\d{1,2})[./](\d{1,2})(?![\d/]|\.\d)")  # "03.11", "3/11"; not "17.2.1"
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"«(\[]?[A-ZА-ЯЁ0-9])")
_WORD_RE = re.compile(r"[^\W\d_]+")
_LABEL = re.compile(r"^((?:Comment|Note «[^»]{0,200}»|[^:]{1,80}?)): ")  # "Anna Petrova: …", "Comment: …"
# Answer types: (what in a question asks for it, what in a sentence gives it). English and Russian.
_DATE = (
    r"\b\d{1,2}[./]\d{1,2}\b|\b\d{4}-\d\d-\d\d\b|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b"
    r"|понедельник|вторник|сред[уае]|четверг|пятниц|суббот|воскресень"
)
ANSWER_TYPES = {
    "reason": (
        r"\bwhy\b|\bblock|\bstuck\b|\bheld up\b|\bholding\b|\bwhat.{0,20}\bwait|\bпочему\b|\bзачем\b|из-за чего"
        r"|\bзаблок|\bстоит\b|\bзастрял|\bв чём причина|\bв чем причина",
        r"\bbecause\b|\bsince\b|\buntil\b|\bdue to\b|\bwaiting\b|\bblocked\b|\bpending\b|\bas soon as\b"
        r"|\bпотому\b|\bтак как\b|\bпока\b|\bиз-за\b|\bжд[её]м\b|\bожида|\bзаблок|\bкак только\b|\bпосле того",
    ),
    "date": (r"\bwhen\b|\bwhat date\b|\bdeadline\b|\bdue\b|\bfollow[ -]?up\b|\bкогда\b|\bк какому\b|\bсрок|\bнапомн",
             _DATE),
    "amount": (r"\bhow much\b|\bbudget|\bamount\b|\bworth\b|\bсколько\b|\bбюджет|\bсумм",
               r"\d[\d ,.]*\d\s*(?:usd|eur|rub|gbp|₽|\$|€|руб|k\b)|(?:\$|€|£)\s?\d|\b\d{4,}\b"),
    "decider": (r"\bdecid|\bdecision|\bfinal say\b|\bwho\b[^?.]{0,30}\b(?:signs?|approves?)\b|\bрешени|\bрешает|\bлпр\b"
                r"|\bкто\b[^?.]{0,30}\b(?:подписыва|утвержда)",
                r"\bdecision[ -]maker|\bлпр\b|\bdecides\b"),
    "finding": (r"\bfind\b|\bfound out\b|\bfigured? out\b|\bdiscover|\bвыяснил|\bобнаружил|\bнашли\b|\bузнали\b",
                r"\breproduced\b|\blooks like\b|\broot cause\b|\bturns out\b|\bвоспроизвел|\bпохоже\b|\bпричина\b"),
    "version": (r"\bversions?\b|\bверси", r"\bv\d+\b|\bверси\w* \d"),
}  # fmt: skip
_ANSWER_TYPES = {name: (re.compile(ask, re.I), re.compile(give, re.I)) for name, (ask, give) in ANSWER_TYPES.items()}
_QUESTION_WORD = re.compile(
    r"\b(?:what|which|who|whom|whose|when|where|why|how|is|are|was|were|did|does|do|has|have|can|could|should|will)\b"
    r"|\b(?:что|чем|какой|какая|какое|какие|каких|когда|почему|зачем|сколько|кто|кому|кого|где|куда|ли)\b",
    re.IGNORECASE,
)
_REPLY = re.compile(r"\b(?:answer|repl|respond|tell|told|get back)|\bответ|\bсказали\b", re.I)
_LATEST = re.compile(r"\b(?:latest|last|most recent(?:ly)?|newest|recently)\b|\bпоследн|\bсвеж|\bнедавн", re.I)
LATEST_STEMS = ("latest", "last", "newest", "recent", "последн", "свеж", "недавн")  # the same, as word stems
QUOTED_SHARE = 0.75  # a sentence whose words are this much in the question is one the question quotes
SECOND_GAIN = 0.5  # another sentence of a record is quoted when it adds this share of its top word's weight
MAX_SENTENCES = 3  # "the budget and the decision maker": a note's answer may take a sentence for each


@dataclass(frozen=True)
class Ranked:
    """A chunk row with its fused score and ranks."""

    chunk: object
    score: float
    ranks: dict


def question_keys(text: str) -> set[str]:
    """Stems and concepts of the content words of a text, and its dates ("03.11" as one key: alone, one- and
    two-digit numbers are no keys, so the 15 of "OPS-15" does not meet the 15 of "15.11")."""
    return set(_text_keys(text))


@functools.lru_cache(maxsize=65536)
def _text_keys(text: str) -> frozenset:
    """`question_keys`, cached: evidence reads the same sentences of a record's chunks query after query."""
    keys = set()
    found = words(text)
    for word in found:
        keys.update(_word_keys(word))
    keys.update(phrase_keys(found))  # «на первом экране» meets "hero"
    keys.update(f"d:{int(day)}.{int(month)}" for day, month in _DAY_DOT.findall(text))
    return frozenset(keys)


@functools.lru_cache(maxsize=65536)
def _word_keys(word: str) -> frozenset:
    """A word's stem and concepts (cached: evidence reads every sentence of every item's chunk)."""
    if word in STOP_WORDS or (word.isdigit() and len(word) <= 2):  # see question_keys
        return frozenset()
    return frozenset({stem(word), *(f"c:{concept}" for concept in concepts_of(word))})


@dataclass(frozen=True)
class Asked:
    """What the question asks, as the sentence choice reads it."""

    keys: set
    weights: dict
    wanted: list  # answer-type patterns
    reply: bool = False  # it asks what was answered to something
    latest: bool = False  # it asks for the most recent one
    days: set = frozenset()  # the days of the year it names: {(month, day)}
    anchors: frozenset = frozenset()  # the figures and names it gives: keys that pick one line of a record


@dataclass(frozen=True)
class Sentence:
    line: int  # index of its line in the chunk text (1 = first content line)
    text: str  # as quoted: a later sentence of a message or comment keeps its line's label
    keys: frozenset
    part: int = 0  # which of the record's fetched chunks it is in (0 = its best-ranked one)
    labelled: bool = False  # in a message, comment or note (not a record's summary line)

    @functools.cached_property
    def figures(self) -> frozenset:
        """Its keys with digits: amounts, dates, invoice numbers."""
        return frozenset(key for key in self.keys if any(ch.isdigit() for ch in key))

    @property
    def where(self) -> tuple[int, int]:
        """Its line, across the record's fetched chunks."""
        return self.part, self.line


def sentences(chunk, part: int = 0) -> list[Sentence]:
    """The sentences of a chunk's content lines (the header, line 0, is left out), each with its keys; `part` is
    the chunk's place among its record's fetched chunks."""
    out = []
    refs = [ref for ref, _at in (chunk.meta or {}).get("lines") or []]
    for index, line in enumerate(chunk.text.split("\n")[1:], start=1):
        # Only a message, comment or note line starts with a label (its author, "Comment", "Note «title»").
        label = _LABEL.match(line) if index <= len(refs) and refs[index - 1] else None
        for n, piece in enumerate(_SENTENCE_END.split(line)):
            piece = piece.strip()
            if not piece:
                continue
            quoted = f"{label[1]}: {piece}" if n and label else piece
            out.append(Sentence(index, quoted, _text_keys(piece), part, labelled=label is not None))
    return out


_MONTHS_EN = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december")  # fmt: skip
_MONTHS_RU = ("январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр", "ноябр", "декабр")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-zа-яё]{3,9})\b", re.I)
_MONTH_DAY = re.compile(r"\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b", re.I)


def question_days(query: str) -> set[tuple[int, int]]:
    """The days of the year a question names ("on 2 October", "Oct 2nd", «2 октября»): {(month, day)}."""
    days = set()
    for day, month in _DAY_MONTH.findall(query):
        days.add((_month(month), int(day)))
    for month, day in _MONTH_DAY.findall(query):
        days.add((_month(month), int(day)))
    return {(month, day) for month, day in days if month and 1 <= day <= 31}


def _month(word: str) -> int:
    """1–12 for a month's name (English in full or as "Oct"/"Sept", Russian in any case), else 0."""
    word = word.lower()
    if word.isascii():
        return next((n for n, name in enumerate(_MONTHS_EN, start=1) if word in (name, name[:3], name[:4])), 0)
    if word in ("мая", "май", "мае"):
        return 5
    return next((n for n, stem in enumerate(_MONTHS_RU, start=1) if len(stem) > 2 and word.startswith(stem)), 0)


def dated_lines(chunk, days: set[tuple[int, int]]) -> set[int]:
    """The content lines of a chunk (1-based, as `Sentence.line`) written on one of `days`."""
    if not days:
        return set()
    found = set()
    for index, (_ref, at) in enumerate((chunk.meta or {}).get("lines") or [], start=1):
        if at and len(at) >= 10 and (int(at[5:7]), int(at[8:10])) in days:
            found.add(index)
    return found


# How people name a conversation's status (Chatwoot's words are open, pending, snoozed and resolved): stems.
STATUS_WORDS = {"open": ("открыт",), "resolved": ("clos", "закрыт"), "snoozed": ("snooz", "later", "postpon", "отлож")}
# An issue or a deal is open until it is done, dropped, won or lost (words of its state or stage).
OPEN_WORDS = ("open", "открыт", "unfinish", "незаверш", "несделан", "невыполн")  # stems
CLOSED_STATES = frozenset({"done", "canceled", "cancelled", "duplicate", "won", "lost", "completed", "closed"})


def values_named(facts: dict, keys: set[str]) -> int:
    """How many of the record's state (stage, status) and priority a question names ("the urgent task we
    took into work": 2 for an urgent task in progress)."""
    priority = facts.get("priority")
    return value_named(facts, keys) + bool(priority and value_named({"state": priority}, keys))


def value_named(facts: dict, keys: set[str]) -> bool:
    """Whether a question (its `keys`) names the record's current state, stage or status ("… in Negotiation",
    «на стадии переговоров»: stems and lexicon concepts, so either language; «закрытые» for resolved)."""
    value = words(facts.get("stage") or facts.get("state") or facts.get("status") or "")
    named = [keys_of for keys_of in map(_word_keys, value) if keys_of]
    if len(value) == 1 and any(key.startswith(STATUS_WORDS.get(value[0], ())) for key in keys):
        return True
    if (facts.get("stage") or facts.get("state")) and any(key.startswith(OPEN_WORDS) for key in keys):
        return not set(value) & CLOSED_STATES  # "which tickets are still open": any not done or dropped
    return bool(named) and all(word_keys & keys for word_keys in named)  # each word, by its stem or a concept


def key_weights(keys: set[str], documents: list[set[str]]) -> dict[str, float]:
    """Inverse document frequency of each question key over the items' texts: a word every item holds (the
    client's name, "project") counts little, one only a few hold counts most."""
    total = len(documents)
    return {key: math.log(1 + (total + 1) / (1 + sum(key in doc for doc in documents))) for key in keys}


def _score(sentence: Sentence, weights: dict[str, float], covered: frozenset = frozenset()) -> float:
    return sum(weight for key, weight in weights.items() if key in sentence.keys and key not in covered)


def answer_types(query: str) -> list[re.Pattern]:
    """What the question's answer looks like (a reason, a date, an amount): a pattern per type it asks for. Only a
    question asks for one: in a list of keywords ("… invoice deal budget") a word is a topic, not an answer type."""
    if not is_question(query):
        return []
    return [give for ask, give in _ANSWER_TYPES.values() if ask.search(query)]


def asks_latest(query: str) -> bool:
    """Whether the question asks for the most recent of something ("the latest call", «последний диалог»)."""
    return bool(_LATEST.search(query))


def is_question(query: str) -> bool:
    """Whether the text is phrased as a question: it has a question mark or a question word."""
    return "?" in query or bool(_QUESTION_WORD.search(query))


def best_sentences(
    found: list[Sentence],
    weights: dict[str, float],
    *,
    wanted: list[re.Pattern] = (),
    title: frozenset = frozenset(),
    facts: frozenset = frozenset(),
    latest: bool = False,
    dated: set[tuple[int, int]] = frozenset(),
    anchors: frozenset = frozenset(),
) -> list[Sentence]:
    """The sentence that adds most of what the question asks to the record's title and current `facts` (its
    question words they lack, plus one word's worth for each answer type it gives), then up to MAX_SENTENCES - 1
    more of the same record, each adding question words or answer types the chosen ones lack. Among equals the
    earlier sentence wins, or the later one when the question asks for the `latest` (lines are in time order:
    "the most recent kick-off call"); otherwise the same sentence of other notes of one template comes too."""
    if not found:
        return []
    order = 1 if latest else -1
    held = set().union(*(s.keys for s in found)) - (facts - title)  # its current facts don't name the record
    bonus = max((weight for key, weight in weights.items() if key in held), default=0.0)  # this record's top word
    types = [
        frozenset(n for n, give in enumerate(wanted) if give.search(_unlabelled(s.text)))
        | ({len(wanted)} if s.where in dated else set())  # written on the day the question names
        for s in found
    ]

    said = title | facts  # what the item shows beside its quote is no reason to quote a line

    def gain(i: int, keys: frozenset, given: frozenset) -> float:
        return _score(found[i], weights, keys | said) + bonus * len(types[i] - given)

    full = [_score(s, weights) for s in found]
    # A message, comment or note holding a figure or a name the question gives ("the call where the budget was
    # 34000 EUR", "the deal where Liam decides", "the note promising the proposal by 16.12") is the one it asks
    # about: every quoted sentence comes from such a line.
    named = _anchored_lines(found, anchors - title)
    allowed = [i for i in range(len(found)) if not named or found[i].where in named]
    first = max(allowed, key=lambda i: (gain(i, frozenset(), frozenset()), full[i], order * i))
    if latest and found[first].labelled:  # "who got the proposal most recently, and when do we follow up?": all
        allowed = [i for i in allowed if found[i].where == found[first].where]  # from that one note
    best = gain(first, frozenset(), frozenset())
    if best == 0:
        return [found[first]]  # it adds nothing to the title: the best repeat of it, else the first sentence
    chosen, keys, given = [first], found[first].keys, types[first]
    while len(chosen) < MAX_SENTENCES:
        more, i = max(((gain(i, keys, given), order * i) for i in allowed if i not in chosen),
                      default=(0, 0))  # fmt: skip
        if more == 0 or more < SECOND_GAIN * bonus:
            break
        chosen.append(order * i)
        keys, given = keys | found[order * i].keys, given | types[order * i]
    if not latest and not named:  # the same answer in other lines (two notes of one template): none is named
        chosen += _twins(found, chosen, weights)[: MAX_SENTENCES - 1]
    return [found[i] for i in sorted(chosen)]


def _anchored_lines(found: list[Sentence], anchors: frozenset) -> set[tuple[int, int]]:
    """The messages, comments or notes holding most of the question's anchors (none: every line is open)."""
    held: dict[tuple[int, int], set] = {}
    for sentence in found:
        if sentence.labelled and sentence.keys & anchors:
            held.setdefault(sentence.where, set()).update(sentence.keys & anchors)
    most = max((len(keys) for keys in held.values()), default=0)
    return {where for where, keys in held.items() if len(keys) == most}


def _twins(found: list[Sentence], chosen: list[int], asked: dict) -> list[int]:
    """Sentences of other lines that are a chosen one with other figures: "Budget around 30000 EUR." in one
    kick-off note, "Budget around 45000 EUR." in the next. A question that can't tell the notes apart gets both;
    one that names the figure ("proposal by 02.11") gets its own."""
    lines = {found[c].where for c in chosen}
    templates = {_template(found[c]) for c in chosen if found[c].figures and not found[c].figures & asked.keys()}
    return [i for i in range(len(found)) if found[i].where not in lines and _template(found[i]) in templates]


def _template(sentence: Sentence) -> frozenset:
    return sentence.keys - sentence.figures


def _with_answer(picked: list[Sentence], found: list[Sentence], asked: "Asked") -> list[Sentence]:
    """A single quoted sentence that the question itself quotes is followed by the sentence the question asks
    about: the reply to it (the next one by someone else) when the question asks what was answered, else the
    next one ("they reviewed v2 with their CEO — what did they say?"). A question asking what was answered
    gets the reply to the message it matched even when it does not quote it."""
    if not picked or (len(picked) > 1 and not asked.reply):
        return picked
    sentence = picked[0]
    speaker = _speaker(sentence.text)
    if asked.reply:  # "what did we tell them?" needs no quote: the reply to the message it matched
        if not speaker or any(_speaker(s.text) not in ("", speaker) for s in picked):
            return picked  # not a message, or a reply is already quoted
        later = found[found.index(sentence) + 1 :]
        replies = [s for s in later if s.where != sentence.where and _speaker(s.text) not in ("", speaker)]
        if not replies:
            return picked
        # the reply about what was asked ("… the Safari bug and a fix is in review"), else the next one
        about = sentence.keys | asked.keys
        return [*picked, max(replies, key=lambda s: (len(s.keys & about), -replies.index(s)))]
    own = {key for key in question_keys(_unlabelled(sentence.text)) if not key.startswith("c:")}
    if len(own) < 3 or len(own & asked.keys) < QUOTED_SHARE * len(own):
        return picked
    later = [s for s in found[found.index(sentence) + 1 :] if s.text != sentence.text]  # not a repeat of it
    return [sentence, later[0]] if later else picked


def _speaker(sentence: str) -> str:
    label = _LABEL.match(sentence)
    return label[1] if label else ""


def _with_figure(picked: list[Sentence], found: list[Sentence]) -> list[Sentence]:
    """A single quoted sentence without a figure is followed by the next sentence of its line when that one has
    a figure: «КП отправлено …» then «Напомнить 02.11.» — what was asked often ends in a date or an amount."""
    if len(picked) != 1 or _ANY_DIGIT.search(picked[0].text):
        return picked
    position = found.index(picked[0])
    following = found[position + 1] if position + 1 < len(found) else None
    if following is not None and following.where == picked[0].where and _FIGURE.search(following.text):
        return [picked[0], following]
    return picked


def snippet(line: str, keys: set[str], at: int | None = None) -> str:
    """The line, cut to ~SNIPPET_CHARS around `at` (where the quoted sentence starts), else its first matching
    word."""
    if len(line) <= SNIPPET_CHARS:
        return line
    lowered = line.lower()
    first = at if at is not None and at >= 0 else None
    if first is None:
        first = min((lowered.find(k) for k in keys if not k.startswith("c:") and k in lowered), default=0)
    start = max(0, first - SNIPPET_CHARS // 3)
    cut = line[start : start + SNIPPET_CHARS].strip()
    return ("… " if start else "") + cut + (" …" if start + SNIPPET_CHARS < len(line) else "")


def _line_meta(chunk, index: int) -> tuple[str, str | None]:
    lines = (chunk.meta or {}).get("lines") or []
    if 1 <= index <= len(lines):
        ref, at = lines[index - 1]
        return ref or "", at
    return "", None


def _unlabelled(sentence: str) -> str:
    label = _LABEL.match(sentence)
    return sentence[label.end() :] if label else sentence


def _quote(picked: list[Sentence]) -> str:
    """The picked sentences; a sentence that follows another of its own line drops the line's label again."""
    parts = [_unlabelled(s.text) if n and s.where == picked[n - 1].where else s.text for n, s in enumerate(picked)]
    text = " ".join(parts)
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 2].rstrip() + " …"


def _item(number: int, parts: list[Ranked], found: list[Sentence], asked: "Asked", chunk_ids: list[int]) -> dict:
    """The evidence item of one record from its fetched chunks (`parts`, best first): its best sentences among all
    of them; the line, link and time of the first quoted one."""
    ranked = parts[0]
    weights = asked.weights
    dated = {(n, line) for n, part in enumerate(parts) for line in dated_lines(part.chunk, asked.days)}
    facts = dict((ranked.chunk.meta or {}).get("facts") or {})  # the record's current state, owner, stage …
    picked = best_sentences(found, weights, wanted=asked.wanted, title=question_keys(ranked.chunk.title),
                            facts=question_keys(" ".join(map(str, facts.values()))), latest=asked.latest,
                            dated=dated, anchors=asked.anchors)  # fmt: skip
    picked = _with_figure(_with_answer(picked, found, asked), found)
    chunk = parts[picked[0].part].chunk if picked else ranked.chunk
    lines = chunk.text.split("\n")
    index = picked[0].line if picked else 0
    line = lines[index]
    ref, at = _line_meta(chunk, index)
    url = chunk.url
    if chunk.source_type == SourceType.CHATWOOT_CONVERSATION and ref.startswith("m:") and url:
        url = f"{url}?messageId={ref[2:]}"
    occurred = at or (chunk.occurred_at.isoformat() if chunk.occurred_at else None)
    return {
        "id": f"E{number}",
        "source_type": chunk.source_type,
        "source_id": chunk.source_id,
        "group": GROUP_OF.get(chunk.source_type, "chunks"),
        "title": chunk.title,
        "snippet": snippet(line, set(weights), at=line.find(_unlabelled(picked[0].text)) if picked else None),
        "quote": _quote(picked) if picked else line,
        "occurred_at": _iso_z(occurred),
        "url": url,
        "score": round(ranked.score, 6),
        "ref": ref,
        "archived": bool((ranked.chunk.meta or {}).get("archived")),  # archived at the source, still readable there
        "facts": facts,
        "chunk_ids": chunk_ids,
    }


def _iso_z(value: str | None) -> str | None:
    return value.replace("+00:00", "Z") if value else None


def evidence_build(*, ranked: list[Ranked], query: str, source_limit: int) -> list[dict]:
    """Group ranked chunks by source; return at most `source_limit` evidence items, best first. An item's quote
    is chosen among the sentences of every fetched chunk of its record (a long conversation's answer may sit in
    its second-best window)."""
    keys = question_keys(query)
    parts: dict[tuple, list[Ranked]] = {}
    for entry in ranked:
        parts.setdefault((entry.chunk.source_type, entry.chunk.source_id), []).append(entry)
    keys_in_order = list(parts)[:source_limit]
    found = {key: _record_sentences(parts[key]) for key in keys_in_order}
    documents = [set().union(*(s.keys for s in found[key])) | question_keys(parts[key][0].chunk.title)
                 for key in keys_in_order]  # fmt: skip
    asked = Asked(keys, key_weights(keys, documents), answer_types(query), bool(_REPLY.search(query)),
                  asks_latest(query), question_days(query), question_anchors(query, keys))  # fmt: skip
    return [
        _item(n, parts[key], found[key], asked, [entry.chunk.id for entry in parts[key]])
        for n, key in enumerate(keys_in_order, start=1)
    ]


def question_anchors(query: str, keys: set[str]) -> frozenset:
    """The question's figures (amounts, dates, numbers) and the stems of the names it gives inside a sentence
    ("… where Liam decides", «… принимал Noah»): keys that, held by one message, comment or note of a record,
    say which one the question is about."""
    figures = {key for key in keys if any(ch.isdigit() for ch in key)}
    names = set()
    for part in _SENTENCE_END.split(query):
        for word in _WORD_RE.findall(part)[1:]:  # not the capital a sentence starts with
            if word[0].isupper() and not word.isupper():  # a name, not an acronym (USD, DES, ЛПР)
                names.add(stem(word.lower().replace("ё", "е")))
    return frozenset(figures | (names & keys))


def _record_sentences(parts: list[Ranked]) -> list[Sentence]:
    """The sentences of a record's fetched chunks, best chunk first; a sentence an earlier window already holds
    (windows may share lines) is read once."""
    out: list[Sentence] = []
    for n, entry in enumerate(parts):
        earlier = {sentence.text for sentence in out}
        out += [sentence for sentence in sentences(entry.chunk, n) if sentence.text not in earlier]
    return out


def source_diversity(evidence: list[dict]) -> float:
    """Normalised entropy of the evidence over messages / issues / deals: 0 = one kind only, 1 = even spread."""
    groups = [item["group"] for item in evidence]
    if not groups:
        return 0.0
    shares = [groups.count(g) / len(groups) for g in set(groups)]
    entropy = -sum(p * math.log(p) for p in shares)
    return round(entropy / math.log(3), 3)


def quality_score(*, query: str, evidence: list[dict], fused: list, top: int = 10) -> float:
    """A 0..1 self-assessment shown with every answer (not a relevance judgement):

    0.5 × share of the question's content words found in the top three evidence snippets,
    0.3 × share of the top chunks that both retrievers found, 0.2 × min(1, evidence items / 3).
    """
    keys = {k for k in question_keys(query) if not k.startswith("c:")}
    found = set()
    for item in evidence[:3]:
        found |= question_keys(item["snippet"] + " " + item["title"]) & keys
    coverage = len(found) / len(keys) if keys else 0.0
    head = fused[:top]
    agreement = sum(1 for f in head if len(f.ranks) > 1) / len(head) if head else 0.0
    support = min(1.0, len(evidence) / 3)
    return round(0.5 * coverage + 0.3 * agreement + 0.2 * support, 3)
