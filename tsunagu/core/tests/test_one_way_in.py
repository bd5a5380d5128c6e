"""Views and API routes never query person-level models directly (STYLE.md: "one way in").

They must go through the selectors and `access_*` helpers of tsunagu/cases/access.py, which
scope every query to the acting organization and audit the read.  A direct
`Person.objects...` in a view is "often a security bug" (zulip's lint), so this test walks the
code and refuses it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PROTECTED_MODELS = {
    "Person",
    "DisabilityCertificate",
    "Household",
    "HouseholdMember",
    "Consent",
    "Consultation",
    "Case",
    "CaseTeamMember",
    "CaseStatusChange",
    "BreakGlassAccess",
    "ProgressNote",
    "NoteAttachment",
    "Formulation",
    "Referral",
    "ReferralTransition",
    "ReferralEscalation",
    # tsunagu/plans: through tsunagu/plans/access.py
    "Assessment",
    "AssessmentSection",
    "SupportPlan",
    "PlanItem",
    "WeeklyScheduleEntry",
    "ContingencyTrigger",
    "ContingencyAction",
    "Monitoring",
    "MonitoringGoalReport",
    "Task",
    # tsunagu/search: through tsunagu/search/selectors.py documents_visible_to
    "SearchDocument",
    # models of tsunagu/cases, read through tsunagu/meetings/selectors.py (access_conference)
    "CaseConference",
    "ConferenceAttendee",
}
ROOT = Path(__file__).resolve().parents[2]
ENTRY_POINTS = sorted(
    path
    for pattern in ("*/views.py", "*/api.py", "*/views/*.py", "*/api/*.py")
    for path in ROOT.glob(pattern)
)


def direct_queries(path: Path, root: Path = ROOT.parent) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in {"objects", "_default_manager", "_base_manager"}
            and isinstance(node.value, ast.Name)
            and node.value.id in PROTECTED_MODELS
        ):
            found.append(f"{path.relative_to(root)}:{node.lineno} {node.value.id}.{node.attr}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"get_object_or_404", "get_list_or_404"}
        ):
            found.append(f"{path.relative_to(root)}:{node.lineno} {node.func.id}")
    return found


def test_the_walk_sees_the_entry_points():
    names = {p.relative_to(ROOT).as_posix() for p in ENTRY_POINTS}
    assert {"accounts/views.py", "organizations/api.py"} <= names


@pytest.mark.parametrize("path", ENTRY_POINTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_direct_queries_of_person_level_models(path):
    assert direct_queries(path) == []


def test_the_check_catches_a_direct_query(tmp_path):
    bad = tmp_path / "views.py"
    bad.write_text(
        "def v(request, pk):\n"
        "    get_object_or_404(Case, pk=pk)\n"
        "    return Person.objects.get(pk=pk)\n"
    )
    assert sorted(direct_queries(bad, root=tmp_path)) == [
        "views.py:2 get_object_or_404",
        "views.py:3 Person.objects",
    ]
