"""The council's report pack for a fiscal year (issue 17 item 4; seed 003).

What the 自立支援協議会 receives each year, gathered from the records:

- the annual schedule: seed 003's reporting rhythm (部会 in November and February, the report
  to the council in March) and the council's own required months, each with the meetings
  planned or held for it, and whether it is held, planned, missed or not yet planned;
- each subcommittee's activity: meetings held against those required, attendance (member
  organizations present), decisions and action items;
- the community issues carried up from cases, de-identified, and where each went (the steps of
  the pipeline with the meeting body and date);
- the resource developments of the year;
- the figures that derive from persons: seed 000's joint-support table
  (`tsunagu.referrals.statistics`) and the issues raised from cases by theme.

Nothing in the pack names a person.  The issues are shown as written (their text was checked
against the source case when it was shared), and checked again here against the identifiers of
the source case's household as they are now (`deidentify.find_identifiers`): an issue whose
text still matches one — a name kept with a reason, a household that changed since — is listed
without its text.  Step notes are never shown (they are not checked when written).

Who reads it: the council's secretariat, its members (member organizations and member users),
the city department and the core center; anyone else gets the audited 404 of a missing page.
Figures under 5 (and any figure from which one could be worked out from the totals) are shown
as ＊ to council members, and always in the documents (Word and PDF), which are made for the
council; the secretariat and the oversight organizations see the exact figures on screen.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.audit.actions import register_action
from tsunagu.cases.access import access_object
from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year, fiscal_year_label, fiscal_year_range, wareki
from tsunagu.core.errors import Invalid
from tsunagu.meetings import deidentify
from tsunagu.meetings.models import (
    BodyKind,
    CommunityIssue,
    IssueSource,
    IssueStep,
    IssueTheme,
    Meeting,
    MeetingActionItem,
    MeetingBody,
    MeetingStatus,
    ResourceDevelopment,
)
from tsunagu.meetings.selectors import bodies_visible_to, is_oversight, issue_persons
from tsunagu.referrals import statistics as referral_statistics

ACTION_PACK_DOWNLOADED = register_action(
    "meetings.council_pack_downloaded", gettext_lazy("協議会の報告資料の出力")
)

SMALL_CELL = 5
SUPPRESSED = "＊"
# Seed 003's annual schedule: the subcommittees meet in November and February, and the council's
# second meeting in March receives their report.
REPORT_SCHEDULE: tuple[tuple[int, str, object], ...] = (
    (11, BodyKind.SUBCOMMITTEE, gettext_lazy("第1回部会（調査結果・課題の共有）")),
    (2, BodyKind.SUBCOMMITTEE, gettext_lazy("第2回部会（次年度以降の取組みの協議）")),
    (3, BodyKind.COUNCIL, gettext_lazy("協議会で部会の取組みを報告")),
)
FISCAL_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)
CASE_SOURCES = (IssueSource.CASE, IssueSource.CONFERENCE)


# --- Who reads it -------------------------------------------------------------------------------


def councils_visible_to(actor: Actor) -> QuerySet[MeetingBody]:
    """The council bodies whose pack the actor may read: as the secretariat, a member
    organization or a member user, or as the city department or core center."""
    if actor.organization_id is None:
        return MeetingBody.objects.none()
    return MeetingBody.objects.filter(kind=BodyKind.COUNCIL).filter(
        Q(pk__in=bodies_visible_to(actor).values("pk"))
        | Q(pk__in=MeetingBody.objects.filter(member_users=actor.user.pk).values("pk"))
    )


def access_council(actor: Actor, body_id: object) -> MeetingBody:
    """The council body, or NotFound (audited) for one that is missing, not a council, or not
    the actor's."""
    obj = access_object(
        actor, councils_visible_to(actor), body_id, for_write=False, audit_read=False
    )
    assert isinstance(obj, MeetingBody)  # noqa: S101
    return obj


