"""Extractive answers quote the sentence that answers: from a note or a comment rather than the record's header,
one sentence from each of two records when the question spans them, and a record's current facts when asked."""

import datetime as dt
import itertools
import re
from types import SimpleNamespace

import pytest

from connectors.selectors import raw_rows
from rag.services.answers import answer_extractive
from rag.services.evidence import Ranked, evidence_build

_ids = itertools.count(1)


def chunk(source_type, source_id, title, header, *lines, facts=None, refs=None):
    """A chunk as the builder writes it: header, then one line per unit (with its ref)."""
    refs = refs or [""] * len(lines)
    return SimpleNamespace(
        id=next(_ids),
        source_type=source_type,
        source_id=source_id,
        title=title,
        text="\n".join([header, *lines]),
        url="",
        occurred_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
        meta={"lines": [[ref, None] for ref in refs], **({"facts": facts} if facts else {})},
    )


def answer(query, *chunks):
    ranked = [Ranked(c, 1.0 / rank, {"keyword": rank}) for rank, c in enumerate(chunks, start=1)]
    evidence = evidence_build(ranked=ranked, query=query, source_limit=8)
    return answer_extractive(evidence, query=query), evidence


ISSUE_FACTS = {"state": "In Progress", "assignee": "Anna Petrova", "priority": "High", "project": "Acme Website",
               "cycle": "Cycle 3"}  # fmt: skip
ISSUE = chunk(
    "linear_issue", "i-12", "ACME-12 Checkout fails on Safari",
    "Linear issue ACME-12 (In Progress, priority High, Cycle 3) in Acme Website, assigned to Anna Petrova",
    "Checkout fails on Safari",
    "Customers on Safari 17 see a blank payment step.",
    "Comment: Root cause is the CSP header on the payment iframe. The fix ships in release 2.4 on Friday.",
    facts=ISSUE_FACTS, refs=["", "", "c:77"],
)  # fmt: skip
DEAL = chunk(
    "attio_deal", "d-1", "Deal Acme retainer",
    "Attio deal Acme retainer · Acme: Proposal, 12000 USD, owned by Boris Ivanov",
    "Deal Acme retainer. Stage: Proposal. Amount: 12000 USD. Owner: Boris Ivanov. Company: Acme.",
    "Note «Call with Acme»: Acme liked the moodboards. They asked to move the invoice date to March 3. "
    "Payment terms stay net 30.",
    facts={"stage": "Proposal", "amount": "12000 USD", "owner": "Boris Ivanov"}, refs=["", "n:5"],
)  # fmt: skip
CONVERSATION = chunk(
    "chatwoot_conversation", "41", "Conversation #41 · Maria (Acme)",
    "Chatwoot conversation #41 with Maria (Acme), open, assigned to Anna Petrova",
    "Maria: Hello! Invoice INV-204 was charged twice on our Acme card. Could you refund one of them?",
    "Anna Petrova: Sorry about that, we are looking into it.",
    facts={"status": "open", "assignee": "Anna Petrova"}, refs=["m:1", "m:2"],
)  # fmt: skip
OTHER_ACME = chunk(
    "attio_company", "c-1", "Company Acme", "Attio company Acme (acme.test)",
    "Company Acme (acme.test). Design studio client since 2024. People: Maria, Ivan.",
)  # fmt: skip
DUPLICATE_FIX = chunk(
    "linear_issue", "i-30", "ACME-30 Duplicate charges", "Linear issue ACME-30 (Todo), unassigned",
    "Duplicate charges",
    "Comment: The double charge fix is tracked here and deploys with the billing worker.",
    facts={"state": "Todo", "assignee": "", "priority": "", "project": "", "cycle": ""}, refs=["", "c:9"],
)  # fmt: skip


def test_an_answer_in_a_deal_note_quotes_the_note_sentence_not_the_header_or_summary():
    reply, evidence = answer("What did Acme ask about the invoice date?", DEAL, OTHER_ACME, CONVERSATION)
    assert evidence[0]["quote"] == "Note «Call with Acme»: They asked to move the invoice date to March 3."
    first = reply.text.split("\n")[0]
    assert "move the invoice date to March 3" in first
    assert "Acme: Proposal, 12000 USD" not in reply.text  # the header line is never quoted
    assert first.endswith("[E1]")


def test_an_answer_in_an_issue_comment_quotes_the_comment_sentence_with_its_label():
    reply, evidence = answer("When does the fix ship?", ISSUE, OTHER_ACME)
    assert evidence[0]["quote"] == "Comment: The fix ships in release 2.4 on Friday."
    assert evidence[0]["ref"] == "c:77"
    assert "The fix ships in release 2.4 on Friday. [E1]" in reply.text
    assert "Linear issue ACME-12" not in reply.text


