"""Full-text search: Japanese words of any length, scoped by the access rules, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.tests.factories import CaseFactory, TeamMemberFactory
from tsunagu.core.actor import Actor
from tsunagu.organizations.models import Membership
from tsunagu.plans.tests.factories import AssessmentFactory, AssessmentSectionFactory
from tsunagu.records.tests.factories import FormulationFactory, ProgressNoteFactory
from tsunagu.search import selectors
from tsunagu.search.models import SearchDocument, Synonym
from tsunagu.search.selectors import SearchQuery, document_search, fts_phrase, snippet

pytestmark = pytest.mark.django_db


def actor(user) -> Actor:
    return Actor(user=user, membership=Membership.objects.get(user=user))


@pytest.fixture
def cases(personas):
    a = CaseFactory.create(
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
        person__registered_by_organization=personas.office_a,
    )
    b = CaseFactory.create(
        lead_organization=personas.office_b,
        lead_worker=personas.counselor_b,
        person__registered_by_organization=personas.office_b,
    )
    return a, b


def found(user, text, **kw) -> list[tuple[str, int]]:
    result = document_search(actor=actor(user), query=SearchQuery(text=text, **kw))
    return [(h.kind, h.record_id) for h in result.hits]


def test_two_three_and_longer_japanese_words_are_found(personas, cases):
    a, _ = cases
    note = ProgressNoteFactory.create(
        case=a, author=personas.counselor_a, text="兄の借金について相談。母の入院も近い。"
    )
    assert found(personas.counselor_a, "借金") == [("note", note.pk)]
    assert found(personas.counselor_a, "入院") == [("note", note.pk)]
    assert found(personas.counselor_a, "兄の借金") == [("note", note.pk)]
    assert found(personas.counselor_a, "母の入院も近い") == [("note", note.pk)]
    assert found(personas.counselor_a, "借金　入院") == [("note", note.pk)]  # full-width space
    assert found(personas.counselor_a, "借金 退院") == []
    assert found(personas.counselor_a, "兄") == [("note", note.pk)]


def test_notes_formulations_assessments_and_sections_are_indexed(personas, cases):
    a, _ = cases
    formulation = FormulationFactory.create(
        case=a, revision=1, author=personas.counselor_a, hypothesis="変化への不安が強い。"
    )
    assessment = AssessmentFactory.create(
        case=a, author=personas.counselor_a, summary="家計の立て直しが要る。"
    )
    AssessmentSectionFactory.create(assessment=assessment, wishes="グループホームで暮らしたい")
    ProgressNoteFactory.create(
        case=a, author=personas.counselor_a, text="面談。", motivating_moment="絵を褒められて笑顔"
    )
    assert found(personas.counselor_a, "不安") == [("formulation", formulation.pk)]
    assert found(personas.counselor_a, "立て直し") == [("assessment", assessment.pk)]
    assert found(personas.counselor_a, "グループホーム") == [("assessment_section", assessment.pk)]
    assert [k for k, _ in found(personas.counselor_a, "笑顔")] == ["note"]
    assert found(personas.counselor_a, "立て直し", kind="note") == []


def test_edits_and_deletes_follow_the_source(personas, cases):
    a, _ = cases
    note = ProgressNoteFactory.create(case=a, author=personas.counselor_a, text="通院の同行。")
    note.text = "通所の見学。"
    note.save()
    assert found(personas.counselor_a, "通院") == []
    assert found(personas.counselor_a, "通所") == [("note", note.pk)]
    assessment = AssessmentFactory.create(case=a, author=personas.counselor_a)
    section = AssessmentSectionFactory.create(assessment=assessment, housing="市営住宅")
    assessment.assessed_on = dt.date(2020, 4, 1)
    assessment.save()
    doc = SearchDocument.objects.get(kind="assessment_section", source_id=section.pk)
    assert timezone.localtime(doc.occurred_at).date() in {dt.date(2020, 4, 1), dt.date(2020, 3, 31)}
    assessment.delete()
    assert not SearchDocument.objects.filter(record_id=assessment.pk).exclude(kind="note")


def test_outsider_office_finds_nothing_of_office_a(personas, cases):
    a, b = cases
    ProgressNoteFactory.create(case=a, author=personas.counselor_a, text="借金の返済計画。")
    FormulationFactory.create(
        case=a, revision=1, author=personas.counselor_a, hypothesis="借金が背景にある。"
    )
    AssessmentFactory.create(case=a, author=personas.counselor_a)  # mentions 借金
    mine = ProgressNoteFactory.create(case=b, author=personas.counselor_b, text="借金相談。")
    assert found(personas.counselor_b, "借金") == [("note", mine.pk)]
    assert found(personas.counselor_b, "借金の返済") == []
    assert len(found(personas.counselor_a, "借金")) == 3


def test_restricted_notes_only_for_lead_organization_and_author(personas, cases):
    a, _ = cases
    TeamMemberFactory.create(
        case=a,
        organization=personas.core_center,
        worker=personas.core_officer,
        added_by=personas.counselor_a,
        joined_on=timezone.localdate() - dt.timedelta(days=1),
    )
    by_lead = ProgressNoteFactory.create(
        case=a, author=personas.counselor_a, text="借金の件（限定）", is_restricted=True
    )
    by_team = ProgressNoteFactory.create(
        case=a,
        author=personas.core_officer,
        author_organization=personas.core_center,
        text="借金の件（基幹）",
        is_restricted=True,
    )
    open_note = ProgressNoteFactory.create(case=a, author=personas.counselor_a, text="借金の件")
    assert set(found(personas.colleague_a, "借金")) == {
        ("note", by_lead.pk),
        ("note", by_team.pk),
        ("note", open_note.pk),
    }
    assert set(found(personas.core_officer, "借金")) == {
        ("note", by_team.pk),
        ("note", open_note.pk),
    }
    assert found(personas.counselor_b, "借金") == []


def test_ranked_by_recency_and_bounded_by_dates(personas, cases):
    a, _ = cases
    now = timezone.now()
    old = ProgressNoteFactory.create(
        case=a, author=personas.counselor_a, text="入院", occurred_at=now - dt.timedelta(days=400)
    )
    new = ProgressNoteFactory.create(
        case=a, author=personas.counselor_a, text="入院", occurred_at=now - dt.timedelta(days=1)
    )
    assert found(personas.counselor_a, "入院") == [("note", new.pk), ("note", old.pk)]
    since = timezone.localdate() - dt.timedelta(days=30)
    assert found(personas.counselor_a, "入院", since=since) == [("note", new.pk)]
    until = timezone.localdate() - dt.timedelta(days=30)
    assert found(personas.counselor_a, "入院", until=until) == [("note", old.pk)]


@pytest.mark.parametrize("rare_limit", [1000, 1])
def test_a_common_word_is_found_the_same_as_a_rare_one(personas, cases, monkeypatch, rare_limit):
    """Above RARE_LIMIT matches in the city, SQLite reads the actor's documents instead of the
    index: the same answer either way, office B's notes never in it."""
    a, b = cases
    mine = [
        ProgressNoteFactory.create(
            case=a, author=personas.counselor_a, text=f"グループホーム見学{i}"
        )
        for i in range(3)
    ]
    ProgressNoteFactory.create(case=b, author=personas.counselor_b, text="グループホーム見学")
    monkeypatch.setattr(selectors, "RARE_LIMIT", rare_limit)
    hits = found(personas.counselor_a, "グループホーム")
    assert sorted(pk for _, pk in hits) == sorted(n.pk for n in mine)
    assert found(personas.counselor_a, "グループホーム 見学2") == [("note", mine[2].pk)]


