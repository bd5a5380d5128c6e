"""Whose page it is (issue 22): the person's own pages speak as the person (わたしの計画); a
family member's or supporter's name the person (さくらさんの計画, or 本人の計画)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from tsunagu.plainplans.tests.factories import make_case, released
from tsunagu.portal.tests.factories import invite_person, invite_supporter, portal_client

FIRST_PERSON = re.compile(r"わたしの(計画|権利)|あなたが同意した|あなたの記録")


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_the_person_reads_their_own_pages_in_the_first_person(personas, world):
    account, code = invite_person(world.case, personas.counselor_a)
    client = portal_client(account, code)
    home = _text(client.get("/my/"))
    assert "わたしの計画" in home
    assert "わたしの権利・同意" in home
    assert "つなぐ わたしのページ" in home
    assert '<h1 data-testid="plan-title">わたしの計画</h1>' in _text(client.get("/my/plan/"))
    rights = _text(client.get("/my/rights/"))
    assert "わたしの権利と同意" in rights
    assert "あなたが同意したこと" in rights
    assert "あなたは、自分の記録を見せてほしい" in rights
    assert "あなたの記録を見たり書いたり" in _text(client.get("/my/access/"))
    assert "さいきん、どう？" in _text(client.get("/my/checkin/"))
    assert "さくらさん" not in _text(client.get("/my/plan/")).split("</header>")[1]


def test_a_supporter_reads_the_persons_pages_with_the_persons_name(personas, world):
    _person, _code = invite_person(world.case, personas.counselor_a, display_name="さくらさん")
    mother, code = invite_supporter(
        world.case, personas.counselor_a, sections=["plan", "checkin", "access", "rights"]
    )
    client = portal_client(mother, code)
    pages = {
        path: _text(client.get(path))
        for path in (
            "/my/",
            "/my/plan/",
            "/my/checkin/",
            "/my/access/",
            "/my/rights/",
            "/my/rights/ask/disclosure/",
            "/my/rights/ask/consent_change/",
        )
    }
    assert "お母さん、こんにちは" in pages["/my/"]  # the supporter is greeted as themself
    assert "さくらさんの計画" in pages["/my/"]
    assert "さくらさんの権利・同意" in pages["/my/"]
    assert "つなぐ さくらさんのページ" in pages["/my/"]
    assert '<h1 data-testid="plan-title">さくらさんの計画</h1>' in pages["/my/plan/"]
    assert "さくらさんは、さいきん、どう？" in pages["/my/checkin/"]
    assert "さくらさんの記録を見たり書いたり" in pages["/my/access/"]
    assert "さくらさんの権利と同意" in pages["/my/rights/"]
    assert "さくらさんが同意したこと" in pages["/my/rights/"]
    assert "さくらさんは、自分の記録を見せてほしい" in pages["/my/rights/"]
    assert "さくらさんの記録を見せてほしいときは" in pages["/my/rights/ask/disclosure/"]
    assert "相談員がさくらさんと話してから" in pages["/my/rights/ask/consent_change/"]
    for path, html in pages.items():
        assert not FIRST_PERSON.search(html), path


def test_without_a_person_account_a_supporter_reads_the_given_name(personas, world):
    mother, code = invite_supporter(world.case, personas.counselor_a, sections=["plan"])
    client = portal_client(mother, code)
    assert "さくらさんの計画" in _text(client.get("/my/"))


def test_the_released_plan_is_the_persons_plan_in_the_family_view(personas):
    world = make_case(personas)  # 月見里 陽菜, read ヤマナシ ヒナ
    mother, code = invite_supporter(world.case, personas.counselor_a, sections=["plan"])
    account, person_code = invite_person(world.case, personas.counselor_a, display_name="ひなさん")
    released(
        personas,
        world.case,
        family_goals=True,
        family_allowed_on=timezone.localdate() - dt.timedelta(days=1),
    )
    family = _text(portal_client(mother, code).get("/my/plan/"))
    assert '<h1 data-testid="plan-title">ひなさんの計画</h1>' in family
    assert "<rb>本人</rb>" in family  # the plan's own heading, with furigana
    assert "わたしの" not in family
    own = _text(portal_client(account, person_code).get("/my/plan/"))
    assert '<h1 data-testid="plan-title">わたしの計画</h1>' in own
    assert "の<ruby><rb>計画</rb>" in own
    assert "本人の" not in own
