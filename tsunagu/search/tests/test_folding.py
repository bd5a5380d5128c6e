"""Search that forgives (issue 16 item 11): one fold for the stored text and the query, the
same fold in the database, the synonym list of the core center."""

from __future__ import annotations

import importlib

import jaconv
import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.core.actor import Actor
from tsunagu.core.kana import (
    FOLD_FROM,
    FOLD_TO,
    LONG_VOWEL,
    SPACED_MARK,
    VARIANTS,
    fold,
    normalize_kana,
)
from tsunagu.organizations.models import JobTitle, Membership, SystemRole
from tsunagu.organizations.tests.factories import MembershipFactory
from tsunagu.people.selectors import person_search
from tsunagu.records.tests.factories import ProgressNoteFactory
from tsunagu.search.models import SearchDocument, Synonym
from tsunagu.search.selectors import SearchQuery, document_search, snippet

pytestmark = pytest.mark.django_db

# Text as it reaches the database: no NUL, no lone surrogate (the middleware refuses both).
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", blacklist_characters="\x00"),
    max_size=30,
)
JAPANESE = st.text(
    alphabet=st.sampled_from(
        "あいうかがきぐーアイウカガキグーｶﾞｰﾟﾞ゛゜-‐－−ｰ 　・"
        "髙﨑邊齋濱澤櫻廣國高崎辺斉浜沢桜広国GHgh就Bb"
    ),
    max_size=20,
)


def actor(user) -> Actor:
    return Actor(user=user, membership=Membership.objects.get(user=user))


# --- The fold itself --------------------------------------------------------------------------


@given(TEXT)
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(JAPANESE)
def test_fold_is_idempotent_on_the_characters_it_changes(text):
    assert fold(fold(text)) == fold(text)
    assert normalize_kana(normalize_kana(text)) == normalize_kana(text)


KATAKANA_NAME = st.text(
    alphabet=st.sampled_from("アイウカガキサザシタダチナハバパマヤラワンッャョヴー"),
    min_size=1,
    max_size=8,
).filter(lambda n: not n.startswith("ー"))


@st.composite
def typed_forms(draw: st.DrawFn, name: str) -> str:
    """The name as someone might type it: each character katakana, hiragana or half-width,
    each ー as ー, -, ‐, − or ｰ, spaces anywhere between."""
    out = []
    for char in name:
        if char == "ー":
            out.append(draw(st.sampled_from("ー-‐−ｰ")))
        else:
            out.append(
                draw(
                    st.sampled_from(
                        [char, jaconv.kata2hira(char), jaconv.z2h(char, kana=True, digit=False)]
                    )
                )
            )
        out.append(draw(st.sampled_from(["", "", "", " ", "　"])))
    return "".join(out)


@given(st.data(), KATAKANA_NAME)
def test_every_typed_form_of_a_kana_name_folds_to_the_stored_one(data, name):
    typed = data.draw(typed_forms(name))
    assert normalize_kana(typed) == normalize_kana(name)


def test_the_forms_people_type():
    assert fold("ぐるーぷほーむ") == fold("グループホーム") == "グループホーム"
    assert fold("ぐる-ぷほ‐む") == fold("ｸﾞﾙｰﾌﾟﾎｰﾑ") == fold("グル−プホ―ム") == "グループホーム"
    assert fold("ぐるーーぷ") == "グループ"  # a run of marks is one
    assert fold("か゛") == fold("か\u3099") == fold("ｶﾞ") == "ガ"
    assert fold("は゜") == "パ"
    assert fold("髙橋") == fold("高橋")
    assert fold("山﨑") == fold("山崎")
    assert fold("渡邊") == fold("渡邉") == fold("渡辺")
    assert fold("ＧＨ") == fold("gh") == "gh"
    assert fold("090-1234-5678") == "090-1234-5678"  # a hyphen after digits stays a hyphen
    assert normalize_kana("やまだ　たろう") == normalize_kana("ﾔﾏﾀﾞ・ﾀﾛｳ") == "ヤマダタロウ"


def test_the_sql_constants_can_be_quoted_as_they_are():
    for text in (FOLD_FROM, FOLD_TO, SPACED_MARK, LONG_VOWEL):
        assert "'" not in text
        assert "$" not in text
    assert len(FOLD_FROM) == len(FOLD_TO)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.one_of(TEXT, JAPANESE))