def test_several_rare_words_are_intersected_before_the_query(personas, cases, monkeypatch):
    """Each rare word's documents are intersected in Python, so five rare words bind one set of
    ids, not five (SQLite allows 32,766 bound parameters in one query)."""
    a, _ = cases
    # Without the seeded synonyms: a word whose group has a short form (グループホーム ↔ GH)
    # is matched by LIKE (tests/test_folding.py).
    Synonym.objects.all().delete()
    words = ["短期入所", "グループホーム", "日中一時", "訪問看護", "金銭管理"]
    every = [
        ProgressNoteFactory.create(case=a, author=personas.counselor_a, text="、".join(words))
        for _ in range(2)
    ]
    for left_out in words[:3]:
        text = "、".join(w for w in words if w != left_out)
        ProgressNoteFactory.create(case=a, author=personas.counselor_a, text=text)
    monkeypatch.setattr(selectors, "RARE_LIMIT", 1000)
    with CaptureQueriesContext(connection) as queries:
        hits = found(personas.counselor_a, " ".join(words))
    assert sorted(pk for _, pk in hits) == sorted(n.pk for n in every)
    if connection.vendor == "sqlite":
        sql = [q["sql"] for q in queries.captured_queries]
        assert sum("MATCH" in q for q in sql) == len(words)  # one probe per word
        main = next(q for q in sql if "search_searchdocument" in q and "ORDER BY" in q)
        assert "LIKE" not in main  # all five answered by the index, as one set of ids


