from django.apps import AppConfig


class RequestsAppConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "requests_app"

    def ready(self) -> None:
        from requests_app.reviews_hooks import open_request_holds, references_hidden_from
        from reviews.access import register_hidden_references_provider
        from reviews.holds import register_hold_provider

        register_hold_provider(open_request_holds)
        register_hidden_references_provider(references_hidden_from)