def test_rare_question_words_outweigh_the_ones_every_record_repeats():
    # "Acme" is in every item; "refund" in one sentence only: that sentence answers.
    _reply, evidence = answer("Acme refund request", CONVERSATION, OTHER_ACME, DEAL)
    assert "Could you refund one of them?" in evidence[0]["quote"]
    assert evidence[0]["quote"].startswith("Maria: ")  # a later sentence of a message keeps its author


def test_a_question_spanning_two_records_gets_one_sentence_from_each():
    query = (
        "What did Maria say about invoice INV-204 being charged twice, and which issue tracks the double charge fix?"
    )
    reply, _evidence = answer(query, CONVERSATION, OTHER_ACME, DUPLICATE_FIX)
    lines = reply.text.split("\n")
    assert "charged twice" in lines[0]
    assert lines[0].endswith("[E1]")
    assert "double charge fix is tracked here" in lines[1]
    assert lines[1].endswith("[E3]")
    assert reply.citations[:2] == ["E1", "E3"]


@pytest.mark.parametrize(
    "query",
    ["What status is ACME-12 in now?", "Who is on ACME-12?", "В каком статусе ACME-12 сейчас?",
     "Кто ответственный за ACME-12?", "What priority does ACME-12 have?"],
)  # fmt: skip
def test_a_question_about_a_current_fact_is_answered_from_the_records_facts(query):
    reply, evidence = answer(query, ISSUE, OTHER_ACME)
    assert evidence[0]["facts"] == ISSUE_FACTS
    assert reply.text.split("\n")[0] == "ACME-12 is In Progress, assigned to Anna Petrova, priority High [E1]."
    assert reply.citations[0] == "E1"


def test_deal_and_conversation_facts_read_naturally():
    deal, _ = answer("Which stage is the Acme retainer deal at and who owns it?", DEAL)
    assert deal.text.startswith(
        "Deal Acme retainer is at stage Proposal, owned by Boris Ivanov, amount 12000 USD [E1]."
    )
    conversation, _ = answer("Is conversation 41 still open? What status?", CONVERSATION)
    assert conversation.text.startswith("Conversation #41 is open, assigned to Anna Petrova [E1].")


def test_a_question_without_a_fact_word_gets_no_facts_sentence():
    reply, _ = answer("Customers on Safari see a blank payment step", ISSUE)
    assert "is In Progress" not in reply.text
    assert "blank payment step" in reply.text


# ---------------------------------------------------------------- on synced sandbox data, through the API


@pytest.mark.django_db
def test_a_synced_deal_note_answers_with_its_sentence_and_private_notes_never_appear(studio_project, owner_api):
    note = next(
        n for n in raw_rows(project=studio_project, source="attio", stream="notes").filter(parent_object="deals")
        if len(re.split(r"(?<=[.!?])\s+", n.content.strip())) >= 2
    )  # fmt: skip
    deal = raw_rows(project=studio_project, source="attio", stream="deals").get(external_id=note.parent_external_id)
    sentence = re.split(r"(?<=[.!?])\s+", note.content.strip())[-1]
    body = owner_api.post("/api/lightrag/query", {"query": f"{deal.name}: {sentence}"}).json()
    item = next(i for i in body["evidence"] if i["source_id"] == deal.external_id)
    assert sentence in item["quote"]
    assert sentence in body["answer"]
    assert f"[{item['id']}]" in body["answer"]
    assert "Attio deal" not in body["answer"]  # no header line quoted

    private = raw_rows(project=studio_project, source="chatwoot", stream="messages").filter(private=True).first()
    body = owner_api.post("/api/lightrag/query", {"query": private.content}).json()
    assert private.content not in body["answer"]
    assert all(private.content not in item["quote"] for item in body["evidence"])


def test_a_long_lines_snippet_is_cut_around_the_quoted_sentence():
    filler = " ".join(f"Paragraph filler sentence number {n} about the brand colours." for n in range(12))
    long = chunk(
        "linear_issue", "i-40", "ACME-40 Brand book", "Linear issue ACME-40 (Todo), unassigned", "Brand book",
        f"{filler} The signed contract PDF lives in the shared drive. {filler}",
    )  # fmt: skip
    _reply, evidence = answer("Where is the signed contract PDF?", long)
    assert evidence[0]["quote"] == "The signed contract PDF lives in the shared drive."
    assert "The signed contract PDF lives in the shared drive." in evidence[0]["snippet"]
    assert evidence[0]["snippet"].startswith("… ")


