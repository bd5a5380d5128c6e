from __future__ import annotations

from django.urls import path

from tsunagu.plans.views import exports, screens

app_name = "plans"

urlpatterns = [
    path("cases/<int:case_id>/assessments/", screens.assessment_list, name="assessment_list"),
    path(
        "cases/<int:case_id>/assessments/new/",
        screens.assessment_create,
        name="assessment_create",
    ),
    path("assessments/<int:assessment_id>/", screens.assessment_detail, name="assessment_detail"),
    path("cases/<int:case_id>/plans/", screens.plan_list, name="plan_list"),
    path("cases/<int:case_id>/plans/new/", screens.plan_create, name="plan_create"),
    path("<int:plan_id>/", screens.plan_detail, name="plan_detail"),
    path("<int:plan_id>/edit/", screens.plan_edit, name="plan_edit"),
    path("<int:plan_id>/new-version/", screens.plan_new_version, name="plan_new_version"),
    path("<int:plan_id>/agree/", screens.plan_agree, name="plan_agree"),
    path("<int:plan_id>/items/new/", screens.plan_item_edit, name="plan_item_create"),
    path("<int:plan_id>/items/<int:item_id>/", screens.plan_item_edit, name="plan_item_edit"),
    path(
        "<int:plan_id>/items/resources/",
        screens.plan_item_resources,
        name="plan_item_resources",
    ),
    path(
        "<int:plan_id>/items/<int:item_id>/delete/",
        screens.plan_item_delete,
        name="plan_item_delete",
    ),
    path("<int:plan_id>/weekly/", screens.plan_weekly, name="plan_weekly"),
    path(
        "<int:plan_id>/weekly/<int:entry_id>/delete/",
        screens.plan_weekly_delete,
        name="plan_weekly_delete",
    ),
    path("monitorings/", screens.monitoring_due_list, name="monitoring_due_list"),
    path("monitorings/<int:monitoring_id>/", screens.monitoring_detail, name="monitoring_detail"),
    path(
        "monitorings/<int:monitoring_id>/report/",
        screens.monitoring_report,
        name="monitoring_report",
    ),
    path("cases/<int:case_id>/contingencies/", screens.contingency_list, name="contingency_list"),
    path(
        "contingencies/<int:trigger_id>/actions/new/",
        screens.contingency_action_add,
        name="contingency_action_add",
    ),
    path(
        "contingencies/<int:trigger_id>/happened/",
        screens.contingency_happened,
        name="contingency_happened",
    ),
    path("tasks/", screens.task_list, name="task_list"),
    path("cases/<int:case_id>/tasks/", screens.case_task_list, name="case_task_list"),
    path("tasks/<int:task_id>/status/", screens.task_status, name="task_status"),
    # Downloads (tsunagu/plans/views/exports.py): the printed forms, xlsx and FHIR.
    path("<int:plan_id>/pdf/", exports.plan_pdf, name="plan_pdf"),
    path("<int:plan_id>/xlsx/", exports.plan_xlsx, name="plan_xlsx"),
    path("<int:plan_id>/fhir/", exports.plan_fhir, name="plan_fhir"),
    path("monitorings/<int:monitoring_id>/pdf/", exports.monitoring_pdf, name="monitoring_pdf"),
    path("monitorings/<int:monitoring_id>/xlsx/", exports.monitoring_xlsx, name="monitoring_xlsx"),
]
