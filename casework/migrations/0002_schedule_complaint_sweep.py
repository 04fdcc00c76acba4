from django.db import migrations

SWEEP_TASK_NAME = "Complaints sweep (daily)"


def schedule(apps, schema_editor):
    """The daily complaints sweep as a django-celery-beat PeriodicTask, so the Manager can move it in the admin."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="40", hour="6", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.get_or_create(
        name=SWEEP_TASK_NAME,
        defaults={
            "task": "casework.sweep_complaints",
            "crontab": crontab,
            "enabled": True,
            "description": "Reminders and escalations for complaints near or past their acknowledgement date.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SWEEP_TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0001_complaints_and_breaches"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
