from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark tooling (`manage.py bench`, `manage.py bench_sweep`): outside the product apps, no models."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "bench"
    verbose_name = "Benchmarks"
