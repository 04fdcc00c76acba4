"""The public pages: the online request form and the requester's status page (no login)."""

from django.urls import URLPattern, path

from requests_app.views import online

app_name = "online"

urlpatterns: list[URLPattern] = [
    path("", online.start, name="start"),
    path("questions/<slug:slug>/", online.question_view, name="question"),
    path("email-code/", online.email_code, name="email_code"),
    path("check-your-answers/", online.check, name="check"),
    path("sent/", online.done, name="done"),
    path("status/<str:token>/", online.status, name="status"),
    path("status/<str:token>/code/", online.status_code, name="status_code"),
]
