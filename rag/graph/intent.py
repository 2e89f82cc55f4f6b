"""What kind of record a question asks about, from its words: deals, issues or conversations."""

from rag.constants import SourceType
from rag.providers.offline import words

# Word stems (prefixes, after ё → е) that name a kind of record, in English and Russian.
KIND_STEMS = {
    SourceType.ATTIO_DEAL: ("deal", "opportunit", "pipeline", "сделк", "воронк"),
    SourceType.LINEAR_ISSUE: ("issue", "task", "ticket", "задач", "тикет"),
    SourceType.CHATWOOT_CONVERSATION: ("conversation", "chat", "message", "переписк", "сообщени", "чат", "диалог"),
}


def asked_kinds(question: str) -> set[str]:
    """The source types a question names ("which deals …" → attio_deal); empty when it names none or all."""
    found = {kind for kind, stems in KIND_STEMS.items() if any(w.startswith(stems) for w in words(question))}
    return found if len(found) < len(KIND_STEMS) else set()
