"""Note templates and next contacts, with the keyboard only (issue 16 item 5).

A counselor of an office without managers makes the office's 訪問 template, starts a note from
it, gives the note a next-contact date typed in 和暦, finds the task on the case's task list,
then moves the date and sees the task move.  Every page is checked with axe, and the new pages
reflow at phone width (390 px) without scrolling sideways.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.keyboard import choose, follow, start_at_top, submit, tab_to, type_date
from tests.browser.phone import no_sideways_scroll_at_phone_width
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.plans.models import Task, TaskSource, TaskStatus
from tsunagu.records.models import NoteTemplate, ProgressNote

BODY = "【様子】\n【本人の話】\n【家族の話】\n【次回までに】"


def test_template_to_note_to_task_by_keyboard(
    page, live_server, personas, browser_sign_in, assert_no_axe_violations
):
    person = PersonFactory.create(
        family_name="山本", given_name="健太", registered_by_organization=personas.office_a
    )
    case = CaseFactory.create(
        person=person,
        title="山本健太さんの支援",
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
        opened_on=timezone.localdate() - dt.timedelta(days=30),
    )
    browser_sign_in(personas.counselor_a)

    # 1. The office's templates: none yet; make 訪問 (an empty form first, for the messages).
    start_at_top(page, "/records/templates/")
    assert_no_axe_violations(page, "notes-01-templates-empty")
    follow(page, "ひな形を作る")
    submit(page, "保存する")
    expect(page.get_by_text("ひな形の名前を入力してください。").first).to_be_visible()
    assert_no_axe_violations(page, "notes-02-template-form-error")
    tab_to(page, page.get_by_label("ひな形の名前", exact=True))
    page.keyboard.type("訪問")
    choose(page, page.get_by_label("記録の種別", exact=True), "訪問")
    tab_to(page, page.get_by_label("本文のひな形", exact=True))
    page.keyboard.type(BODY)
    submit(page, "保存する")
    expect(page).to_have_url(re.compile(r"/records/templates/$"))
    template = NoteTemplate.objects.get()
    assert (template.organization, template.body) == (personas.office_a, BODY)
    assert_no_axe_violations(page, "notes-03-templates")
    no_sideways_scroll_at_phone_width(page, "notes-03-templates")

    # 2. A new note from the template: the kind and the text are filled in.
    start_at_top(page, f"/records/cases/{case.pk}/notes/new/")
    choose(page, page.get_by_label("記録のひな形", exact=True), "訪問（訪問）")
    submit(page, "このひな形を使う")
    expect(page).to_have_url(re.compile(rf"\?template={template.pk}$"))
    text = page.get_by_label("内容", exact=True)
    expect(text).to_have_value(BODY)
    expect(page.get_by_label("種別", exact=True)).to_have_value("home_visit")
    assert_no_axe_violations(page, "notes-04-note-form-from-template")
    no_sideways_scroll_at_phone_width(page, "notes-04-note-form")
    tab_to(page, text)
    page.keyboard.press("Control+End")
    page.keyboard.type("\n玄関先で母と話した。本人は作業所の話を笑顔でしてくれた。")
    next_week = timezone.localdate() + dt.timedelta(days=7)
    type_date(page, "次回連絡予定日", next_week)
    submit(page, "保存する")
    expect(page).to_have_url(re.compile(rf"/records/cases/{case.pk}/notes/$"))
    note = ProgressNote.objects.get()
    assert note.text.replace("\r\n", "\n").startswith(BODY)
    assert note.next_contact_on == next_week
    expect(page.get_by_text("次回連絡予定日", exact=True).first).to_be_visible()
    assert_no_axe_violations(page, "notes-05-timeline-with-next-contact")

    # 3. The task is on the case's task list.
    tab_to(
        page, page.get_by_role("navigation", name="ケースの記録").get_by_role("link", name="タスク")
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/plans/cases/{case.pk}/tasks/$"))
    task = Task.objects.get(source=TaskSource.NOTE)
    row = page.locator(f"#task-{task.pk}")
    expect(row).to_contain_text("次回の連絡（訪問の記録から）")
    expect(row).to_contain_text(f"{next_week.month}月{next_week.day}日")
    assert_no_axe_violations(page, "notes-06-case-tasks")
    no_sideways_scroll_at_phone_width(page, "notes-06-case-tasks")

    # 4. Moving the date moves the task.
    start_at_top(page, f"/records/cases/{case.pk}/notes/")
    follow(page, "次回連絡予定日を変える")
    assert_no_axe_violations(page, "notes-07-next-contact-form")
    later = next_week + dt.timedelta(days=7)
    type_date(page, "次回連絡予定日", later)
    submit(page, "保存する")
    task.refresh_from_db()
    assert (task.due_on, task.status) == (later, TaskStatus.OPEN)