def test_a_sentence_without_a_figure_is_quoted_with_the_next_one_that_has_it():
    proposal = chunk(
        "attio_deal", "d-7", "Deal Acme redesign", "Attio deal Acme redesign · Acme: Proposal, 9000 EUR",
        "Deal Acme redesign. Stage: Proposal.",
        "Note «КП отправлено»: Коммерческое предложение по проекту «редизайн» отправлено (Acme). Напомнить 02.11.",
        refs=["", "n:9"],
    )  # fmt: skip
    reply, evidence = answer("Отправляли ли коммерческое предложение для Acme?", proposal)
    assert evidence[0]["quote"].endswith("отправлено (Acme). Напомнить 02.11.")
    assert "Напомнить 02.11." in reply.text
    # A sentence that has its figure stays alone (the deal note above: "… to March 3.", not "… net 30.").
    _reply, evidence = answer("What did Acme ask about the invoice date?", DEAL)
    assert evidence[0]["quote"].endswith("They asked to move the invoice date to March 3.")


# ---------------------------------------------------------------- what the question asks for


BLOCKED = chunk(
    "linear_issue", "i-50", "ACME-50 Checkout shows old prices",
    "Linear issue ACME-50 (Todo) in Acme Website, assigned to Olga Smirnova", "Checkout shows old prices",
    "Prices on the Acme checkout are cached. Invalidate the cache on price updates.",
    "Comment by Olga Smirnova: Blocked until Acme sends the final copy.",
    "Comment by Anna Petrova: Fixed in the latest build, please verify on staging.",
    facts={"state": "Todo", "assignee": "Olga Smirnova", "priority": "", "project": "Acme Website", "cycle": ""},
    refs=["", "", "c:1", "c:2"],
)  # fmt: skip
KICKOFFS = chunk(
    "attio_deal", "d-9", "Deal Acme app", "Attio deal Acme app: Lead, 40000 EUR, owned by Boris Ivanov",
    "Deal Acme app. Stage: Lead. Amount: 40000 EUR.",
    "Note «Kick-off call with Acme»: Discussed the app. Budget around 30000 EUR. Decision maker: Maria. "
    "Next step: proposal by 12.10.",
    "Note «Kick-off call with Acme»: Discussed the app. Budget around 45000 EUR. Decision maker: Ivan. "
    "Next step: proposal by 02.11.",
    facts={"stage": "Lead", "amount": "40000 EUR", "owner": "Boris Ivanov"}, refs=["", "n:1", "n:2"],
)  # fmt: skip
THREAD = chunk(
    "chatwoot_conversation", "52", "Conversation #52 · Maria (Acme)",
    "Chatwoot conversation #52 with Maria (Acme), pending, assigned to Anna",
    "Maria: We reviewed v2 of the app with our CEO. Overall we like it, but the colours are off on mobile.",
    "Maria: Any news on the staging server?",
    "Maria: Please send the final logo files.",
    "Anna Petrova: The staging server is updated: the new menu and footer are ready to check.",
    facts={"status": "pending", "assignee": "Anna"}, refs=["m:1", "m:2", "m:3", "m:4"],
)  # fmt: skip


def test_each_quoted_record_shows_its_current_state_and_owner():
    reply, _ = answer("checkout cache invalidation", BLOCKED, THREAD)
    assert reply.text.splitlines()[0].startswith("ACME-50 Checkout shows old prices (Todo · Olga Smirnova): ")


def test_a_why_question_quotes_the_reason_not_the_description():
    _reply, evidence = answer("Why is ACME-50 for Acme stuck?", BLOCKED)
    assert evidence[0]["quote"] == "Comment by Olga Smirnova: Blocked until Acme sends the final copy."


def test_a_question_about_two_things_in_a_note_quotes_a_sentence_for_each_from_the_latest_note():
    _reply, evidence = answer("What budget and decision maker did the most recent Acme kick-off call record?", KICKOFFS)
    assert "Budget around 45000 EUR." in evidence[0]["quote"]
    assert "Decision maker: Ivan." in evidence[0]["quote"]
    _reply, evidence = answer("What budget did the Acme kick-off call record?", KICKOFFS)
    assert "Budget around 30000 EUR." in evidence[0]["quote"]  # not asked for the latest: the first of equals


def test_a_quoted_message_brings_what_follows_it_and_a_reply_question_brings_the_reply():
    _reply, evidence = answer("What did Acme write after «we reviewed v2 of the app with our CEO»?", THREAD)
    assert evidence[0]["quote"].endswith("Overall we like it, but the colours are off on mobile.")
    reply, evidence = answer("Acme asked «Any news on the staging server?» What did we answer?", THREAD)
    assert evidence[0]["quote"] == (
        "Maria: Any news on the staging server? "
        "Anna Petrova: The staging server is updated: the new menu and footer are ready to check."
    )
    assert "new menu and footer" in reply.text


