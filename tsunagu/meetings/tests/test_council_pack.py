"""The council's report pack (issue 17 item 4, seed 003): the annual schedule against the
meetings planned and held, each subcommittee's activity, the community issues carried up from
cases (de-identified) and where they went, resource developments, and the figures with small
cells hidden from council members; the 自立支援協議会 report as Word and PDF, read back."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import random
from types import SimpleNamespace

import pytest
from django.utils import timezone
from docx import Document

from tsunagu.accounts.tests.factories import UserFactory, api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.core.tests.pdf import pdf_text
from tsunagu.meetings import council_pack
from tsunagu.meetings.models import (
    BodyKind,
    CommunityIssue,
    DevelopmentKind,
    FrequencyKind,
    IssueSource,
    IssueStage,
    IssueStep,
    IssueTheme,
    Level,
    MeetingActionItem,
    MeetingStatus,
)
from tsunagu.meetings.tests.factories import (
    DevelopmentFactory,
    MeetingBodyFactory,
    MeetingFactory,
)
from tsunagu.organizations.models import OrganizationKind
from tsunagu.organizations.tests.factories import MembershipFactory, OrganizationFactory
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.referrals.models import ReferralKind, ReferralStatus
from tsunagu.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 10)
FY = 2026
NAME = ("鏑木", "瑠璃子", "カブラギ", "ルリコ")


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """The pack is read on 2026-12-10 (令和8年度): November is past, February to come."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


def _at(day: dt.date, hour: int = 14) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.fixture
def world(personas):
    return build_world(personas)


