"""LightRAG tables: chunks with their embeddings, query runs and feedback on them."""

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from pgvector.django import HnswIndex, VectorField

from core.scoping import ScopedModel
from rag.constants import ChunkStatus, SourceType

# Postgres' `russian` configuration stems Cyrillic words with the Russian stemmer and ASCII words with the
# English one, so one tsvector serves both languages of the studio's data.
SEARCH_CONFIG = "russian"
HNSW_INDEX_NAME = "rag_chunk_embedding_hnsw"

# `sourceFilter` groups of the query API → the chunk source types they cover.
SOURCE_GROUPS = {
    "messages": (SourceType.CHATWOOT_CONVERSATION,),
    "issues": (SourceType.LINEAR_ISSUE,),
    "deals": (SourceType.ATTIO_DEAL, SourceType.ATTIO_COMPANY),
}
GROUP_OF = {source_type: group for group, types in SOURCE_GROUPS.items() for source_type in types}


class Chunk(ScopedModel):
    """A piece of one source record (a conversation window, an issue, a deal or company), embedded for search.

    Rebuilt after each committed sync page that touches its source: an unchanged `content_hash` keeps the
    embedding, a changed one sends the chunk back to `pending`. `attempts` counts every claim by an
    embedding run, so a chunk that keeps failing reaches `failed` instead of looping.
    """

    id = models.BigAutoField(primary_key=True)
    source_type = models.CharField(max_length=40, choices=SourceType.choices)
    source_id = models.CharField(max_length=64)
    ordinal = models.PositiveIntegerField(help_text="Position of this chunk within its source.")
    title = models.CharField(max_length=300)
    text = models.TextField(help_text="What is embedded and searched: a context header, then the content.")
    url = models.CharField(max_length=500, blank=True, help_text="Deep link to the source record.")
    author = models.CharField(max_length=300, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True, help_text="Time of the chunk's first content.")
    content_hash = models.CharField(max_length=32)
    token_count = models.PositiveIntegerField(help_text="Approximate (no tokenizer download).")
    meta = models.JSONField(default=dict, blank=True, help_text="Message/comment/note ids and their times.")
    status = models.CharField(max_length=12, choices=ChunkStatus.choices, default=ChunkStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    embedded_at = models.DateTimeField(null=True, blank=True)
    embedding_model = models.CharField(max_length=200, blank=True, help_text="provider:model:dimensions")
    embedding = VectorField(dimensions=settings.EMBEDDING_DIMENSIONS, null=True, blank=True)
    search = models.GeneratedField(
        expression=SearchVector("title", "text", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "rag_chunks"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "source_type", "source_id", "ordinal"], name="rag_chunk_source_ordinal_uniq"
            )
        ]
        indexes = [
            # Embedding runs claim from here; ready chunks (the bulk) stay out of this small index.
            models.Index(
                fields=["project", "status", "id"],
                name="rag_chunk_work_idx",
                condition=Q(status__in=["pending", "processing"]),
            ),
            models.Index(fields=["project", "occurred_at"], name="rag_chunk_time_idx"),
            GinIndex(fields=["search"], name="rag_chunk_search_gin"),
            GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name="rag_chunk_title_trgm"),
            HnswIndex(
                name=HNSW_INDEX_NAME,
                fields=["embedding"],
                m=16,
                ef_construction=64,
                opclasses=["vector_cosine_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_type}:{self.source_id}#{self.ordinal}"


class SearchStats(ScopedModel):
    """Per project: how many chunks contain each common search lexeme, for IDF weights in keyword search.

    Refreshed from `ts_stat` after embedding runs when the project's chunk count moved noticeably; lexemes
    rarer than `min_df` are left out (they weigh as rare). Per project, so one tenant's words never weigh
    on another's ranking.
    """

    chunk_count = models.PositiveIntegerField(default=0)
    min_df = models.PositiveIntegerField(default=1)
    common = models.JSONField(default=dict, blank=True, help_text="{lexeme: chunks containing it}")
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "rag_search_stats"
        constraints = [models.UniqueConstraint(fields=["project"], name="rag_search_stats_project_uniq")]

    def __str__(self) -> str:
        return f"search stats of {self.project_id}"


class QueryRun(ScopedModel):
    """One LightRAG query: what was asked, what came back, how long it took and whether it degraded."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True, help_text="Username, API key prefix or command.")
    query = models.TextField()
    mode = models.CharField(max_length=10, blank=True, help_text="naive, local, global, hybrid or mix")
    params = models.JSONField(default=dict, blank=True)
    degraded = models.BooleanField(default=False)
    answer = models.TextField(blank=True)
    answer_mode = models.CharField(max_length=30, blank=True, help_text="llm, extractive or extractive_fallback")
    citations = models.JSONField(default=list, blank=True)
    evidence = models.JSONField(default=list, blank=True, help_text="Evidence ids, sources and scores.")
    stats = models.JSONField(default=dict, blank=True)
    quality_score = models.FloatField(default=0.0)
    source_diversity = models.FloatField(default=0.0)
    embedding_model = models.CharField(max_length=200, blank=True)
    llm_model = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "lightrag_query_runs"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["project", "-created_at"], name="lightrag_run_project_idx")]

    def __str__(self) -> str:
        return self.query[:80]


class Feedback(ScopedModel):
    """A rating (−1, 0, 1) and comment on a query run of the same project."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    query_run = models.ForeignKey(QueryRun, on_delete=models.CASCADE, related_name="feedback")
    rating = models.SmallIntegerField()
    comment = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "lightrag_feedback"
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(rating__in=[-1, 0, 1]), name="lightrag_feedback_rating")]

    def __str__(self) -> str:
        return f"{self.rating:+d} on {self.query_run_id}"


