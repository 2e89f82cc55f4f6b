"""Keyword retrieval: PostgreSQL full-text search with per-project IDF, and trigram matching for misspellings.

Steps:
1. The question's lexemes, as the `russian` text-search configuration stems them (Russian words with the
   Russian stemmer, Latin ones with the English one), each with its IDF from the project's search stats.
2. Candidates: chunks containing a rare lexeme of the question (in at most 2 % of the project's chunks and at
   most RARE_MAX of them) or two of its common ones; at most CANDIDATE_CAP of them are scored, each as it is
   read. A project of up to SCAN_CHUNKS chunks is filtered row by row (its own rows only); a bigger one goes
   through the GIN index with as few common lexemes as possible, because GIN posting lists of common words span
   every project, and when it holds most of the table (MOST_SHARE) the matching rows are checked for the
   project one by one instead of through a bitmap of all its chunks.
3. Score = Σ IDF of the question's lexemes the chunk contains (`rag_idf_score`, a SQL function that reads the
   chunk's tsvector once); equal scores are common, so PostgreSQL's `ts_rank` with length normalisation
   orders them (a short, focused chunk first).
4. Names in the question (capitalised words) that the project's text does not contain at all (typos, other
   spellings) are looked up by trigram similarity in chunk titles, where names live; a match adds to the score.
"""

import re
from dataclasses import dataclass
from itertools import combinations

from django.db import connection, transaction

from rag.models import SEARCH_CONFIG
from rag.providers.offline import STOP_WORDS, words
from rag.services import search_stats
from rag.services.hits import Hit

MAX_TERMS = 12
RARE_SHARE = 0.02
RARE_MAX = 500  # … and in at most this many: in a big project, a word in 2 % of it is no needle
PAIR_TERMS = 6  # the rarest common lexemes that may pair up
CANDIDATE_CAP = 2000  # chunks scored at most
# Up to this many chunks, filtering the project's rows beats reading the shared GIN index, whose posting lists
# for common words span every project.
SCAN_CHUNKS = 5_000
MOST_SHARE = 0.4  # a project with this share of all chunks is filtered row by row, not through its index
TRIGRAM_WEIGHT = 0.5  # × the rarest lexeme's IDF: a title matching a misspelt name counts like half a rare word
TRIGRAM_MIN_WORD = 4
_NAME = re.compile(r"\b[A-ZА-ЯЁ][^\W_]+")

LEXEMES_SQL = f"""
SELECT l.lexeme, (s.common ->> l.lexeme)::int, s.chunk_count, s.min_df,
       (SELECT reltuples FROM pg_class WHERE oid = 'rag_chunks'::regclass)::bigint
FROM unnest(to_tsvector('{SEARCH_CONFIG}', %(query)s)) AS l
LEFT JOIN rag_search_stats s ON s.project_id = %(project)s
"""

MISSING_SQL = f"""
SELECT t.word FROM (
    SELECT w AS word, ARRAY(SELECT lexeme FROM unnest(to_tsvector('{SEARCH_CONFIG}', w))) AS lexemes
    FROM unnest(%(words)s::text[]) AS w
) t
WHERE cardinality(t.lexemes) > 0 AND NOT t.lexemes <@ %(known)s::text[]
  AND NOT EXISTS (
      SELECT 1 FROM rag_chunks c
      WHERE c.project_id = %(project)s
        AND c.search @@ (SELECT string_agg(quote_literal(l), ' | ') FROM unnest(t.lexemes) AS l)::tsquery
  )
"""

# The candidates are scored as they are read (a subquery with LIMIT is never flattened: at most `cap` rows are
# scored), so each row is fetched once.
FTS_SQL = """
SELECT id, score, source_type, source_id FROM (
    SELECT c.id, rag_idf_score(c.search, %(terms)s::tsquery[], %(weights)s::float8[]) AS score,
           ts_rank(c.search, %(all_terms)s::tsquery, 1) AS rank, c.source_type, c.source_id
    FROM rag_chunks c
    WHERE {in_project} AND c.search @@ %(candidates)s::tsquery {where}
    LIMIT %(cap)s
) candidates
ORDER BY score DESC, rank DESC, id
LIMIT %(limit)s
"""

TRIGRAM_SQL = """
SELECT c.id, max(word_similarity(t.term, c.title)) AS similarity, c.source_type, c.source_id
FROM rag_chunks c, unnest(%(words)s::text[]) AS t(term)
WHERE c.project_id = %(project)s AND t.term <%% c.title {where}
GROUP BY c.id
ORDER BY similarity DESC, c.id
LIMIT %(limit)s
"""


@dataclass(frozen=True)
class Term:
    query: str  # a tsquery literal of one lexeme
    idf: float
    df: int | None  # chunks containing it, when the stats know (None: rare or no stats yet)
    rare: bool


