"""`manage.py seed_demo` gives each organization its note templates and office_a1 a few
next contacts that became tasks (tsunagu.demo.notes)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tsunagu.accounts.models import User
from tsunagu.organizations.models import Membership
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.plans import selectors as plan_selectors
from tsunagu.plans.models import Task, TaskSource, TaskStatus
from tsunagu.records import selectors
from tsunagu.records.models import NoteKind, NoteTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_city, db, settings) -> str:
    settings.DEMO_MODE = True
    return demo_city


def test_every_organization_that_signs_in_has_the_three_templates(demo):
    organizations = (
        Membership.objects.current().values_list("organization_id", flat=True).distinct()
    )
    for organization_id in organizations:
        templates = NoteTemplate.objects.filter(organization_id=organization_id, is_active=True)
        assert sorted(templates.values_list("name", "kind")) == [
            ("会議", NoteKind.CASE_CONFERENCE),
            ("訪問", NoteKind.HOME_VISIT),
            ("電話", NoteKind.PHONE),
        ]
    visit = NoteTemplate.objects.filter(name="訪問").first()
    assert visit is not None
    assert visit.body == "【様子】\n【本人の話】\n【家族の話】\n【次回までに】"


def test_office_a1_sees_only_office_as_templates(demo):
    actor = actor_as(User.objects.get(username="office_a1"))
    shown = selectors.note_template_list(actor, active_only=True)
    assert {t.organization_id for t in shown} == {actor.organization_id}
    assert shown.count() == 3


def test_office_a1_has_open_next_contact_tasks_from_notes(demo):
    actor = actor_as(User.objects.get(username="office_a1"))
    tasks = plan_selectors.task_list(actor=actor, scope="mine").filter(source=TaskSource.NOTE)
    assert tasks.count() == 4
    for task in tasks:
        assert task.status == TaskStatus.OPEN
        assert task.progress_note is not None
        assert task.progress_note.next_contact_on == task.due_on
        assert task.case_id == task.progress_note.case_id
    # office_b1 sees none of them.
    other = actor_as(User.objects.get(username="office_b1"))
    assert not plan_selectors.task_list(actor=other, scope="mine").filter(source=TaskSource.NOTE)


def test_a_second_run_makes_nothing_more(demo):
    counts = (NoteTemplate.objects.count(), Task.objects.filter(source=TaskSource.NOTE).count())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert (
        "記録のひな形・次回連絡: 作成済みのため、新たに作成したものはありません。" in out.getvalue()
    )
    assert counts == (
        NoteTemplate.objects.count(),
        Task.objects.filter(source=TaskSource.NOTE).count(),
    )
