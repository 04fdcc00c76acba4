from django.db import migrations

BREACH_CLOCK_TASK_NAME = "Breach clock (hourly)"


def schedule(apps, schema_editor):
    """The 72-hour breach clock as an hourly django-celery-beat PeriodicTask (Art 33(1) counts hours, not days)."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="5", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.get_or_create(
        name=BREACH_CLOCK_TASK_NAME,
        defaults={
            "task": "casework.sweep_breach_clock",
            "crontab": crontab,
            "enabled": True,
            "description": "Alerts every Manager when a breach with no reporting decision reaches 48 and 72 hours.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=BREACH_CLOCK_TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0003_letter_sending_and_breach_clock"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
