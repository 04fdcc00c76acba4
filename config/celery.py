"""The Celery app: eager on a laptop, a real broker when CELERY_BROKER_URL is set."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("rights_desk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
