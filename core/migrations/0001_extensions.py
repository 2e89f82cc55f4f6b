from django.contrib.postgres.operations import BtreeGistExtension, TrigramExtension
from django.db import migrations
from pgvector.django import VectorExtension


class Migration(migrations.Migration):
    """PostgreSQL extensions every later migration may rely on."""

    initial = True
    dependencies = []
    operations = [VectorExtension(), TrigramExtension(), BtreeGistExtension()]
