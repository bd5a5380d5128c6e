from __future__ import annotations

from django.urls import path

from tsunagu.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("new/", views.session_create, name="session_create"),
    path("counts/", views.counts, name="counts"),
    path("<int:session_id>/", views.session_detail, name="session_detail"),
    path("<int:session_id>/edit/", views.session_edit, name="session_edit"),
    path("<int:session_id>/present/", views.item_create, name="item_create"),
    path("items/<int:item_id>/link/", views.item_link, name="item_link"),
    path("items/<int:item_id>/advice/", views.item_advice, name="item_advice"),
    path("items/<int:item_id>/record/", views.item_record, name="item_record"),
    path("items/<int:item_id>/carry/", views.item_carry, name="item_carry"),
    path("items/<int:item_id>/follow-up/", views.item_follow_up, name="item_follow_up"),
]
