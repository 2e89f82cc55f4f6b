"""Turning raw source rows into chunks: token counting and splitting, documents per source, the chunk store."""
