from __future__ import annotations

from django.urls import path

from tsunagu.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboards/", views.figures, name="figures"),
    path("dashboards/export/", views.figures_export, name="figures_export"),
    path("dashboards/records/<slug:key>/", views.figure_records_page, name="figure_records"),
    path("dashboards/balance/", views.balance, name="balance"),
    path("caseloads/", views.caseloads, name="caseloads"),
    path("one-person-offices/", views.one_person_offices, name="one_person_offices"),
]
