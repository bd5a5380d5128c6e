from __future__ import annotations

from django.urls import path

from tsunagu.referrals import import_views, views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", views.referral_new, name="new"),
    path("cases/<int:case_id>/new/", views.referral_create, name="create"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/export/", views.statistics_export, name="statistics_export"),
    path("import/", import_views.requests_import_page, name="import"),
    path("<int:referral_id>/", views.referral_detail, name="detail"),
    path("<int:referral_id>/edit/", views.referral_edit, name="edit"),
    path("<int:referral_id>/transition/", views.referral_transition, name="transition"),
    path("<int:referral_id>/fhir/", views.referral_fhir, name="fhir"),
]
