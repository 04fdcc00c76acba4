"""The daily retention sweep as a django-celery-beat PeriodicTask (idempotent), like the deadline sweep."""

from django.db import migrations

RETENTION_TASK_NAME = "Retention sweep (daily)"


def schedule_retention_sweep(apps, schema_editor):
    """List the reviews whose agency data is due for destruction each morning; the Manager can move or pause it in the admin."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="45", hour="6", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.get_or_create(
        name=RETENTION_TASK_NAME,
        defaults={
            "task": "reviews.retention_sweep",
            "crontab": crontab,
            "enabled": True,
            "description": "Lists concluded reviews whose agency data is due for destruction, with what blocks each "
            "(REVIEW_RETENTION_DAYS). Destruction itself needs a Manager's confirmation.",
        },
    )


def unschedule_retention_sweep(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=RETENTION_TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule_retention_sweep, unschedule_retention_sweep)]