def sees_exact_figures(actor: Actor, body: MeetingBody) -> bool:
    """The secretariat and the oversight organizations; a member sees small cells suppressed."""
    if is_oversight(actor):
        return True
    return actor.organization_id is not None and (
        body.secretariats.filter(pk=actor.organization_id).exists()
    )


def pack_years(body: MeetingBody) -> list[int]:
    """The years a pack can be asked for, newest first: from the first meeting of the council
    or its subcommittees (or the first issue or development on record) to the next year."""
    this_year = fiscal_year(timezone.localdate())
    first_meeting = (
        Meeting.objects.filter(Q(body=body) | Q(body__parent=body))
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    days = [timezone.localtime(first_meeting).date()] if first_meeting else []
    days += [
        day
        for day in (
            CommunityIssue.objects.order_by("raised_on")
            .values_list("raised_on", flat=True)
            .first(),
            ResourceDevelopment.objects.order_by("occurred_on")
            .values_list("occurred_on", flat=True)
            .first(),
        )
        if day is not None
    ]
    start = min([fiscal_year(day) for day in days] + [this_year])
    return list(range(this_year + 1, start - 1, -1))


def pack_year(body: MeetingBody, value: int | None) -> int:
    """The year asked for, or this one; a year outside `pack_years` is refused (never replaced
    by another)."""
    years = pack_years(body)
    year = value if value is not None else fiscal_year(timezone.localdate())
    if year not in years:
        raise Invalid(
            _("%(year)sの報告資料は作れません。%(first)sから%(last)sまでの年度を指定してください。")
            % {
                "year": _("%(year)s年度") % {"year": year},
                "first": fiscal_year_label(years[-1]),
                "last": fiscal_year_label(years[0]),
            }
        )
    return year


# --- Small cells --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    value: int
    suppressed: bool = False

    def __str__(self) -> str:
        return SUPPRESSED if self.suppressed else str(self.value)

    @property
    def shown(self) -> int | None:
        return None if self.suppressed else self.value


def suppress(grid: list[list[int]]) -> list[list[bool]]:
    """Which cells of `grid` to hide: `grid` is a table whose last column holds the row totals
    and whose last row the column totals (its last cell the grand total).  A count from 1 to 4
    is hidden; then, while a row or column has exactly one hidden cell (which its total would
    give away), the smallest other non-zero cell of that line is hidden too."""
    hidden = [[0 < v < SMALL_CELL for v in row] for row in grid]
    lines = [[(r, c) for c in range(len(grid[0]))] for r in range(len(grid))]
    lines += [[(r, c) for r in range(len(grid))] for c in range(len(grid[0]))]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(hidden[r][c] for r, c in line) != 1:
                continue
            candidates = [(grid[r][c], r, c) for r, c in line if not hidden[r][c] and grid[r][c]]
            if candidates:
                _v, r, c = min(candidates)
                hidden[r][c] = True
                changed = True
    return hidden


@dataclass(frozen=True)
class CountRow:
    label: str
    cells: list[Cell]
    total: Cell


@dataclass(frozen=True)
class CountTable:
    title: str
    columns: list[str]
    rows: list[CountRow]
    column_totals: list[Cell]
    total: Cell
    suppressed: bool  # whether small cells were hidden (for the note under the table)


def count_table(
    title: str,
    columns: Sequence[str],
    rows: Sequence[tuple[str, Sequence[int]]],
    *,
    hide_small: bool,
) -> CountTable:
    grid = [[*cells, sum(cells)] for _label, cells in rows]
    grid.append([sum(col) for col in zip(*grid, strict=True)] if grid else [0] * (len(columns) + 1))
    hidden = suppress(grid) if hide_small else [[False] * len(r) for r in grid]
    cells = [
        [Cell(v, h) for v, h in zip(g, m, strict=True)] for g, m in zip(grid, hidden, strict=True)
    ]
    return CountTable(
        title=title,
        columns=list(columns),
        rows=[
            CountRow(label=label, cells=cells[i][:-1], total=cells[i][-1])
            for i, (label, _c) in enumerate(rows)
        ],
        column_totals=cells[-1][:-1],
        total=cells[-1][-1],
        suppressed=hide_small,
    )


# --- The pack -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingRef:
    id: int
    day: dt.date
    title: str
    body_name: str
    status: str
    status_label: str


@dataclass(frozen=True)
class ScheduleRow:
    year: int
    month: int
    what: str
    body_kind: str
    meetings: list[MeetingRef]
    state: str  # held | planned | missed | unplanned

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def month_label(self) -> str:
        return _("%(year)s年%(month)s月") % {"year": self.year, "month": self.month}


STATE_LABELS = {
    "held": gettext_lazy("開催済み"),
    "planned": gettext_lazy("予定あり"),
    "missed": gettext_lazy("開催されず"),
    "unplanned": gettext_lazy("予定なし"),
}


@dataclass(frozen=True)
class MeetingSummary:
    ref: MeetingRef
    attended: int
    members: int
    decisions: list[str]


@dataclass(frozen=True)
class ActionRef:
    title: str
    owner: str
    due_on: dt.date | None
    taken: bool
    meeting_day: dt.date


@dataclass(frozen=True)
class Activity:
    body_id: int
    name: str
    kind_label: str
    required: int
    held: int
    scheduled: int
    meetings: list[MeetingSummary]
    action_items: list[ActionRef]

    @property
    def attendance_rate(self) -> int | None:
        """Organizations present ÷ member organizations, over the meetings held (percent)."""
        held = [m for m in self.meetings if m.ref.status == MeetingStatus.HELD and m.members]
        if not held:
            return None
        return round(100 * sum(m.attended for m in held) / sum(m.members for m in held))


@dataclass(frozen=True)
class IssueStepRef:
    stage_label: str
    day: dt.date
    body_name: str


@dataclass(frozen=True)
class IssueRow:
    id: int
    title: str
    description: str  # empty when withheld
    withheld: bool
    theme_label: str
    area_name: str
    source_label: str
    raised_on: dt.date
    stage_label: str
    steps: list[IssueStepRef]
    developments: list[str]


@dataclass(frozen=True)
class DevelopmentRow:
    day: dt.date
    kind_label: str
    title: str
    beneficiaries: str
    resource_name: str
    area_name: str
    issue_title: str


@dataclass(frozen=True)
class CouncilPack:
    body: MeetingBody
    fiscal_year: int
    as_of: dt.date
    exact: bool
    schedule: list[ScheduleRow]
    activities: list[Activity]
    issues: list[IssueRow]
    developments: list[DevelopmentRow]
    joint_support: CountTable | None
    issue_counts: CountTable
    person_ids: list[int] = field(default_factory=list)  # for the audit row, never shown
    # The meetings and bodies the reader may open (a council member may not be a member of
    # every subcommittee): the screen links only those.
    linkable_meetings: frozenset[int] = frozenset()
    linkable_bodies: frozenset[int] = frozenset()

    @property
    def count_tables(self) -> list[CountTable]:
        return [t for t in (self.joint_support, self.issue_counts) if t is not None]

    @property
    def label(self) -> str:
        return fiscal_year_label(self.fiscal_year)

    @property
    def title(self) -> str:
        return _("%(council)s 報告資料 %(year)s") % {"council": self.body.name, "year": self.label}


def _ref(meeting: Meeting) -> MeetingRef:
    return MeetingRef(
        id=meeting.pk,
        day=timezone.localtime(meeting.starts_at).date(),
        title=meeting.title,
        body_name=meeting.body.name,
        status=meeting.status,
        status_label=str(meeting.get_status_display()),
    )


def _state(refs: list[MeetingRef], month_end: dt.date, today: dt.date) -> str:
    if any(r.status == MeetingStatus.HELD for r in refs):
        return "held"
    # A meeting still scheduled counts as planned until its month is over (its record may
    # simply not be written yet); after that the month was missed.
    if month_end >= today and any(r.status == MeetingStatus.SCHEDULED for r in refs):
        return "planned"
    return "missed" if month_end < today else "unplanned"


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def _schedule(
    body: MeetingBody, meetings: list[Meeting], year: int, today: dt.date
) -> list[ScheduleRow]:
    wanted: list[tuple[int, str, str]] = [
        (month, kind, str(what)) for month, kind, what in REPORT_SCHEDULE
    ]
    reported = {m for m, kind, _w in wanted if kind == BodyKind.COUNCIL}
    for month in body.required_months:
        if month not in reported:
            wanted.append((month, BodyKind.COUNCIL, _("協議会（本会議）の定例の開催")))
    rows = []
    for month, kind, what in sorted(wanted, key=lambda w: FISCAL_MONTHS.index(w[0])):
        calendar_year = year if month >= 4 else year + 1
        refs = [
            _ref(m)
            for m in meetings
            if m.body.kind == kind
            and m.status != MeetingStatus.CANCELLED
            and (local := timezone.localtime(m.starts_at)).month == month
            and local.year == calendar_year
        ]
        rows.append(
            ScheduleRow(
                year=calendar_year,
                month=month,
                what=what,
                body_kind=kind,
                meetings=refs,
                state=_state(refs, _month_end(calendar_year, month), today),
            )
        )
    return rows


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _activities(bodies: list[MeetingBody], meetings: list[Meeting]) -> list[Activity]:
    out = []
    for sub in bodies:
        own = [m for m in meetings if m.body_id == sub.pk]
        summaries = [
            MeetingSummary(
                ref=_ref(m),
                attended=len(m.attendee_organizations.all()),
                members=sub.member_count,  # type: ignore[attr-defined]  # annotated
                decisions=_lines(m.decisions) if m.status == MeetingStatus.HELD else [],
            )
            for m in own
        ]
        actions = [
            ActionRef(
                title=item.title,
                owner=item.owner_organization.name,
                due_on=item.due_on,
                taken=item.task_id is not None,
                meeting_day=timezone.localtime(m.starts_at).date(),
            )
            for m in own
            for item in m.action_items.all()
        ]
        out.append(
            Activity(
                body_id=sub.pk,
                name=sub.name,
                kind_label=str(sub.get_kind_display()),
                required=sub.required_per_year,
                held=sum(1 for m in own if m.status == MeetingStatus.HELD),
                scheduled=sum(1 for m in own if m.status == MeetingStatus.SCHEDULED),
                meetings=summaries,
                action_items=actions,
            )
        )
    return out


def _issue_text_is_clean(issue: CommunityIssue) -> bool:
    """The issue's text against the identifiers of its source case's household as they are now
    (names, kana, addresses, phones, birth dates, exact dates); proper nouns were judged by the
    author when it was shared."""
    case = issue.source_case or (issue.source_conference.case if issue.source_conference else None)
    if case is None:
        return True
    return not deidentify.find_identifiers(f"{issue.title}\n{issue.description}", case)


def _issues(year: int) -> tuple[list[IssueRow], list[CommunityIssue]]:
    """Issues raised in the year or moved along the pipeline in it."""
    start, end = fiscal_year_range(year)
    in_year = Q(raised_on__gte=start, raised_on__lte=end) | Q(
        steps__occurred_on__gte=start, steps__occurred_on__lte=end
    )
    issues = list(
        CommunityIssue.objects.filter(pk__in=CommunityIssue.objects.filter(in_year).values("pk"))
        .select_related("area", "source_case", "source_conference__case")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=IssueStep.objects.filter(occurred_on__lte=end)
                .select_related("meeting__body")
                .order_by("occurred_on", "recorded_at", "pk"),
                to_attr="pack_steps",
            ),
            Prefetch(
                "resource_developments",
                queryset=ResourceDevelopment.objects.order_by("occurred_on", "pk"),
                to_attr="pack_developments",
            ),
        )
        .order_by("raised_on", "pk")
    )
    rows = []
    for issue in issues:
        clean = _issue_text_is_clean(issue)
        rows.append(
            IssueRow(
                id=issue.pk,
                title=issue.title if clean else _("（記述を確認中の地域課題）"),
                description=issue.description if clean else "",
                withheld=not clean,
                theme_label=str(issue.get_theme_display()),
                area_name=issue.area.name if issue.area else "",
                source_label=str(issue.get_source_display()),
                raised_on=issue.raised_on,
                stage_label=str(issue.get_stage_display()),
                steps=[
                    IssueStepRef(
                        stage_label=str(step.get_stage_display()),
                        day=step.occurred_on,
                        body_name=step.meeting.body.name if step.meeting else "",
                    )
                    for step in issue.pack_steps
                ],
                developments=[d.title for d in issue.pack_developments],
            )
        )
    return rows, list[CommunityIssue](issues)


