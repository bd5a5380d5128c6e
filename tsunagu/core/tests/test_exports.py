"""Formula injection (CWE-1236, issue 13 item 15): every CSV and xlsx export writes user text as
text.  Each export in EXPORTS is downloaded with `=HYPERLINK(...)`, `+1`, `-1+1`, `@SUM(1)`,
`\\t=1` and `\\r=1` in every user text field it writes: no xlsx cell is a formula, and no CSV
cell (UTF-8 or CP932) starts with a formula character.  A second test keeps EXPORTS complete
against the URL conf, and a third keeps every export writing through tsunagu/core/exports.py."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.views.generic import RedirectView
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

import tsunagu
from tsunagu.accounts.models import User
from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.audit import services as audit
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.core.exports import (
    FORMULA_TRIGGERS,
    XLSX_ILLEGAL,
    csv_cell,
    csv_response,
    xlsx_cell,
)
from tsunagu.directory.tests.factories import ResourceFactory
from tsunagu.meetings.models import CommunityIssue, FrequencyKind, IssueSource, IssueTheme
from tsunagu.meetings.tests.factories import DevelopmentFactory, MeetingBodyFactory
from tsunagu.organizations.models import AreaKind, Organization
from tsunagu.organizations.tests.factories import (
    AreaFactory,
    MembershipFactory,
    OrganizationFactory,
)
from tsunagu.people.models import Person
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.plans.models import (
    Monitoring,
    MonitoringGoalReport,
    PlanItem,
    SupportPlan,
    WeeklyScheduleEntry,
)
from tsunagu.plans.tests.world import build_plan_world
from tsunagu.referrals.models import ReferralStatus
from tsunagu.referrals.tests.factories import ReferralFactory
from tsunagu.trainings.models import Registration
from tsunagu.trainings.tests.factories import make_event

PAYLOADS = ('=HYPERLINK("http://x","y")', "+1", "-1+1", "@SUM(1)", "\t=1", "\r=1")
TOKYO = timezone.get_fixed_timezone(9 * 60)


class Seeds:
    """Distinct dangerous values, the six payloads in turn, each tagged so that the test can
    find it in the file; `shown` are those the export must show (the rest are written only in
    some layouts, and still must not become formulas)."""

    def __init__(self) -> None:
        self._count = itertools.count()
        self.shown: list[str] = []

    def __call__(self, *, shown: bool = True) -> str:
        n = next(self._count)
        value = f"{PAYLOADS[n % len(PAYLOADS)]}〔{n}〕"
        if shown:
            self.shown.append(value)
        return value


# --- Seeding, one function per export: the client to download with and the seeded values ---


Seeder = Callable[[Any, Callable[..., Client]], tuple[Client, str, Seeds]]


def _audit(personas: Any, client_as: Callable[..., Client]) -> tuple[Client, str, Seeds]:
    seeds = Seeds()
    audit.record(
        action=seeds(),
        actor_username=seeds(),
        organization=OrganizationFactory.create(name=seeds()),
        target_type=seeds(),
        target_id=seeds(),
    )
    return client_as(personas.admin), reverse("audit:export"), seeds


def _developments(personas: Any, client_as: Callable[..., Client]) -> tuple[Client, str, Seeds]:
    seeds = Seeds()
    issue = CommunityIssue.objects.create(
        title=seeds(),
        theme=IssueTheme.DAYTIME,
        description="説明",
        source=IssueSource.SURVEY,
        raised_by=personas.counselor_a,
        raised_by_organization=personas.office_a,
    )
    DevelopmentFactory.create(
        title=seeds(),
        description=seeds(),
        beneficiaries=seeds(),
        source_note=seeds(),
        resource=ResourceFactory.create(name=seeds()),
        area=AreaFactory.create(name=seeds()),
        community_issue=issue,
        recorded_by=personas.counselor_a,
        recorded_by_organization=OrganizationFactory.create(name=seeds()),
    )
    return client_as(personas.counselor_a), reverse("meetings:development_export"), seeds


def _statistics(query: str) -> Seeder:
    def seed(personas: Any, client_as: Callable[..., Client]) -> tuple[Client, str, Seeds]:
        seeds = Seeds()
        # The receivers' names are the user text of the statistics; the joint-support table
        # has only the code's own labels, and must be as safe.
        shown = "organizations" in query or "xlsx" in query
        for _n in PAYLOADS:
            case = CaseFactory.create(
                person=PersonFactory.create(registered_by_organization=personas.office_a),
                lead_organization=personas.office_a,
            )
            sent = dt.datetime(2026, 6, 15, 10, tzinfo=TOKYO)
            ReferralFactory.create(
                case=case,
                receiving_organization=OrganizationFactory.create(name=seeds(shown=shown)),
                status=ReferralStatus.REQUESTED,
                sent_at=sent,
                requested_at=sent,
            )
        url = f"{reverse('referrals:statistics_export')}?fiscal_year=2026&as_of=2026-11-15&{query}"
        return client_as(personas.core_officer), url, seeds

    return seed


def _dashboard(query: str) -> Seeder:
    def seed(personas: Any, client_as: Callable[..., Client]) -> tuple[Client, str, Seeds]:
        seeds = Seeds()
        # The wards' names (consultations by ward) and the bodies' names (meeting compliance)
        # are the user text of the dashboard's tables.
        for _n in range(3):
            AreaFactory.create(name=seeds(), kind=AreaKind.WARD)
            MeetingBodyFactory.create(
                name=seeds(), frequency_kind=FrequencyKind.AT_LEAST, frequency_count=4
            )
        url = f"{reverse('dashboard:figures_export')}?{query}"
        return client_as(personas.city_official), url, seeds

    return seed


def _seed_plan_world(personas: Any, seeds: Seeds, form: str) -> Any:
    """The plans' world with a dangerous value in every text field the two workbooks write;
    `form` ("plan" or "monitoring") says which of them that workbook must show."""
    plan, monitoring, both = form == "plan", form == "monitoring", True
    w = build_plan_world(personas)
    Person.objects.filter(pk=w.person.pk).update(
        family_name=seeds(shown=both),
        family_name_kana=seeds(shown=both),
        recipient_numbers=seeds(shown=False),  # its lines are stripped and joined
    )
    Organization.objects.filter(pk=personas.office_a.pk).update(name=seeds(shown=both))
    User.objects.filter(pk=personas.counselor_a.pk).update(full_name=seeds(shown=False))
    SupportPlan.objects.filter(pk=w.plan.pk).update(
        person_wishes=seeds(shown=plan),
        family_wishes=seeds(shown=plan),
        overall_policy=seeds(shown=both),
        long_term_goal=seeds(shown=plan),
        short_term_goal=seeds(shown=plan),
        weekly_notes=seeds(shown=plan),
        weekly_activities=seeds(shown=plan),
    )
    PlanItem.objects.filter(plan=w.plan).update(
        need=seeds(shown=plan),
        goal=seeds(shown=both),
        amount=seeds(shown=False),
        informal_support=seeds(shown=False),
        responsible_name=seeds(shown=False),
        person_role=seeds(shown=plan),
        notes=seeds(shown=plan),
    )
    WeeklyScheduleEntry.objects.filter(plan=w.plan).update(
        activity=seeds(shown=False), provider=seeds(shown=False)
    )
    Monitoring.objects.filter(pk=w.monitoring.pk).update(
        overall=seeds(shown=monitoring),
        person_words=seeds(shown=monitoring),
        next_steps=seeds(shown=monitoring),
    )
    MonitoringGoalReport.objects.filter(monitoring=w.monitoring).update(
        what_happened=seeds(shown=monitoring),
        person_words=seeds(shown=monitoring),
        what_should_change=seeds(shown=monitoring),
    )
    return w


def _plan(personas: Any, client_as: Callable[..., Client]) -> tuple[Client, str, Seeds]:
    seeds = Seeds()
    w = _seed_plan_world(personas, seeds, "plan")
    return client_as(personas.counselor_a), reverse("plans:plan_xlsx", args=[w.plan.pk]), seeds


def _monitoring(personas: Any, client_as: Callable[..., Client]) -> tuple[Client, str, Seeds]:
    seeds = Seeds()
    w = _seed_plan_world(personas, seeds, "monitoring")
    url = reverse("plans:monitoring_xlsx", args=[w.monitoring.pk])
    return client_as(personas.counselor_a), url, seeds


def _registrations(personas: Any, client_as: Callable[..., Client]) -> tuple[Client, str, Seeds]:
    seeds = Seeds()
    event = make_event(personas.core_center, personas.core_officer, held_on=dt.date(2025, 6, 1))
    for status in ("registered", "waiting"):
        worker = UserFactory.create(full_name=seeds())
        Registration.objects.create(
            event=event,
            worker=worker,
            organization=OrganizationFactory.create(name=seeds()),
            job_title="counselor",
            status=status,
            registered_by=worker,
        )
    url = reverse("trainings:registrations_export", args=[event.pk])
    return client_as(personas.core_officer), url, seeds


def _survey_results(personas: Any, client_as: Callable[..., Client]) -> tuple[Client, str, Seeds]:
    """A survey's results (issue 19): option labels, table rows and a reviewed free text typed
    by people.  Leading tabs and carriage returns are trimmed from what is typed, so those two
    payloads are written (and must stay text) without being looked for whole."""
    from tsunagu.organizations.tests.actors import actor_as
    from tsunagu.surveys import services as surveys

    seeds = Seeds()

    def typed() -> str:
        value = seeds(shown=False)
        if value == value.strip():  # a cell of its own, as typed
            seeds.shown.append(value)
        return value

    center = actor_as(personas.core_officer)
    survey = surveys.survey_create(
        center, title=seeds(shown=False), fiscal_year=2026, deadline=timezone.localdate()
    )
    labels = [typed() for _n in range(6)]
    single = surveys.question_add(
        center, survey=survey, kind="single", text=seeds(shown=False), choices=labels
    )
    table = surveys.question_add(
        center,
        survey=survey,
        kind="table",
        text=seeds(shown=False),
        rows=[typed(), typed()],
        columns=[seeds(shown=False)],
    )
    text = surveys.question_add(center, survey=survey, kind="text", text=seeds(shown=False))
    surveys.recipients_set(center, survey=survey, organizations=[personas.office_a])
    surveys.survey_send(center, survey=survey)
    response = survey.responses.get()
    written = typed()
    surveys.response_save(
        actor_as(personas.counselor_a),
        response=response,
        answers={single.pk: labels[0].strip(), table.pk: [[1], [2]], text.pk: written},
        submit=True,
    )
    surveys.answer_review(center, answer=response.answers.get(question=text))
    url = reverse("surveys:results_export", args=[survey.pk])
    return client_as(personas.core_officer), url, seeds


def _with(seeded: tuple[Client, str, Seeds], fmt: str) -> tuple[Client, str, Seeds]:
    client, url, seeds = seeded
    return client, f"{url}?format={fmt}", seeds


def _selfeval(fmt: str) -> Seeder:
    def seed(personas: Any, client_as: Callable[..., Client]) -> tuple[Client, str, Seeds]:
        from tsunagu.organizations.tests.actors import actor_as
        from tsunagu.selfevaluations import services as selfeval

        seeds = Seeds()

        def text() -> str:
            # The services trim the text as typed: a payload with a leading tab or CR is
            # written without it, so only the others are looked for whole.
            value = seeds(shown=False)
            if value == value.strip():
                seeds.shown.append(value)
            return value

        city = actor_as(personas.city_official)
        # The title and the level labels are written inside longer cells (the table's title,
        # "1 label"): looked for as text that is no formula, not whole.
        criteria = selfeval.set_create(
            city,
            fiscal_year=2026,
            title=seeds(shown=False),
            scale_labels=[seeds(shown=False), seeds(shown=False), seeds(shown=False)],
        )
        area = selfeval.area_create(city, criteria=criteria, name=text())
        selfeval.item_create(city, area=area, code=text()[:20], text=text())
        selfeval.set_publish(city, criteria=criteria)
        url = f"{reverse('selfevaluations:summary_export', args=[criteria.pk])}?format={fmt}"
        return client_as(personas.city_official), url, seeds

    return seed


def _abuse_survey(fmt: str) -> Seeder:
    def seed(personas: Any, client_as: Callable[..., Client]) -> tuple[Client, str, Seeds]:
        from tsunagu.abuse import services as abuse
        from tsunagu.core.dates import fiscal_year
        from tsunagu.organizations.tests.actors import actor_as

        seeds = Seeds()
        # The survey writes the receiving organization's name as a row label.
        receiver = OrganizationFactory.create(kind="city_department", name=seeds())
        official = UserFactory.create()
        MembershipFactory.create(user=official, organization=receiver)
        abuse.report_receive(
            actor_as(official, receiver),
            received_at=timezone.now() - dt.timedelta(hours=1),
            abuser_type="carer",
            abuse_types=["physical"],
            summary="x",
            victim_label="x",
            response_team=[official],
        )
        year = fiscal_year(timezone.localdate())
        url = f"{reverse('abuse:survey_export')}?fiscal_year={year}&format={fmt}"
        return client_as(personas.city_official), url, seeds

    return seed


def _rights_council(fmt: str) -> Seeder:
    def seed(personas: Any, client_as: Callable[..., Client]) -> tuple[Client, str, Seeds]:
        from tsunagu.rights.models import DiscriminationConsultation

        seeds = Seeds()
        # The de-identified summaries are the user text of the 地域協議会's case list.
        for _n in PAYLOADS:
            DiscriminationConsultation.objects.create(
                organization=personas.core_center,
                received_on=dt.date(2026, 6, 1),
                consulter="self",
                party_kind="business",
                kind="no_accommodation",
                field="shops",
                summary=seeds(),
                created_by=personas.core_officer,
            )
        url = f"{reverse('rights:council_export')}?year=2026&fmt={fmt}"
        return client_as(personas.city_official), url, seeds

    return seed


def _disaster(fmt: str) -> Seeder:
    def seed(personas: Any, client_as: Callable[..., Client]) -> tuple[Client, str, Seeds]:
        from tsunagu.disaster import services as disaster
        from tsunagu.organizations.models import Area
        from tsunagu.organizations.tests.actors import actor_as
        from tsunagu.people.tests.factories import PersonFactory

        seeds = Seeds()

        def text() -> str:
            value = seeds(shown=False)
            if value == value.strip():
                seeds.shown.append(value)
            return value

        city = actor_as(personas.city_official)
        ward = Area.objects.create(code="export-ward", name=seeds(), kind="ward")
        person = PersonFactory.create(family_name=seeds(shown=False), area=ward, address=seeds())
        entry = disaster.entry_add(city, person=person)
        campaign = disaster.campaign_declare(city, title=seeds(shown=False), areas=[ward])
        disaster.check_record(
            actor_as(personas.core_officer),
            campaign=campaign,
            entry=entry,
            state="evacuated",
            evacuated_to=text(),
            note=text(),
        )
        url = f"{reverse('disaster:campaign_export', args=[campaign.pk])}?format={fmt}"
        return client_as(personas.core_officer), url, seeds

    return seed


@dataclass(frozen=True)
class Export:
    url_name: str
    kind: str  # "csv", "cp932" or "xlsx"
    seed: Seeder

    def __str__(self) -> str:
        return f"{self.url_name}-{self.kind}"


# Every export that writes a spreadsheet or CSV file.  A new one must be added here (the test
# below fails until it is, or until it is listed in JSON_EXPORTS).
EXPORTS = [
    Export("audit:export", "csv", _audit),
    Export("meetings:development_export", "csv", _developments),
    Export("referrals:statistics_export", "csv", _statistics("format=csv")),
    Export("referrals:statistics_export", "csv", _statistics("format=csv&table=organizations")),
    Export("referrals:statistics_export", "cp932", _statistics("format=cp932")),
    Export("referrals:statistics_export", "cp932", _statistics("format=cp932&table=organizations")),
    Export("referrals:statistics_export", "xlsx", _statistics("format=xlsx")),
    Export("dashboard:figures_export", "csv", _dashboard("format=csv")),
    Export("dashboard:figures_export", "cp932", _dashboard("format=cp932")),
    Export("dashboard:figures_export", "xlsx", _dashboard("format=xlsx")),
    Export("plans:plan_xlsx", "xlsx", _plan),
    Export("plans:monitoring_xlsx", "xlsx", _monitoring),
    Export("trainings:registrations_export", "csv", _registrations),
    Export("surveys:results_export", "csv", lambda p, c: _with(_survey_results(p, c), "csv")),
    Export("surveys:results_export", "cp932", lambda p, c: _with(_survey_results(p, c), "cp932")),
    Export("surveys:results_export", "xlsx", lambda p, c: _with(_survey_results(p, c), "xlsx")),
    Export("selfevaluations:summary_export", "csv", _selfeval("csv")),
    Export("selfevaluations:summary_export", "cp932", _selfeval("cp932")),
    Export("selfevaluations:summary_export", "xlsx", _selfeval("xlsx")),
    Export("abuse:survey_export", "csv", _abuse_survey("csv")),
    Export("abuse:survey_export", "cp932", _abuse_survey("cp932")),
    Export("abuse:survey_export", "xlsx", _abuse_survey("xlsx")),
    Export("disaster:campaign_export", "csv", _disaster("csv")),
    Export("disaster:campaign_export", "cp932", _disaster("cp932")),
    Export("disaster:campaign_export", "xlsx", _disaster("xlsx")),
    Export("rights:council_export", "csv", _rights_council("csv")),
    Export("rights:council_export", "cp932", _rights_council("cp932")),
    Export("rights:council_export", "xlsx", _rights_council("xlsx")),
]
# Exports that are JSON: a JSON string is never evaluated by a spreadsheet, so they need
# nothing (HSDS and FHIR are JSON too, under names without "export").
JSON_EXPORTS = {"directory:export"}


def _csv_cells(content: bytes, encoding: str) -> list[str]:
    text = content.decode(encoding)
    if encoding == "utf-8":
        assert text.startswith("\ufeff")
        text = text[1:]
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def _xlsx_cells(content: bytes) -> Iterator[Any]:
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from (cell for cell in row if cell.value is not None)


def _refuse_direct_sheet_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only tsunagu.core.exports.xlsx_cell may put a value in a worksheet (it asks openpyxl for
    the empty cell and types the value itself)."""
    cell = Worksheet.cell

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("write worksheet cells through tsunagu.core.exports.xlsx_cell")

    def empty_cell(self: Worksheet, row: int, column: int, value: object = None) -> Any:
        if value is not None:
            refuse()
        return cell(self, row=row, column=column)

    monkeypatch.setattr(Worksheet, "append", refuse)
    monkeypatch.setattr(Worksheet, "__setitem__", refuse)
    monkeypatch.setattr(Worksheet, "cell", empty_cell)


