"""`in_once` (core/lookups.py): the same rows as `__in`, computed once by the database, and
never a list sent from Python."""

from __future__ import annotations

import pytest
from django.db import connection

from tsunagu.cases.access import visible_case_ids, visible_person_ids
from tsunagu.cases.models import Case
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.people.models import Person
from tsunagu.records.models import ProgressNote
from tsunagu.records.tests.factories import ProgressNoteFactory

pytestmark = pytest.mark.django_db


def test_same_rows_as_a_plain_subquery(personas):
    ours = CaseFactory(lead_organization=personas.office_a, lead_worker=personas.counselor_a)
    theirs = CaseFactory(lead_organization=personas.office_b, lead_worker=personas.counselor_b)
    for case in (ours, theirs):
        ProgressNoteFactory(case=case, author=case.lead_worker)
    actor = actor_as(personas.counselor_a, personas.office_a)
    visible = visible_case_ids(actor)
    assert set(Case.objects.filter(pk__in_once=visible)) == set(Case.objects.filter(pk__in=visible))
    assert set(ProgressNote.objects.filter(case__in_once=visible)) == set(
        ProgressNote.objects.filter(case_id__in=visible)
    )
    people = visible_person_ids(actor)
    assert set(Person.objects.filter(pk__in_once=people)) == set(
        Person.objects.filter(pk__in=people)
    )
    assert list(Case.objects.filter(pk__in_once=visible)) == [ours]


def test_the_database_computes_the_set_once():
    sql = str(Case.objects.filter(pk__in_once=Person.objects.values("pk")).query)
    if connection.vendor == "postgresql":
        assert "= ANY(ARRAY(SELECT" in sql
    else:
        assert "IN (SELECT" in sql


@pytest.mark.parametrize("rhs", [[1, 2], (1,), 1, {1}])
def test_values_from_python_are_refused(rhs):
    with pytest.raises(TypeError, match="one-column queryset"):
        Case.objects.filter(pk__in_once=rhs)
