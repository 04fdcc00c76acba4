from django.apps import AppConfig


class RequestsAppConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "requests_app"
    verbose_name = "Requests"

    def ready(self) -> None:
        from requests_app.reviews_providers import open_request_holds, references_hidden_from, subject_of_request
        from reviews.access import register_hidden_references_provider, register_subject_details_provider
        from reviews.holds import register_hold_provider

        register_hold_provider(open_request_holds)
        register_hidden_references_provider(references_hidden_from)
        register_subject_details_provider(subject_of_request)
        from requests_app.services.effects import RECIPIENT_NOTICE_PURPOSE, recipient_notice_email_sent
        from requests_app.services.messages import message_sent_hook

        message_sent_hook(RECIPIENT_NOTICE_PURPOSE, recipient_notice_email_sent)  # emailed: the recipient was told