@pytest.mark.django_db
@pytest.mark.parametrize("export", EXPORTS, ids=str)
def test_every_export_writes_user_text_as_text(export, personas, client_as, monkeypatch):
    client, url, seeds = export.seed(personas, client_as)
    _refuse_direct_sheet_writes(monkeypatch)
    response = client.get(url)
    assert response.status_code == 200, url
    if export.kind == "xlsx":
        cells = list(_xlsx_cells(response.content))
        assert [c.coordinate for c in cells if c.data_type == "f"] == []
        texts = [c.value for c in cells if isinstance(c.value, str)]
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                assert cell.data_type == "s"
                assert cell.quotePrefix, cell.coordinate
    else:
        texts = _csv_cells(response.content, "utf-8" if export.kind == "csv" else "cp932")
        assert [t for t in texts if t.startswith(FORMULA_TRIGGERS)] == []
    for value in seeds.shown:
        # Whole cells of CSV carry the apostrophe; xlsx may join a field with others, and XML
        # keeps a carriage return as a line feed.
        wanted = "'" + value if export.kind != "xlsx" else value.strip()
        assert any(wanted in text for text in texts), (value, texts)
    assert seeds.shown or export.url_name == "referrals:statistics_export"


def _export_urls() -> dict[str, str]:
    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), inner)
            elif isinstance(p, URLPattern):
                if getattr(p.callback, "view_class", None) is RedirectView:
                    continue  # an old address that leads to an export is not one
                yield prefix + str(p.pattern), f"{namespace}{p.name or ''}"

    return {
        name: path
        for path, name in walk(get_resolver().url_patterns, "", "")
        if re.search(r"export|csv|xlsx", f"{path} {name}", re.IGNORECASE)
    }