def test_the_number_of_an_issue_key_does_not_pull_in_a_date_that_shares_it():
    other = chunk(
        "chatwoot_conversation", "60", "Conversation #60 · Ivan (Beta)",
        "Chatwoot conversation #60 with Ivan (Beta), open, assigned to Anna", "Ivan: Is the call on 12.11 still on?",
        facts={"status": "open", "assignee": "Anna"}, refs=["m:9"],
    )  # fmt: skip
    reply, _ = answer("Why is ACME-12 stuck?", ISSUE, OTHER_ACME, DUPLICATE_FIX, other)  # three of four are quoted
    assert "12.11" not in reply.text


@pytest.mark.parametrize(
    ("question", "days"),
    [
        ("Какой счёт выставили 2 октября?", {(10, 2)}),
        ("What did they say on 2 October?", {(10, 2)}),
        ("news from Oct 2nd or the 3rd of March", {(10, 2), (3, 3)}),
        ("Что писали 12 мая?", {(5, 12)}),
        ("Safari 17.2, 2 of them, the 3 decisions, 2 marketing sites, 14 дней, in 30 days", set()),
    ],
)
def test_a_question_names_days_of_the_year_in_either_language(question, days):
    from rag.services.evidence import question_days

    assert question_days(question) == days


def test_a_question_naming_a_day_quotes_what_was_written_that_day():
    thread = chunk(
        "chatwoot_conversation", "70", "Conversation #70 · Maria (Acme)",
        "Chatwoot conversation #70 with Maria (Acme), open, assigned to Anna",
        "Anna Petrova: Invoice #1111 for the app is attached, 4500 USD due in 14 days.",
        "Anna Petrova: Invoice #2222 for the app is attached, 19500 USD due in 14 days.",
        facts={"status": "open", "assignee": "Anna"}, refs=["m:1", "m:2"],
    )  # fmt: skip
    thread.meta["lines"] = [["m:1", "2026-09-14T10:00:00Z"], ["m:2", "2026-10-02T09:30:00Z"]]
    _reply, evidence = answer("Which invoice did we send Acme on 2 October, and for how much?", thread)
    assert "#2222" in evidence[0]["quote"]
    _reply, evidence = answer("Which invoice did we send Acme, and for how much?", thread)
    assert "#1111" in evidence[0]["quote"]  # no day named: the first of equals


def test_only_a_question_asks_for_a_kind_of_answer():
    from rag.services.evidence import answer_types

    for question in ("What budget did Acme name?", "Какой бюджет назвали?", "Why is ACME-12 stuck", "budget for Acme?"):
        assert answer_types(question), question
    assert answer_types("Safari contact form bug invoice deal kick-off budget") == []  # keywords: topics


def test_which_records_are_in_a_state_lists_each_once_with_its_facts():
    deals = [
        chunk(
            "attio_deal", f"d-{n}", f"Deal Client {n} site", f"Attio deal Client {n} site: Negotiation, {n}000 EUR",
            f"Deal Client {n} site. Stage: Negotiation. Amount: {n}000 EUR.",
            facts={"stage": "Negotiation", "amount": f"{n}000 EUR", "owner": "Anna Petrova"},
        )
        for n in range(1, 6)
    ]  # fmt: skip
    reply, _ = answer("Which deals are in Negotiation?", *deals, DEAL)
    lines = reply.text.splitlines()
    assert [line.split(" is at stage")[0] for line in lines] == [f"Deal Client {n} site" for n in range(1, 6)]
    assert all(f"amount {n}000 EUR" in lines[n - 1] for n in range(1, 6))


def test_the_quote_is_chosen_among_every_fetched_window_of_the_record():
    header = "Chatwoot conversation #80 with Maria (Acme), open, assigned to Anna"
    first = chunk(
        "chatwoot_conversation", "80", "Conversation #80 · Maria (Acme)", header,
        "Maria: We reviewed v2 of the app with our CEO.", "Maria: Any news on the staging server?",
        facts={"status": "open", "assignee": "Anna"}, refs=["m:1", "m:2"],
    )  # fmt: skip
    second = chunk(
        "chatwoot_conversation", "80", "Conversation #80 · Maria (Acme)", header,
        "Maria: Any news on the staging server?",
        "Anna Petrova: Invoice #7358 for the app is attached, 19500 EUR due in 14 days.",
        facts={"status": "open", "assignee": "Anna"}, refs=["m:2", "m:3"],
    )  # fmt: skip
    _reply, evidence = answer("How much was Acme's app invoice?", first, second)
    assert len(evidence) == 1  # one record, two windows
    assert "Invoice #7358" in evidence[0]["quote"]
    assert evidence[0]["ref"] == "m:3"  # the deep link points at the quoted message, in the second window
    assert evidence[0]["chunk_ids"] == [first.id, second.id]


