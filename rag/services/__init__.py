"""LightRAG services: chunks, embeddings, retrieval, evidence, answers, queries, feedback."""