def test_the_list_of_exports_is_complete():
    found = _export_urls()
    assert set(found) == {e.url_name for e in EXPORTS} | JSON_EXPORTS
    assert all(found[name].endswith(".json") for name in JSON_EXPORTS)


# --- One way to write a cell ------------------------------------------------------------------

SOURCE = Path(tsunagu.__file__).parent
HELPERS = SOURCE / "core" / "exports.py"
WRITES = [
    re.compile(r"csv\.(writer|DictWriter)\("),
    re.compile(r"\.writerows?\("),
    re.compile(r"\.cell\([^)]*value\s*="),
    re.compile(r"^\s*[^\s\"'#].*\.value\s*=[^=]"),  # cell.value = ... (not SQL's j.value = %s)
]
# In a module that uses openpyxl, a worksheet (named as they are here) is not written directly;
# the export test also makes Worksheet.append, item assignment and cell(value=) fail at run time.
SHEET = r"\b(ws|sheet|worksheet|weekly)"
SHEET_WRITES = [re.compile(SHEET + r"\.append\("), re.compile(SHEET + r"\[[^\]]+\]\s*=[^=]")]


def test_no_export_writes_a_cell_but_through_core_exports():
    offenders = []
    for path in SOURCE.rglob("*.py"):
        if path == HELPERS or "tests" in path.parts or "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        patterns = WRITES + (SHEET_WRITES if "openpyxl" in source else [])
        for number, line in enumerate(source.splitlines(), start=1):
            if any(p.search(line) for p in patterns):
                offenders.append(f"{path.relative_to(SOURCE)}:{number}: {line.strip()}")
    assert offenders == []


