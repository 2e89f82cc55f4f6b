"""Entity linking: which of the project's entities a question names.

The question's runs of 1–4 words, folded like the aliases (`rag.graph.names`: either script, usual
transliteration variants), are looked up exactly (names, short names, domains, issue keys, invoice numbers)
and, for names only, by trigram similarity (typos, declensions). A match scores its alias' weight × the
similarity; a match inside the words of a longer match of another entity is dropped ("Northwind Labs" does
not also link "Northwind Travel" through "Northwind"). One query for both lookups, always in one project.
"""

import json
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from django.db import connection

from rag.graph.names import fold_word
from rag.providers.lexicon import concepts_of
from rag.providers.offline import STOP_WORDS, words

LONGEST = 4
MIN_SCORE = 0.5
FUZZY_MIN_CHARS = 4  # shorter words only match exactly: too many short words look alike
FUZZY_MIN_RATIO = 0.75  # per-word spelling similarity (mean over the words) that counts as a typo
MAX_LINKED = 6

# Exact: the question's runs of words against the alias keys (btree). Fuzzy candidates: aliases holding a word
# like one of the question's words (`<%`: pg_trgm's word similarity ≥ its default 0.6; one trigram index scan
# per word, not per run), and every client's name (a studio has a few hundred clients at most; a name written
# in the other script, «Саммит Лигал» for Summit Legal, shares too few trigrams with it to be a candidate);
# runs are scored in Python. The entities come along: one round trip.
LINK_SQL = """
WITH found AS (
    SELECT a.entity_id, a.norm, a.weight
    FROM rag_graph_aliases a
    WHERE a.project_id = %(project)s AND a.norm = ANY(%(grams)s)
    UNION
    SELECT a.entity_id, a.norm, a.weight
    FROM rag_graph_aliases a JOIN unnest(%(words)s::text[]) AS w(word) ON w.word <%% a.norm
    WHERE a.project_id = %(project)s AND a.kind IN ('name', 'short_name', 'domain')
    UNION
    SELECT a.entity_id, a.norm, a.weight
    FROM rag_graph_aliases a JOIN rag_graph_entities c ON c.id = a.entity_id AND c.project_id = %(project)s
    WHERE a.project_id = %(project)s AND a.kind = 'name' AND c.kind = 'client'
)
SELECT f.entity_id, f.norm, f.weight, e.kind, e.key, e.name, e.source_type, e.source_id, e.facts
FROM found f JOIN rag_graph_entities e ON e.id = f.entity_id AND e.project_id = %(project)s
"""


@dataclass(frozen=True)
class Linked:
    entity_id: int
    kind: str
    key: str
    name: str
    source_type: str
    source_id: str
    facts: dict
    score: float
    matched: str  # the question's words (folded) that named it
    how: str  # exact | fuzzy


def _dictionary_words(question: str) -> frozenset:
    """The folded words of the question that the lexicon knows («суммы», "budget"): words, not misspelled names,
    so they never match a name's word by spelling alone (they still match a word they spell exactly)."""
    return frozenset(fold_word(w) for w in words(question) if concepts_of(w))


def _spans(question: str) -> dict[str, list[tuple[int, int]]]:
    """{folded run of words: [(start, end) word positions]} for runs of 1..LONGEST words that are not all
    stop words."""
    raw = words(question)
    folded = [fold_word(w) for w in raw]
    spans: dict[str, list[tuple[int, int]]] = {}
    for size in range(LONGEST, 0, -1):
        for start in range(len(raw) - size + 1):
            if raw[start] in STOP_WORDS or raw[start + size - 1] in STOP_WORDS:
                continue  # a name neither starts nor ends with "the", "of", "и"
            run = " ".join(w for w in folded[start : start + size] if w)
            if run:
                spans.setdefault(run, []).append((start, start + size))
    return spans


