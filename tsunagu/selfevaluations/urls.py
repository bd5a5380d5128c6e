from __future__ import annotations

from django.urls import path

from tsunagu.selfevaluations import views

app_name = "selfevaluations"

urlpatterns = [
    path("", views.home, name="home"),
    path("criteria/new/", views.set_create, name="set_create"),
    path("criteria/<int:set_id>/", views.set_detail, name="set_detail"),
    path("criteria/<int:set_id>/edit/", views.set_edit, name="set_edit"),
    path("criteria/<int:set_id>/publish/", views.set_publish, name="set_publish"),
    path("criteria/<int:set_id>/areas/new/", views.area_create, name="area_create"),
    path("criteria/<int:set_id>/items/new/", views.item_create, name="item_create"),
    path("criteria/<int:set_id>/summary/", views.summary, name="summary"),
    path("criteria/<int:set_id>/summary/export/", views.summary_export, name="summary_export"),
    path("areas/<int:area_id>/edit/", views.area_edit, name="area_edit"),
    path("areas/<int:area_id>/delete/", views.area_delete, name="area_delete"),
    path("items/<int:item_id>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:item_id>/delete/", views.item_delete, name="item_delete"),
    path("start/", views.evaluation_start, name="evaluation_start"),
    path("<int:evaluation_id>/", views.evaluation_detail, name="evaluation_detail"),
    path("<int:evaluation_id>/edit/", views.evaluation_edit, name="evaluation_edit"),
    path("<int:evaluation_id>/submit/", views.evaluation_submit, name="evaluation_submit"),
    path("<int:evaluation_id>/return/", views.evaluation_return, name="evaluation_return"),
    path("<int:evaluation_id>/review/", views.evaluation_review, name="evaluation_review"),
    path("<int:evaluation_id>/release/", views.evaluation_release, name="evaluation_release"),
    path("offices/<int:organization_id>/history/", views.history, name="history"),
]
