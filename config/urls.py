"""URL map: staff workspace, disclosure, the requester portal, and the admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from requests_app.views import notify

# The admin asks for the same second factor as the pages (the middleware sends an unverified user to it first).
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", include("requests_app.urls")),
    path("ask/", include("requests_app.online_urls")),
    path("notify/callback/", notify.notify_callback, name="notify_callback"),
    path("disclosure/", include("disclosure.urls")),
    path("reviews/", include("reviews.urls")),
    path("", include("casework.urls")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("accounts.urls")),
    path("oidc/", include("mozilla_django_oidc.urls")),  # 404 unless OIDC_RP_CLIENT_ID is set (accounts/oidc.py)
    path("admin/", admin.site.urls),
]

handler403 = "requests_app.views.error_403"
handler404 = "requests_app.views.error_404"
handler500 = "requests_app.views.error_500"
