from __future__ import annotations

from django.urls import path

from tsunagu.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.otp_verify, name="otp_verify"),
    path("login/passkey/options/", views.passkey_signin_options, name="passkey_signin_options"),
    path("login/passkey/", views.passkey_signin, name="passkey_signin"),
    path("logout/", views.logout_view, name="logout"),
    path("account/", views.account, name="account"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/2fa/setup/", views.otp_setup, name="otp_setup"),
    path("account/2fa/recovery-codes/", views.recovery_codes_regenerate, name="recovery_codes"),
    path(
        "account/passkeys/options/",
        views.passkey_register_options,
        name="passkey_register_options",
    ),
    path("account/passkeys/", views.passkey_register, name="passkey_register"),
    path(
        "account/passkeys/<int:passkey_id>/delete/",
        views.passkey_delete,
        name="passkey_delete",
    ),
    path("account/searches/", views.saved_search_list, name="saved_searches"),
    path("account/searches/new/", views.saved_search_create, name="saved_search_create"),
    path(
        "account/searches/<int:saved_search_id>/delete/",
        views.saved_search_delete,
        name="saved_search_delete",
    ),
    path("admin/users/", views.user_list, name="user_list"),
    path("admin/users/new/", views.user_create, name="user_create"),
    path("admin/users/<int:user_id>/", views.user_detail, name="user_detail"),
    path("admin/users/<int:user_id>/<slug:action>/", views.user_action, name="user_action"),
    # Accounts managed by the city's and the core center's managers (ADR 0014).
    path("manage/users/new/", views.managed_user_create, name="managed_user_create"),
    path("manage/users/<int:user_id>/", views.managed_user_detail, name="managed_user_detail"),
    path(
        "manage/users/<int:user_id>/disable/",
        views.managed_user_disable,
        name="managed_user_disable",
    ),
    path(
        "manage/users/<int:user_id>/reset-2fa/",
        views.managed_user_reset_2fa,
        name="managed_user_reset_2fa",
    ),
    path(
        "invitation/<uidb64>/<token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
]
