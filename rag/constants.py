"""LightRAG's public vocabulary: chunk statuses, the source types of evidence and the query modes."""

from django.db import models


class ChunkStatus(models.TextChoices):
    PENDING = "pending"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


class SourceType(models.TextChoices):
    """What a chunk (and the evidence built from it) points at; ids are the source system's own."""

    CHATWOOT_CONVERSATION = "chatwoot_conversation"
    LINEAR_ISSUE = "linear_issue"
    ATTIO_DEAL = "attio_deal"
    ATTIO_COMPANY = "attio_company"


# How a query retrieves (rag.services.modes): chunks only, the named entities' records, relations across the
# project, or fusions of them.
QUERY_MODES = ("naive", "local", "global", "hybrid", "mix")
DEFAULT_MODE = "mix"