def question_terms(*, project, query: str) -> tuple[list[Term], int, int]:
    """The question's lexemes with the project's IDF weights, rarest first, the project's chunk count (0 when it
    has no search statistics yet) and the planner's estimate of all projects' chunks (0 when unknown)."""
    with connection.cursor() as cursor:
        cursor.execute(LEXEMES_SQL, {"query": query, "project": project.pk})
        rows = cursor.fetchall()
    chunk_count = next((row[2] for row in rows if row[2] is not None), 0)
    table_chunks = max(rows[0][4], 0) if rows else 0
    terms = []
    for lexeme, df, count, min_df, _ in rows:
        if count is None:  # no stats yet (a new project): every lexeme weighs the same
            terms.append(Term(_literal(lexeme), 1.0, None, True))
            continue
        idf = search_stats.idf(df=df, chunk_count=count, min_df=min_df)
        terms.append(Term(_literal(lexeme), idf, df, df is None or df <= min(RARE_SHARE * count, RARE_MAX)))
    return sorted(terms, key=lambda t: (-t.idf, t.query))[:MAX_TERMS], chunk_count, table_chunks


def _literal(lexeme: str) -> str:
    return "'" + lexeme.replace("'", "''") + "'"


def candidate_query(terms: list[Term], *, big: bool = False) -> str:
    """Rare lexemes alone, common ones in pairs: a chunk must hold a rare word of the question or two common
    ones (a chunk sharing one common word with the question is noise, and in a big project a lot of it).

    In a big project common lexemes only pair up when the question has no rare one, and then only the two
    rarest: each common lexeme costs a GIN posting list that spans every project.
    """
    rare = [t.query for t in terms if t.rare]
    common = [t.query for t in terms if not t.rare]
    if big:
        common = [] if rare else common[:2]
    parts = rare + [f"({a} & {b})" for a, b in combinations(common[:PAIR_TERMS], 2)]
    return " | ".join(parts or common)


def missing_words(*, project, query: str, known: list[str]) -> list[str]:
    """Names in the question (capitalised words of 4+ letters) that no chunk of the project contains; `known`
    lexemes (in the project's stats) are not looked up."""
    names = [w for w in _NAME.findall(query) if len(w) >= TRIGRAM_MIN_WORD]
    candidates = [w for w in dict.fromkeys(words(" ".join(names))) if w not in STOP_WORDS]
    if not candidates:
        return []
    with connection.cursor() as cursor:
        cursor.execute(MISSING_SQL, {"words": candidates[:MAX_TERMS], "project": project.pk, "known": known})
        return [row[0] for row in cursor.fetchall()]


def keyword_search(*, project, query: str, limit: int, filters) -> list[Hit]:
    """Chunks of the project matching the question's words, best first (see the module docstring)."""
    terms, chunk_count, table_chunks = question_terms(project=project, query=query)
    where, params = filters.sql()
    scores: dict[int, float] = {}
    sources: dict[int, tuple[str, str]] = {}
    # A search over some records' chunks (a local query) reads those rows through the source index, however
    # big the project: the GIN posting lists of its words would span every project.
    big = chunk_count > SCAN_CHUNKS and filters.sources is None
    with transaction.atomic(), connection.cursor() as cursor:
        # Plans here are cheap; JIT compilation would cost more than it saves.
        cursor.execute(
            "SELECT set_config('jit', 'off', true), set_config('enable_bitmapscan', %s, true)",
            ["on" if big or not terms else "off"],
        )
        if terms:
            most = big and 0 < MOST_SHARE * table_chunks <= chunk_count
            sql = _fts_sql(where, most=most)
            cursor.execute(sql, {**params, **_fts_params(project, terms, limit, big=big)})
            for chunk_id, score, source_type, source_id in cursor.fetchall():
                scores[chunk_id], sources[chunk_id] = float(score), (source_type, source_id)
            if not big:  # the name lookups below want their bitmap scans back
                cursor.execute("SELECT set_config('enable_bitmapscan', 'on', true)")
        known = [t.query[1:-1].replace("''", "'") for t in terms if t.df is not None]
        misspelt = missing_words(project=project, query=query, known=known)
        if misspelt:
            weight = TRIGRAM_WEIGHT * max((t.idf for t in terms), default=1.0)
            cursor.execute(TRIGRAM_SQL.format(where=where), {**params, "project": project.pk, "words": misspelt,
                                                             "limit": limit})  # fmt: skip
            for chunk_id, similarity, source_type, source_id in cursor.fetchall():
                scores[chunk_id] = scores.get(chunk_id, 0.0) + weight * float(similarity)
                sources[chunk_id] = (source_type, source_id)
    # A stable sort keeps the SQL's own order (its tie-breaks) among equal scores.
    ranked = sorted(scores.items(), key=lambda item: -item[1])[:limit]
    return [Hit(chunk_id, score, sources.get(chunk_id)) for chunk_id, score in ranked]


def _fts_sql(where: str, *, most: bool = False) -> str:
    # A project holding most of the table is filtered row by row: its index's bitmap (every one of its chunks)
    # costs more than checking the few rows the words match. `IS TRUE` keeps the planner off that index.
    in_project = "(c.project_id = %(project)s) IS TRUE" if most else "c.project_id = %(project)s"
    return FTS_SQL.format(where=where, in_project=in_project)


def _fts_params(project, terms: list[Term], limit: int, *, big: bool) -> dict:
    return {
        "project": project.pk,
        "limit": limit,
        "cap": CANDIDATE_CAP,
        "candidates": candidate_query(terms, big=big),
        "terms": [t.query for t in terms],
        "all_terms": " | ".join(t.query for t in terms),
        "weights": [t.idf for t in terms],
    }
