"""Evidence: the fused chunks grouped by the source record they come from, each with its best sentence.

One evidence item per source (conversation, issue, deal, company), in the order of its best chunk, at most
`source_limit` of them. Each content line of the chunk (a message, a comment, a note, a paragraph; never the
header, which every chunk of the record repeats) is split into sentences, and a sentence scores the summed
weight of the question's words it holds (stems and lexicon concepts, so a Russian sentence can answer an English
question); a word weighs more the fewer of the evidence items hold it, so "invoice" outweighs the client's
name that every item repeats. The best sentence (and a second one of the same item when it adds question words
the first lacks) is the item's `quote`; the line holding it is the `snippet`. For a conversation that line is
one message, and the deep link points at it. `facts` are the record's current facts (`meta["facts"]`).
"""

import functools
import math
import re
from dataclasses import dataclass

from rag.models import GROUP_OF, SourceType
from rag.providers.lexicon import concepts_of
from rag.providers.offline import STOP_WORDS, stem, words

SNIPPET_CHARS = 320
QUOTE_CHARS = 400
_FIGURE = re.compile(r"\d\d")  # a date, an amount, a number: two digits in a row
_ANY_DIGIT = re.compile(r"\d")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"«(\[]?[A-ZА-ЯЁ0-9])")
_LABEL = re.compile(r"^((?:Comment|Note «[^»]{0,200}»|[^:]{1,80}?)): ")  # "Anna Petrova: …", "Comment: …"


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
        keys.update(_word_keys(word))
    return keys


@functools.lru_cache(maxsize=65536)
def _word_keys(word: str) -> frozenset:
    """A word's stem and concepts (cached: evidence reads every sentence of every item's chunk)."""
    if word in STOP_WORDS:
        return frozenset()
    return frozenset({stem(word), *(f"c:{concept}" for concept in concepts_of(word))})


@dataclass(frozen=True)
class Sentence:
    line: int  # index of its line in the chunk text (1 = first content line)
    text: str  # as quoted: a later sentence of a message or comment keeps its line's label
    keys: frozenset


def sentences(chunk) -> list[Sentence]:
    """The sentences of a chunk's content lines (the header, line 0, is left out), each with its keys."""
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
            out.append(Sentence(index, quoted, frozenset(question_keys(piece))))
    return out


def key_weights(keys: set[str], documents: list[set[str]]) -> dict[str, float]:
    """Inverse document frequency of each question key over the items' texts: a word every item holds (the
    client's name, "project") counts little, one only a few hold counts most."""
    total = len(documents)
    return {key: math.log(1 + (total + 1) / (1 + sum(key in doc for doc in documents))) for key in keys}


def _score(sentence: Sentence, weights: dict[str, float], covered: frozenset = frozenset()) -> float:
    return sum(weight for key, weight in weights.items() if key in sentence.keys and key not in covered)


def best_sentences(found: list[Sentence], weights: dict[str, float]) -> list[Sentence]:
    """The best-scoring sentence, plus the best other one that holds question words it lacks (same record)."""
    if not found:
        return []
    scores = [_score(s, weights) for s in found]
    first = max(range(len(found)), key=lambda i: (scores[i], -i))  # ties: the earlier sentence
    if scores[first] == 0:
        return [found[first]]  # nothing matches: the record's first content sentence (a title, a deal's summary)
    covered = found[first].keys
    gains = [(_score(s, weights, covered), -i) for i, s in enumerate(found) if i != first]
    gain, second = max(gains, default=(0, 0))
    if gain == 0 or gain < 0.5 * scores[first]:
        return [found[first]]
    return [found[i] for i in sorted((first, -second))]


def _with_figure(picked: list[Sentence], found: list[Sentence]) -> list[Sentence]:
    """A single quoted sentence without a figure is followed by the next sentence of its line when that one has
    a figure: «КП отправлено …» then «Напомнить 02.11.» — what was asked often ends in a date or an amount."""
    if len(picked) != 1 or _ANY_DIGIT.search(picked[0].text):
        return picked
    position = found.index(picked[0])
    following = found[position + 1] if position + 1 < len(found) else None
    if following is not None and following.line == picked[0].line and _FIGURE.search(following.text):
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
    parts = [_unlabelled(s.text) if n and s.line == picked[n - 1].line else s.text for n, s in enumerate(picked)]
    text = " ".join(parts)
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 2].rstrip() + " …"


def _item(number: int, ranked: Ranked, found: list[Sentence], weights: dict, chunk_ids: list[int]) -> dict:
    chunk = ranked.chunk
    lines = chunk.text.split("\n")
    picked = _with_figure(best_sentences(found, weights), found)
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
        "archived": bool((chunk.meta or {}).get("archived")),  # archived at the source, still readable there
        "facts": dict((chunk.meta or {}).get("facts") or {}),  # the record's current state, owner, stage …
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
    found = {key: sentences(best[key].chunk) for key in keys_in_order}
    documents = [set().union(*(s.keys for s in found[key])) | question_keys(best[key].chunk.title)
                 for key in keys_in_order]  # fmt: skip
    weights = key_weights(keys, documents)
    return [_item(n, best[key], found[key], weights, chunk_ids[key]) for n, key in enumerate(keys_in_order, start=1)]


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