# --- The helpers themselves -------------------------------------------------------------------


@pytest.mark.parametrize("payload", [*PAYLOADS, "＝１＋１", "＋1", "－1", "＠SUM(1)"])
def test_csv_cell_neutralises_text_that_starts_a_formula(payload):
    assert csv_cell(payload) == "'" + payload


@pytest.mark.parametrize(
    "value", ["相談支援", "2026-04-01", "令和8年4月1日", "", " =1", "'quoted", "a=b", "ー", "―"]
)
def test_csv_cell_leaves_other_text_alone(value):
    assert csv_cell(value) == value


def test_csv_cell_keeps_what_the_code_produces():
    assert csv_cell(-3) == -3
    assert csv_cell(-1.5) == -1.5
    assert csv_cell(dt.date(2026, 4, 1)) == dt.date(2026, 4, 1)
    assert csv_cell(None) == ""


def test_csv_response_keeps_a_negative_number_and_quotes_text():
    response = csv_response(filename="t.csv", header=["a", "b"], rows=[[-3, "-3"]])
    text = response.content.decode("utf-8").lstrip("\ufeff")
    assert list(csv.reader(io.StringIO(text))) == [["a", "b"], ["-3", "'-3"]]


def test_xlsx_cell_types_text_as_text_and_keeps_numbers():
    book = Workbook()
    sheet = book.active
    for row, value in enumerate([*PAYLOADS, "#N/A", -3, 2.5, dt.date(2026, 4, 1)], start=1):
        xlsx_cell(sheet, row=row, column=1, value=value)
    xlsx_cell(sheet, row=20, column=1, value="改行\x0bと\x00制御文字")
    buffer = io.BytesIO()
    book.save(buffer)
    read = load_workbook(io.BytesIO(buffer.getvalue())).active
    cells = [read.cell(row=r, column=1) for r in range(1, 11)]
    assert [c.data_type for c in cells[:7]] == ["s"] * 7
    assert cells[0].value == PAYLOADS[0]
    assert all(c.quotePrefix for c in cells[:6])
    assert not cells[6].quotePrefix  # "#N/A" is text, not a formula: typed, not prefixed
    assert [c.value for c in cells[7:9]] == [-3, 2.5]
    assert cells[9].value.date() == dt.date(2026, 4, 1)
    # Control characters an xlsx cannot hold (openpyxl raises on them) are replaced.
    assert read.cell(row=20, column=1).value == "改行\ufffdと\ufffd制御文字"


