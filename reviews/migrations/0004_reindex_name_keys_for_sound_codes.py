"""Rebuild the search index so every held name also carries its folded sound code (Phillip and Filip: F410).

Name keys are derived, untracked data: rebuilding them in bulk loses nothing. Idempotent.
"""

from django.db import migrations

BATCH = 2000


def reindex(apps, schema_editor):
    from reviews.search import name_keys  # the index's own rules, so the rebuilt keys match new records'

    DataSubjectRecord = apps.get_model("reviews", "DataSubjectRecord")
    NameKey = apps.get_model("reviews", "NameKey")
    last = 0
    while True:
        rows = list(
            DataSubjectRecord.objects.filter(status="active", pk__gt=last)
            .order_by("pk")
            .values_list("pk", "full_name", "previous_names")[:BATCH]
        )
        if not rows:
            return
        ids = [pk for pk, _, _ in rows]
        have = set(NameKey.objects.filter(record_id__in=ids).values_list("record_id", "key"))
        wanted = set()
        for pk, full_name, previous_names in rows:
            names = [full_name, *(line.strip() for line in previous_names.splitlines() if line.strip())]
            wanted.update((pk, key) for key in name_keys(names))
        NameKey.objects.bulk_create([NameKey(record_id=pk, key=key) for pk, key in sorted(wanted - have)])
        last = ids[-1]


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_search_run_candidates_capped")]

    operations = [migrations.RunPython(reindex, migrations.RunPython.noop)]
