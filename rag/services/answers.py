"""Answers with citations: from a chat model that must cite evidence ids, or extractive from the top evidence.

A model's answer is checked sentence by sentence: citation ids not in the evidence are removed, and a
sentence left without a valid citation is dropped (and counted), because an uncited claim is not one the
product can back. If nothing cited survives — or the model is down — the extractive answer is used.
"""

import re
from dataclasses import dataclass, field

from rag.providers import ProviderError

EXTRACTIVE_ITEMS = 3
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


def answer_extractive(evidence: list[dict], *, mode: str = "extractive") -> Answer:
    """The best line of each of the top evidence items, each with its citation."""
    if not evidence:
        return Answer(NO_EVIDENCE, [], mode)
    lines = [f"{item['title']}: {item['snippet']} [{item['id']}]" for item in evidence[:EXTRACTIVE_ITEMS]]
    return Answer("\n".join(lines), [item["id"] for item in evidence[:EXTRACTIVE_ITEMS]], mode)


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
        fallback = answer_extractive(evidence, mode="extractive_fallback")
        fallback.degraded, fallback.flags = True, {"llm_error": str(exc)}
        return fallback
    text, citations, flags = citations_validate(reply, {item["id"] for item in evidence})
    if not citations:
        fallback = answer_extractive(evidence, mode="extractive_fallback")
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
