from __future__ import annotations

import pytest

# The directory's world (a resource of office A, and a development office A recorded), for
# the tests of the resource development log.
from tsunagu.directory.tests.conftest import directory  # noqa: F401
from tsunagu.meetings.models import BodyKind, FrequencyKind, Level
from tsunagu.meetings.tests.factories import MeetingBodyFactory


@pytest.fixture
def ward_network(personas):
    """中央区障がい福祉ネットワーク会議: at least 4 a year, run by the core center and office A
    (seed 004: the center and the ward office run it together); the city oversees it."""
    return MeetingBodyFactory.create(
        name="中央区障がい福祉ネットワーク会議",
        kind=BodyKind.WARD_NETWORK,
        level=Level.MESO,
        frequency_kind=FrequencyKind.AT_LEAST,
        frequency_count=4,
        secretariats=[personas.core_center, personas.office_a],
        members=[personas.office_a, personas.core_center],
    )
