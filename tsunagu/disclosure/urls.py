from __future__ import annotations

from django.urls import path

from tsunagu.disclosure import views

app_name = "disclosure"

urlpatterns = [
    path("notes/<int:note_id>/print/", views.note_pdf, name="note_pdf"),
    path("cases/<int:case_id>/summary/", views.case_summary_pdf, name="case_summary_pdf"),
    path("people/<int:person_id>/", views.disclosure, name="person_disclosure"),
]
