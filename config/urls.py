"""URL map: staff workspace, disclosure, the requester portal, and the admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("", include("requests_app.urls")),
    path("disclosure/", include("disclosure.urls")),
    path("reviews/", include("reviews.urls")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]

handler403 = "requests_app.views.error_403"
handler404 = "requests_app.views.error_404"
handler500 = "requests_app.views.error_500"
