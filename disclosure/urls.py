from django.urls import URLPattern, URLResolver

app_name = "disclosure"
urlpatterns: list[URLPattern | URLResolver] = []  # filled in by later issues
