from django.urls import URLPattern, path

from requests_app import views
from requests_app.views import effects, notices, queue, reports, retention, status_links

urlpatterns: list[URLPattern] = [
    path("", views.dashboard, name="dashboard"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/steps/<slug:name>/", views.request_step, name="request_step"),
    path("requests/<int:pk>/letters/new/", views.letter_new, name="letter_new"),
    path("requests/<int:pk>/evidence/new/", views.evidence_new, name="evidence_new"),
    path("requests/<int:pk>/best-interests/", views.best_interests_new, name="best_interests_new"),
    path("requests/<int:pk>/fee/new/", views.fee_new, name="fee_new"),
    path("requests/<int:pk>/complex/", views.request_complex_view, name="request_complex"),
    path("requests/<int:pk>/assign/", views.request_assign_view, name="request_assign"),
    path("requests/<int:pk>/restrict/", views.request_restrict_view, name="request_restrict"),
    path("requests/<int:pk>/referrals/new/", views.referral_new, name="referral_new"),
    path("requests/<int:pk>/referrals/<int:referral_pk>/close/", views.referral_close_view, name="referral_close"),
    path("letters/<int:pk>/file/", views.letter_file, name="letter_file"),
    path("evidence/<int:pk>/scan/", views.evidence_scan, name="evidence_scan"),
    path("submitted/<int:pk>/file/", views.submitted_document_file, name="submitted_document_file"),
]

# Notices from the deadline sweep.

urlpatterns += [
    path("notices/", notices.notices, name="notices"),
    path("notices/<int:pk>/read/", notices.notice_read, name="notice_read"),
    path("notices/read-all/", notices.notices_read_all, name="notices_read_all"),
]

# Performance reporting for the Manager.

urlpatterns += [
    path("reports/", reports.reports, name="reports"),
    path("reports/export/", reports.reports_export, name="reports_export"),
    path("reports/board.pdf", reports.reports_board_pdf, name="reports_board_pdf"),
]

# The right's effects on held data, from the request's page.

urlpatterns += [
    path("requests/<int:pk>/corrections/new/", effects.correction_new, name="request_correction_new"),
    path(
        "requests/<int:pk>/recipients/<int:notification_pk>/",
        effects.recipient_update,
        name="request_recipient",
    ),
    path("requests/<int:pk>/recipients/letter/", effects.recipients_letter, name="request_recipients_letter"),
    path("requests/<int:pk>/restricted-uses/new/", effects.restricted_use_new, name="request_restricted_use_new"),
]

# Retention of closed requests.

urlpatterns += [
    path("requests/<int:pk>/legal-hold/", retention.request_legal_hold_view, name="request_legal_hold"),
    path("retention/requests/", retention.request_retention, name="request_retention"),
    path("retention/requests/<int:pk>/destroy/", retention.request_destroy_view, name="request_destroy"),
    path("retention/requests/destroy-all/", retention.request_destroy_all_view, name="request_destroy_all"),
]

# The list as a work queue: bulk assignment, named views, the calendar of due dates.

urlpatterns += [
    path("requests/assign/", queue.requests_assign_many, name="requests_assign_many"),
    path("requests/calendar/", queue.due_calendar, name="due_calendar"),
    path("requests/views/", queue.saved_view_new, name="saved_view_new"),
    path("requests/views/<int:pk>/delete/", queue.saved_view_remove, name="saved_view_delete"),
]

# The requester's status page link, from the request's page.

urlpatterns += [
    path("requests/<int:pk>/status-link/send/", status_links.status_link_send_view, name="status_link_send"),
    path("requests/<int:pk>/status-link/revoke/", status_links.status_link_revoke_view, name="status_link_revoke"),
]
