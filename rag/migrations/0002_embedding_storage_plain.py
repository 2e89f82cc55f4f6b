from django.db import migrations


class Migration(migrations.Migration):
    """Keep the columns every query reads inside the row, not in TOAST.

    - `embedding` PLAIN: an exact top-k over a small project reads each vector from its heap page instead of two
      or three TOAST fetches (a 1024-dimension vector is 4 KB, over the TOAST threshold). Fits any dimension
      HNSW can index (≤ 2000).
    - `search` MAIN (compressed, inline): with a 4 KB vector in the row the toaster would otherwise move the
      tsvector out, and keyword scoring would fetch it from TOAST on every look.
    """

    dependencies = [("rag", "0001_initial")]
    operations = [
        migrations.RunSQL(
            "ALTER TABLE rag_chunks ALTER COLUMN embedding SET STORAGE PLAIN, ALTER COLUMN search SET STORAGE MAIN",
            reverse_sql=(
                "ALTER TABLE rag_chunks ALTER COLUMN embedding SET STORAGE EXTERNAL, "
                "ALTER COLUMN search SET STORAGE EXTENDED"
            ),
        )
    ]
