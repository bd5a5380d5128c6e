from __future__ import annotations

from django.urls import path

from tsunagu.rights import views

app_name = "rights"

urlpatterns = [
    path("", views.index, name="index"),
    path("figures/", views.figures, name="figures"),
    path("council-list/", views.council_export, name="council_export"),
    path("persons/<int:person_id>/petition/", views.petition_create, name="petition_create"),
    path("petitions/<int:petition_id>/", views.petition_detail, name="petition_detail"),
    path("petitions/<int:petition_id>/step/", views.petition_step, name="petition_step"),
    path("persons/<int:person_id>/referral/", views.referral_create, name="referral_create"),
    path("referrals/<int:referral_id>/outcome/", views.referral_outcome, name="referral_outcome"),
    path("persons/<int:person_id>/cost-support/", views.cost_create, name="cost_create"),
    path("consultations/new/", views.consultation_create, name="consultation_create"),
    path(
        "consultations/<int:consultation_id>/",
        views.consultation_detail,
        name="consultation_detail",
    ),
    path(
        "consultations/<int:consultation_id>/step/",
        views.consultation_step,
        name="consultation_step",
    ),
    path(
        "consultations/<int:consultation_id>/close/",
        views.consultation_close,
        name="consultation_close",
    ),
]
