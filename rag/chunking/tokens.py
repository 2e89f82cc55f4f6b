"""Approximate token counting and token-aware splitting with overlap.

No tokenizer is downloaded at run time, so counts are an estimate calibrated on OpenAI's cl100k encoding:
an ASCII word costs one token per started 5 characters, a number or a Cyrillic word one per started 3
(cl100k groups digits by three and splits Russian finely), punctuation one. On the studio's English and
Russian text it runs a little high, which keeps provider requests under their token limits.
"""

import re
from collections.abc import Iterable

_PIECES = re.compile(r"\w+|[^\w\s]")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


def token_count(text: str) -> int:
    """Estimated number of tokens of `text`."""
    total = 0
    for match in _PIECES.finditer(text):
        piece = match.group()
        per_token = 3 if piece.isdigit() or not piece.isascii() else 5
        total += 1 + (len(piece) - 1) // per_token
    return total


def sentences(text: str) -> list[str]:
    """Sentence-ish pieces: split after . ! ? … and at line breaks."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


def split_long(text: str, *, max_tokens: int) -> list[str]:
    """Cut a text with no usable sentence breaks into word runs of at most `max_tokens`."""
    parts, current, used = [], [], 0
    for word in text.split():
        cost = token_count(word)
        if current and used + cost > max_tokens:
            parts.append(" ".join(current))
            current, used = [], 0
        current.append(word)
        used += cost
    if current:
        parts.append(" ".join(current))
    return parts


def pack(costs: Iterable[int], *, max_tokens: int, overlap_tokens: int) -> list[list[int]]:
    """Group consecutive items into windows of at most `max_tokens`, repeating up to `overlap_tokens` of the
    previous window's tail at the start of the next. Returns lists of item indexes.

    An item bigger than `max_tokens` gets a window of its own (callers split such items first).
    """
    costs = list(costs)
    windows: list[list[int]] = []
    current: list[int] = []
    used = 0
    for index, cost in enumerate(costs):
        if current and used + cost > max_tokens:
            windows.append(current)
            current = _tail(current, costs, overlap_tokens, room=max_tokens - cost)
            used = sum(costs[i] for i in current)
        current.append(index)
        used += cost
    if current:
        windows.append(current)
    return windows


def _tail(window: list[int], costs: list[int], overlap_tokens: int, *, room: int) -> list[int]:
    """The last items of `window` that fit in the overlap (and leave room for the next item)."""
    tail: list[int] = []
    used = 0
    for index in reversed(window[1:]):  # never carry the whole window: the next one must move on
        if used + costs[index] > min(overlap_tokens, room):
            break
        tail.insert(0, index)
        used += costs[index]
    return tail


def split_text(text: str, *, max_tokens: int, overlap_tokens: int) -> list[str]:
    """Split prose into pieces of at most `max_tokens` at sentence breaks, overlapping by ~`overlap_tokens`."""
    pieces = []
    for sentence in sentences(text):
        if token_count(sentence) > max_tokens:
            pieces.extend(split_long(sentence, max_tokens=max(1, max_tokens // 2)))
        else:
            pieces.append(sentence)
    windows = pack([token_count(p) for p in pieces], max_tokens=max_tokens, overlap_tokens=overlap_tokens)
    return [" ".join(pieces[i] for i in window) for window in windows]
