"""The JSON API under /api/v1/: one NinjaAPI, a router per app."""

from __future__ import annotations

from ninja import NinjaAPI

from tsunagu.abuse.api import router as abuse_router
from tsunagu.accounts.api import manage_router as accounts_manage_router
from tsunagu.accounts.api import router as accounts_router
from tsunagu.accounts.api_auth import BearerAuth
from tsunagu.agenda.api import router as agenda_router
from tsunagu.cases.api import router as cases_router
from tsunagu.cases.api_imports import router as consultation_imports_router
from tsunagu.community.api import router as community_router
from tsunagu.core.api import ObjectParser, install_error_handlers
from tsunagu.curricula.api import router as curricula_router
from tsunagu.dashboard.api import router as dashboard_router
from tsunagu.directory.api import router as directory_router
from tsunagu.disaster.api import router as disaster_router
from tsunagu.expertise.api import router as expertise_router
from tsunagu.grouphomes.api import router as grouphomes_router
from tsunagu.hearings.api import router as hearings_router
from tsunagu.lifehub.api import router as lifehub_router
from tsunagu.meetings.api import router as meetings_router
from tsunagu.moments.api import router as moments_router
from tsunagu.notifications.api import router as notifications_router
from tsunagu.organizations.api import router as organizations_router
from tsunagu.people.api import router as people_router
from tsunagu.plainplans.api import router as plainplans_router
from tsunagu.plans.api import router as plans_router
from tsunagu.portal.api import router as portal_router
from tsunagu.records.api import router as records_router
from tsunagu.referrals.api import router as referrals_router
from tsunagu.referrals.api_imports import router as referral_imports_router
from tsunagu.reports.api import router as reports_router
from tsunagu.rights.api import router as rights_router
from tsunagu.search.api import router as search_router
from tsunagu.selfevaluations.api import router as selfevaluations_router
from tsunagu.supervision.api import router as supervision_router
from tsunagu.surveys.api import router as surveys_router
from tsunagu.trainingplans.api import router as trainingplans_router
from tsunagu.trainings.api import router as trainings_router
from tsunagu.trials.api import router as trials_router

api = NinjaAPI(
    title="Tsunagu API",
    version="1",
    description="つなぐ — 相談支援ネットワークのAPI。`POST /api/v1/auth/token` で得たトークンを "
    "`Authorization: Bearer <token>` で送ります。エラーは常に "
    '`{"error": {"code", "message"}}` です。文字列には NUL 文字や壊れた文字（対のない'
    "サロゲート）は使えません（400、code: bad_characters）。",
    auth=BearerAuth(),
    parser=ObjectParser(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("/auth", accounts_router)
api.add_router("/accounts", accounts_manage_router)
api.add_router("/", organizations_router)
api.add_router("/", people_router)
api.add_router("/", cases_router)
api.add_router("/", records_router)
api.add_router("/", referrals_router)
api.add_router("/", plans_router)
api.add_router("/", portal_router)
api.add_router("/", directory_router)
api.add_router("/", meetings_router)
api.add_router("/", trainings_router)
api.add_router("/", curricula_router)
api.add_router("/", expertise_router)
api.add_router("/", trials_router)
api.add_router("/", moments_router)
api.add_router("/", supervision_router)
api.add_router("/", abuse_router)
api.add_router("/", rights_router)
api.add_router("/", plainplans_router)
api.add_router("/", hearings_router)
api.add_router("/", trainingplans_router)
api.add_router("/", grouphomes_router)
api.add_router("/", selfevaluations_router)
api.add_router("/", disaster_router)
api.add_router("/", community_router)
api.add_router("/", lifehub_router)
api.add_router("/", search_router)
api.add_router("/", notifications_router)
api.add_router("/", agenda_router)
api.add_router("/", reports_router)
api.add_router("/", consultation_imports_router)
api.add_router("/", referral_imports_router)
api.add_router("/", dashboard_router)
api.add_router("/", surveys_router)