def build_world(personas):
    """みどり市障害者自立支援協議会 (city and core center its secretariat, office A a member
    organization, one person of another office a member in their own right) and its 地域部会
    (office A, office B and the core center members)."""
    w = SimpleNamespace()
    w.council = MeetingBodyFactory.create(
        name="みどり市障害者自立支援協議会",
        kind=BodyKind.COUNCIL,
        level=Level.MACRO,
        frequency_kind=FrequencyKind.MONTHS,
        frequency_months=[5, 10, 2],
        secretariats=[personas.city, personas.core_center],
        members=[personas.office_a],
    )
    w.hospital = OrganizationFactory.create(kind=OrganizationKind.HOSPITAL, name="みどり病院")
    w.member_user = UserFactory.create(username="council_member")
    MembershipFactory.create(user=w.member_user, organization=w.hospital)
    w.council.member_users.add(w.member_user)
    w.sub = MeetingBodyFactory.create(
        name="地域部会",
        kind=BodyKind.SUBCOMMITTEE,
        level=Level.MACRO,
        parent=w.council,
        frequency_kind=FrequencyKind.AT_LEAST,
        frequency_count=2,
        secretariats=[personas.core_center],
        members=[personas.office_a, personas.office_b, personas.core_center],
    )
    w.may = MeetingFactory.create(
        body=w.council, title="第1回 自立支援協議会", starts_at=_at(dt.date(2026, 5, 20))
    )
    MeetingFactory.create(
        body=w.council, title="第2回 自立支援協議会", starts_at=_at(dt.date(2026, 10, 21))
    )
    w.november = MeetingFactory.create(
        body=w.sub,
        title="第1回 地域部会",
        starts_at=_at(dt.date(2026, 11, 12)),
        decisions="一人事業所を支える体制を各区で検討する\n実態調査の結果を各区自立協と共有する",
    )
    w.november.attendee_organizations.set([personas.office_a, personas.core_center])
    MeetingActionItem.objects.create(
        meeting=w.november,
        title="各区の一人事業所の状況をまとめる",
        owner_organization=personas.core_center,
        due_on=dt.date(2027, 1, 31),
        created_by=personas.core_officer,
    )
    MeetingFactory.create(
        body=w.sub,
        title="第2回 地域部会",
        starts_at=_at(dt.date(2027, 2, 10)),
        status=MeetingStatus.SCHEDULED,
    )
    MeetingFactory.create(
        body=w.sub,
        title="中止した部会",
        starts_at=_at(dt.date(2026, 12, 2)),
        status=MeetingStatus.CANCELLED,
    )
    person = PersonFactory.create(
        family_name=NAME[0],
        given_name=NAME[1],
        family_name_kana=NAME[2],
        given_name_kana=NAME[3],
        registered_by_organization=personas.office_a,
    )
    case = CaseFactory.create(person=person, lead_organization=personas.office_a)
    w.clean = _issue(
        personas,
        case,
        "医療的ケア児の短期入所先がない",
        "医療的ケアのある子を預けられる短期入所先が区内になく、家族が休めない。",
        IssueTheme.MEDICAL_CARE,
    )
    IssueStep.objects.create(
        issue=w.clean,
        stage=IssueStage.UNDER_STUDY,
        meeting=w.november,
        occurred_on=dt.date(2026, 11, 12),
        note=f"{NAME[0]}{NAME[1]}さんの件",  # a step note is never shown
        recorded_by=personas.core_officer,
        recorded_by_organization=personas.core_center,
    )
    w.leaky = _issue(
        personas,
        case,
        "送迎の課題",
        f"{NAME[0]}さんの母が送迎できない日がある。",  # kept by its author, caught here
        IssueTheme.MOBILITY,
    )
    w.survey = _issue(
        personas,
        None,
        "計画相談の担い手が足りない",
        "実態調査で一人事業所の多さが分かった。",
        IssueTheme.CONSULTATION,
        source=IssueSource.SURVEY,
    )
    DevelopmentFactory.create(
        kind=DevelopmentKind.SIDEWAYS,
        title="生活介護事業所で医療的ケア児の日中一時支援を始めた",
        beneficiaries="医療的ケアのある子の家族",
        occurred_on=dt.date(2026, 9, 1),
        community_issue=w.clean,
        recorded_by=personas.core_officer,
        recorded_by_organization=personas.core_center,
    )
    DevelopmentFactory.create(
        title="前年度の資源開発",
        occurred_on=dt.date(2026, 3, 1),
        recorded_by=personas.core_officer,
        recorded_by_organization=personas.core_center,
    )
    # Seed 000's table: office A (委託) sends 3 requests for persons with a mental disability,
    # a designated office 6 for persons with a physical one.
    designated = OrganizationFactory.create(kind=OrganizationKind.DESIGNATED_PLANNING_OFFICE)
    for requester, category, count in (
        (personas.office_a, "mental", 3),
        (designated, "physical", 6),
    ):
        for n in range(count):
            sent = _at(dt.date(2026, 6, 1) + dt.timedelta(days=n))
            ReferralFactory.create(
                case=CaseFactory.create(
                    person=PersonFactory.create(
                        disability_categories=[category], registered_by_organization=requester
                    ),
                    lead_organization=requester,
                ),
                kind=ReferralKind.JOINT_SUPPORT,
                receiving_organization=personas.core_center,
                status=ReferralStatus.REQUESTED,
                sent_at=sent,
                requested_at=sent,
            )
    w.person = person
    return w


def _issue(personas, case, title, description, theme, *, source=IssueSource.CASE):
    issue = CommunityIssue.objects.create(
        title=title,
        theme=theme,
        description=description,
        source=source,
        source_case=case,
        source_note="計画相談支援等に係る実態調査" if case is None else "",
        stage=IssueStage.SHARED_MESO,
        raised_on=dt.date(2026, 6, 1),
        raised_by=personas.counselor_a,
        raised_by_organization=personas.office_a,
    )
    IssueStep.objects.create(
        issue=issue,
        stage=IssueStage.RAISED,
        occurred_on=dt.date(2026, 6, 1),
        recorded_by=personas.counselor_a,
        recorded_by_organization=personas.office_a,
    )
    return issue


def _page(w):
    return f"/meetings/bodies/{w.council.pk}/council-pack/?fiscal_year={FY}"


