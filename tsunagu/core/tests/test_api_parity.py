"""API parity: every action a screen can do, the API can do, through the same service.

The screens that take a POST are found by walking the URL resolver: a view takes a POST when a
`require_POST` / `require_http_methods([... "POST" ...])` in its decorator chain says so, or when
its own source handles `POST`.  Each one must be named here exactly once:

- `TWINS`: its API twin, by the API's URL name (a POST, PATCH, PUT or DELETE operation);
- `SCREEN_ONLY`: why it has no twin and should not have one (a short, reasoned list);
- `NO_TWIN_YET`: a twin still owed; this list may only shrink (it is empty now).

A new POST screen that is in none of them fails `test_every_post_screen_is_named`, and an entry
whose screen or API operation no longer exists fails too, so the lists stay true.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from tsunagu.api import api

# Screen URL name -> API URL name of the twin that calls the same service.
TWINS: dict[str, str] = {
    # abuse: the response under 障害者虐待防止法 (issue 20 item 1)
    "abuse:report_create": "abuse_report_create",
    "abuse:report_team": "abuse_report_team",
    "abuse:fact_finding": "abuse_report_fact_finding",
    "abuse:judgement": "abuse_report_judgement",
    "abuse:prefecture": "abuse_report_prefecture",
    "abuse:monitoring": "abuse_report_monitoring",
    "abuse:close": "abuse_report_close",
    # plainplans: the plan in plain words (issue 22 item 2); the チェック submit of the edit
    # screen is `plainplans_check`
    "plainplans:start": "plainplans_start",
    "plainplans:edit": "plainplans_edit",
    "plainplans:release": "plainplans_release",
    # community: activities, awareness, outreach (issue 21 items 1-3)
    "community:activity_create": "community_activity_create",
    "community:activity_edit": "community_activity_update",
    "community:awareness_create": "community_awareness_create",
    "community:awareness_results": "community_awareness_results",
    "community:materials_add": "community_materials_add",
    "community:lead_create": "community_lead_create",
    "community:lead_contact": "community_lead_contact",
    "community:lead_consent": "community_lead_consent",
    "community:lead_connect": "community_lead_connect",
    "community:lead_close": "community_lead_close",
    # portal: the staff side of the person's portal (issue 22 item 1)
    "portal_staff:invite": "portal_invite",
    "portal_staff:code_issue": "portal_code_issue",
    "portal_staff:account_end": "portal_account_end",
    "portal_staff:request_answered": "portal_request_answered",
    # disaster: the 避難行動要支援者名簿 and the safety checks (issue 20 items 6, 7)
    "disaster:criteria": "disaster_criteria_set",
    "disaster:register_build": "disaster_register_build",
    "disaster:entry_consent": "disaster_entry_consent",
    "disaster:entry_plan": "disaster_plan_save",
    "disaster:campaign_create": "disaster_campaign_declare",
    "disaster:campaign_record": "disaster_check_record",
    "disaster:campaign_close": "disaster_campaign_close",
    # the offline phone screen's queue and the conflicts it makes (ADR 0020)
    "disaster:campaign_sync": "disaster_check_batch",
    "disaster:conflict_settle": "disaster_conflict_settle",
    # lifehub: the life hub and the residents' activities (issue 21 items 4 and 8)
    "lifehub:role_add": "lifehub_role_add",
    "lifehub:role_end": "lifehub_role_end",
    "lifehub:emergency_create": "lifehub_emergency_receive",
    "lifehub:emergency_accept": "lifehub_emergency_accept",
    "lifehub:emergency_decline": "lifehub_emergency_decline",
    "lifehub:emergency_end": "lifehub_emergency_end",
    "lifehub:activity_create": "lifehub_activity_create",
    "lifehub:consent_give": "lifehub_consent_give",
    "lifehub:consent_withdraw": "lifehub_consent_withdraw",
    # grouphomes: the day-service group home evaluation (issue 19 item 6)
    "grouphomes:home_create": "grouphome_create",
    "grouphomes:home_edit": "grouphome_update",
    "grouphomes:evaluation_create": "grouphome_evaluation_plan",
    "grouphomes:visit": "grouphome_evaluation_visit",
    "grouphomes:self_evaluation": "grouphome_evaluation_self_evaluation",
    "grouphomes:qa": "grouphome_evaluation_qa",
    "grouphomes:report": "grouphome_evaluation_report",
    "grouphomes:publish": "grouphome_evaluation_publish",
    # selfevaluations: criteria, the office's evaluation, the center's comments (issue 19 item 5)
    "selfevaluations:set_create": "self_evaluation_set_create",
    "selfevaluations:set_edit": "self_evaluation_set_update",
    "selfevaluations:set_publish": "self_evaluation_set_publish",
    "selfevaluations:area_create": "self_evaluation_area_create",
    "selfevaluations:area_edit": "self_evaluation_area_update",
    "selfevaluations:area_delete": "self_evaluation_area_delete",
    "selfevaluations:item_create": "self_evaluation_item_create",
    "selfevaluations:item_edit": "self_evaluation_item_update",
    "selfevaluations:item_delete": "self_evaluation_item_delete",
    "selfevaluations:evaluation_start": "self_evaluation_start",
    "selfevaluations:evaluation_edit": "self_evaluation_update",
    "selfevaluations:evaluation_submit": "self_evaluation_submit",
    "selfevaluations:evaluation_return": "self_evaluation_return",
    "selfevaluations:evaluation_review": "self_evaluation_review",
    "selfevaluations:evaluation_release": "self_evaluation_release",
    # reports: the core center's annual report (issue 17 item 3)
    "reports:annual_edit": "annual_report_update",
    "reports:annual_generate": "annual_report_generate",
    # trainings: events, registrations, attendance, certificates (issue 18 item 1)
    "trainings:event_create": "training_create",
    "trainings:event_edit": "training_update",
    "trainings:registration_create": "training_register",
    "trainings:registration_cancel": "training_registration_cancel",
    "trainings:attendance": "training_attendance",
    "trainings:certificates_issue": "training_certificates_issue",
    "trainings:attendance_import": "training_attendance_import",
    "trainings:materials_add": "training_materials_add",
    "trainings:material_delete": "training_material_delete",
    "trainings:questionnaire": "training_questionnaire_answer",
    # surveys: the sender's survey, the office's answers, the 実態調査 (issue 19)
    "surveys:survey_create": "surveys_create",
    "surveys:survey_edit": "surveys_update",
    "surveys:question_create": "surveys_question_create",
    "surveys:question_delete": "surveys_question_delete",
    "surveys:recipients": "surveys_recipients",
    "surveys:survey_send": "surveys_send",
    "surveys:survey_close": "surveys_close",
    "surveys:survey_remind": "surveys_remind",
    "surveys:response_detail": "surveys_response_save",
    "surveys:response_reopen": "surveys_response_reopen",
    "surveys:answer_review": "surveys_answer_review",
    "surveys:census_create": "surveys_census_create",
    # hearings: rounds, hearings, notes, findings, directions (issue 19 item 4)
    "hearings:round_create": "hearings_round_create",
    "hearings:round_edit": "hearings_round_update",
    "hearings:hearing_create": "hearings_hearing_create",
    "hearings:hearing_edit": "hearings_hearing_update",
    "hearings:hearing_status": "hearings_hearing_status",
    "hearings:hearing_share": "hearings_hearing_share",
    "hearings:notes_edit": "hearings_notes_write",
    "hearings:finding_create": "hearings_finding_create",
    "hearings:direction_create": "hearings_direction_create",
    "hearings:direction_adopt": "hearings_direction_adopt",
    "hearings:direction_issue": "hearings_direction_issue",
    "hearings:direction_development": "hearings_direction_development",
    # trials: visits before deciding (issue 21 item 5)
    "trials:candidate_add": "trials_candidate_add",
    "trials:visit_record": "trials_visit_record",
    "trials:candidate_decide": "trials_candidate_decide",
    # moments: motivating moments that travel (issue 21 item 6)
    "moments:moment_share": "moments_share",
    "moments:share_stop": "moments_share_stop",
    "moments:council_write": "moments_council_write",
    "moments:council_publish": "moments_council_publish",
    # rights: guardianship petitions, discrimination consultations (issue 20 items 2 and 3)
    "rights:petition_create": "rights_petition_create",
    "rights:petition_step": "rights_petition_step",
    "rights:referral_create": "rights_referral_create",
    "rights:referral_outcome": "rights_referral_outcome",
    "rights:cost_create": "rights_cost_create",
    "rights:consultation_create": "rights_consultation_create",
    "rights:consultation_step": "rights_consultation_step",
    "rights:consultation_close": "rights_consultation_close",
    # supervision: sessions, presented cases, advice, follow-up (issue 18 item 5)
    "supervision:session_create": "supervision_session_create",
    "supervision:session_edit": "supervision_session_update",
    "supervision:item_create": "supervision_item_create",
    "supervision:item_link": "supervision_item_link",
    "supervision:item_advice": "supervision_item_advice",
    "supervision:item_record": "supervision_item_record",
    "supervision:item_carry": "supervision_item_carry",
    "supervision:item_follow_up": "supervision_item_follow_up",
    # curricula: stages, requirements, external learning (issue 18 item 2)
    "curricula:create": "curriculum_create",
    "curricula:edit": "curriculum_update",
    "curricula:stage_create": "curriculum_stage_add",
    "curricula:requirement_create": "curriculum_requirement_add",
    "curricula:stage_edit": "curriculum_stage_update",
    "curricula:stage_move": "curriculum_stage_move",
    "curricula:stage_delete": "curriculum_stage_delete",
    "curricula:requirement_edit": "curriculum_requirement_update",
    "curricula:requirement_delete": "curriculum_requirement_delete",
    "curricula:link_create": "curriculum_event_link",
    "curricula:link_delete": "curriculum_event_unlink",
    "curricula:learning_create": "external_learning_create",
    "curricula:learning_review": "external_learning_review",
    # organizations: staffing (issue 17 item 6)
    "organizations:post_create": "staffing_post_create",
    "organizations:post_edit": "staffing_post_update",
    "organizations:assignment_create": "staffing_assignment_add",
    "organizations:assignment_end": "staffing_assignment_end",
    # organizations, memberships and accounts managed in the app (issue 17 item 8, ADR 0014)
    "organizations:manage_create": "organization_create",
    "organizations:manage_edit": "organization_update",
    "organizations:membership_create": "membership_grant",
    "organizations:membership_end": "membership_end",
    "organizations:import": "organization_import",
    "accounts:managed_user_create": "account_invite",
    "accounts:managed_user_disable": "account_disable",
    "accounts:managed_user_reset_2fa": "account_reset_2fa",
    # people
    "people:person_create": "person_create",
    "people:person_edit": "person_update",
    "people:consent_create": "consent_create",
    "people:consent_withdraw": "consent_withdraw",
    "people:person_contact_reveal": "person_contact_reveal",
    "people:person_contact_edit": "person_update",
    "people:protection_edit": "person_protection_set",
    "people:protection_end": "person_protection_end",
    "people:duplicate_detail": "duplicate_decide",
    "people:household_create": "household_create",
    "people:household_edit": "household_update",
    "people:household_member_add": "household_member_add",
    "people:household_member_end": "household_member_end",
    # cases
    "cases:case_edit": "case_update",
    "cases:case_transition": "case_transition",
    "cases:case_reopen": "case_transition",  # a reopen is a move with a reason
    "cases:team_add": "case_team_add",
    "cases:team_leave": "case_team_leave",
    "cases:break_glass_new": "break_glass_open",
    "cases:consultation_create": "consultation_create",
    "cases:consultation_open_case": "case_create",  # {"consultation_id": ...}
    "cases:consultation_link_person": "consultation_link_person",
    "cases:consultation_import": "consultation_import",
    "cases:break_glass_review": "review_break_glass_reviewed",
    "cases:emergency_convert": "review_emergency_convert",
    "cases:emergency_end": "review_emergency_end",
    "cases:emergency_reviewed": "review_emergency_reviewed",
    # records
    "records:note_create": "case_note_create",
    "records:formulation_create": "case_formulation_create",
    "records:board": "case_board_post",
    "records:note_next_contact": "note_next_contact_set",
    "records:note_template_create": "note_template_create",
    "records:note_template_edit": "note_template_update",
    "records:note_template_active": "note_template_update",  # {"is_active": false|true}
    # referrals
    "referrals:create": "referral_create",
    "referrals:edit": "referral_update",
    "referrals:transition": "referral_transition",
    "referrals:import": "referral_import",
    # directory
    "directory:resource_create": "directory_resource_create",
    "directory:resource_edit": "directory_resource_update",
    "directory:vacancy_update": "directory_vacancy_update",
    "directory:provider_create": "directory_provider_create",
    "directory:provider_edit": "directory_provider_update",
    "meetings:development_create": "directory_development_create",
    "meetings:development_edit": "directory_development_update",
    # plans
    "plans:assessment_create": "case_assessment_create",
    "plans:plan_create": "case_plan_create",
    "plans:plan_edit": "plan_update",
    "plans:plan_new_version": "plan_new_version",
    "plans:plan_agree": "plan_agree",
    "plans:plan_item_create": "plan_item_create",
    "plans:plan_item_edit": "plan_item_update",
    "plans:plan_item_delete": "plan_item_delete",
    "plans:plan_weekly": "plan_weekly_add",
    "plans:plan_weekly_delete": "plan_weekly_delete",
    "plans:monitoring_report": "monitoring_report",
    "plans:contingency_list": "case_contingency_create",
    "plans:contingency_action_add": "contingency_action_add",
    "plans:contingency_happened": "contingency_happened",
    "plans:task_status": "task_set_status",
    # meetings
    "meetings:body_create": "meeting_body_create",
    "meetings:meeting_create": "meeting_create",
    "meetings:meeting_record": "meeting_record",
    "meetings:action_add": "meeting_action_add",
    "meetings:action_take": "meeting_action_take",
    "meetings:attachment_delete": "meeting_attachment_delete",
    "meetings:conference_record": "conference_record",
    "meetings:summary_generate": "conference_summary_generate",
    "meetings:issue_advance": "issue_advance",
    "meetings:conference_create": "conference_create",
    "meetings:attendee_add": "conference_attendee_add",
    "meetings:attendee_pledge": "attendee_pledge",
    "meetings:summary_review": "conference_summary",
    "meetings:issue_create": "issue_create",
    "meetings:case_issue_create": "issue_create",  # source=case, source_case_id
    "meetings:conference_issue_create": "issue_create",  # source=conference
    # training plans: the core center's yearly plan (issue 18 item 3)
    "trainingplans:plan_create": "training_plan_create",
    "trainingplans:plan_edit": "training_plan_update",
    "trainingplans:item_create": "training_plan_item_create",
    "trainingplans:item_edit": "training_plan_item_update",
    "trainingplans:item_delete": "training_plan_item_delete",
    # expertise: the directory's declarations (issue 18 item 4)
    "expertise:declaration_create": "expertise_declaration_create",
    "expertise:declaration_edit": "expertise_declaration_update",
    "expertise:declaration_delete": "expertise_declaration_delete",
    # notifications
    "notifications:mark": "notification_mark",
    "notifications:mark_all_read": "notification_mark_all_read",
}

# Screens that must stay screens, and why.
PORTAL_ONLY = (
    "the person's own portal (/my/, ADR 0024): screens only by design, a portal cookie gets "
    "404 on every API path, and staff act on the portal through the portal_* API"
)

SCREEN_ONLY: dict[str, str] = {
    "portal:start": PORTAL_ONLY,
    "portal:signin": PORTAL_ONLY,
    "portal:signout": PORTAL_ONLY,
    "portal:checkin": PORTAL_ONLY,
    "portal:rhythm": PORTAL_ONLY,
    "portal:access_ask": PORTAL_ONLY,
    "portal:rights_ask": PORTAL_ONLY,
    "portal:supporter_end": PORTAL_ONLY,
    "portal:end": PORTAL_ONLY,
    "portal:passkey_signin_options": PORTAL_ONLY,
    "portal:passkey_signin": PORTAL_ONLY,
    "portal:passkey_register_options": PORTAL_ONLY,
    "portal:passkey_register": PORTAL_ONLY,
    "portal:passkey_remove": PORTAL_ONLY,
    "accounts:saved_search_create": "a bookmark of a screen's query string; an API client "
    "keeps its own queries",
    "accounts:saved_search_delete": "removes such a screen bookmark",
    "accounts:login": "browser sign-in; an API client gets a token from POST /auth/token",
    "accounts:otp_verify": "second step of a browser sign-in; /auth/token takes `otp` itself",
    "accounts:logout": "ends the browser session; a client ends its token by DELETE /auth/token",
    "accounts:password_change": "needs the current password in a signed-in browser session; a "
    "bearer token must not be able to take over its account",
    "accounts:otp_setup": "enrols an authenticator (QR code, a code typed back); a token must "
    "not add a second factor to its own account",
    "accounts:recovery_codes": "shows new recovery codes once, to the person at the screen",
    "accounts:passkey_signin_options": "a passkey sign-in is a browser ceremony (WebAuthn: the "
    "authenticator signs for this site's origin); an API client signs in at POST /auth/token",
    "accounts:passkey_signin": "as accounts:passkey_signin_options",
    "accounts:passkey_register_options": "registers a passkey, a sign-in factor, in a "
    "2FA-verified browser session; a token must not add a factor to its own account (as "
    "otp_setup)",
    "accounts:passkey_register": "as accounts:passkey_register_options",
    "accounts:passkey_delete": "passkeys are managed with the screen that registers them; an "
    "administrator's 2FA reset removes them all",
    "accounts:user_create": "user administration is done by an administrator signed in with "
    "2FA at the screen; no standing token should create accounts",
    "accounts:user_action": "2FA reset, lock, end sessions: as user_create, screen-only",
    "organizations:switch": "chooses the session's acting organization; a token is issued for "
    "one organization (POST /auth/token, `organization_id`)",
    "set_language": "the browser's language cookie; the API answers in the request's language",
    "audit:chain": "verifying the audit chain reads every row; an administrator asks for it at "
    "the screen, never a script on a token",
    "notifications:open": "marks read and redirects the browser to the target's screen; the "
    "API lists each target's `url` and marks read with notification_mark",
    "notifications:settings": "the person's own digest e-mail setting, chosen at the screen",
    "directory:import": "a file upload of a whole HSDS export, by the core center at the screen "
    "(the same resources are written one by one through /directory/resources)",
    "search:synonyms": "the core center's list of search words (GH ↔ グループホーム), kept by "
    "hand at the screen; no other system writes it",
    "search:synonym_delete": "as search:synonyms",
    "agenda:feed_settings": "makes or stops the person's own calendar feed, whose secret "
    "address is shown once at the screen; an API token must not mint a standing credential",
    "disclosure:person_disclosure": (
        "a disclosure request is answered by a reviewer who reads each restricted note on the "
        "screen and hands the person the file; an API client would only copy the whole record"
    ),
}

# Twins still owed, each with the service it must call.  Issue 14 closed the last of them; the
# list stays so that a change can be seen as owing one, and it may not grow past the number below.
NO_TWIN_YET: dict[str, str] = {}
NO_TWIN_YET_AT_MOST = 0

_WRITE_METHODS = {"POST", "PATCH", "PUT", "DELETE"}


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, Callable[..., Any]]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield prefix + str(pattern.pattern), name, pattern.callback


def _takes_post(view: Callable[..., Any]) -> bool:
    """True when a method decorator in the view's chain allows POST, or its source handles it."""
    layer: Any = view
    while True:
        for cell in getattr(layer, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            if isinstance(value, list | tuple | set | frozenset) and "POST" in value:
                return True
        wrapped = getattr(layer, "__wrapped__", None)
        if wrapped is None:
            break
        layer = wrapped
    try:
        return "POST" in inspect.getsource(layer)
    except (OSError, TypeError):
        return False


def _post_screens() -> dict[str, str]:
    """Screen URL name -> route, for every screen view that takes a POST."""
    screens: dict[str, str] = {}
    for route, name, view in _walk(get_resolver().url_patterns):
        if route.startswith(("api/", "admin/")):
            continue
        if _takes_post(view):
            screens[name] = route
    return screens


def _api_operations() -> dict[str, set[str]]:
    """API URL name -> the HTTP methods of its operation."""
    operations: dict[str, set[str]] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                name = getattr(operation, "url_name", None) or api.get_operation_url_name(
                    operation, router=router
                )
                operations.setdefault(name, set()).update(operation.methods)
    return operations


def test_every_post_screen_is_named() -> None:
    named = TWINS.keys() | SCREEN_ONLY.keys() | NO_TWIN_YET.keys()
    unnamed = {name: route for name, route in _post_screens().items() if name not in named}
    assert not unnamed, (
        "screens that take a POST but have no API twin and no reasoned exception "
        f"(add the twin to TWINS, calling the same service): {unnamed}"
    )


def test_each_screen_is_named_once_and_still_takes_post() -> None:
    lists = [TWINS.keys(), SCREEN_ONLY.keys(), NO_TWIN_YET.keys()]
    assert not lists[0] & lists[1]
    assert not lists[0] & lists[2]
    assert not lists[1] & lists[2]
    screens = _post_screens()
    stale = sorted(name for keys in lists for name in keys if name not in screens)
    assert not stale, f"named here but no longer a POST screen: {stale}"


def test_every_twin_is_a_write_operation_of_the_api() -> None:
    operations = _api_operations()
    missing = sorted(
        f"{screen} -> {twin}" for screen, twin in TWINS.items() if twin not in operations
    )
    assert not missing, f"API twins that do not exist: {missing}"
    read_only = sorted(
        f"{screen} -> {twin} {sorted(operations[twin])}"
        for screen, twin in TWINS.items()
        if not operations[twin] & _WRITE_METHODS
    )
    assert not read_only, f"API twins that change nothing: {read_only}"


def test_the_owed_twins_only_shrink() -> None:
    assert len(NO_TWIN_YET) <= NO_TWIN_YET_AT_MOST
    assert all(reason.strip() for reason in (*SCREEN_ONLY.values(), *NO_TWIN_YET.values()))


def test_the_walk_finds_post_screens_and_skips_get_only_ones() -> None:
    """The detector itself: a decorated POST view, a form view, and a GET-only page."""
    screens = _post_screens()
    assert "cases:case_transition" in screens  # @require_POST
    assert "people:household_create" in screens  # @require_http_methods(["GET", "POST"])
    assert "people:person_detail" not in screens
    assert "cases:list" not in screens
