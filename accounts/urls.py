from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from accounts import forms, passkeys, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("two-factor/enrol/", views.two_factor_enrol, name="two_factor_enrol"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/recovery-codes/", views.two_factor_recovery_codes, name="two_factor_recovery_codes"),
    path("two-factor/keys/", views.two_factor_keys, name="two_factor_keys"),
    path("two-factor/keys/<int:pk>/remove/", views.two_factor_key_remove, name="two_factor_key_remove"),
    path("two-factor/passkey/", include((passkeys.urlpatterns, "otp_webauthn"))),
    path("oidc/refused/", views.oidc_refused, name="oidc_refused"),
    path("staff/", views.staff_sign_in, name="staff_sign_in"),
    path("staff/<int:pk>/reset-factors/", views.staff_factors_reset, name="staff_factors_reset"),
    path("staff/lockouts/<int:pk>/clear/", views.staff_lockout_clear, name="staff_lockout_clear"),
    # Django's own password views, in GOV.UK templates (templates/registration/).
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(form_class=forms.PasswordChangeForm),
        name="password_change",
    ),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=forms.PasswordResetForm,
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=forms.SetPasswordForm),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
