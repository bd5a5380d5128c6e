from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.people.tests.factories import PersonFactory


@pytest.fixture
def case(personas):
    """高橋 美咲さん's case, led by office A's counselor for two months."""
    person = PersonFactory.create(
        family_name="高橋", given_name="美咲", registered_by_organization=personas.office_a
    )
    return CaseFactory.create(
        person=person,
        title="高橋美咲さんの支援",
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
        opened_on=timezone.localdate() - dt.timedelta(days=60),
    )
