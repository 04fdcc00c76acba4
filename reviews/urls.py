from django.urls import path

from reviews import views, views_entry

app_name = "reviews"
urlpatterns = [
    path("what-we-hold/", views.what_we_hold, name="what_we_hold"),
    path("search/", views.subject_search, name="subject_search"),
    path("search/<int:pk>/", views.search_run, name="search_run"),
    path("search/<int:pk>/hits/<int:hit_pk>/", views.hit_decide, name="hit_decide"),
    path("retention/", views.retention, name="retention"),
    path("retention/<int:pk>/destroy/", views.review_destroy, name="review_destroy"),
    path("", views.review_list, name="review_list"),
    path("<int:pk>/", views.review_detail, name="review_detail"),
    path("<int:pk>/legal-hold/", views.review_legal_hold, name="review_legal_hold"),
    path("<int:pk>/conclude/", views.review_conclude_view, name="review_conclude"),
    path("<int:pk>/destroy/", views.review_destroy_confirm, name="review_destroy_confirm"),
    path("new/", views_entry.review_new, name="review_new"),
    path("<int:pk>/edit/", views_entry.review_edit, name="review_edit"),
    path("<int:pk>/holdings/", views_entry.review_holdings, name="review_holdings"),
    path("<int:pk>/submissions/new/", views_entry.submission_new, name="submission_new"),
    path("agencies/new/", views_entry.agency_new, name="agency_new"),
    path("submissions/<int:pk>/", views_entry.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/records/new/", views_entry.record_new, name="record_new"),
    path("records/<int:pk>/", views_entry.record_detail, name="record_detail"),
    path("records/<int:pk>/edit/", views_entry.record_edit, name="record_edit"),
    path("records/<int:pk>/ncnd/", views_entry.record_ncnd, name="record_ncnd"),
    path("import/", views_entry.import_upload, name="import_upload"),
    path("import/<int:pk>/", views_entry.import_detail, name="import_detail"),
    path("import/<int:pk>/confirm/", views_entry.import_confirm, name="import_confirm"),
]
