"""Token-aware splitting: bounded chunks, overlap between neighbours, every unit kept in order."""

import datetime as dt

from rag.chunking.documents import Document, Unit, draft_chunks
from rag.chunking.tokens import pack, split_text, token_count

T0 = dt.datetime(2026, 10, 1, 12, 0, tzinfo=dt.UTC)


def test_token_estimate_counts_words_punctuation_and_cyrillic_more_densely():
    assert token_count("") == 0
    assert token_count("Hello, world!") == 4
    assert token_count("internationalisation") == 4  # one per started 5 characters for ASCII words
    assert token_count("согласовали") == 4  # ~3 characters per token for Cyrillic
    assert token_count("Invoice #4821 approved.") > token_count("Invoice approved")


def test_pack_overlaps_by_whole_items_and_never_repeats_a_whole_window():
    windows = pack([10] * 10, max_tokens=40, overlap_tokens=10)
    assert windows[0] == [0, 1, 2, 3]
    assert windows[1][0] == 3  # the last item of a window opens the next one
    assert all(sum(10 for _ in w) <= 40 for w in windows)
    assert windows[-1][-1] == 9
    assert pack([50, 50], max_tokens=40, overlap_tokens=10) == [[0], [1]]  # oversized items stand alone


def test_long_prose_is_split_at_sentences_under_the_limit_with_overlap():
    text = " ".join(f"Sentence number {i} talks about the homepage hero and the Safari form." for i in range(60))
    pieces = split_text(text, max_tokens=60, overlap_tokens=20)
    assert len(pieces) > 5
    assert all(token_count(piece) <= 60 for piece in pieces)
    assert pieces[0].split(". ")[-1].rstrip(".") in pieces[1]  # the tail of one piece opens the next


def test_a_conversation_becomes_windows_that_repeat_its_header_and_keep_message_refs():
    units = [Unit(f"Ruby: message {i} about invoices and mockups.", ref=f"m:{i}", at=T0 + dt.timedelta(minutes=i))
             for i in range(40)]  # fmt: skip
    document = Document("chatwoot_conversation", "12", "Conversation #12", "Chatwoot conversation #12 with Ruby",
                        "https://chat.example/app/accounts/1/conversations/12", units)  # fmt: skip
    chunks = draft_chunks(document, max_tokens=80, overlap_tokens=15)
    assert len(chunks) > 3
    assert all(c.text.startswith("Chatwoot conversation #12 with Ruby\n") for c in chunks)
    assert all(c.token_count <= 80 for c in chunks)
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    first_refs = [ref for ref, _ in chunks[0].meta["lines"]]
    assert first_refs[0] == "m:0"
    assert chunks[1].meta["lines"][0][0] == first_refs[-1]  # overlap: the next window starts with the last message
    assert chunks[0].occurred_at == T0
    covered = {ref for c in chunks for ref, _ in c.meta["lines"]}
    assert covered == {f"m:{i}" for i in range(40)}


def test_same_content_gives_the_same_hash_and_a_change_a_new_one():
    document = Document("linear_issue", "i1", "DEV-1 Fix", "Linear issue DEV-1", "", [Unit("Fix the form.")])
    again = Document("linear_issue", "i1", "DEV-1 Fix", "Linear issue DEV-1", "", [Unit("Fix the form.")])
    edited = Document("linear_issue", "i1", "DEV-1 Fix", "Linear issue DEV-1", "", [Unit("Fix the form today.")])
    [a], [b], [c] = (draft_chunks(d, max_tokens=100, overlap_tokens=10) for d in (document, again, edited))
    assert a.content_hash == b.content_hash != c.content_hash


def test_multiline_units_become_one_line_each_so_evidence_can_point_at_them():
    document = Document("linear_issue", "i1", "t", "Linear issue", "", [Unit("line one\n\nline two", ref="c:1")])
    [chunk] = draft_chunks(document, max_tokens=100, overlap_tokens=10)
    assert chunk.text == "Linear issue\nline one line two"
    assert chunk.meta["lines"] == [["c:1", None]]


def test_each_chunk_records_the_token_count_of_its_own_text():
    long_unit = Unit(" ".join(f"Согласовали макет {i}, invoice #{4800 + i}." for i in range(120)), ref="m:long")
    units = [Unit(f"Ruby: message {i} about invoices & mockups!", ref=f"m:{i}") for i in range(40)] + [long_unit]
    document = Document(
        "chatwoot_conversation", "12", "Conversation #12", "Chatwoot conversation #12 — Ruby", "", units
    )
    drafts = draft_chunks(document, max_tokens=120, overlap_tokens=20)
    assert len(drafts) > 3
    assert [draft.token_count for draft in drafts] == [token_count(draft.text) for draft in drafts]
