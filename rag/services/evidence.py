"""Evidence: the fused chunks grouped by the source record they come from, each with its best line.

One evidence item per source (conversation, issue, deal, company), in the order of its best chunk, at most
`source_limit` of them. The snippet is the chunk line that shares most of the question's words (stems and
lexicon concepts, so a Russian line can answer an English question); for a conversation that line is one
message, and the deep link points at it.
"""

import math
from dataclasses import dataclass

from rag.models import GROUP_OF, SourceType
from rag.providers.lexicon import concepts_of
from rag.providers.offline import STOP_WORDS, stem, words

SNIPPET_CHARS = 320


@dataclass(frozen=True)
class Ranked:
    """A chunk row with its fused score and ranks."""

    chunk: object
    score: float
    ranks: dict


def question_keys(text: str) -> set[str]:
    """Stems and concepts of the content words of a text."""
    keys = set()
    for word in words(text):
        if word in STOP_WORDS:
            continue
        keys.add(stem(word))
        keys.update(f"c:{concept}" for concept in concepts_of(word))
    return keys


def best_line(chunk, keys: set[str]) -> tuple[int, str]:
    """(line index, line) of the chunk's content line sharing most keys with the question (1 = first)."""
    lines = chunk.text.split("\n")
    if len(lines) == 1:
        return 0, lines[0]
    scored = [(len(question_keys(line) & keys), -index, index) for index, line in enumerate(lines[1:], start=1)]
    _, _, index = max(scored)
    return index, lines[index]


def snippet(line: str, keys: set[str]) -> str:
    """The line, cut to ~SNIPPET_CHARS around its first matching word."""
    if len(line) <= SNIPPET_CHARS:
        return line
    lowered = line.lower()
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


def _item(number: int, ranked: Ranked, keys: set[str], chunk_ids: list[int]) -> dict:
    chunk = ranked.chunk
    index, line = best_line(chunk, keys)
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
        "snippet": snippet(line, keys),
        "occurred_at": _iso_z(occurred),
        "url": url,
        "score": round(ranked.score, 6),
        "ref": ref,
        "archived": bool((chunk.meta or {}).get("archived")),  # archived at the source, still readable there
        "chunk_ids": chunk_ids,
    }


def _iso_z(value: str | None) -> str | None:
    return value.replace("+00:00", "Z") if value else None


def evidence_build(*, ranked: list[Ranked], query: str, source_limit: int) -> list[dict]:
    """Group ranked chunks by source; return at most `source_limit` evidence items, best first."""
    keys = question_keys(query)
    best: dict[tuple, Ranked] = {}
    chunk_ids: dict[tuple, list[int]] = {}
    for entry in ranked:
        key = (entry.chunk.source_type, entry.chunk.source_id)
        best.setdefault(key, entry)
        chunk_ids.setdefault(key, []).append(entry.chunk.id)
    keys_in_order = list(best)[:source_limit]
    return [_item(n, best[key], keys, chunk_ids[key]) for n, key in enumerate(keys_in_order, start=1)]


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
