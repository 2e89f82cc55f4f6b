"""Entity linking: which of the project's entities a question names.

The question's runs of 1–4 words, folded like the aliases (`rag.graph.names`: either script, usual
transliteration variants), are looked up exactly (names, short names, domains, issue keys, invoice numbers)
and, for names only, by trigram similarity (typos, declensions). A match scores its alias' weight × the
similarity; a match inside the words of a longer match of another entity is dropped ("Northwind Labs" does
not also link "Northwind Travel" through "Northwind"). One query for both lookups, always in one project.
"""

from dataclasses import dataclass

from django.db import connection, transaction

from rag.graph.names import fold_word
from rag.providers.offline import STOP_WORDS, words

LONGEST = 4
MIN_SCORE = 0.5
FUZZY_MIN_CHARS = 5  # shorter runs only match exactly: too many short words look alike
FUZZY_SIMILARITY = 0.55
MAX_LINKED = 6

LINK_SQL = """
WITH grams AS (SELECT * FROM unnest(%(grams)s::text[]) AS g(gram))
SELECT a.entity_id, g.gram, a.kind, a.weight, 1.0 AS similarity
FROM rag_graph_aliases a JOIN grams g ON a.norm = g.gram
WHERE a.project_id = %(project)s
UNION ALL
SELECT a.entity_id, g.gram, a.kind, a.weight, similarity(a.norm, g.gram)
FROM rag_graph_aliases a JOIN grams g ON a.norm %% g.gram
WHERE a.project_id = %(project)s AND a.kind IN ('name', 'short_name', 'domain') AND a.norm <> g.gram
  AND length(g.gram) >= %(fuzzy_min)s
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
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(FUZZY_SIMILARITY)])
        cursor.execute(LINK_SQL, {"grams": list(spans), "project": project.pk, "fuzzy_min": FUZZY_MIN_CHARS})
        rows = cursor.fetchall()
    best: dict[int, tuple] = {}  # entity id → (score, span, gram, how)
    for entity_id, gram, _kind, weight, similarity in rows:
        score = float(weight) * float(similarity)
        for span in spans[gram]:
            current = best.get(entity_id)
            candidate = (score, span, gram, "exact" if similarity >= 1.0 else "fuzzy")
            if current is None or (score, span[1] - span[0]) > (current[0], current[1][1] - current[1][0]):
                best[entity_id] = candidate
    kept = _drop_covered({entity_id: v for entity_id, v in best.items() if v[0] >= MIN_SCORE})
    return _entities(project, kept)


def _drop_covered(matches: dict[int, tuple]) -> dict[int, tuple]:
    """Drop a match whose words lie inside a longer match of another entity."""
    kept = {}
    for entity_id, (score, span, gram, how) in matches.items():
        covered = any(
            other != entity_id
            and o_span[0] <= span[0]
            and span[1] <= o_span[1]
            and (o_span[1] - o_span[0]) > (span[1] - span[0])
            for other, (_, o_span, _, _) in matches.items()
        )
        if not covered:
            kept[entity_id] = (score, span, gram, how)
    return kept


def _entities(project, matches: dict[int, tuple]) -> list[Linked]:
    from rag.models import GraphEntity

    rows = GraphEntity.objects.filter(project=project, id__in=list(matches)).only(
        "id", "kind", "key", "name", "source_type", "source_id", "facts"
    )
    linked = [
        Linked(e.id, e.kind, e.key, e.name, e.source_type, e.source_id, e.facts or {}, round(matches[e.id][0], 3),
               matches[e.id][2], matches[e.id][3])
        for e in rows
    ]  # fmt: skip
    linked.sort(key=lambda item: (-item.score, item.entity_id))
    return linked[:MAX_LINKED]
