"""わたしの計画 (issue 22 item 2 in the portal): the person reads the plan the counselor
released, with furigana; their mother reads only the sections the person allowed; another
person's plan is never shown, and a plan not yet released is not either."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tsunagu.organizations.tests.actors import actor_as
from tsunagu.plainplans import services
from tsunagu.plainplans.tests.factories import make_case, released, written
from tsunagu.portal.tests.factories import invite_person, invite_supporter, portal_client


def _page(client) -> str:
    response = client.get("/my/plan/")
    assert response.status_code == 200
    return response.content.decode().split("<main", 1)[1]


def test_the_person_reads_the_released_plan_with_furigana(personas):
    world = make_case(personas)
    account, code = invite_person(world.case, personas.counselor_a)
    client = portal_client(account, code)
    draft = written(personas, world.case)  # a draft is not for the person
    assert "まだ、読める計画はありません" in _page(client)

    plain = services.plain_plan_release(actor_as(personas.counselor_a), plain_plan=draft)
    page = _page(client)
    assert "<ruby>" in page
    assert "<rt>さぎょうしょ</rt>" in page
    assert "いっしょに" in page  # what each helper does
    assert plain.next_meeting_on is not None


def test_the_mother_reads_only_the_sections_the_person_allowed(personas):
    world = make_case(personas)
    mother, code = invite_supporter(world.case, personas.counselor_a, sections=["plan"])
    client = portal_client(mother, code)
    released(
        personas,
        world.case,
        family_goals=True,
        family_allowed_on=timezone.localdate() - dt.timedelta(days=1),
    )
    page = _page(client)
    assert "<rt>さぎょうしょ</rt>" in page  # the goals
    assert "いっしょに" not in page  # what each helper does: not allowed
    assert "ruby" in page


def test_another_persons_released_plan_is_not_shown(personas):
    mine = make_case(personas)
    other = make_case(personas)
    released(personas, other.case)
    account, code = invite_person(mine.case, personas.counselor_a)
    page = _page(portal_client(account, code))
    assert "まだ、読める計画はありません" in page
    assert "作業所" not in page