def _developments(year: int) -> list[DevelopmentRow]:
    start, end = fiscal_year_range(year)
    return [
        DevelopmentRow(
            day=d.occurred_on,
            kind_label=str(d.get_kind_display()),
            title=d.title,
            beneficiaries=d.beneficiaries,
            resource_name=d.resource.name if d.resource else "",
            area_name=d.area.name if d.area else "",
            issue_title=d.community_issue.title if d.community_issue else "",
        )
        for d in ResourceDevelopment.objects.filter(occurred_on__gte=start, occurred_on__lte=end)
        .select_related("resource", "area", "community_issue")
        .order_by("occurred_on", "pk")
    ]


def _joint_support(year: int, *, hide_small: bool) -> CountTable | None:
    """Seed 000's table for the year (to its last day, or today within it); None when the
    statistics know no such year."""
    try:
        period = referral_statistics.period(year)
    except Invalid:
        return None
    table = referral_statistics.joint_support_table(period)
    return count_table(
        _("共同支援依頼の状況（依頼者の種別×障害種別） %(period)s") % {"period": period.label},
        table.columns,
        [(row.label, row.cells) for row in table.rows],
        hide_small=hide_small,
    )


def _issue_counts(issues: list[CommunityIssue], year: int, *, hide_small: bool) -> CountTable:
    start, end = fiscal_year_range(year)
    raised = [i for i in issues if start <= i.raised_on <= end]
    counts: Counter[tuple[str, bool]] = Counter((i.theme, i.source in CASE_SOURCES) for i in raised)
    rows = [
        (str(label), [counts[(theme, True)], counts[(theme, False)]])
        for theme, label in IssueTheme.choices
        if counts[(theme, True)] or counts[(theme, False)]
    ]
    return count_table(
        _("この年度に提起された地域課題（テーマ別）"),
        [_("ケース・ケース会議から"), _("調査・会議から")],
        rows,
        hide_small=hide_small,
    )


