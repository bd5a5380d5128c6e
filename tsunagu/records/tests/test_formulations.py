"""The 見立て: revisions never edited, each shown with its changes; concurrent revisions refused."""

from __future__ import annotations

import pytest

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.records.diff import inline_diff
from tsunagu.records.models import Formulation

pytestmark = pytest.mark.django_db

FIRST = {
    "based_on": "0",
    "situation_summary": "母の入院で生活の支えが失われつつある。",
    "background_factors": "",
    "hypothesis": "変化への不安が拒否として表れている。",
    "support_policy": "本人のペースで関係を作る。",
    "prompted_by": "",
}


def _url(case, new=False):
    return f"/records/cases/{case.pk}/formulations/" + ("new/" if new else "")


def test_inline_diff_marks_characters_and_escapes():
    html = inline_diff("短期入所を<提案>する", "短期入所の体験を<提案>した")
    assert html == (
        '短期入所<ins class="diff-ins">の体験</ins>を&lt;提案&gt;'
        '<del class="diff-del">する</del><ins class="diff-ins">した</ins>'
    )


def test_first_and_second_revision_with_history_and_diff(personas, world, client_as):
    client = client_as(personas.counselor_a)
    new_form = client.get(_url(world.case, new=True))
    assert new_form.status_code == 200
    assert 'name="based_on" value="0"' in new_form.content.decode()

    assert client.post(_url(world.case, new=True), FIRST).status_code == 302
    second_form = client.get(_url(world.case, new=True)).content.decode()
    assert 'name="based_on" value="1"' in second_form
    assert FIRST["situation_summary"] in second_form  # prefilled from the current revision

    revised = {
        **FIRST,
        "based_on": "1",
        "support_policy": "本人のペースで関係を作り、短期入所の体験から始める。",
        "prompted_by": "ケース会議で母の退院が遅れると分かった。",
    }
    other = client_as(personas.core_officer)
    assert other.post(_url(world.case, new=True), revised).status_code == 302

    revisions = list(Formulation.objects.filter(case=world.case).order_by("revision"))
    assert [f.revision for f in revisions] == [1, 2]
    assert revisions[1].author_organization == personas.core_center

    page = client_as(personas.reader_a).get(_url(world.case))
    assert page.status_code == 200
    body = page.content.decode()
    assert "現在の見立て（第2版）" in body
    assert "ケース会議で母の退院が遅れると分かった。" in body
    assert "第1版からの変更（1項目）" in body
    assert '関係を作<ins class="diff-ins">り、短期入所の体験から始め</ins>る。' in body
    assert body.index('id="revision-2"') < body.index('id="revision-1"')  # newest first
    created = AuditEvent.objects.filter(action=Action.RECORD_CREATED).order_by("id").last()
    assert created is not None
    assert created.detail == {"case": world.case.pk, "revision": 2, "changed": ["support_policy"]}


def test_second_revision_needs_what_prompted_it(personas, world, client_as):
    client = client_as(personas.counselor_a)
    client.post(_url(world.case, new=True), FIRST)
    response = client.post(_url(world.case, new=True), {**FIRST, "based_on": "1"})
    assert response.status_code == 400
    assert "見立てを見直したきっかけを書いてください。" in response.content.decode()
    assert Formulation.objects.count() == 1


def test_concurrent_revision_is_refused_and_the_text_kept(personas, world, client_as):
    client_as(personas.counselor_a).post(_url(world.case, new=True), FIRST)
    # Both open the form on revision 1; the core center saves first.
    first = {**FIRST, "based_on": "1", "hypothesis": "A案", "prompted_by": "面談で分かった。"}
    late = {**FIRST, "based_on": "1", "hypothesis": "B案の見立て", "prompted_by": "訪問で見た。"}
    assert (
        client_as(personas.core_officer).post(_url(world.case, new=True), first).status_code == 302
    )

    response = client_as(personas.colleague_a).post(_url(world.case, new=True), late)
    assert response.status_code == 409
    body = response.content.decode()
    assert (
        "ほかの人が先に見立てを更新しました。最新の版を確認してから、もう一度入力してください。"
        in body
    )
    assert "B案の見立て" in body  # the user's text
    assert "A案" in body  # the revision that got in first, to compare with
    assert 'name="based_on" value="2"' in body
    assert Formulation.objects.filter(case=world.case).count() == 2
    assert Formulation.objects.get(case=world.case, revision=2).hypothesis == "A案"


def test_first_revision_must_be_based_on_nothing(personas, world, client_as):
    response = client_as(personas.counselor_a).post(
        _url(world.case, new=True), {**FIRST, "based_on": "3", "prompted_by": "古い画面から"}
    )
    assert response.status_code == 409
    assert not Formulation.objects.exists()


def test_reader_cannot_revise(personas, world, client_as):
    client = client_as(personas.reader_a)
    assert client.get(_url(world.case)).status_code == 200
    assert client.get(_url(world.case, new=True)).status_code == 403
    assert client.post(_url(world.case, new=True), FIRST).status_code == 403
    assert not Formulation.objects.exists()
