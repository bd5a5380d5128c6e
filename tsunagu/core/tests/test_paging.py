"""A page and its count from one query (core/paging.py): the same rows and count as a count
query and a page query, in one query, and a page past the last still counted."""

from __future__ import annotations

import pytest
from django.db.models import QuerySet

from tsunagu.core.paging import counted, page_with_count
from tsunagu.organizations.models import Area
from tsunagu.organizations.tests.factories import AreaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas() -> QuerySet[Area]:
    AreaFactory.create_batch(7)
    return Area.objects.order_by("name", "pk")


@pytest.mark.parametrize("offset", [0, 3, 6])
def test_the_page_of_a_count_query_and_a_page_query_in_one(
    areas, offset, django_assert_num_queries
):
    with django_assert_num_queries(1):
        records, total = page_with_count(areas, offset=offset, limit=3)
    assert records == list(areas[offset : offset + 3])
    assert total == areas.count() == 7


def test_a_page_past_the_last_is_empty_and_still_counted(areas, django_assert_num_queries):
    with django_assert_num_queries(2):
        assert page_with_count(areas, offset=9, limit=3) == ([], 7)


def test_no_rows_is_a_count_of_zero_in_one_query(areas, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert page_with_count(areas.filter(code="none"), offset=0, limit=3) == ([], 0)


def test_refused_where_the_window_would_count_other_rows(areas):
    with pytest.raises(ValueError, match="window count"):
        counted(areas.distinct())
    with pytest.raises(ValueError, match="window count"):
        counted(areas.union(areas))