def council_pack(
    actor: Actor, body: MeetingBody, *, year: int, exact: bool | None = None
) -> CouncilPack:
    """The pack of `body` (a council the actor may read, from `access_council`) for `year`
    (from `pack_year`).  `exact=None` decides by the actor (`sees_exact_figures`); the
    documents pass False."""
    if exact is None:
        exact = sees_exact_figures(actor, body)
    today = timezone.localdate()
    start, end = fiscal_year_range(year)
    subcommittees = (
        body.children.filter(kind=BodyKind.SUBCOMMITTEE)
        .annotate(member_count=Count("member_organizations", distinct=True))
        .order_by("name", "pk")
    )
    bodies = [body, *subcommittees]
    meetings = list(
        Meeting.objects.filter(
            body__in=bodies, starts_at__date__gte=start, starts_at__date__lte=end
        )
        .select_related("body")
        .prefetch_related(
            "attendee_organizations",
            Prefetch(
                "action_items",
                queryset=MeetingActionItem.objects.select_related("owner_organization"),
            ),
        )
        .order_by("starts_at", "pk")
    )
    issue_rows, issues = _issues(year)
    visible_bodies = bodies_visible_to(actor).filter(pk__in=[b.pk for b in bodies])
    return CouncilPack(
        body=body,
        fiscal_year=year,
        as_of=min(today, end),
        exact=exact,
        schedule=_schedule(body, meetings, year, today),
        activities=_activities(bodies[1:], meetings),
        issues=issue_rows,
        developments=_developments(year),
        joint_support=_joint_support(year, hide_small=not exact),
        issue_counts=_issue_counts(issues, year, hide_small=not exact),
        person_ids=issue_persons(issues),
        linkable_meetings=frozenset(
            Meeting.objects.filter(
                body__in=visible_bodies, pk__in=[m.pk for m in meetings]
            ).values_list("pk", flat=True)
        ),
        linkable_bodies=frozenset(visible_bodies.values_list("pk", flat=True)),
    )


