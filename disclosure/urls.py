"""Disclosure pages. Every staff page sits under the request it belongs to, so access is checked once, first."""

from django.urls import URLPattern, URLResolver, path

from disclosure import (
    consent_answer_views,
    consent_views,
    owner_views,
    pack_views,
    portal_views,
    reading_views,
    return_views,
    views,
)

app_name = "disclosure"

urlpatterns: list[URLPattern | URLResolver] = [
    # Records and review
    path("<int:pk>/", views.request_overview, name="request"),
    path("<int:pk>/check/", views.sign_off_check, name="check"),
    path("<int:pk>/agencies/new/", views.agency_new, name="agency_new"),
    path("<int:pk>/agencies/ask/", views.agency_ask, name="agency_ask"),
    path("<int:pk>/agencies/<int:agency_id>/", views.agency_edit, name="agency"),
    path("<int:pk>/agency-requests/<int:agency_request_id>/return/", views.agency_return, name="agency_return"),
    path("<int:pk>/agency-requests/<int:agency_request_id>/chase/", views.agency_chase, name="agency_chase"),
    path(
        "<int:pk>/agency-requests/<int:agency_request_id>/return-link/",
        return_views.agency_return_link_send,
        name="agency_return_link_send",
    ),
    path(
        "<int:pk>/returned-files/<int:return_file_id>/retry/",
        return_views.return_file_retry,
        name="return_file_retry",
    ),
    path(
        "<int:pk>/answer-links/<int:link_id>/withdraw/",
        consent_answer_views.consent_answer_link_revoke,
        name="consent_answer_link_revoke",
    ),
    path("agency-returns/late/", return_views.late_returns, name="late_agency_returns"),
    path("owner-reviews/late/", owner_views.late_sign_offs, name="late_owner_reviews"),
    path("<int:pk>/documents/add/", views.document_add, name="document_add"),
    path("<int:pk>/documents/<int:document_id>/", views.document_review, name="document"),
    path("<int:pk>/documents/search/", reading_views.document_search, name="document_search"),
    path(
        "<int:pk>/documents/<int:document_id>/suggestions/refresh/",
        reading_views.suggestions_refresh,
        name="suggestions_refresh",
    ),
    path(
        "<int:pk>/documents/<int:document_id>/suggestions/<int:suggestion_id>/accept/",
        reading_views.suggestion_accept,
        name="suggestion_accept",
    ),
    path(
        "<int:pk>/documents/<int:document_id>/suggestions/<int:suggestion_id>/reject/",
        reading_views.suggestion_reject,
        name="suggestion_reject",
    ),
    path("<int:pk>/documents/<int:document_id>/details/", views.document_edit, name="document_edit"),
    path(
        "<int:pk>/documents/<int:document_id>/pages/<int:number>/image.png",
        views.page_image_view,
        name="page_image",
    ),
    path("<int:pk>/documents/<int:document_id>/redact/phrase/", views.redact_phrase, name="redact_phrase"),
    path("<int:pk>/documents/<int:document_id>/redact/span/", views.redact_span, name="redact_span"),
    path("<int:pk>/documents/<int:document_id>/redact/rectangle/", views.redact_rectangle, name="redact_rectangle"),
    path("<int:pk>/documents/<int:document_id>/reviewed/", views.document_reviewed, name="document_reviewed"),
    path("<int:pk>/documents/<int:document_id>/withhold/", views.document_withhold, name="document_withhold"),
    path("<int:pk>/documents/<int:document_id>/release/", views.document_release, name="document_release"),
    path("<int:pk>/documents/<int:document_id>/ncnd/", views.document_ncnd, name="document_ncnd"),
    path("<int:pk>/redactions/<int:redaction_id>/remove/", views.redaction_remove, name="redaction_remove"),
    path("<int:pk>/redactions/<int:redaction_id>/ncnd/", views.redaction_ncnd, name="redaction_ncnd"),
    path("<int:pk>/ncnd/<int:flag_id>/approve/", views.ncnd_approve, name="ncnd_approve"),
    path("<int:pk>/ncnd/<int:flag_id>/remove/", views.ncnd_remove, name="ncnd_remove"),
    path("<int:pk>/third-parties/add/", views.third_party_add, name="third_party_add"),
    path("<int:pk>/third-parties/<int:third_party_id>/", views.third_party_edit, name="third_party"),
    path("<int:pk>/opinions/add/", views.opinion_add, name="opinion_add"),
    # The pack, verification and delivery
    path("<int:pk>/packs/", pack_views.pack_list, name="packs"),
    path("<int:pk>/packs/new/", pack_views.pack_new, name="pack_new"),
    path("<int:pk>/packs/<int:pack_id>/", pack_views.pack_status, name="pack"),
    path("<int:pk>/packs/<int:pack_id>/progress/", pack_views.pack_progress, name="pack_progress"),
    path("<int:pk>/packs/<int:pack_id>/cancel/", pack_views.pack_cancel_view, name="pack_cancel"),
    path("<int:pk>/packs/<int:pack_id>/download/", pack_views.pack_download, name="pack_download"),
    path("<int:pk>/packs/<int:pack_id>/portal-links/new/", pack_views.portal_link_new, name="portal_link_new"),
    path(
        "<int:pk>/packs/<int:pack_id>/portal-links/<int:link_id>/revoke/",
        pack_views.portal_link_revoke,
        name="portal_link_revoke",
    ),
    path(
        "<int:pk>/packs/<int:pack_id>/portal-links/<int:link_id>/posted/",
        pack_views.portal_link_posted,
        name="portal_link_posted",
    ),
    path(
        "<int:pk>/packs/<int:pack_id>/portal-links/<int:link_id>/phone-code/",
        pack_views.portal_code_phone,
        name="portal_code_phone",
    ),
    path("<int:pk>/packs/<int:pack_id>/dispatches/new/", pack_views.dispatch_new, name="dispatch_new"),
    path(
        "<int:pk>/packs/<int:pack_id>/dispatches/<int:dispatch_id>/check/",
        pack_views.dispatch_check,
        name="dispatch_check",
    ),
    path(
        "<int:pk>/packs/<int:pack_id>/dispatches/<int:dispatch_id>/send/",
        pack_views.dispatch_send,
        name="dispatch_send",
    ),
    path(
        "<int:pk>/packs/<int:pack_id>/dispatches/<int:dispatch_id>/cancel/",
        pack_views.dispatch_cancel,
        name="dispatch_cancel",
    ),
    # The requester's portal: no login (the views are login_not_required).
    path("<int:pk>/owner-reviews/<int:agency_id>/ask/", owner_views.owner_review_ask, name="owner_review_ask"),
    path("<int:pk>/owner-reviews/<int:review_id>/revoke/", owner_views.owner_review_revoke, name="owner_review_revoke"),
    path("<int:pk>/owner-reviews/<int:review_id>/waive/", owner_views.owner_review_waive, name="owner_review_waive"),
    path(
        "<int:pk>/third-parties/<int:third_party_id>/consent/",
        consent_views.consent_request_new,
        name="consent_request_new",
    ),
    path(
        "<int:pk>/consent-requests/<int:consent_id>/answer/",
        consent_views.consent_answer,
        name="consent_answer",
    ),
    path("owner-review/<str:token>/", owner_views.owner_review, name="owner_review"),
    path(
        "owner-review/<str:token>/documents/<int:document_id>/pages/<int:number>/",
        owner_views.owner_review_page,
        name="owner_review_page",
    ),
    path("portal/<str:token>/", portal_views.portal_open, name="portal"),
    path("portal/<str:token>/code/", portal_views.portal_code, name="portal_code"),
    path("portal/<str:token>/download/", portal_views.portal_file, name="portal_download"),
    # An agency's return link: no login either (login_not_required); the token, then a one-time code.
    path("agency-return/<str:token>/", return_views.agency_return_open, name="agency_return_open"),
    path("agency-return/<str:token>/code/", return_views.agency_return_code, name="agency_return_code"),
    path("agency-return/<str:token>/sent/", return_views.agency_return_sent, name="agency_return_sent"),
    path("consent-answer/<str:token>/", consent_answer_views.consent_answer_open, name="consent_answer_open"),
    path("consent-answer/<str:token>/code/", consent_answer_views.consent_answer_code, name="consent_answer_code"),
]
