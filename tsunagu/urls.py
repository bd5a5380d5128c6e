from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from tsunagu.api import api

urlpatterns = [
    path("", include("tsunagu.dashboard.urls")),
    path("", include("tsunagu.core.urls")),
    path("accounts/", include("tsunagu.accounts.urls")),
    path("organizations/", include("tsunagu.organizations.urls")),
    path("audit/", include("tsunagu.audit.urls")),
    path("people/", include("tsunagu.people.urls")),
    path("cases/", include("tsunagu.cases.urls")),
    path("records/", include("tsunagu.records.urls")),
    path("referrals/", include("tsunagu.referrals.urls")),
    path("directory/", include("tsunagu.directory.urls")),
    path("plans/", include("tsunagu.plans.urls")),
    path("meetings/", include("tsunagu.meetings.urls")),
    path("trainings/", include("tsunagu.trainings.urls")),
    path("curricula/", include("tsunagu.curricula.urls")),
    path("expertise/", include("tsunagu.expertise.urls")),
    path("trials/", include("tsunagu.trials.urls")),
    path("moments/", include("tsunagu.moments.urls")),
    path("supervision/", include("tsunagu.supervision.urls")),
    path("abuse/", include("tsunagu.abuse.urls")),
    path("rights/", include("tsunagu.rights.urls")),
    path("plain-plans/", include("tsunagu.plainplans.urls")),
    path("hearings/", include("tsunagu.hearings.urls")),
    path("training-plans/", include("tsunagu.trainingplans.urls")),
    path("grouphomes/", include("tsunagu.grouphomes.urls")),
    path("self-evaluations/", include("tsunagu.selfevaluations.urls")),
    path("disaster/", include("tsunagu.disaster.urls")),
    path("community/", include("tsunagu.community.urls")),
    path("lifehub/", include("tsunagu.lifehub.urls")),
    path("search/", include("tsunagu.search.urls")),
    path("notifications/", include("tsunagu.notifications.urls")),
    path("disclosure/", include("tsunagu.disclosure.urls")),
    path("agenda/", include("tsunagu.agenda.urls")),
    path("reports/", include("tsunagu.reports.urls")),
    path("surveys/", include("tsunagu.surveys.urls")),
    path("portal/", include("tsunagu.portal.staff_urls")),
    # The person's own portal: its own cookie and sign-in, no staff URL reachable from it.
    path("my/", include("tsunagu.portal.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/hsds/", include("tsunagu.directory.hsds_urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "tsunagu.core.views.bad_request"
handler403 = "tsunagu.audit.views.permission_denied"
handler404 = "tsunagu.core.views.page_not_found"
handler500 = "tsunagu.core.views.server_error"
