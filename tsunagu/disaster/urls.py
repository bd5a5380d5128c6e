from __future__ import annotations

from django.urls import path

from tsunagu.disaster import views

app_name = "disaster"

urlpatterns = [
    path("", views.register, name="register"),
    path("print/", views.register_print, name="register_print"),
    path("build/", views.register_build, name="register_build"),
    path("criteria/", views.criteria, name="criteria"),
    path("entries/<int:entry_id>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:entry_id>/consent/", views.entry_consent, name="entry_consent"),
    path("entries/<int:entry_id>/plan/", views.entry_plan, name="entry_plan"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:campaign_id>/check/", views.campaign_check, name="campaign_check"),
    path("campaigns/<int:campaign_id>/record/", views.campaign_record, name="campaign_record"),
    path("campaigns/<int:campaign_id>/close/", views.campaign_close, name="campaign_close"),
    path("campaigns/<int:campaign_id>/export/", views.campaign_export, name="campaign_export"),
    path("campaigns/<int:campaign_id>/sync/", views.campaign_sync, name="campaign_sync"),
    path(
        "campaigns/<int:campaign_id>/conflicts/<int:check_id>/settle/",
        views.conflict_settle,
        name="conflict_settle",
    ),
    # The offline phone screen (ADR 0020): served under /disaster/ so that the worker's scope
    # covers /disaster/campaigns/<id>/check/.
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("offline/", views.offline_shell, name="offline_shell"),
]
