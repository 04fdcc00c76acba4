from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    """Work that spans the apps below it: complaints about our handling, and personal data breaches."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "casework"
    verbose_name = "Complaints and breaches"

    def ready(self) -> None:
        from casework.retention import register  # complaints and breaches outlive a destroyed request

        register()
        from casework.services.sending import register_hooks  # a letter's email gone: the letter is sent

        register_hooks()