def entities_link(*, project, question: str) -> list[Linked]:
    """The entities the question names, best first (at most MAX_LINKED)."""
    spans = _spans(question)
    if not spans:
        return []
    dictionary = _dictionary_words(question)
    words = sorted({w for gram in spans for w in gram.split() if len(w) >= FUZZY_MIN_CHARS and not w.isdigit()})
    with connection.cursor() as cursor:
        cursor.execute(LINK_SQL, {"grams": list(spans), "words": words, "project": project.pk})
        rows = cursor.fetchall()
    entities = {row[0]: row[3:] for row in rows}
    by_size: dict[int, list[str]] = {}
    for gram in spans:
        by_size.setdefault(gram.count(" ") + 1, []).append(gram)
    best: dict[int, tuple] = {}  # entity id → (score, span, gram, how)
    named_by: dict[int, set] = {}  # entity id → the question's word runs that name it
    for entity_id, norm, weight, *_ in rows:
        gram, similarity = _closest(norm, spans, by_size, dictionary)
        if similarity < FUZZY_MIN_RATIO:
            continue
        score = float(weight) * similarity
        named_by.setdefault(entity_id, set()).update(spans[gram])
        for span in spans[gram]:
            current = best.get(entity_id)
            candidate = (score, span, gram, "exact" if similarity >= 1.0 else "fuzzy")
            if current is None or (score, span[1] - span[0]) > (current[0], current[1][1] - current[1][0]):
                best[entity_id] = candidate
    kept = _drop_covered({entity_id: v for entity_id, v in best.items() if v[0] >= MIN_SCORE})
    kinds = {entity_id: row[0] for entity_id, row in entities.items()}
    return _entities(entities, _disambiguated(kept, named_by, kinds))


def _disambiguated(matches: dict[int, tuple], named_by: dict[int, set], kinds: dict[int, str]) -> dict[int, tuple]:
    """Of two entities of a kind named by the same words ("Northwind Labs", two clients of that name), drop the
    one the question names no other way when the other is also named otherwise ("… (northwind.example)",
    "… from northwind-group"): the question said which."""
    dropped = set()
    for entity_id in matches:
        for other in matches:
            if other == entity_id or kinds[other] != kinds[entity_id]:
                continue
            shared = named_by.get(entity_id, set()) & named_by.get(other, set())
            if shared and not _apart(named_by[entity_id], shared) and _apart(named_by[other], shared):
                dropped.add(entity_id)
    return {entity_id: match for entity_id, match in matches.items() if entity_id not in dropped}


def _apart(spans: set, shared: set) -> int:
    """How many of these word runs lie within none of the `shared` ones."""
    return sum(1 for start, end in spans if not any(s <= start and end <= e for s, e in shared))


def _closest(norm: str, spans: dict, by_size: dict, dictionary: frozenset = frozenset()) -> tuple[str, float]:
    """The question's run of words closest to an alias key: itself when the question holds it, else the run of
    as many words spelled most like it (typos only in names: keys and numbers match exactly)."""
    if norm in spans:
        return norm, 1.0
    if any(ch.isdigit() for ch in norm):
        return "", 0.0
    scored = [(spelling_similarity(gram, norm, dictionary), gram) for gram in by_size.get(norm.count(" ") + 1, [])]
    similarity, gram = max(scored, default=(0.0, ""))
    return gram, similarity


def spelling_similarity(gram: str, norm: str, dictionary: frozenset = frozenset()) -> float:
    """1.0 for the same key; for keys of as many words, the mean per-word similarity of their spellings
    (difflib's ratio: one wrong or missing letter in a word costs little); else 0. A word of the `dictionary`
    (one the lexicon knows: «суммы», not a misspelled "Summit") matches only itself."""
    if gram == norm:
        return 1.0
    a, b = gram.split(), norm.split()
    if len(a) != len(b):
        return 0.0
    return sum(
        1.0 if x == y else 0.0 if x in dictionary else _word_similarity(x, y) for x, y in zip(a, b, strict=True)
    ) / len(a)


@lru_cache(maxsize=4096)
def _word_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if abs(len(a) - len(b)) > 3:
        return 0.0  # more than three letters apart is never a typo of one word
    return SequenceMatcher(None, a, b).ratio()


def _drop_covered(matches: dict[int, tuple]) -> dict[int, tuple]:
    """Drop a match whose words lie inside a longer match of another entity, and a typo match where another
    entity matches the same words exactly."""
    kept = {}
    for entity_id, (score, span, gram, how) in matches.items():
        covered = any(
            other != entity_id
            and o_span[0] <= span[0]
            and span[1] <= o_span[1]
            and ((o_span[1] - o_span[0]) > (span[1] - span[0]) or (how == "fuzzy" and o_how == "exact"))
            for other, (_, o_span, _, o_how) in matches.items()
        )
        if not covered:
            kept[entity_id] = (score, span, gram, how)
    return kept


def _facts(value) -> dict:
    """A raw cursor reads jsonb as text (Django leaves decoding to the model field)."""
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def _entities(entities: dict, matches: dict[int, tuple]) -> list[Linked]:
    linked = [
        Linked(entity_id, *entities[entity_id][:5], _facts(entities[entity_id][5]), round(match[0], 3), match[2],
               match[3])
        for entity_id, match in matches.items()
    ]  # fmt: skip
    linked.sort(key=lambda item: (-item.score, item.entity_id))
    return linked[:MAX_LINKED]
