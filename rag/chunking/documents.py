"""A document is everything one source record says (a conversation, an issue with its comments, a deal or
company with its notes); drafting cuts it into token-bounded chunks that each repeat the document's header."""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from rag.chunking.tokens import pack, split_text, token_count

MIN_BODY_TOKENS = 40  # however long a header is, each chunk keeps at least this much room for content


@dataclass
class Unit:
    """One piece of a document's content: a message, a paragraph, a comment, a note."""

    text: str
    ref: str = ""  # "m:<message id>", "c:<comment id>", "n:<note id>"; empty for the record's own fields
    author: str = ""
    at: dt.datetime | None = None


@dataclass
class Document:
    """One source record ready for chunking."""

    source_type: str
    source_id: str
    title: str
    header: str
    url: str
    units: list[Unit]
    occurred_at: dt.datetime | None = None
    author: str = ""
    meta: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ChunkDraft:
    """A chunk as it should be stored; `content_hash` covers exactly what is embedded (`text`)."""

    source_type: str
    source_id: str
    ordinal: int
    title: str
    text: str
    url: str
    author: str
    occurred_at: dt.datetime | None
    content_hash: str
    token_count: int
    meta: dict

    def meta_json(self) -> str:
        return json.dumps(self.meta, sort_keys=True, separators=(",", ":"), default=str)


def content_hash(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def draft_chunks(document: Document, *, max_tokens: int, overlap_tokens: int) -> list[ChunkDraft]:
    """Cut a document into chunks of at most ~`max_tokens` (header included), overlapping by whole units."""
    header = " ".join(document.header.split())
    header_tokens = token_count(header)
    budget = max(MIN_BODY_TOKENS, max_tokens - header_tokens)
    units, costs = _fit_units(document.units, budget=budget, overlap_tokens=overlap_tokens)
    if not units:
        return []
    windows = pack(costs, max_tokens=budget, overlap_tokens=overlap_tokens)
    return [
        _draft(document, header, ordinal, [units[i] for i in window], header_tokens + sum(costs[i] for i in window))
        for ordinal, window in enumerate(windows)
    ]


def _fit_units(units: list[Unit], *, budget: int, overlap_tokens: int) -> tuple[list[Unit], list[int]]:
    """Drop empty units; split any unit longer than the budget into pieces that keep its ref, author and time.

    Returns the units and their token counts (counted once: re-chunking a busy project counts a lot of text).
    """
    fitted, costs = [], []
    for unit in units:
        text = " ".join(unit.text.split())  # one unit = one line of the chunk text (evidence maps lines back)
        if not text:
            continue
        cost = token_count(text)
        if cost <= budget:
            fitted.append(Unit(text, unit.ref, unit.author, unit.at))
            costs.append(cost)
            continue
        for piece in split_text(text, max_tokens=budget, overlap_tokens=min(overlap_tokens, budget // 4)):
            fitted.append(Unit(piece, unit.ref, unit.author, unit.at))
            costs.append(token_count(piece))
    return fitted, costs


def _draft(document: Document, header: str, ordinal: int, units: list[Unit], tokens: int) -> ChunkDraft:
    """One chunk; `tokens` is the sum of its lines' counts, which is the count of their newline-joined text
    (a line break separates pieces the way any whitespace does)."""
    text = "\n".join([header, *(u.text for u in units)])
    times = [u.at for u in units if u.at is not None]
    authors = list(dict.fromkeys(u.author for u in units if u.author))
    # Line i + 1 of the text is unit i: its ref and time let evidence point at one message or comment.
    lines = [[u.ref, u.at.isoformat() if u.at else None] for u in units]
    meta = {**document.meta, "lines": lines}
    return ChunkDraft(
        source_type=document.source_type,
        source_id=str(document.source_id),
        ordinal=ordinal,
        title=document.title[:300],
        text=text,
        url=document.url[:500],
        author=(", ".join(authors) or document.author)[:300],
        occurred_at=min(times) if times else document.occurred_at,
        content_hash=content_hash(text),
        token_count=tokens,
        meta=meta,
    )