class EntityKind(models.TextChoices):
    CLIENT = "client"  # a CRM account (an Attio company)
    CONTACT = "contact"  # a CRM contact (a Chatwoot contact or an Attio person)
    DEAL = "deal"
    LINEAR_PROJECT = "linear_project"
    ISSUE = "issue"
    CONVERSATION = "conversation"


class GraphEntity(ScopedModel):
    """A node of the project's knowledge graph, built deterministically from raw rows and the CRM mirror.

    `key` is the source's own id (for a contact, `<source system>:<id>`); `source_type`/`source_id` name the
    chunks of the record when the entity is one (a conversation, an issue, a deal, a client's company).
    """

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=20, choices=EntityKind.choices)
    key = models.CharField(max_length=140)
    name = models.CharField(max_length=300, blank=True)
    source_type = models.CharField(max_length=40, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    facts = models.JSONField(default=dict, blank=True, help_text="Current facts: stage, state, status, domain…")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "rag_graph_entities"
        constraints = [models.UniqueConstraint(fields=["project", "kind", "key"], name="rag_graph_entity_key_uniq")]
        indexes = [models.Index(fields=["project", "source_type", "source_id"], name="rag_graph_entity_source_idx")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.name or self.key}"


class GraphAlias(ScopedModel):
    """A name an entity is asked about by: its name, a transliteration, an e-mail domain, an issue key, an
    invoice number. `norm` is the folded key (`rag.graph.names.name_key`) that questions are matched on."""

    id = models.BigAutoField(primary_key=True)
    entity = models.ForeignKey(GraphEntity, on_delete=models.CASCADE, related_name="aliases")
    norm = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, help_text="name, short_name, domain, key or invoice")
    weight = models.FloatField(default=1.0, help_text="How surely this alias names the entity (0..1).")

    class Meta:
        db_table = "rag_graph_aliases"
        constraints = [models.UniqueConstraint(fields=["entity", "norm"], name="rag_graph_alias_uniq")]
        indexes = [
            models.Index(fields=["project", "norm"], name="rag_graph_alias_norm_idx"),
            GinIndex(fields=["norm"], opclasses=["gin_trgm_ops"], name="rag_graph_alias_trgm"),
        ]

    def __str__(self) -> str:
        return self.norm


class GraphRelation(ScopedModel):
    """A typed edge between two entities of one project (from the record that holds the reference)."""

    id = models.BigAutoField(primary_key=True)
    src = models.ForeignKey(GraphEntity, on_delete=models.CASCADE, related_name="relations_out")
    dst = models.ForeignKey(GraphEntity, on_delete=models.CASCADE, related_name="relations_in")
    type = models.CharField(
        max_length=30, help_text="works_at, with_contact, deal_of, project_of, in_project, of_client"
    )
    # The source entity's record, copied (an entity's record never changes): "the records of this client" is then
    # one index-only scan of its incoming edges.
    src_source_type = models.CharField(max_length=40, blank=True)
    src_source_id = models.CharField(max_length=64, blank=True)

    class Meta:
        db_table = "rag_graph_relations"
        constraints = [models.UniqueConstraint(fields=["src", "dst", "type"], name="rag_graph_relation_uniq")]
        indexes = [
            models.Index(
                fields=["dst", "type"], include=["src_source_type", "src_source_id"], name="rag_graph_relation_dst_idx"
            ),
            # "Which client is this record's": one index-only probe per record.
            models.Index(
                fields=["project", "src_source_type", "src_source_id"],
                include=["dst"],
                condition=Q(type="of_client"),
                name="rag_graph_relation_client_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.src_id} -{self.type}-> {self.dst_id}"