def test_the_database_folds_as_python_does(text):
    """`tsunagu_fold` (SQL on PostgreSQL, the Python function on SQLite) agrees with `fold`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsunagu_fold(%s)", [text])
        assert cursor.fetchone()[0] == fold(text)


def test_every_variant_kanji_folds_in_the_database_too():
    text = "".join(VARIANTS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsunagu_fold(%s)", [text])
        assert cursor.fetchone()[0] == "".join(VARIANTS.values())


# --- Full-text search -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _field_terms(db):
    """The field's synonyms as the migration seeds them: a browser test's live server flushes
    the tables, migration rows included, before a later test runs."""
    seeds = importlib.import_module("tsunagu.search.migrations.0004_folded_and_synonyms")
    seeds.seed_synonyms(apps, None)


@pytest.fixture
def case_a(personas):
    return CaseFactory.create(
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
        person__registered_by_organization=personas.office_a,
    )


def found(user, text) -> list[int]:
    result = document_search(actor=actor(user), query=SearchQuery(text=text))
    return [h.record_id for h in result.hits]


@pytest.mark.parametrize(
    "typed",
    ["ぐるーぷほーむ", "ぐる-ぷほ-む", "ぐる‐ぷほ‐む", "ｸﾞﾙｰﾌﾟﾎｰﾑ", "グループホーム", "GH", "ｇｈ"],
)
def test_notes_are_found_however_the_word_is_typed(personas, case_a, typed):
    note = ProgressNoteFactory.create(
        case=case_a, author=personas.counselor_a, text="来月からグループホームの体験利用。"
    )
    other = ProgressNoteFactory.create(case=case_a, author=personas.counselor_a, text="通院同行")
    assert found(personas.counselor_a, typed) == [note.pk]
    assert other.pk not in found(personas.counselor_a, typed)


def test_the_stored_text_is_folded_by_the_triggers(personas, case_a):
    note = ProgressNoteFactory.create(
        case=case_a, author=personas.counselor_a, text="髙橋さんと ぐる-ぷほーむ 見学"
    )
    doc = SearchDocument.objects.get(kind="note", source_id=note.pk)
    assert doc.folded == fold(doc.body)
    assert "高橋" in doc.folded
    assert "グループホーム" in doc.folded
    assert found(personas.counselor_a, "高橋") == [note.pk]
    assert found(personas.counselor_a, "グループホーム 髙橋") == [note.pk]
    note.text = "変更後"
    note.save()
    assert found(personas.counselor_a, "高橋") == []


def test_a_synonym_finds_the_full_term_and_back(personas, case_a):
    full = ProgressNoteFactory.create(
        case=case_a, author=personas.counselor_a, text="就労継続支援B型の事業所を見学"
    )
    short = ProgressNoteFactory.create(
        case=case_a, author=personas.counselor_a, text="就Bに通い始めた"
    )
    assert sorted(found(personas.counselor_a, "就B")) == sorted([full.pk, short.pk])
    assert sorted(found(personas.counselor_a, "就労継続支援B型")) == sorted([full.pk, short.pk])
    assert found(personas.counselor_a, "基幹") == []


def test_the_snippet_marks_the_folded_match_in_the_original_text():
    html = snippet("明日 ぐる-ぷほーむ を見学", [fold("グループホーム")])
    assert "<mark>ぐる-ぷほーむ</mark>" in html
    html = snippet("<b>ＧＨ</b>見学", ["gh", "グループホーム"])
    assert "<mark>ＧＨ</mark>" in html
    assert "&lt;b&gt;" in html


def test_search_stays_scoped_to_the_actor(personas, case_a):
    ProgressNoteFactory.create(case=case_a, author=personas.counselor_a, text="グループホーム")
    assert found(personas.counselor_b, "ぐるーぷほーむ") == []


# --- Person search ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["さとう", "サトウ", "ｻﾄｳ", "さとう　はなこ", "ｻﾄｳ ﾊﾅｺ", "サトウ・ハナコ", "はなこ"],
)
def test_every_kana_form_of_a_name_finds_the_person(personas, case_a, typed):
    person = case_a.person
    person.family_name_kana, person.given_name_kana = "サトウ", "ハナコ"
    person.kana_normalized = normalize_kana("サトウハナコ")
    person.save()
    assert person in person_search(actor(personas.counselor_a), query=typed)
    assert person not in person_search(actor(personas.counselor_b), query=typed)


@pytest.mark.parametrize("typed", ["ろーざ", "ろ-ざ", "ﾛｰｻﾞ", "ろ‐ざ", "ロ−ザ", "ろーさ゛"])
def test_long_vowels_and_voiced_marks_in_a_name(personas, case_a, typed):
    person = case_a.person
    person.family_name_kana, person.given_name_kana = "ローザ", ""
    person.kana_normalized = normalize_kana("ローザ")
    person.save()
    assert person in person_search(actor(personas.counselor_a), query=typed)


@pytest.mark.parametrize(
    ("stored", "typed"),
    [("髙橋", "高橋"), ("高橋", "髙橋"), ("山﨑", "山崎"), ("渡邊", "渡邉"), ("齋藤", "斎藤")],
)
def test_every_variant_kanji_of_a_name_finds_the_person(personas, client_as, stored, typed):
    """Stored with `name_folded` as the person services write it, found by the other form."""
    client = client_as(personas.counselor_a)
    case = CaseFactory.create(
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
        person__registered_by_organization=personas.office_a,
        person__family_name=stored,
        person__given_name="一郎",
    )
    assert case.person in person_search(actor(personas.counselor_a), query=typed + " 一郎")
    page = client.get(reverse("people:person_search"), {"q": typed})
    assert stored in page.content.decode()


# --- The synonym list -------------------------------------------------------------------------


def pair() -> Synonym:
    return Synonym.objects.create(
        term="ＳＴ", synonym="ショートステイ", term_folded="st", synonym_folded="ショートステイ"
    )


def test_the_core_center_adds_and_removes_a_synonym(personas, client_as):
    client = client_as(personas.core_officer)
    page = client.get(reverse("search:synonyms"))
    assert page.status_code == 200
    assert "グループホーム" in page.content.decode()
    answer = client.post(reverse("search:synonyms"), {"term": "ＧＨ２", "synonym": "ぐる-ぷ"})
    assert answer.status_code == 302
    row = Synonym.objects.get(term="ＧＨ２")
    assert (row.term_folded, row.synonym_folded) == ("gh2", "グループ")
    assert AuditEvent.objects.filter(
        action=Action.RECORD_CREATED, target_type="search.synonym", target_id=str(row.pk)
    ).exists()
    again = client.post(reverse("search:synonyms"), {"term": "グループ", "synonym": "gh2"})
    assert again.status_code == 409
    assert "もう登録されています" in again.content.decode()
    same = client.post(reverse("search:synonyms"), {"term": "ぐるーぷ", "synonym": "グル-プ"})
    assert same.status_code == 400
    empty = client.post(reverse("search:synonyms"), {"term": "", "synonym": "x" * 101})
    assert empty.status_code == 400
    removed = client.post(reverse("search:synonym_delete", args=[row.pk]))
    assert removed.status_code == 302
    assert not Synonym.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("who", ["counselor_a", "counselor_b", "city_official"])
def test_other_organizations_get_404_on_the_synonym_list(personas, client_as, who):
    row = pair()
    client = client_as(getattr(personas, who))
    assert client.get(reverse("search:synonyms")).status_code == 404
    post = client.post(reverse("search:synonyms"), {"term": "a", "synonym": "b"})
    assert post.status_code == 404
    assert client.post(reverse("search:synonym_delete", args=[row.pk])).status_code == 404
    missing = client.post(reverse("search:synonym_delete", args=[2**62]))
    assert missing.status_code == 404
    assert Synonym.objects.filter(pk=row.pk).exists()
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, target_type="search.synonym"
    ).exists()


def test_a_missing_synonym_is_404_for_the_core_center(personas, client_as):
    client = client_as(personas.core_officer)
    assert client.post(reverse("search:synonym_delete", args=[2**62])).status_code == 404
    assert client.post("/search/synonyms/99999999999999999999/delete/").status_code in (400, 404)


def test_a_read_only_core_member_sees_the_list_but_cannot_change_it(personas, client_as):
    reader = UserFactory.create(username="core_reader")
    MembershipFactory.create(
        user=reader,
        organization=personas.core_center,
        job_title=JobTitle.COUNSELOR,
        role=SystemRole.READ_ONLY,
    )
    client = client_as(reader)
    page = client.get(reverse("search:synonyms"))
    assert page.status_code == 200
    assert "登録する" not in page.content.decode()
    row = pair()
    assert client.post(reverse("search:synonym_delete", args=[row.pk])).status_code == 403
    assert Synonym.objects.filter(pk=row.pk).exists()
