"""What kind of record a question asks about, from its words: deals, issues or conversations."""

from rag.constants import SourceType
from rag.providers.offline import words

# Word stems (prefixes, after ё → е) that name a kind of record, in English and Russian.
KIND_STEMS = {
    SourceType.ATTIO_DEAL: ("deal", "opportunit", "pipeline", "сделк", "воронк"),
    SourceType.LINEAR_ISSUE: ("issue", "task", "ticket", "задач", "тикет"),
    SourceType.CHATWOOT_CONVERSATION: ("conversation", "chat", "message", "переписк", "сообщени", "чат", "диалог"),
}


LEADING_WORDS = 4  # "which deals …", «на каком этапе сделка …»: the kind a question is about comes early


def asked_kinds(question: str, *, leading: int | None = None) -> set[str]:
    """The source types a question names ("which deals …" → attio_deal), among its first `leading` words when
    given (a question *about* deals names them early; a list of keywords may mention one anywhere); empty when
    it names none or all."""
    seen = words(question)[:leading] if leading else words(question)
    found = {kind for kind, stems in KIND_STEMS.items() if any(w.startswith(stems) for w in seen)}
    return found if len(found) < len(KIND_STEMS) else set()
