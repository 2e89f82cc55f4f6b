"""What kind of record a question asks about, from its words: deals, issues or conversations."""

import re

from rag.constants import SourceType
from rag.providers.offline import words

# Word stems (prefixes, after ё → е) that name a kind of record, in English and Russian.
KIND_STEMS = {
    SourceType.ATTIO_DEAL: ("deal", "opportunit", "pipeline", "сделк", "воронк"),
    SourceType.LINEAR_ISSUE: ("issue", "task", "ticket", "linear", "fix", "задач", "тикет", "линеар", "исправ",
                              "почин"),  # a fix is work a ticket tracks
    SourceType.CHATWOOT_CONVERSATION: ("conversation", "chat", "message", "thread", "переписк", "сообщени", "чат",
                                       "диалог"),
}  # fmt: skip
# Plural forms: a question naming records of a kind in the plural asks for several of them ("who has the open
# threads with Kate?", «какие его диалоги открыты»).
KIND_PLURALS = {
    SourceType.ATTIO_DEAL: ("deals", "opportunities", "сделки", "сделок"),
    SourceType.LINEAR_ISSUE: ("issues", "tickets", "tasks", "задачи", "задач", "тикеты", "тикетов"),
    SourceType.CHATWOOT_CONVERSATION: ("conversations", "chats", "threads", "переписки", "переписок", "диалоги",
                                       "диалогов", "чаты", "чатов"),
}  # fmt: skip


# A company's own record (its Attio card and notes) is named by a phrase: "company" alone is the client.
COMPANY_RECORD = re.compile(
    r"\bcompany (?:record|card|page|profile|notes?)\b|карточк\w* компани|компани\w* карточк", re.IGNORECASE
)

LEADING_WORDS = 4  # "which deals …", «на каком этапе сделка …»: the kind a question is about comes early


def asked_kinds(question: str, *, leading: int | None = None) -> set[str]:
    """The source types a question names ("which deals …" → attio_deal), among its first `leading` words when
    given (a question *about* deals names them early; a list of keywords may mention one anywhere); empty when
    it names none or all."""
    seen = words(question)[:leading] if leading else words(question)
    found = {kind for kind, stems in KIND_STEMS.items() if any(w.startswith(stems) for w in seen)}
    found = found if len(found) < len(KIND_STEMS) else set()
    if COMPANY_RECORD.search(" ".join(words(question))):  # a phrase this explicit counts wherever it stands
        found.add(SourceType.ATTIO_COMPANY)
    return found


# "which deals …", «какие задачи …»: a question asking for the records of a kind that match it.
_WHICH = re.compile(r"(?:which|what|list|show|all|какие|какая|какой|каких|список|покажи|все)\b", re.I)


def which_kinds(question: str) -> set[str]:
    """The kinds a question asks to pick records of: it starts with which / what / какие … and names the kind
    among its leading words ("which deal is in negotiation?"), or names the kind in the plural ("who has the
    open threads with Kate?")."""
    plural = {kind for kind, forms in KIND_PLURALS.items() if set(words(question)) & set(forms)}
    if not _WHICH.match(question.strip()):
        return plural
    return plural | asked_kinds(question, leading=LEADING_WORDS)
