from __future__ import annotations

from django.urls import path

from tsunagu.moments import views

app_name = "moments"

urlpatterns = [
    path("council/", views.council_moments, name="council_moments"),
    path("shared/", views.shared_with_us, name="shared_with_us"),
    path("notes/<int:note_id>/", views.moment_detail, name="moment_detail"),
    path("notes/<int:note_id>/share/", views.moment_share, name="moment_share"),
    path("notes/<int:note_id>/council/", views.council_write, name="council_write"),
    path("shares/<int:share_id>/stop/", views.share_stop, name="share_stop"),
    path("council/<int:moment_id>/publish/", views.council_publish, name="council_publish"),
]
