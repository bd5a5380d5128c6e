from __future__ import annotations

from django.urls import URLPattern, path

from tsunagu.people import views

app_name = "people"

urlpatterns: list[URLPattern] = [
    path("", views.person_search, name="person_search"),
    path("new/", views.person_create, name="person_create"),
    path("<int:person_id>/", views.person_detail, name="person_detail"),
    path("<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("<int:person_id>/contact/", views.person_contact_reveal, name="person_contact_reveal"),
    path("<int:person_id>/contact/edit/", views.person_contact_edit, name="person_contact_edit"),
    path("<int:person_id>/protection/", views.protection_edit, name="protection_edit"),
    path("<int:person_id>/protection/end/", views.protection_end, name="protection_end"),
    path("<int:person_id>/consents/new/", views.consent_create, name="consent_create"),
    path(
        "<int:person_id>/consents/<int:consent_id>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("duplicates/", views.duplicate_queue, name="duplicate_queue"),
    path("duplicates/<int:candidate_id>/", views.duplicate_detail, name="duplicate_detail"),
    path("households/", views.household_list, name="household_list"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/<int:household_id>/", views.household_detail, name="household_detail"),
    path("households/<int:household_id>/edit/", views.household_edit, name="household_edit"),
    path(
        "households/<int:household_id>/members/new/",
        views.household_member_add,
        name="household_member_add",
    ),
    path(
        "households/<int:household_id>/members/<int:member_id>/end/",
        views.household_member_end,
        name="household_member_end",
    ),
]
