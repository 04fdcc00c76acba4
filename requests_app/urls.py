from django.urls import URLPattern, path

from requests_app import views

urlpatterns: list[URLPattern] = [
    path("", views.dashboard, name="dashboard"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/steps/<slug:name>/", views.request_step, name="request_step"),
    path("requests/<int:pk>/letters/new/", views.letter_new, name="letter_new"),
    path("requests/<int:pk>/evidence/new/", views.evidence_new, name="evidence_new"),
    path("requests/<int:pk>/fee/new/", views.fee_new, name="fee_new"),
    path("requests/<int:pk>/complex/", views.request_complex_view, name="request_complex"),
    path("requests/<int:pk>/assign/", views.request_assign_view, name="request_assign"),
    path("requests/<int:pk>/restrict/", views.request_restrict_view, name="request_restrict"),
    path("letters/<int:pk>/file/", views.letter_file, name="letter_file"),
    path("evidence/<int:pk>/scan/", views.evidence_scan, name="evidence_scan"),
]

# Notices of the deadline sweep (engineer G).
from requests_app import views_notices  # noqa: E402

urlpatterns += [
    path("notices/", views_notices.notices, name="notices"),
    path("notices/<int:pk>/read/", views_notices.notice_read, name="notice_read"),
    path("notices/read-all/", views_notices.notices_read_all, name="notices_read_all"),
]

# Performance reporting for the Manager (issue 8, reporting).
from requests_app import views_reports  # noqa: E402

urlpatterns += [
    path("reports/", views_reports.reports, name="reports"),
    path("reports/export/", views_reports.reports_export, name="reports_export"),
    path("reports/board.pdf", views_reports.reports_board_pdf, name="reports_board_pdf"),
]

# The right's effects on held data, from the request's page (issues 4 and 7).
from requests_app import views_effects  # noqa: E402

urlpatterns += [
    path("requests/<int:pk>/corrections/new/", views_effects.correction_new, name="request_correction_new"),
    path(
        "requests/<int:pk>/recipients/<int:notification_pk>/",
        views_effects.recipient_update,
        name="request_recipient",
    ),
]

# Retention of closed requests (issue 7).
from requests_app import views_retention  # noqa: E402

urlpatterns += [
    path("requests/<int:pk>/legal-hold/", views_retention.request_legal_hold_view, name="request_legal_hold"),
    path("retention/requests/", views_retention.request_retention, name="request_retention"),
    path("retention/requests/<int:pk>/destroy/", views_retention.request_destroy_view, name="request_destroy"),
    path("retention/requests/destroy-all/", views_retention.request_destroy_all_view, name="request_destroy_all"),
]
