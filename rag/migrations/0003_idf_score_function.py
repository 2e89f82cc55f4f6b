from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION rag_idf_score(doc tsvector, terms tsquery[], weights float8[]) RETURNS float8
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    total float8 := 0;
BEGIN
    -- `doc` is decompressed once on entry; an SQL expression would decompress it for every term.
    FOR i IN 1 .. coalesce(array_length(terms, 1), 0) LOOP
        IF doc @@ terms[i] THEN
            total := total + weights[i];
        END IF;
    END LOOP;
    RETURN total;
END
$$
"""


class Migration(migrations.Migration):
    """Keyword scoring: the sum of the IDF weights of the question's lexemes a chunk contains."""

    dependencies = [("rag", "0002_embedding_storage_plain")]
    operations = [
        migrations.RunSQL(FUNCTION, reverse_sql="DROP FUNCTION rag_idf_score(tsvector, tsquery[], float8[])"),
    ]