def test_query_syntax_and_wildcards_are_literal(personas, cases):
    a, _ = cases
    note = ProgressNoteFactory.create(
        case=a, author=personas.counselor_a, text='100%_達成 "引用" OR NOT 通所'
    )
    ProgressNoteFactory.create(case=a, author=personas.counselor_a, text="100円 達成")
    assert found(personas.counselor_a, "%_") == [("note", note.pk)]
    assert found(personas.counselor_a, "0%_達") == [("note", note.pk)]
    assert found(personas.counselor_a, '"引用"') == [("note", note.pk)]
    assert found(personas.counselor_a, "OR NOT") == [("note", note.pk)]
    assert found(personas.counselor_a, "_") == [("note", note.pk)]
    assert found(personas.counselor_a, "NEAR(") == []
    assert fts_phrase('a"b') == '"a""b"'


def test_snippet_escapes_html_and_marks_matches():
    html = snippet("前置き<script>alert(1)</script>借金があり、借金の返済", ["借金"])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert html.count("<mark>借金</mark>") == 2
    long = snippet("あ" * 200 + "入院" + "い" * 200, ["入院"])
    assert long.startswith("…")
    assert long.endswith("…")
    assert "<mark>入院</mark>" in long


def test_screen_shows_highlighted_results_and_audits_them(personas, cases, client_as):
    a, _ = cases
    note = ProgressNoteFactory.create(
        case=a, author=personas.counselor_a, text="<b>母</b>の入院の付き添い。"
    )
    response = client_as(personas.counselor_a).get("/search/", {"q": "入院"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<mark>入院</mark>" in body
    assert "&lt;b&gt;母&lt;/b&gt;" in body
    assert f"/records/cases/{a.pk}/notes/#note-{note.pk}" in body
    event = AuditEvent.objects.filter(
        action=Action.RECORD_VIEWED, target_type="search.searchdocument"
    ).get()
    assert event.detail["results"] == [{"kind": "note", "id": note.pk, "case": a.pk}]
    assert "入院" not in str(event.detail)


def test_screen_bad_input_is_explained(personas, client_as):
    client = client_as(personas.counselor_a)
    response = client.get("/search/", {"q": "   "})
    assert "探す言葉を入力してください。" in response.content.decode()
    response = client.get("/search/", {"q": "入院", "since": "2026-05-01", "until": "2026-04-01"})
    assert "終わりの日は始まりの日より後にしてください。" in response.content.decode()
    assert 'value="入院"' in response.content.decode()  # nothing lost
    assert not AuditEvent.objects.filter(target_type="search.searchdocument").exists()


def test_api_search_scoped_and_audited(personas, cases, client):
    a, _ = cases
    note = ProgressNoteFactory.create(case=a, author=personas.counselor_a, text="借金の相談")
    mine = {
        "HTTP_AUTHORIZATION": f"Bearer {api_token_for(personas.counselor_a, personas.office_a)}"
    }
    theirs = {
        "HTTP_AUTHORIZATION": f"Bearer {api_token_for(personas.counselor_b, personas.office_b)}"
    }
    response = client.get("/api/v1/search", {"q": "借金"}, **mine)
    assert response.status_code == 200
    data = response.json()
    assert [(r["kind"], r["record_id"]) for r in data["results"]] == [("note", note.pk)]
    assert "<mark>借金</mark>" in data["results"][0]["snippet_html"]
    assert client.get("/api/v1/search", {"q": "借金"}, **theirs).json()["results"] == []
    bad = client.get("/api/v1/search", {"q": " "}, **mine)
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "invalid"
    assert AuditEvent.objects.filter(target_type="search.searchdocument").count() == 2


def test_rebuild_command_restores_the_index(personas, cases):
    a, _ = cases
    note = ProgressNoteFactory.create(case=a, author=personas.counselor_a, text="借金と入院")
    SearchDocument.objects.all().delete()
    assert found(personas.counselor_a, "借金と入院") == []
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert found(personas.counselor_a, "借金と入院") == [("note", note.pk)]
    assert found(personas.counselor_a, "借金") == [("note", note.pk)]


def test_triggers_dropped_by_a_table_remake_come_back_after_migrate(personas, cases):
    from django.db import connection

    from tsunagu.search import index_sql
    from tsunagu.search.services import search_index_ensure

    a, _ = cases
    assert search_index_ensure() is False  # all there after the test database's migrate
    with connection.cursor() as cursor:  # what a table remake does to a source's triggers
        for op in ("ai", "au", "ad"):
            suffix = f" ON {index_sql.NOTE.table}" if connection.vendor == "postgresql" else ""
            cursor.execute(f"DROP TRIGGER search_sync_note_{op}{suffix}")
    note = ProgressNoteFactory.create(case=a, author=personas.counselor_a, text="入院の準備")
    assert found(personas.counselor_a, "入院の準備") == []
    assert search_index_ensure() is True
    assert found(personas.counselor_a, "入院の準備") == [("note", note.pk)]


def test_documents_visible_to_equals_the_source_selectors(personas, cases):
    from tsunagu.plans.access import assessments_visible_to
    from tsunagu.records.access import formulations_visible_to, notes_visible_to
    from tsunagu.search.selectors import documents_visible_to

    a, b = cases
    TeamMemberFactory.create(
        case=a,
        organization=personas.core_center,
        worker=personas.core_officer,
        added_by=personas.counselor_a,
        joined_on=timezone.localdate() - dt.timedelta(days=1),
    )
    for n, (case, author, org) in enumerate(
        (
            (a, personas.counselor_a, personas.office_a),
            (a, personas.core_officer, personas.core_center),
            (b, personas.counselor_b, personas.office_b),
        )
    ):
        for restricted in (False, True):
            ProgressNoteFactory.create(
                case=case, author=author, author_organization=org, is_restricted=restricted
            )
        FormulationFactory.create(case=case, author=author, author_organization=org)
        assessment = AssessmentFactory.create(
            case=case, revision=n + 1, author=author, author_organization=org
        )
        AssessmentSectionFactory.create(assessment=assessment)
    for user in (personas.counselor_a, personas.colleague_a, personas.core_officer,
                 personas.counselor_b, personas.city_official):  # fmt: skip
        who = Actor(user=user, membership=Membership.objects.filter(user=user).first())
        docs = documents_visible_to(who)
        expected = (
            {("note", pk) for pk in notes_visible_to(who).values_list("pk", flat=True)}
            | {("formulation", pk) for pk in formulations_visible_to(who).values_list("pk", flat=True)}  # noqa: E501
            | {(kind, pk) for pk in assessments_visible_to(who).values_list("pk", flat=True)
               for kind in ("assessment", "assessment_section")}
        )  # fmt: skip
        assert set(docs.values_list("kind", "record_id")) == expected, user.username
