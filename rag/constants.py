"""LightRAG's public vocabulary: chunk statuses and the source types of evidence."""

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
