"""What LightRAG contributes (called from `RagConfig.ready()`): its page and run hooks on the connectors, its
periodic job, its block of `/api/jobs/status`, its metrics, its retention target, its checklist item and the client
page's graph selectors."""


def register() -> None:
    from connectors import hooks
    from core.checklist import doctor_check_register
    from core.collectors import metric_source_register
    from crm.clients import client_graph_register
    from jobs.schedules import Schedule, schedule_register
    from jobs.status import status_block_register
    from rag import checks, selectors, tasks
    from rag.graph.hooks import graph_on_page, graph_on_removed
    from rag.graph.selectors import client_neighbourhood, client_records
    from rag.metrics import query_outcome_families, rag_families
    from rag.retention import retention_targets_register
    from rag.services.cascade import embeddings_on_run_finished, embeddings_tick
    from rag.services.chunks import chunks_on_page, chunks_on_removed

    hooks.on_page_committed(chunks_on_page)
    hooks.on_records_removed(chunks_on_removed)
    # After the chunks: the graph reads chunk texts (invoice numbers) and the CRM mirror (registered earlier).
    hooks.on_page_committed(graph_on_page)
    hooks.on_records_removed(graph_on_removed)
    client_graph_register(records=client_records, neighbourhood=client_neighbourhood)  # the client page's graph
    hooks.on_run_finished(embeddings_on_run_finished)
    # Every 20 min (and right after a sync that left pending chunks): embed pending chunks.
    schedule_register(Schedule("embeddings_run", tasks.embeddings_run.name, 20 * 60, "Embed pending chunks",
                               embeddings_tick))  # fmt: skip
    status_block_register("rag", lambda project: {"rag_counts": selectors.chunk_counts(project=project)})
    metric_source_register(rag_families)
    metric_source_register(query_outcome_families)
    retention_targets_register()
    for check in checks.PROJECT_CHECKS:
        doctor_check_register(check)
