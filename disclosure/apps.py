from django.apps import AppConfig

from rights import RightKind

# The steps of an access request that need review finished (requests_app.models.machines).
APPROVAL_STEPS = ("submit_for_sign_off", "approve")


class DisclosureConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "disclosure"
    verbose_name = "Disclosure"

    def ready(self) -> None:
        """Add disclosure's conditions to the request's state machine and its section to the case format.

        requests_app never imports disclosure (the layers run one way), so disclosure registers itself.
        A misspelt step raises here, at start-up, rather than leaving a safeguard silently off.
        """
        from disclosure.casefile import (
            SECTION_KEY,
            export_document_files,
            export_documents,
            import_documents,
            validate_documents,
        )
        from disclosure.selectors import approval_check, search_record_check
        from requests_app.casefile import register_section
        from requests_app.guards import register_condition

        for step in APPROVAL_STEPS:
            register_condition(step, approval_check, kinds={RightKind.ACCESS.value})
            # UK GDPR Art 15(1A): the pack rests on a recorded, reasonable and proportionate search.
            register_condition(step, search_record_check, kinds={RightKind.ACCESS.value})
        from disclosure.services.owner_reviews import owner_review_check

        # Each agency's data owner has signed off the redactions of its records (or the Manager passed it over).
        register_condition("approve", owner_review_check, kinds={RightKind.ACCESS.value})
        from disclosure.pack.selectors import preview_check

        # The Manager approves only a pack that can have been looked at: a verified preview exists.
        register_condition("approve", preview_check, kinds={RightKind.ACCESS.value})
        register_section(
            SECTION_KEY,
            validate=validate_documents,
            import_=import_documents,
            export=export_documents,
            write_files=export_document_files,  # export_case REF --out FILE writes the originals beside it
        )
        from disclosure.services.chasers import register as register_agency_chasers  # the deadline sweep's part

        register_agency_chasers()
        from disclosure.services.consent import register as register_consent_chasers  # one reminder to third parties

        register_consent_chasers()
        from disclosure.retention import register as register_retention_part  # destroyed with a closed request

        register_retention_part()
        from disclosure.services.delivery import portal_link_email_sent
        from requests_app.services.messages import message_sent_hook

        message_sent_hook("portal_link", portal_link_email_sent)  # the pack goes out when its link's email has gone

        from disclosure.desk import register as register_desk_panel  # the reviewer's queue on the dashboard

        register_desk_panel()
