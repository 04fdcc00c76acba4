"""Complaint and breach pages: the public complaint form (no login) and the staff pages."""

from django.urls import URLPattern, path

from casework.views import breaches, complaint_form, complaints

app_name = "casework"
urlpatterns: list[URLPattern] = [
    # The public complaint form: no login (the views are login_not_required).
    path("complain/", complaint_form.complaint_start, name="complaint_start"),
    path("complain/check/", complaint_form.complaint_check, name="complaint_check"),
    path("complain/sent/", complaint_form.complaint_done, name="complaint_done"),
    path("complain/<slug:slug>/", complaint_form.complaint_question, name="complaint_question"),
    # Complaints (staff).
    path("complaints/", complaints.complaints, name="complaints"),
    path("complaints/new/", complaints.complaint_new, name="complaint_new"),
    path("complaints/<int:pk>/", complaints.complaint_detail, name="complaint"),
    path("complaints/<int:pk>/assign/", complaints.complaint_assign, name="complaint_assign"),
    path("complaints/notices/<int:notice_id>/read/", complaints.complaint_notice_read, name="complaint_notice_read"),
    path("complaints/<int:pk>/steps/<slug:name>/", complaints.complaint_step, name="complaint_step"),
    path("complaints/<int:pk>/outcome/", complaints.complaint_outcome, name="complaint_outcome"),
    path("complaints/<int:pk>/progress/", complaints.complaint_progress, name="complaint_progress"),
    path("complaints/<int:pk>/link/", complaints.complaint_link, name="complaint_link"),
    path("complaints/<int:pk>/remedies/new/", complaints.complaint_remedy, name="complaint_remedy"),
    path(
        "complaints/<int:pk>/remedies/<int:remedy_id>/done/",
        complaints.complaint_remedy_done,
        name="complaint_remedy_done",
    ),
    path("complaints/<int:pk>/ico/referral/", complaints.complaint_ico_referral, name="complaint_ico_referral"),
    path("complaints/<int:pk>/ico/", complaints.complaint_ico_case, name="complaint_ico_case"),
    path("complaints/<int:pk>/letters/<int:letter_id>/", complaints.complaint_letter_file, name="complaint_letter"),
    path(
        "complaints/<int:pk>/letters/<int:letter_id>/posted/",
        complaints.complaint_letter_posted,
        name="complaint_letter_posted",
    ),
    # Breaches (staff).
    path("breaches/", breaches.breach_list, name="breaches"),
    path("breaches/new/", breaches.breach_new, name="breach_new"),
    path("breaches/<int:pk>/", breaches.breach_detail, name="breach"),
    path("breaches/<int:pk>/letters/<int:letter_id>/", breaches.breach_letter_file, name="breach_letter"),
    path(
        "breaches/<int:pk>/letters/<int:letter_id>/posted/", breaches.breach_letter_posted, name="breach_letter_posted"
    ),
    path("breaches/notices/<int:notice_id>/read/", breaches.breach_notice_read, name="breach_notice_read"),
    path("breaches/<int:pk>/<slug:name>/", breaches.breach_action, name="breach_action"),
]
