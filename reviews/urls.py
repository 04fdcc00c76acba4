from django.urls import path

from reviews import views

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
]
