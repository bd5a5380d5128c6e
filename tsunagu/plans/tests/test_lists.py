"""The task list and the monitorings falling due through the shared list machinery (issue
16): searched, filtered, sorted, paged with the filters in the URL, every name a link, bad
input answered in Japanese, one read row naming the persons shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.tests.factories import CaseFactory, TeamMemberFactory
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.plans import selectors
from tsunagu.plans.access import monitorings_visible_to
from tsunagu.plans.models import TaskSource, TaskStatus
from tsunagu.plans.tests.factories import MonitoringFactory, TaskFactory

pytestmark = pytest.mark.django_db


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.status_code
    return {r.pk for r in response.context["rows"]}


def _day(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def suzuki_case(personas):
    person = PersonFactory.create(
        family_name="鈴木", family_name_kana="スズキ", registered_by_organization=personas.office_a
    )
    return CaseFactory.create(
        person=person, lead_organization=personas.office_a, lead_worker=personas.counselor_a
    )


@pytest.fixture
def tasks(personas, suzuki_case):
    other = CaseFactory.create(lead_organization=personas.office_a)
    return {
        "mine_late": TaskFactory.create(
            case=suzuki_case, owner_worker=personas.counselor_a, due_on=_day(-3)
        ),
        "mine_soon": TaskFactory.create(
            case=other, owner_worker=personas.counselor_a, due_on=_day(3), title="通帳の確認"
        ),
        "done": TaskFactory.create(
            case=other, owner_worker=personas.counselor_a, status=TaskStatus.DONE
        ),
        "nobody": TaskFactory.create(case=other, owner_worker=None, source=TaskSource.PLAN),
        "elsewhere": TaskFactory.create(
            case=CaseFactory.create(lead_organization=personas.office_b),
            owner_worker=personas.counselor_b,
        ),
    }


def test_tasks_by_scope_status_and_due(personas, client_as, tasks):
    client = client_as(personas.counselor_a)
    mine = {tasks["mine_late"].pk, tasks["mine_soon"].pk}
    assert _ids(client.get("/plans/tasks/")) == mine
    assert _ids(client.get("/plans/tasks/?scope=organization")) == mine | {tasks["nobody"].pk}
    assert tasks["done"].pk in _ids(client.get("/plans/tasks/?status=all"))
    assert _ids(client.get("/plans/tasks/?status=done")) == {tasks["done"].pk}
    assert _ids(client.get("/plans/tasks/?due=overdue")) == {tasks["mine_late"].pk}
    assert _ids(client.get(f"/plans/tasks/?due_from={_day(1)}")) == {tasks["mine_soon"].pk}
    unassigned = client.get("/plans/tasks/?scope=organization&unassigned=on")
    assert _ids(unassigned) == {tasks["nobody"].pk}
    assert _ids(client.get("/plans/tasks/?scope=organization&source=plan")) == {tasks["nobody"].pk}


def test_tasks_found_by_title_or_the_persons_kana(personas, client_as, tasks):
    client = client_as(personas.counselor_a)
    assert _ids(client.get("/plans/tasks/", {"q": "すずき"})) == {tasks["mine_late"].pk}
    assert _ids(client.get("/plans/tasks/", {"q": "通帳"})) == {tasks["mine_soon"].pk}


def test_tasks_sorted_and_linked(personas, client_as, tasks, suzuki_case):
    client = client_as(personas.counselor_a)
    down = client.get("/plans/tasks/?sort=-due_on")
    assert [t.pk for t in down.context["rows"]] == [tasks["mine_soon"].pk, tasks["mine_late"].pk]
    body = down.content.decode()
    assert f'href="/cases/{suzuki_case.pk}/"' in body
    assert f'href="/organizations/{personas.office_a.pk}/"' in body
    assert 'href="/plans/tasks/?status=open"' in body
    assert 'aria-sort="descending"' in body


def test_the_task_read_row_names_the_persons_shown(personas, client_as, tasks, suzuki_case):
    client_as(personas.counselor_a).get("/plans/tasks/?q=すずき")
    row = AuditEvent.objects.filter(action=Action.RECORDS_LISTED).latest("pk")
    assert row.detail["view"] == "plans.task_list"
    assert row.person_ids == [suzuki_case.person_id]


@pytest.fixture
def due(personas, suzuki_case):
    colleague_case = CaseFactory.create(
        lead_organization=personas.office_a, lead_worker=personas.reader_a
    )
    return {
        "late": MonitoringFactory.create(plan__case=suzuki_case, due_on=_day(-5)),
        "soon": MonitoringFactory.create(plan__case=colleague_case, due_on=_day(4)),
        "elsewhere": MonitoringFactory.create(
            plan__case=CaseFactory.create(lead_organization=personas.office_b), due_on=_day(-1)
        ),
    }


def test_monitorings_by_scope_and_due(personas, client_as, due):
    client = client_as(personas.counselor_a)
    assert _ids(client.get("/plans/monitorings/")) == {due["late"].pk, due["soon"].pk}
    assert _ids(client.get("/plans/monitorings/?scope=mine")) == {due["late"].pk}
    assert _ids(client.get("/plans/monitorings/?due=overdue")) == {due["late"].pk}
    assert _ids(client.get("/plans/monitorings/?due=soon")) == {due["soon"].pk}
    assert _ids(client.get("/plans/monitorings/", {"q": "すずき"})) == {due["late"].pk}
    assert _ids(client.get(f"/plans/monitorings/?due_to={_day(0)}")) == {due["late"].pk}


def test_the_due_monitorings_are_the_led_cases_and_each_is_visible(personas, due):
    """The due list reads the cases the organization leads without the UNION of the rules
    (issue 15): each row is one the rules let it see, and a case it is only on the team of
    stays off the list, as before."""
    teamed = CaseFactory.create(lead_organization=personas.office_b)
    TeamMemberFactory.create(case=teamed, organization=personas.office_a)
    on_team = MonitoringFactory.create(plan__case=teamed, due_on=_day(-2))
    office_a = actor_as(personas.counselor_a, personas.office_a)
    listed = set(selectors.monitorings_due_listed(office_a).values_list("pk", flat=True))
    visible = set(monitorings_visible_to(office_a).values_list("pk", flat=True))
    assert listed == {due["late"].pk, due["soon"].pk}
    assert listed <= visible
    assert on_team.pk in visible
    office_b = actor_as(personas.counselor_b, personas.office_b)
    listed_b = set(selectors.monitorings_due_listed(office_b).values_list("pk", flat=True))
    assert listed_b == {due["elsewhere"].pk, on_team.pk}


def test_monitorings_sorted_linked_and_read(personas, client_as, due, suzuki_case):
    client = client_as(personas.counselor_a)
    down = client.get("/plans/monitorings/?sort=-due_on")
    assert [m.pk for m in down.context["rows"]] == [due["soon"].pk, due["late"].pk]
    body = down.content.decode()
    late = due["late"]
    assert f'href="/plans/monitorings/{late.pk}/"' in body
    assert f'href="/plans/{late.plan_id}/"' in body
    assert f'href="/cases/{suzuki_case.pk}/"' in body
    assert f'href="/people/{suzuki_case.person_id}/"' in body
    assert 'href="/plans/monitorings/?due=overdue"' in body
    row = AuditEvent.objects.filter(action=Action.RECORDS_LISTED).latest("pk")
    assert row.detail["view"] == "plans.monitoring_due_list"
    assert suzuki_case.person_id in row.person_ids


@pytest.mark.parametrize("url", ["/plans/tasks/", "/plans/monitorings/"])
@pytest.mark.parametrize(
    "query",
    ["scope=everyone", "due=yesterday", "due_from=2026-02-31", "q=" + "あ" * 101, "due_to=abc"],
)
def test_bad_filters_are_told_in_japanese(personas, client_as, due, url, query):
    response = client_as(personas.counselor_a).get(f"{url}?{query}")
    assert response.status_code == 400
    assert "入力内容を確認してください" in response.content.decode()
    assert list(response.context["rows"]) == []


@pytest.mark.parametrize("url", ["/plans/tasks/", "/plans/monitorings/"])
def test_odd_values_never_give_a_500(personas, client_as, tasks, url):
    client = client_as(personas.counselor_a)
    for query in ["q=%ED%A0%80", "sort=nonexistent", f"page={2**63}", "sort=-", "q=%00"]:
        assert client.get(f"{url}?{query}").status_code in (200, 400), query


def test_an_outsider_lists_none_of_them(personas, client_as, tasks, due):
    client = client_as(personas.counselor_b)
    listed = _ids(client.get("/plans/tasks/?scope=organization&status=all"))
    assert listed == {tasks["elsewhere"].pk}
    assert _ids(client.get("/plans/monitorings/")) == {due["elsewhere"].pk}


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/plans/tasks/", "scope=organization&due=overdue&sort=-due_on"),
        ("/plans/monitorings/", "scope=mine&q=すずき"),
        ("/referrals/", "box=outbox&state=all&status=requested&status=accepted"),
    ],
)
def test_a_list_search_is_saved_and_opened_again(personas, client_as, tasks, due, path, query):
    client = client_as(personas.counselor_a)
    body = client.get(f"{path}?{query}").content.decode()
    assert 'action="/accounts/account/searches/new/"' in body  # offered under the filters
    saved = client.post(
        "/accounts/account/searches/new/", {"name": "いつもの", "path": path, "query": query}
    )
    assert saved.status_code == 302
    assert saved["Location"].startswith(f"{path}?")
    again = client.get(saved["Location"])
    assert again.status_code == 200
    assert _ids(again) == _ids(client.get(f"{path}?{query}"))


# --- The case's own task list (the same machinery) ----------------------------------------------


def test_a_cases_tasks_by_status_sorted_and_read(personas, client_as, suzuki_case):
    late = TaskFactory.create(case=suzuki_case, owner_worker=personas.counselor_a, due_on=_day(-3))
    later = TaskFactory.create(case=suzuki_case, owner_worker=None, due_on=_day(5))
    done = TaskFactory.create(case=suzuki_case, status=TaskStatus.DONE, completion_note="済み")
    TaskFactory.create(case=CaseFactory.create(lead_organization=personas.office_a))
    client = client_as(personas.counselor_a)
    url = f"/plans/cases/{suzuki_case.pk}/tasks/"
    assert _ids(client.get(url)) == {late.pk, later.pk}  # 未完了 by default
    assert _ids(client.get(url, {"status": "all"})) == {late.pk, later.pk, done.pk}
    assert _ids(client.get(url, {"status": TaskStatus.DONE})) == {done.pk}
    newest_first = client.get(url, {"sort": "-due_on"})
    assert [t.pk for t in newest_first.context["rows"]] == [later.pk, late.pk]
    page = newest_first.content.decode()
    assert "期限超過" in page
    assert f'id="task-{late.pk}-status"' in page
    rows = AuditEvent.objects.filter(action=Action.RECORDS_LISTED, detail__view="plans.case_tasks")
    assert rows.count() == 4
    assert {tuple(r.person_ids) for r in rows} == {(suzuki_case.person_id,)}
    assert {r.target_id for r in rows} == {str(suzuki_case.pk)}


def test_a_cases_empty_task_list_still_names_its_person(personas, client_as, suzuki_case):
    response = client_as(personas.counselor_a).get(f"/plans/cases/{suzuki_case.pk}/tasks/")
    assert response.status_code == 200
    assert "該当するタスクはありません。" in response.content.decode()
    row = AuditEvent.objects.get(action=Action.RECORDS_LISTED, detail__view="plans.case_tasks")
    assert row.person_ids == [suzuki_case.person_id]


def test_a_reader_sees_a_cases_tasks_without_the_change_form(personas, client_as, suzuki_case):
    task = TaskFactory.create(case=suzuki_case, owner_worker=personas.counselor_a)
    response = client_as(personas.reader_a).get(f"/plans/cases/{suzuki_case.pk}/tasks/")
    assert _ids(response) == {task.pk}
    assert "状態を変える" not in response.content.decode()
    assert f'id="task-{task.pk}-status"' not in response.content.decode()


@pytest.mark.parametrize("query", [{"status": "nonsense"}, {"status": "ｵｰﾌﾟﾝ"}, {"page": "2**63"}])
def test_a_cases_task_list_answers_odd_input_without_a_500(personas, client_as, suzuki_case, query):
    TaskFactory.create(case=suzuki_case)
    response = client_as(personas.counselor_a).get(f"/plans/cases/{suzuki_case.pk}/tasks/", query)
    assert response.status_code in (200, 400)
    if "status" in query:
        assert response.status_code == 400
        assert "正しく選択してください" in response.content.decode()


def test_an_outsider_gets_404_for_a_cases_tasks(personas, client_as, suzuki_case):
    TaskFactory.create(case=suzuki_case)
    assert (
        client_as(personas.counselor_b).get(f"/plans/cases/{suzuki_case.pk}/tasks/").status_code
        == 404
    )
    assert client_as(personas.counselor_b).get(f"/plans/cases/{2**63}/tasks/").status_code == 404