def wareki_day(day: dt.date | None) -> str:
    return wareki(day) if day else ""


# --- The 自立支援協議会 report as documents ------------------------------------------------------


def schedule_rows(pack: CouncilPack) -> list[list[str]]:
    return [
        [
            row.month_label,
            row.what,
            "、".join(f"{wareki(m.day)} {m.title}（{m.status_label}）" for m in row.meetings)
            or "—",
            row.state_label,
        ]
        for row in pack.schedule
    ]


def count_rows(table: CountTable) -> tuple[list[str], list[list[str]]]:
    header = [_("区分"), *table.columns, _("計")]
    body = [[row.label, *(str(c) for c in row.cells), str(row.total)] for row in table.rows]
    body.append([_("計"), *(str(c) for c in table.column_totals), str(table.total)])
    return header, body


def suppression_note() -> str:
    return _(
        "＊: 5未満の値と、合計から逆算できてしまう値は、個人が特定されないよう表示していません。"
    )


PRINT_CSS = "meetings/print/council_pack.css"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def pack_docx(pack: CouncilPack) -> bytes:
    """The report as an editable Word document (python-docx): headings, tables and the texts of
    the pack, and a section for the secretariat to write in.  Japanese text is set in a font
    Word has on Japanese Windows (游明朝); Word substitutes one where it has not."""
    import io

    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "游明朝")
    document.core_properties.title = pack.title
    document.core_properties.language = "ja-JP"

    def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        grid = document.add_table(rows=1, cols=len(header))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, header, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for values in rows:
            cells = grid.add_row().cells
            for cell, text in zip(cells, values, strict=True):
                cell.text = text

    document.add_heading(pack.title, level=0)
    document.add_paragraph(
        _("%(day)s現在の記録から作成。個人が特定される情報は含みません。")
        % {"day": wareki(pack.as_of)}
    )

    document.add_heading(_("1 年間のスケジュール"), level=1)
    table([_("月"), _("予定"), _("会議"), _("状況")], schedule_rows(pack))

    document.add_heading(_("2 部会の取組み"), level=1)
    if not pack.activities:
        document.add_paragraph(_("部会は登録されていません。"))
    for activity in pack.activities:
        document.add_heading(activity.name, level=2)
        document.add_paragraph(activity_summary(activity))
        if activity.meetings:
            table(
                [_("日付"), _("会議"), _("状態"), _("出席機関")],
                [
                    [
                        wareki(m.ref.day),
                        m.ref.title,
                        m.ref.status_label,
                        attendance_text(m),
                    ]
                    for m in activity.meetings
                ],
            )
        decisions = [d for m in activity.meetings for d in m.decisions]
        if decisions:
            document.add_paragraph(_("決定事項"), style="Heading 3")
            for decision in decisions:
                document.add_paragraph(decision, style="List Bullet")
        if activity.action_items:
            document.add_paragraph(_("アクション"), style="Heading 3")
            table(
                [_("やること"), _("担当機関"), _("期限"), _("状況")],
                [
                    [a.title, a.owner, wareki_day(a.due_on) or "—", action_state(a)]
                    for a in activity.action_items
                ],
            )

    document.add_heading(_("3 個別のケースから上がった地域課題"), level=1)
    if not pack.issues:
        document.add_paragraph(_("この年度に提起・検討された地域課題はありません。"))
    for issue in pack.issues:
        document.add_heading(issue.title, level=2)
        document.add_paragraph(issue_facts(issue))
        if issue.withheld:
            document.add_paragraph(withheld_text())
        else:
            document.add_paragraph(issue.description)
        document.add_paragraph(_("経過: %(path)s") % {"path": issue_path(issue)})
        if issue.developments:
            document.add_paragraph(
                _("資源開発: %(titles)s") % {"titles": "、".join(issue.developments)}
            )

    document.add_heading(_("4 資源開発"), level=1)
    if pack.developments:
        table(
            [_("実現した日"), _("種類"), _("変わったこと"), _("誰のために"), _("もとの地域課題")],
            [
                [wareki(d.day), d.kind_label, d.title, d.beneficiaries, d.issue_title or "—"]
                for d in pack.developments
            ],
        )
    else:
        document.add_paragraph(_("この年度の資源開発の記録はありません。"))

    document.add_heading(_("5 数値で見る状況"), level=1)
    for counts in (pack.joint_support, pack.issue_counts):
        if counts is None:
            continue
        document.add_paragraph(counts.title, style="Heading 3")
        if counts.rows:
            table(*count_rows(counts))
        else:
            document.add_paragraph(_("該当はありません。"))
    if pack.joint_support is None:
        document.add_paragraph(_("この年度の共同支援依頼の記録はありません。"))
    if not pack.exact:
        document.add_paragraph(suppression_note())

    document.add_heading(_("6 部会からの報告と今後の取組み（事務局記入欄）"), level=1)
    document.add_paragraph("")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def activity_summary(activity: Activity) -> str:
    text = _("開催 %(held)s回（予定 %(scheduled)s回）") % {
        "held": activity.held,
        "scheduled": activity.scheduled,
    }
    if activity.required:
        text += _("／年%(required)s回以上") % {"required": activity.required}
    if activity.attendance_rate is not None:
        text += _("／構成機関の出席率 %(rate)s%%") % {"rate": activity.attendance_rate}
    return text


def attendance_text(summary: MeetingSummary) -> str:
    if summary.ref.status != MeetingStatus.HELD:
        return "—"
    return _("%(attended)s／%(members)s機関") % {
        "attended": summary.attended,
        "members": summary.members,
    }


def action_state(action: ActionRef) -> str:
    return str(_("担当機関が引き受け済み") if action.taken else _("未着手"))


def issue_facts(issue: IssueRow) -> str:
    return _(
        "テーマ: %(theme)s／地域: %(area)s／きっかけ: %(source)s／提起: %(day)s／現在: %(stage)s"
    ) % {
        "theme": issue.theme_label,
        "area": issue.area_name or "—",
        "source": issue.source_label,
        "day": wareki(issue.raised_on),
        "stage": issue.stage_label,
    }


def issue_path(issue: IssueRow) -> str:
    steps = [
        f"{s.stage_label}（{wareki(s.day)}{'・' + s.body_name if s.body_name else ''}）"
        for s in issue.steps
    ]
    return " → ".join(steps) or "—"


def withheld_text() -> str:
    return _(
        "本文は、もとのケースの本人・世帯を特定しうる記述を含む可能性があるため掲載していません。"
    )
