"""Meetings with the keyboard only: a ward network meeting is scheduled (first with a bad time,
refused with a message), its minutes, decisions and attendance are recorded, an action item
becomes a task, and the compliance view flags the body that is short of its meetings.  Every
page reached is checked with axe (WCAG 2.1 A/AA)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.keyboard import choose, follow, start_at_top, submit, tab_to, type_into
from tsunagu.core.dates import fiscal_months_passed, fiscal_year
from tsunagu.meetings.models import BodyKind, FrequencyKind, Level, Meeting, MeetingStatus
from tsunagu.meetings.tests.factories import MeetingBodyFactory, MeetingFactory
from tsunagu.plans.models import Task, TaskSource


def _type_datetime(page, label: str, moment: dt.datetime) -> None:
    field = page.get_by_label(label, exact=True)
    tab_to(page, field)
    # Chromium's datetime-local segments follow its UI language (mm/dd/yyyy, hh:mm AM/PM in
    # headless Debian); each segment takes its digits and moves on by itself.
    page.keyboard.type(f"{moment:%m%d%Y}")
    page.keyboard.press("Tab")
    page.keyboard.type(f"{moment:%I%M}")
    page.keyboard.type("PM" if moment.hour >= 12 else "AM")
    expect(field).to_have_value(moment.strftime("%Y-%m-%dT%H:%M"))


def test_meetings_by_keyboard_only(page, personas, browser_sign_in, assert_no_axe_violations):
    axe = assert_no_axe_violations
    body = MeetingBodyFactory.create(
        name="中央区障がい福祉ネットワーク会議",
        kind=BodyKind.WARD_NETWORK,
        level=Level.MESO,
        frequency_kind=FrequencyKind.AT_LEAST,
        frequency_count=4,
        secretariats=[personas.core_center],
        members=[personas.office_a, personas.office_b],
    )
    today = timezone.localdate()
    for months_ago in (6, 3):
        day = today - dt.timedelta(days=30 * months_ago)
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(14)))
        MeetingFactory.create(
            body=body,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            status=MeetingStatus.HELD,
            created_by=personas.core_officer,
        )
    browser_sign_in(personas.core_officer)

    # 1. From the menu to the body.
    start_at_top(page, "/")
    follow(page, "会議")
    axe(page, "meetings-01-bodies")
    follow(page, body.name)
    axe(page, "meetings-02-body")

    # 2. Schedule a meeting: the end before the start is refused, nothing typed is lost.
    follow(page, "会議を登録する")
    axe(page, "meetings-03-meeting-form")
    yesterday = today - dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(14)))
    type_into(page, "会議名", "第3回 中央区障がい福祉ネットワーク会議")
    _type_datetime(page, "開始日時", start)
    _type_datetime(page, "終了日時", start - dt.timedelta(hours=1))
    choose(page, page.get_by_label("開催形式", exact=True), "併用")
    type_into(page, "場所", "中央区役所 第1会議室")
    type_into(page, "議題", "各機関の近況\n短期入所の空き状況")
    submit(page, "登録する")
    expect(page.get_by_text("終了日時は開始日時より後にしてください。")).to_be_visible()
    expect(page.get_by_label("場所", exact=True)).to_have_value("中央区役所 第1会議室")
    axe(page, "meetings-04-meeting-form-error")
    _type_datetime(page, "終了日時", start + dt.timedelta(hours=2))
    submit(page, "登録する")
    meeting = Meeting.objects.get(title="第3回 中央区障がい福祉ネットワーク会議")
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/$"))
    axe(page, "meetings-05-meeting")

    # 3. Minutes, decisions, attendance.
    follow(page, "議事録・決定事項を書く")
    axe(page, "meetings-06-record-form")
    choose(page, page.get_by_label("状態", exact=True), "開催済み")
    attendee = page.get_by_label(personas.office_a.name, exact=True)
    tab_to(page, attendee)
    page.keyboard.press("Space")
    type_into(page, "議事録", "各機関から近況報告。短期入所の空きが少ない。")
    type_into(page, "決定事項", "空き状況を毎月共有する。")
    submit(page, "保存する")
    expect(page.get_by_text("議事録を保存しました。")).to_be_visible()
    expect(page.get_by_text("空き状況を毎月共有する。")).to_be_visible()

    # 4. An action item for the core center itself becomes its task at once; empty is refused.
    submit(page, "追加する")
    expect(page.get_by_role("alert")).to_be_visible()
    axe(page, "meetings-07-action-error")
    type_into(page, "やること", "空き状況の一覧をつくる")
    choose(page, page.get_by_label("担当機関", exact=True), personas.core_center.name)
    submit(page, "追加する")
    expect(page.get_by_text("アクションを追加し、タスクにしました。")).to_be_visible()
    axe(page, "meetings-08-meeting-recorded")
    assert Task.objects.filter(
        source=TaskSource.MEETING, owner_organization=personas.core_center
    ).exists()

    # 5. The compliance view, judged pro rata for the months of the year passed: the body is
    # flagged only if fewer are held than are due by now; the calendar shows the year.
    follow(page, "開催状況")
    fiscal = fiscal_year(today)
    held = Meeting.objects.filter(
        body=body, status=MeetingStatus.HELD, starts_at__date__gte=dt.date(fiscal, 4, 1)
    ).count()
    due = 4 * fiscal_months_passed(fiscal, today) // 12
    row = page.locator("tr", has_text=body.name)
    expect(row).to_have_class(re.compile("row--flagged") if held < due else re.compile("^$"))
    axe(page, "meetings-09-compliance")
    follow(page, "年間カレンダー")
    expect(page.get_by_role("link", name=re.compile("第3回"))).to_be_visible()
    axe(page, "meetings-10-calendar")


def test_conferences_issues_and_network_pass_axe(
    page, personas, browser_sign_in, assert_no_axe_violations
):
    """The case conference screens (with the pledge and the de-identified summary), the
    community issues and the network picture, by keyboard, with a validation error."""
    axe = assert_no_axe_violations
    from tsunagu.cases.tests.factories import CaseFactory
    from tsunagu.organizations.models import AreaKind
    from tsunagu.organizations.tests.factories import AreaFactory
    from tsunagu.people.tests.factories import PersonFactory

    area = AreaFactory.create(code="axe-ward", name="中央区", kind=AreaKind.WARD)
    person = PersonFactory.create(
        family_name="鏑木",
        given_name="瑠璃子",
        area=area,
        registered_by_organization=personas.office_a,
    )
    case = CaseFactory.create(
        person=person,
        title="鏑木瑠璃子さんの支援",
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
    )
    browser_sign_in(personas.counselor_a)
    start_at_top(page, f"/meetings/cases/{case.pk}/conferences/")
    axe(page, "meetings-11-conferences")
    follow(page, "ケース会議を登録する")
    submit(page, "登録する")
    expect(page.get_by_role("alert")).to_be_visible()
    axe(page, "meetings-12-conference-form-error")
    choose(page, page.get_by_label("会議の種類", exact=True), "事例検討会")
    submit(page, "登録する")
    expect(page.get_by_text("ケース会議を登録しました。")).to_be_visible()
    axe(page, "meetings-13-conference")
    submit(page, "ケースから下書きを作る")
    axe(page, "meetings-14-summary-review")
    submit(page, "確認して共有する")
    expect(page.get_by_text("要約を確認し、出席者に共有しました。")).to_be_visible()
    summary = page.locator("section", has=page.get_by_role("heading", name="事例の要約（匿名化）"))
    expect(summary.get_by_text(re.compile(r"本人（\d0代"))).to_be_visible()
    expect(summary.get_by_text("鏑木")).to_have_count(0)

    start_at_top(page, f"/meetings/cases/{case.pk}/issues/new/")
    type_into(page, "地域課題", "短期入所先が区内に足りない")
    choose(page, page.get_by_label("テーマ", exact=True), "短期入所・レスパイト")
    type_into(page, "課題の内容（匿名化）", "鏑木さんの母の入院時に受け入れ先がなかった。")
    submit(page, "提起する")
    expect(page.get_by_text(re.compile("個人が特定される情報が残っています"))).to_be_visible()
    axe(page, "meetings-15-issue-form-error")
    tab_to(page, page.get_by_label("課題の内容（匿名化）", exact=True))
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    type_into(page, "課題の内容（匿名化）", "家族の入院時に受け入れ先がない世帯が続いている。")
    submit(page, "提起する")
    expect(page.get_by_text("地域課題を提起しました。")).to_be_visible()
    axe(page, "meetings-16-issue")
    # A resource development that came from the issue is listed on its page, and the link to
    # record another opens the form with the issue chosen.
    from tsunagu.directory.tests.factories import ResourceFactory
    from tsunagu.meetings.models import CommunityIssue
    from tsunagu.meetings.tests.factories import DevelopmentFactory

    issue = CommunityIssue.objects.get(title="短期入所先が区内に足りない")
    DevelopmentFactory.create(
        community_issue=issue,
        resource=ResourceFactory.create(name="短期入所 あおぞら"),
        recorded_by=personas.counselor_a,
        recorded_by_organization=personas.office_a,
    )
    start_at_top(page, f"/meetings/issues/{issue.pk}/")
    developments = page.locator(
        "section", has=page.get_by_role("heading", name="この課題から生まれた資源開発")
    )
    expect(developments.get_by_role("link", name="短期入所 あおぞら")).to_be_visible()
    axe(page, "meetings-16b-issue-developments")
    follow(page, "資源開発を記録する")
    expect(page.get_by_label("もとの地域課題", exact=True)).to_have_value(str(issue.pk))
    axe(page, "meetings-16c-development-form")
    start_at_top(page, "/meetings/issues/council/")
    axe(page, "meetings-17-council")

    browser_sign_in(personas.core_officer)
    start_at_top(page, f"/meetings/network/?area={area.pk}")
    expect(page.get_by_role("img", name=re.compile("支援ネットワーク"))).to_have_count(2)
    axe(page, "meetings-18-network")
