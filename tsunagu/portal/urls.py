from __future__ import annotations

from django.urls import path

from tsunagu.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("signin/", views.signin, name="signin"),
    path("signin/passkey/options/", views.passkey_signin_options, name="passkey_signin_options"),
    path("signin/passkey/", views.passkey_signin, name="passkey_signin"),
    path("signout/", views.signout, name="signout"),
    path("passkeys/", views.passkey_list, name="passkeys"),
    path("passkeys/options/", views.passkey_register_options, name="passkey_register_options"),
    path("passkeys/add/", views.passkey_register, name="passkey_register"),
    path("passkeys/<int:passkey_id>/remove/", views.passkey_remove, name="passkey_remove"),
    path("ready/", views.ready, name="ready"),
    path("plan/", views.plan, name="plan"),
    path("checkin/", views.checkin, name="checkin"),
    path("checkin/done/", views.checkin_done, name="checkin_done"),
    path("checkin/rhythm/", views.rhythm, name="rhythm"),
    path("access/", views.access, name="access"),
    path("access/<int:event_id>/ask/", views.access_ask, name="access_ask"),
    path("rights/", views.rights, name="rights"),
    path("rights/ask/<slug:kind>/", views.rights_ask, name="rights_ask"),
    path("rights/supporters/<int:account_id>/end/", views.supporter_end, name="supporter_end"),
    path("sent/", views.sent, name="sent"),
    path("end/", views.end, name="end"),
]
