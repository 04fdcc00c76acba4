"""Disclosure pages. Every staff page sits under the request it belongs to, so access is checked once, first."""

from django.urls import URLPattern, URLResolver, path

from disclosure import pack_views, portal_views, views

app_name = "disclosure"

urlpatterns: list[URLPattern | URLResolver] = [
    # Records and review (engineer E1)
    path("<int:pk>/", views.request_overview, name="request"),
    path("<int:pk>/agencies/new/", views.agency_new, name="agency_new"),
    path("<int:pk>/agencies/ask/", views.agency_ask, name="agency_ask"),
    path("<int:pk>/agencies/<int:agency_id>/", views.agency_edit, name="agency"),
    path("<int:pk>/agency-requests/<int:agency_request_id>/return/", views.agency_return, name="agency_return"),
    path("<int:pk>/agency-requests/<int:agency_request_id>/chase/", views.agency_chase, name="agency_chase"),
    path("<int:pk>/documents/add/", views.document_add, name="document_add"),
    path("<int:pk>/documents/<int:document_id>/", views.document_review, name="document"),
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
    # The pack, verification and delivery (engineer E2): add routes below this line.
    path("<int:pk>/packs/", pack_views.pack_list, name="packs"),
    path("<int:pk>/packs/new/", pack_views.pack_new, name="pack_new"),
    path("<int:pk>/packs/<int:pack_id>/", pack_views.pack_status, name="pack"),
    path("<int:pk>/packs/<int:pack_id>/progress/", pack_views.pack_progress, name="pack_progress"),
    path("<int:pk>/packs/<int:pack_id>/download/", pack_views.pack_download, name="pack_download"),
    path("<int:pk>/packs/<int:pack_id>/portal-links/new/", pack_views.portal_link_new, name="portal_link_new"),
    path(
        "<int:pk>/packs/<int:pack_id>/portal-links/<int:link_id>/revoke/",
        pack_views.portal_link_revoke,
        name="portal_link_revoke",
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
    path("portal/<str:token>/", portal_views.portal_open, name="portal"),
    path("portal/<str:token>/download/", portal_views.portal_file, name="portal_download"),
]
