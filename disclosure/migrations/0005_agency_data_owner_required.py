"""Every agency has a named data owner: agencies without one say so plainly until someone names it."""

from django.db import migrations, models
from django.utils import timezone

PLACEHOLDER = "Data owner not yet named"  # disclosure.models.records.DATA_OWNER_NOT_NAMED


def name_the_missing_owners(apps, schema_editor):  # type: ignore[no-untyped-def]
    Agency = apps.get_model("disclosure", "Agency")
    HistoricalAgency = apps.get_model("disclosure", "HistoricalAgency")
    for agency in Agency.objects.filter(data_owner__regex=r"^\s*$"):
        agency.data_owner = PLACEHOLDER
        agency.save(update_fields=["data_owner"])
        # The historical models of a migration write no history themselves: keep the change on record by hand.
        HistoricalAgency.objects.create(
            id=agency.pk,
            name=agency.name,
            kind=agency.kind,
            data_owner=agency.data_owner,
            contact_email=agency.contact_email,
            contact_address=agency.contact_address,
            created_at=agency.created_at,
            history_date=timezone.now(),
            history_type="~",
            history_change_reason="A data owner is required: marked as not yet named",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0004_dispatch_address_check"),
    ]

    operations = [
        migrations.RunPython(name_the_missing_owners, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="agency",
            name="data_owner",
            field=models.CharField(
                help_text="The person (or role) who owns the agency's data, and answers for its records.",
                max_length=200,
            ),
        ),
        migrations.AlterField(
            model_name="historicalagency",
            name="data_owner",
            field=models.CharField(
                help_text="The person (or role) who owns the agency's data, and answers for its records.",
                max_length=200,
            ),
        ),
    ]