def test_a_reply_question_gets_the_reply_after_two_quoted_sentences_of_the_client():
    question = "Acme asked about the staging server and the final logo files. What did we answer?"
    _reply, evidence = answer(question, THREAD)
    assert evidence[0]["quote"].endswith("Anna Petrova: The staging server is updated: the new menu and footer are "
                                         "ready to check.")  # fmt: skip
    assert "Please send the final logo files." in evidence[0]["quote"]


def test_a_date_in_the_question_tells_apart_two_notes_of_one_template():
    for date, other in (("02.11", "12.10"), ("12.10", "02.11")):
        _reply, evidence = answer(f"Acme app: Next step: proposal by {date}.", KICKOFFS)
        assert f"Next step: proposal by {date}." in evidence[0]["quote"]
        assert other not in evidence[0]["quote"]


def maria_threads(message: str, *rows: tuple[int, str, str]) -> list:
    """One-message conversations with Maria of Acme: (number, status, assignee) each."""
    return [
        chunk(
            "chatwoot_conversation", str(n), f"Conversation #{n} · Maria (Acme)",
            f"Chatwoot conversation #{n} with Maria (Acme), {status}", f"Maria: {message}",
            facts={"status": status, "assignee": assignee}, refs=["m:1"],
        )
        for n, status, assignee in rows
    ]  # fmt: skip


def test_a_status_question_naming_the_task_answers_from_the_task_even_below_the_conversations_asking_for_it():
    asks = maria_threads("Please send the final logo files.", *((n, "pending", "") for n in range(1, 8)))
    task = chunk(
        "linear_issue", "i-40", "ACME-40 Final logo files", "Linear issue ACME-40 (In Progress), assigned to Anna",
        "Final logo files", facts={"state": "In Progress", "assignee": "Anna Petrova"},
    )  # fmt: skip
    reply, evidence = answer("Acme asked for the final logo files: what status is the task in?", *asks, task)
    assert evidence[7]["title"] == "ACME-40 Final logo files"
    assert reply.text.startswith("ACME-40 is In Progress, assigned to Anna Petrova [E8].")


def test_a_message_sent_twice_is_quoted_once_with_what_follows_it():
    repeated = chunk(
        "chatwoot_conversation", "53", "Conversation #53 · Maria (Acme)",
        "Chatwoot conversation #53 with Maria (Acme), pending",
        "Maria: Please send the final logo files in SVG and PNG.",
        "Maria: Please send the final logo files in SVG and PNG.",
        "Maria: The payment page shows the old prices again.",
        facts={"status": "pending", "assignee": ""}, refs=["m:1", "m:2", "m:3"],
    )  # fmt: skip
    _reply, evidence = answer("What did Acme write after «please send the final logo files in SVG and PNG»?", repeated)
    assert evidence[0]["quote"] == (
        "Maria: Please send the final logo files in SVG and PNG. Maria: The payment page shows the old prices again."
    )


def test_notes_of_one_template_that_answer_equally_are_all_quoted_unless_the_latest_is_asked():
    _reply, evidence = answer("What budgets did the Acme app kick-off calls mention?", KICKOFFS)
    assert "30000 EUR" in evidence[0]["quote"]
    assert "45000 EUR" in evidence[0]["quote"]
    _reply, evidence = answer("What budget did the latest Acme app kick-off call mention?", KICKOFFS)
    assert "45000 EUR" in evidence[0]["quote"]
    assert "30000 EUR" not in evidence[0]["quote"]


def test_a_deal_named_by_its_amount_quotes_the_note_asked_about_not_its_amount_line():
    _reply, evidence = answer("The 40000 EUR Acme app deal: who is the decision maker from the latest call?", KICKOFFS)
    assert "Decision maker: Ivan." in evidence[0]["quote"]
    assert "Amount" not in evidence[0]["quote"]


def test_who_has_the_open_threads_lists_the_open_conversations_with_their_assignees():
    threads = maria_threads("Any news on the staging server?", (1, "resolved", "Boris"), (2, "open", "Anna"),
                            (3, "snoozed", "Ivan"), (4, "open", "Olga"))  # fmt: skip
    reply, _ = answer("Who has the open threads with Maria from Acme?", *threads)
    facts_lines = [line for line in reply.text.splitlines() if " is " in line.split(":")[0]]
    assert facts_lines == [
        "Conversation #2 is open, assigned to Anna [E2].",
        "Conversation #4 is open, assigned to Olga [E4].",
    ]
    reply, _ = answer("Какие диалоги с Марией из Acme отложены?", *threads)
    assert reply.text.splitlines()[0] == "Conversation #3 is snoozed, assigned to Ivan [E3]."


