from __future__ import annotations

from django.urls import path

from tsunagu.portal import staff_views

app_name = "portal_staff"

urlpatterns = [
    path("cases/<int:case_id>/", staff_views.case_portal, name="case"),
    path("cases/<int:case_id>/invite/", staff_views.invite, name="invite"),
    path("accounts/<int:account_id>/code/", staff_views.code_issue, name="code_issue"),
    path("accounts/<int:account_id>/end/", staff_views.account_end, name="account_end"),
    path(
        "requests/<int:request_id>/answered/", staff_views.request_answered, name="request_answered"
    ),
]
