# The request list's search key (requests_app.search_key): a column, filled for the rows already there,
# and on PostgreSQL a trigram GIN index so that "every word appears in the key" is an index scan.

from typing import Any

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from requests_app.search_key import person_names, search_key_for

INDEX = "requests_rr_search_key_trgm"
BATCH = 2000


def fill_search_keys(apps: Any, schema_editor: Any) -> None:
    RightsRequest = apps.get_model("requests_app", "RightsRequest")
    rows = RightsRequest.objects.using(schema_editor.connection.alias).select_related("subject", "requester")
    batch = []
    for request in rows.order_by("pk").iterator(chunk_size=BATCH):
        names = person_names(request.subject.full_name, request.subject.previous_names)
        if request.requester is not None:
            names += person_names(request.requester.full_name, request.requester.previous_names)
        request.search_key = search_key_for(names)
        batch.append(request)
        if len(batch) >= BATCH:
            RightsRequest.objects.bulk_update(batch, ["search_key"])  # derived column: no history wanted
            batch = []
    if batch:
        RightsRequest.objects.bulk_update(batch, ["search_key"])


def create_trigram_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON requests_app_rightsrequest USING gin (search_key gin_trgm_ops)"
        )


def drop_trigram_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0014_desk_counts_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="rightsrequest",
            name="search_key",
            field=models.TextField(
                blank=True,
                default="",
                editable=False,
                help_text="The subject's and requester's names, folded for search (requests_app.search_key); derived.",
            ),
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
        TrigramExtension(),  # does nothing on SQLite
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