def test_the_illegal_characters_are_openpyxls():
    every = "".join(chr(c) for c in range(0x20))
    assert XLSX_ILLEGAL.findall(every) == ILLEGAL_CHARACTERS_RE.findall(every)


@pytest.mark.django_db
def test_cp932_replaces_an_emoji_and_neutralises_after_it(personas, client_as):
    case = CaseFactory.create(
        person=PersonFactory.create(registered_by_organization=personas.office_a),
        lead_organization=personas.office_a,
    )
    sent = dt.datetime(2026, 6, 15, 10, tzinfo=TOKYO)
    ReferralFactory.create(
        case=case,
        receiving_organization=OrganizationFactory.create(name="=😀𠮷田 相談室"),
        status=ReferralStatus.REQUESTED,
        sent_at=sent,
        requested_at=sent,
    )
    url = reverse("referrals:statistics_export")
    response = client_as(personas.core_officer).get(
        f"{url}?fiscal_year=2026&as_of=2026-11-15&table=organizations&format=cp932"
    )
    assert response.status_code == 200
    cells = _csv_cells(response.content, "cp932")
    assert "'=〓吉田 相談室" in cells
    assert response["X-Tsunagu-Replaced-Characters"] == "U+1F600>U+3013, U+20BB7>U+5409"