def test_a_phrase_in_the_question_picks_the_sentence_that_names_its_concept_in_a_word():
    thread = chunk(
        "chatwoot_conversation", "54", "Conversation #54 · Maria (Acme)",
        "Chatwoot conversation #54 with Maria (Acme), open",
        "Maria: Please send the final logo files.", "Maria: The hero feels too busy, can we try a lighter version?",
        facts={"status": "open", "assignee": ""}, refs=["m:1", "m:2"],
    )  # fmt: skip
    _reply, evidence = answer("Что Acme просили поменять на первом экране?", thread)
    assert evidence[0]["quote"] == "Maria: The hero feels too busy, can we try a lighter version?"


def test_a_figure_the_question_names_picks_the_note_every_quoted_sentence_comes_from():
    for budget, maker, other in (("30000", "Maria", "Ivan"), ("45000", "Ivan", "Maria")):
        question = f"Acme app: who was the decision maker on the call where the budget was {budget} EUR?"
        _reply, evidence = answer(question, KICKOFFS)
        assert f"Decision maker: {maker}." in evidence[0]["quote"]
        assert other not in evidence[0]["quote"]


def test_the_record_in_the_state_and_priority_the_question_names_answers_first():
    issues = [
        chunk(
            "linear_issue", f"i-{n}", f"ACME-{n} Checkout cache", f"Linear issue ACME-{n} ({state})", "Checkout cache",
            facts={"state": state, "assignee": assignee, "priority": priority},
        )
        for n, state, priority, assignee in ((1, "In Review", "Medium", ""), (2, "Done", "Urgent", "Anna Petrova"),
                                             (3, "In Progress", "Urgent", "Olga Smirnova"))
    ]  # fmt: skip
    reply, _ = answer("Who has the urgent checkout cache ticket in progress?", *issues)
    assert reply.text.startswith("ACME-3 is In Progress, assigned to Olga Smirnova, priority Urgent [E3].")


def test_a_reply_question_gets_the_reply_about_what_was_asked_not_just_the_next_one():
    thread = chunk(
        "chatwoot_conversation", "55", "Conversation #55 · Maria (Acme)",
        "Chatwoot conversation #55 with Maria (Acme), open",
        "Maria: We found a bug: the contact form does not submit on Safari.",
        "Anna Petrova: We moved the review call to Monday.",
        "Anna Petrova: We reproduced the Safari bug and a fix is in review.",
        facts={"status": "open", "assignee": "Anna"}, refs=["m:1", "m:2", "m:3"],
    )  # fmt: skip
    _reply, evidence = answer("Acme says their form won't send from Safari. What did we tell them?", thread)
    assert evidence[0]["quote"].endswith("Anna Petrova: We reproduced the Safari bug and a fix is in review.")


def commented_issue(n: int, title: str, description: str, comment: str, state: str):
    """Acme's issue ACME-<n> with a description and one comment by Anna Petrova, its assignee."""
    return chunk(
        "linear_issue", f"i-{n}", f"ACME-{n} {title}", f"Linear issue ACME-{n} ({state})", title, description,
        f"Comment by Anna Petrova: {comment}", facts={"state": state, "assignee": "Anna Petrova"},
        refs=["", "", f"c:{n}"],
    )  # fmt: skip


def test_who_decides_which_version_and_what_was_found_are_kinds_of_answer():
    for question in ("Кто принимает решение по сделке Acme app?", "Acme app: what budget, and who signs off there?",
                     "Who has the final say at Acme on the app?"):  # fmt: skip
        _reply, evidence = answer(question, KICKOFFS)
        assert "Decision maker:" in evidence[0]["quote"], question
    staging = commented_issue(7, "Staging deploy for review", "Deploy the current build to staging.",
                              "Shared v4 with Acme, waiting for feedback.", "Canceled")  # fmt: skip
    _reply, evidence = answer("Which version did we send Acme on the staging deploy task?", staging)
    assert "v4" in evidence[0]["quote"]
    safari = commented_issue(8, "Fix contact form on Safari", "Reproduce and fix.",
                             "Reproduced on Safari 17.2, looks like a polyfill issue.", "Done")  # fmt: skip
    _reply, evidence = answer("Что выяснили разработчики по ошибке с формой в Safari у Acme?", safari)
    assert "polyfill" in evidence[0]["quote"]