def _api(client, user, org, w, query=f"?fiscal_year={FY}"):
    token = api_token_for(user, org)
    return client.get(
        f"/api/v1/meeting-bodies/{w.council.pk}/council-pack{query}",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def _no_person_data(text: str, w) -> None:
    for part in (*NAME, w.person.phone, w.person.address, "瑠璃子さんの件"):
        assert part not in text, part


# --- The schedule and the subcommittees ---------------------------------------------------------


def test_the_schedule_of_seed_003_against_the_meetings(world, personas, client):
    data = _api(client, personas.core_officer, personas.core_center, world).json()
    rows = [
        (r["month"], r["body_kind"], r["state"], [m["title"] for m in r["meetings"]])
        for r in data["schedule"]
    ]
    assert rows == [
        (5, "council", "held", ["第1回 自立支援協議会"]),
        (10, "council", "held", ["第2回 自立支援協議会"]),
        (11, "subcommittee", "held", ["第1回 地域部会"]),
        (2, "subcommittee", "planned", ["第2回 地域部会"]),
        (2, "council", "unplanned", []),
        (3, "council", "unplanned", []),
    ]
    assert data["schedule"][-1]["what"] == "協議会で部会の取組みを報告"
    assert data["schedule"][-1]["year"] == 2027


def test_each_subcommittee_with_its_meetings_attendance_decisions_and_actions(
    world, personas, client
):
    data = _api(client, personas.city_official, personas.city, world).json()
    (sub,) = data["subcommittees"]
    assert sub["name"] == "地域部会"
    assert (sub["required"], sub["held"], sub["scheduled"]) == (2, 1, 1)
    assert sub["attendance_rate"] == 67  # 2 of 3 member organizations
    held = sub["meetings"][0]
    assert (held["attended"], held["members"]) == (2, 3)
    assert held["decisions"] == [
        "一人事業所を支える体制を各区で検討する",
        "実態調査の結果を各区自立協と共有する",
    ]
    assert [m["meeting"]["status"] for m in sub["meetings"]] == ["held", "cancelled", "scheduled"]
    assert sub["action_items"] == [
        {
            "title": "各区の一人事業所の状況をまとめる",
            "owner": "みどり市基幹相談支援センター",
            "due_on": "2027-01-31",
            "taken": False,
            "meeting_day": "2026-11-12",
        }
    ]


# --- Issues, developments, de-identification -----------------------------------------------------


def test_issues_carried_from_cases_show_where_they_went_and_no_person(world, personas, client):
    data = _api(client, personas.core_officer, personas.core_center, world).json()
    by_id = {i["id"]: i for i in data["issues"]}
    clean = by_id[world.clean.pk]
    assert clean["withheld"] is False
    assert clean["description"].startswith("医療的ケアのある子")
    assert [(s["stage_label"], s["body_name"]) for s in clean["steps"]] == [
        ("提起", ""),
        ("部会で検討中", "地域部会"),
    ]
    assert clean["developments"] == ["生活介護事業所で医療的ケア児の日中一時支援を始めた"]
    assert clean["source_label"] == "個別のケース"
    # The issue whose text names the person is listed without it.
    leaky = by_id[world.leaky.pk]
    assert leaky["withheld"] is True
    assert leaky["description"] == ""
    assert leaky["title"] == "（記述を確認中の地域課題）"
    assert by_id[world.survey.pk]["withheld"] is False
    assert [d["title"] for d in data["developments"]] == [
        "生活介護事業所で医療的ケア児の日中一時支援を始めた"
    ]
    _no_person_data(str(data), world)


def test_the_screen_shows_the_pack_without_person_data_and_audits_it(world, personas, client_as):
    response = client_as(personas.core_officer).get(_page(world))
    assert response.status_code == 200
    body = response.content.decode()
    assert "協議会で部会の取組みを報告" in body
    assert "地域部会" in body
    assert "医療的ケア児の短期入所先がない" in body
    assert "本文は、もとのケースの本人・世帯を特定しうる記述を含む可能性があるため" in body
    _no_person_data(body, world)
    row = AuditEvent.objects.filter(action=Action.RECORDS_LISTED).latest("pk")
    assert row.detail["view"] == "meetings.council_pack"
    assert world.person.pk in row.person_ids


def test_without_a_year_the_year_shown_is_the_year_selected(world, personas, client_as):
    response = client_as(personas.core_officer).get(_page(world).split("?")[0])
    assert response.status_code == 200
    pack = response.context["pack"]
    assert response.context["form"]["fiscal_year"].value() == pack.fiscal_year


# --- Small cells ---------------------------------------------------------------------------------


def _cells(table):
    return [[c["value"] for c in r["cells"]] + [r["total"]["value"]] for r in table["rows"]] + [
        [c["value"] for c in table["column_totals"]] + [table["total"]["value"]]
    ]


def test_the_secretariat_sees_exact_figures(world, personas, client):
    data = _api(client, personas.core_officer, personas.core_center, world).json()
    assert data["exact"] is True
    cells = _cells(data["joint_support"])
    assert cells[0] == [0, 3, 0, 0, 0, 0, 3]  # 委託: 精神 3
    assert cells[1] == [6, 0, 0, 0, 0, 0, 6]
    assert cells[-1][-1] == 9


@pytest.mark.parametrize("who", ["member_organization", "member_user"])
def test_council_members_see_no_small_cell_nor_one_worked_out_from_totals(
    world, personas, client, client_as, who
):
    user, org = (
        (personas.counselor_a, personas.office_a)
        if who == "member_organization"
        else (world.member_user, world.hospital)
    )
    data = _api(client, user, org, world).json()
    assert data["exact"] is False
    cells = _cells(data["joint_support"])
    assert cells[0] == [0, None, 0, 0, 0, 0, None]
    # 6 alone would give the 3 away (9 - 6): it is hidden too; the grand total stays.
    assert cells[1] == [None, 0, 0, 0, 0, 0, None]
    assert cells[-1] == [None, None, 0, 0, 0, 0, 9]
    issue_counts = _cells(data["issue_counts"])
    assert all(v is None or v == 0 or v >= 5 for row in issue_counts for v in row)
    page = client_as(user).get(_page(world)).content.decode()
    assert "＊: 5未満の値と、合計から逆算できてしまう値は" in page


def test_suppression_never_leaves_one_hidden_cell_in_a_line():
    rng = random.Random(17)
    for _ in range(300):
        rows = [[rng.choice([0, 0, 1, 2, 4, 5, 7, 12]) for _c in range(4)] for _r in range(3)]
        grid = [[*r, sum(r)] for r in rows]
        grid.append([sum(col) for col in zip(*grid, strict=True)])
        hidden = council_pack.suppress(grid)
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if 0 < value < 5:
                    assert hidden[r][c]
        lines = [list(zip(g, h, strict=True)) for g, h in zip(grid, hidden, strict=True)]
        lines += [
            list(zip(g, h, strict=True))
            for g, h in zip(zip(*grid, strict=True), zip(*hidden, strict=True), strict=True)
        ]
        for line in lines:
            assert sum(h for _v, h in line) != 1, (grid, hidden)


# --- The documents --------------------------------------------------------------------------------


def _docx_text(content: bytes) -> tuple[str, list[list[list[str]]]]:
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    tables = [[[cell.text for cell in row.cells] for row in t.rows] for t in document.tables]
    return text, tables


def test_the_word_report_reads_back_with_the_pack_and_hidden_small_cells(
    world, personas, client_as
):
    # The core center downloads it, but the document is for the council: small cells hidden.
    response = client_as(personas.core_officer).get(
        f"/meetings/bodies/{world.council.pk}/council-pack/report.docx?fiscal_year={FY}"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == council_pack.DOCX_TYPE
    assert "council-report-" in response["Content-Disposition"]
    text, tables = _docx_text(response.content)
    assert "みどり市障害者自立支援協議会 報告資料 令和8年度" in text
    assert "開催 1回（予定 1回）／年2回以上／構成機関の出席率 67%" in text
    assert "一人事業所を支える体制を各区で検討する" in text
    assert "医療的ケア児の短期入所先がない" in text
    assert "経過: 提起（令和8年6月1日） → 部会で検討中（令和8年11月12日・地域部会）" in text
    assert "6 部会からの報告と今後の取組み（事務局記入欄）" in text
    schedule = tables[0]
    assert schedule[0] == ["月", "予定", "会議", "状況"]
    assert schedule[-1] == ["2027年3月", "協議会で部会の取組みを報告", "—", "予定なし"]
    joint = next(t for t in tables if t[0][1:3] == ["身体", "精神"])
    assert joint[1] == ["委託相談支援事業所", "0", "＊", "0", "0", "0", "0", "＊"]
    assert joint[-1][-1] == "9"
    _no_person_data(text + str(tables), world)
    assert AuditEvent.objects.filter(
        action="meetings.council_pack_downloaded", detail__format="docx"
    ).exists()


def test_the_pdf_report_reads_back(world, personas, client_as):
    response = client_as(personas.city_official).get(
        f"/meetings/bodies/{world.council.pk}/council-pack/report.pdf?fiscal_year={FY}"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "報告資料令和8年度" in text
    assert "協議会で部会の取組みを報告" in text
    assert "医療的ケア児の短期入所先がない" in text
    assert "生活介護事業所で医療的ケア児の日中一時支援を始めた" in text
    assert "委託相談支援事業所0＊0000＊" in text
    for part in NAME:
        assert part not in text
    event = AuditEvent.objects.filter(action="meetings.council_pack_downloaded").latest("pk")
    assert event.detail == {"fiscal_year": FY, "format": "pdf"}


# --- Access and bad input -------------------------------------------------------------------------


def _urls(w, body_id=None):
    base = f"/meetings/bodies/{body_id or w.council.pk}/council-pack/"
    return [base, f"{base}report.docx", f"{base}report.pdf"]


def test_an_outsider_gets_404_everywhere_and_is_audited(world, personas, client, client_as):
    outsider = client_as(personas.counselor_b)  # office B: on the subcommittee, not the council
    for url in _urls(world):
        assert outsider.get(url).status_code == 404, url
    assert _api(client, personas.counselor_b, personas.office_b, world).status_code == 404
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, target_type="meetings.meetingbody"
    ).exists()
    # Nothing tells a body that is not a council from a missing one, for anyone.
    for body_id in (world.sub.pk, 2**63, 999999):
        for url in _urls(world, body_id):
            assert client_as(personas.core_officer).get(url).status_code == 404
    assert outsider.get("/meetings/council-pack/").status_code == 404


def test_the_start_page_leads_a_member_to_their_council(world, client_as):
    response = client_as(world.member_user).get("/meetings/council-pack/")
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/bodies/{world.council.pk}/council-pack/"


@pytest.mark.parametrize(
    "value", ["99999", "2017", "abc", "%ED%A0%80", "ﾚｲﾜ8", "れいわ8", "9223372036854775808"]
)
def test_a_bad_year_is_a_japanese_400_on_screen(world, personas, client_as, value):
    client = client_as(personas.core_officer)
    for url in _urls(world):
        response = client.get(f"{url}?fiscal_year={value}")
        assert response.status_code == 400, (url, value)
        assert "年度" in response.content.decode()


@pytest.mark.parametrize("value", ["99999", "2017", "abc", "ﾚｲﾜ8"])
def test_a_bad_year_is_422_in_the_api(world, personas, client, value):
    response = _api(
        client, personas.core_officer, personas.core_center, world, f"?fiscal_year={value}"
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"]


def test_a_past_year_has_its_own_pack(world, personas, client):
    data = _api(
        client, personas.core_officer, personas.core_center, world, "?fiscal_year=2025"
    ).json()
    assert data["label"] == "令和7年度"
    assert [d["title"] for d in data["developments"]] == ["前年度の資源開発"]
    assert data["issues"] == []
    assert {r["state"] for r in data["schedule"]} == {"missed"}


def test_the_pack_keeps_its_queries_bounded(world, personas, django_assert_max_num_queries):
    from tsunagu.organizations.tests.actors import actor_as

    actor = actor_as(personas.core_officer, personas.core_center)
    for extra in range(5):
        MeetingFactory.create(body=world.sub, starts_at=_at(dt.date(2026, 7, 1 + extra)))
    with django_assert_max_num_queries(40):
        council_pack.council_pack(actor, world.council, year=FY)
    assert list(itertools.islice(council_pack.pack_years(world.council), 2)) == [2027, 2026]


def test_a_meeting_left_scheduled_counts_as_planned_until_its_month_is_over():
    ref = council_pack.MeetingRef(
        id=1,
        day=dt.date(2026, 11, 5),
        title="第1回 地域部会",
        body_name="地域部会",
        status=MeetingStatus.SCHEDULED,
        status_label="予定",
    )
    end = dt.date(2026, 11, 30)
    assert council_pack._state([ref], end, dt.date(2026, 11, 20)) == "planned"
    assert council_pack._state([ref], end, dt.date(2026, 12, 1)) == "missed"
    assert council_pack._state([], end, dt.date(2026, 11, 20)) == "unplanned"
