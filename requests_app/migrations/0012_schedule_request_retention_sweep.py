"""The daily listing of closed requests due for destruction, as a django-celery-beat PeriodicTask (idempotent)."""

from django.db import migrations

REQUEST_RETENTION_TASK_NAME = "Request retention listing (daily)"


def schedule_request_retention(apps, schema_editor):
    """Each morning, list the closed requests at the end of their retention; the Manager can move or pause it in the admin."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="50", hour="6", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.get_or_create(
        name=REQUEST_RETENTION_TASK_NAME,
        defaults={
            "task": "requests_app.request_retention_sweep",
            "crontab": crontab,
            "enabled": True,
            "description": "Lists closed rights requests due for destruction (REQUEST_RETENTION_DAYS after closure), "
            "with what blocks each. Destruction itself needs a Manager's confirmation.",
        },
    )


def unschedule_request_retention(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=REQUEST_RETENTION_TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0011_request_retention"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule_request_retention, unschedule_request_retention)]