def test_a_name_the_question_gives_picks_the_note_it_is_about():
    for maker, budget, other in (("Maria", "30000", "45000"), ("Ivan", "45000", "30000")):
        _reply, evidence = answer(
            f"Acme app: back when {maker} was the one deciding, what budget did they name?", KICKOFFS
        )
        assert f"Budget around {budget} EUR." in evidence[0]["quote"]
        assert other not in evidence[0]["quote"]


@pytest.mark.parametrize(
    ("question", "asks_state"),
    [("Did the Linear ticket for the banner copy go anywhere?", True), ("What happened to the tickets for it?", True),
     ("Сколько клиент был готов потратить?", False), ("Макеты готовы?", True), ("Задачу закрыли или нет?", True)],
)  # fmt: skip
def test_how_people_ask_where_a_record_stands(question, asks_state):
    from rag.services.answers import asked_facts

    assert ("state" in asked_facts(question)) == asks_state


def test_who_looks_after_a_clients_chats_names_each_chat_with_its_assignee():
    assignees = ("Anna", "", "Olga", "", "Mark")
    chats = maria_threads("Any news on the staging server?", *((n, "open", a) for n, a in enumerate(assignees, 1)))
    reply, _ = answer("Who on our side is looking after Acme's chats?", *chats)
    lines = reply.text.splitlines()
    assert lines[:5] == [f"Conversation #{n} is open, " + (f"assigned to {a}" if a else "unassigned") + f" [E{n}]."
                         for n, a in enumerate(("Anna", "", "Olga", "", "Mark"), start=1)]  # fmt: skip


def test_a_question_asking_for_a_kind_of_record_quotes_the_best_one_beside_the_messages_that_match_it_better():
    asks = maria_threads("The brand colours look wrong on phones.", *((n, "open", "Anna") for n in range(1, 5)))
    task = chunk(
        "linear_issue", "i-6", "ACME-6 Mobile colour review", "Linear issue ACME-6 (Done), assigned to Olga",
        "Mobile colour review", "Adjust the palette for small screens after the client review.",
        facts={"state": "Done", "assignee": "Olga Smirnova"},
    )  # fmt: skip
    reply, _ = answer("Maria says the brand colours look wrong on phones. Did that become a Linear task?", *asks, task)
    lines = reply.text.splitlines()
    assert lines[0].startswith("Conversation #1 · Maria (Acme)")
    assert lines[1].startswith("ACME-6 Mobile colour review (Done · Olga Smirnova)")
    assert len(lines) == 3
    reply, _ = answer("Maria says the brand colours look wrong on phones. What did we answer?", *asks, task)
    assert "ACME-6" not in reply.text  # no kind asked: the best quotes


def test_which_clients_lists_each_client_whose_record_says_the_same():
    def terms(name: str, invoice: int):
        note = f"Note «Payment terms»: {name} asked for 30-day payment terms on invoice #{invoice}."
        if invoice % 2:  # a deal's note says it as a company's does, without "client of the studio"
            return chunk("attio_deal", f"d-{invoice}", f"Deal {name} app", f"Attio deal {name} app",
                         f"Deal {name} app.", note, refs=["", "n:1"])  # fmt: skip
        return chunk("attio_company", f"c-{invoice}", f"Company {name}", f"Attio company {name}",
                     f"Company {name}. Client of the studio since 2024.", note, refs=["", "n:1"])  # fmt: skip

    names = ("Acme", "Globex", "Initech", "Umbrella")
    other = chunk(
        "chatwoot_conversation", "9", "Conversation #9 · Hank (Hooli)", "Chatwoot conversation #9 with Hank (Hooli)",
        "Hank: Invoice #5555 is approved, payment should arrive by Friday.", refs=["m:1"],
    )  # fmt: skip
    query = "Which clients asked us for 30-day payment terms?"
    records = [*(terms(name, 1000 + i) for i, name in enumerate(names)), other]
    ranked = [Ranked(c, 1.0 / rank, {"keyword": rank}) for rank, c in enumerate(records, start=1)]
    evidence = evidence_build(ranked=ranked, query=query, source_limit=8)
    for item, name in zip(evidence, [*names, "Hooli"], strict=True):
        item["client"] = {"id": f"account-{name}", "name": name}
    lines = answer_extractive(evidence, query=query).text.splitlines()
    assert [line.split(":")[0].split(" (")[0] for line in lines] == [
        "Company Acme", "Deal Globex app", "Company Initech", "Deal Umbrella app"
    ]  # fmt: skip


