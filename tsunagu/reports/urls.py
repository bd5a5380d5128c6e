from __future__ import annotations

from django.urls import path

from tsunagu.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("annual/", views.annual_index, name="annual_index"),
    path("annual/<int:organization_id>/<int:year>/", views.annual_detail, name="annual_detail"),
    path("annual/<int:organization_id>/<int:year>/edit/", views.annual_edit, name="annual_edit"),
    path(
        "annual/<int:organization_id>/<int:year>/generate/",
        views.annual_generate,
        name="annual_generate",
    ),
    path("jobs/<int:job_id>/", views.job_detail, name="job_detail"),
    path("jobs/<int:job_id>/<str:fmt>/", views.job_download, name="job_download"),
]
