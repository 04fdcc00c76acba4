"""Every five minutes, fail the packs whose render has gone silent (a django-celery-beat PeriodicTask; idempotent)."""

from django.db import migrations

STALLED_PACKS_TASK_NAME = "Packs stalled while being made (every 5 minutes)"


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=STALLED_PACKS_TASK_NAME,
        defaults={
            "task": "disclosure.fail_stalled_packs",
            "interval": every,
            "enabled": True,
            "description": "Fails packs whose rendering has said nothing for PACK_STALL_MINUTES (a worker died), "
            "removes their work files, so a new pack can be made.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=STALLED_PACKS_TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0011_pack_heartbeat"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