def test_which_deals_someone_owns_lists_each_deal_with_its_owner():
    from rag.services.answers import asked_facts

    assert {"owner", "assignee"} <= asked_facts("Which deals does Sophie Turner own?")
    deals = [
        chunk("attio_deal", f"d-{n}", f"Deal Acme {n}", f"Attio deal Acme {n}", f"Deal Acme {n}.",
              facts={"stage": "Lead", "amount": f"{n}000 USD", "owner": "Sophie Turner"})
        for n in range(1, 6)
    ]  # fmt: skip
    reply, _ = answer("Which deals does Sophie Turner own?", *deals)
    listed = [line.split(" is at stage")[0] for line in reply.text.splitlines()]
    assert listed == [f"Deal Acme {n}" for n in range(1, 6)]


def test_a_record_whose_quote_gives_the_kind_of_answer_asked_is_quoted_before_records_ranked_above_it():
    palette = chunk(
        "linear_issue", "i-9", "ACME-9 Mobile colours", "Linear issue ACME-9 (Done)", "Mobile colours",
        "Adjust the Acme palette for small screens after the client review.", facts={"state": "Done"},
    )  # fmt: skip
    question = "Acme: how much money was the client ready to put in when Ivan made the decisions?"
    reply, evidence = answer(question, palette, KICKOFFS)
    assert evidence[0]["title"] == "ACME-9 Mobile colours"  # the ranking stays; the answer leads with the note
    lines = reply.text.splitlines()
    noted = next(n for n, line in enumerate(lines) if "Decision maker: Ivan" in line and "45000 EUR" in line)
    assert all("ACME-9" not in line for line in lines[:noted])


def test_the_most_recent_record_of_the_kind_asked_answers_however_it_ranks():
    threads = maria_threads("Mostly happy, but the colours are off on mobile.", (1, "resolved", "Anna"),
                            (2, "resolved", "Olga"), (3, "pending", ""))  # fmt: skip
    for n, thread in enumerate(threads, start=1):
        thread.occurred_at = dt.datetime(2026, 10, 10 * n, tzinfo=dt.UTC)  # #3 is the newest, ranked last
    for question in ("Maria's most recent conversation — what's the status?",
                     "Who has the most recent conversation with Maria from Acme?"):  # fmt: skip
        reply, _ = answer(question, *threads)
        assert reply.text.splitlines()[0] == "Conversation #3 is pending, unassigned [E3].", question
    for question in ("Maria's conversation — what's the status?",
                     "Maria's conversation: what's its status, and what did the latest reply say?"):  # fmt: skip
        reply, _ = answer(question, *threads)
        assert reply.text.splitlines()[0] == "Conversation #1 is resolved, assigned to Anna [E1].", question
    reply, _ = answer("Who owns the latest company record note about Maria?", *threads)  # a kind of no stems
    assert reply.text


def test_who_got_the_proposal_most_recently_is_answered_from_the_latest_note_alone():
    company = chunk(
        "attio_company", "c-7", "Company Acme", "Attio company Acme (acme.test)",
        "Note «Proposal sent»: Proposal for the app sent to Sam at Acme. Follow up on 24.09.",
        "Note «Proposal sent»: Proposal for the app sent to Will at Acme. Follow up on 09.11.", refs=["n:1", "n:2"],
    )  # fmt: skip
    _reply, evidence = answer("Who at Acme got the app proposal most recently and when do we follow up?", company)
    latest = "Note «Proposal sent»: Proposal for the app sent to Will at Acme. Follow up on 09.11."
    assert evidence[0]["quote"] == latest


def test_a_record_the_question_names_itself_answers_before_records_in_the_state_it_asks_about():
    from rag.services.modes import pinned_first
    from rag.services.retrieval import Fused

    threads = maria_threads("Invoice #4821 is approved.", (1, "resolved", "Anna"), (2, "resolved", "Olga"))
    named = maria_threads("Invoice #9254 is attached, 24000 USD due in 14 days.", (9, "open", "Anna"))
    fused = [Fused(c.id, 1.0 / n, {}, (c.source_type, c.source_id)) for n, c in enumerate([*threads, *named], 1)]
    assert [f.source[1] for f in pinned_first(fused, {("chatwoot_conversation", "9")})] == ["9", "1", "2"]
    query = "Acme invoice 9254 — how much, and is that conversation closed?"
    ranked = [Ranked(c, 1.0 / n, {"keyword": n}) for n, c in enumerate([*threads, *named], start=1)]
    evidence = evidence_build(ranked=ranked, query=query, source_limit=8)
    for item in evidence[:2]:  # the client's other conversations, brought by the client the question names
        item["entity"] = {"kind": "client", "name": "Acme", "key": "acme", "via": "local"}
    evidence[2]["entity"] = {"kind": "conversation", "name": "Conversation #9", "key": "9", "via": "local"}
    lines = answer_extractive(evidence, query=query).text.splitlines()
    assert lines[0] == "Conversation #9 is open, assigned to Anna [E3]."
