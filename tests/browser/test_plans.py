"""Planning with the keyboard only: assessment → support plan with items for three
organizations → agreement → monitoring report.

Every step is Tab / Shift+Tab, typing, Space, arrow keys and Enter, and every page reached is
checked with axe (WCAG 2.1 A/AA), empty and with a validation error at least once.  At the end
each organization finds its own part in its task list, and the outsider gets 404.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.keyboard import (
    choose,
    follow,
    new_signed_in_page,
    start_at_top,
    submit,
    tab_to,
    type_into,
)
from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.cases.models import SharingBasis, TeamRole
from tsunagu.cases.tests.factories import CaseFactory, TeamMemberFactory
from tsunagu.organizations.models import OrganizationKind
from tsunagu.organizations.tests.factories import MembershipFactory, OrganizationFactory
from tsunagu.people.models import Relationship
from tsunagu.people.tests.factories import (
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
)
from tsunagu.plans.models import Assessment, MonitoringStatus, PlanStatus, SupportPlan, Task


def _case(personas):
    office_a = personas.office_a
    person = PersonFactory.create(
        family_name="高橋", given_name="健太", registered_by_organization=office_a
    )
    father = PersonFactory.create(
        family_name="高橋", given_name="正男", registered_by_organization=office_a
    )
    household = HouseholdFactory.create(name="高橋さん世帯", registered_by_organization=office_a)
    HouseholdMemberFactory.create(household=household, person=person)
    HouseholdMemberFactory.create(
        household=household, person=father, relationship=Relationship.FATHER
    )
    today = timezone.localdate()
    case = CaseFactory.create(
        person=person,
        household=household,
        title="高橋健太さんの支援",
        lead_organization=office_a,
        lead_worker=personas.counselor_a,
        opened_on=today - dt.timedelta(days=40),
    )
    provider = OrganizationFactory.create(
        code="midori-seikatsu", name="生活介護 みどりの家", kind=OrganizationKind.SERVICE_PROVIDER
    )
    provider_staff = UserFactory.create(username="provider_staff")
    MembershipFactory.create(user=provider_staff, organization=provider)
    for org, role in ((personas.core_center, TeamRole.JOINT), (provider, TeamRole.SERVICE)):
        TeamMemberFactory.create(
            case=case,
            organization=org,
            role=role,
            basis=SharingBasis.STATUTORY_MEETING,
            added_by=personas.counselor_a,
            joined_on=today - dt.timedelta(days=30),
        )
    return case, provider, provider_staff


def _task_cell(page, title):
    return page.get_by_role("cell", name=re.compile("^" + re.escape(title))).first


def _add_item(page, plan, need, goal, service, organization, axe=None):
    follow(page, "ニーズと支援目標を追加")
    if axe:
        axe(page, "plans-07-item-form")
        submit(page, "保存する")
        expect(
            page.get_by_text(
                "公的サービスには、提供するサービス（社会資源）か担当機関を選んでください。"
            ).first
        ).to_be_visible()
        axe(page, "plans-08-item-form-error")
    type_into(page, "解決すべき課題（本人のニーズ）", need)
    type_into(page, "支援目標", goal)
    choose(page, page.get_by_label("サービスの種類", exact=True), service)
    type_into(page, "量・頻度", "週2回")
    choose(page, page.get_by_label("担当機関", exact=True), organization)
    submit(page, "保存する")
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/$"))


def test_planning_by_keyboard_only(
    page, browser, live_server, personas, browser_sign_in, client_as, assert_no_axe_violations
):
    case, provider, provider_staff = _case(personas)
    browser_sign_in(personas.counselor_a)
    axe = assert_no_axe_violations

    # 1. A household assessment: empty first (refused with a message), then one section each.
    start_at_top(page, f"/plans/cases/{case.pk}/assessments/new/")
    axe(page, "plans-01-assessment-form")
    submit(page, "保存する")
    expect(page.get_by_text("アセスメントの内容が空です").first).to_be_visible()
    axe(page, "plans-02-assessment-form-error")
    type_into(page, "こう暮らしたい（本人の希望）", "家で父と暮らしながら、昼間は外に出たい。")
    type_into(page, "心の動く場面", "電車の話をするとき、目が輝く。")
    type_into(page, "世帯員のニーズの影響しあい", "父の通院が増え、本人が一人で過ごす時間が長い。")
    submit(page, "保存する")
    assessment = Assessment.objects.get(case=case)
    expect(page).to_have_url(re.compile(rf"/plans/assessments/{assessment.pk}/$"))
    expect(page.get_by_role("img", name="エコマップ")).to_be_visible()
    axe(page, "plans-03-assessment-detail")

    # 2. The plan: the form starts from the assessment's wishes.
    follow(page, "支援計画・モニタリング")
    axe(page, "plans-04-plan-list")
    follow(page, "支援計画を作る")
    axe(page, "plans-05-plan-form")
    expect(page.get_by_label("利用者の生活に対する意向（本人）", exact=True)).to_have_value(
        "家で父と暮らしながら、昼間は外に出たい。"
    )
    type_into(
        page, "総合的な援助の方針", "本人の「電車が好き」を手がかりに、日中の居場所をつくる。"
    )
    choose(page, page.get_by_label("モニタリング期間", exact=True), "毎月")
    submit(page, "計画案を作る")
    plan = SupportPlan.objects.get(case=case)
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/$"))
    axe(page, "plans-06-plan-detail-draft")

    # 3. Items for three organizations.
    _add_item(
        page,
        plan,
        "昼間に安心して過ごせる場所がほしい。",
        "生活介護に週2日通う。",
        "生活介護",
        provider.name,
        axe=axe,
    )
    _add_item(
        page,
        plan,
        "父が通院する日も困らないようにしたい。",
        "移動支援で外出の練習をする。",
        "移動支援",
        personas.office_a.name,
    )
    _add_item(
        page,
        plan,
        "家族の負担を減らしたい。",
        "父の相談先をつくる。",
        "その他",
        personas.core_center.name,
    )
    assert plan.items.count() == 3
    axe(page, "plans-09-plan-detail-items")

    # 4. The person's agreement.
    follow(page, "本人の同意を記録する")
    axe(page, "plans-10-agree-form")
    choose(page, page.get_by_label("同意の方法", exact=True), "署名")
    type_into(page, "同意の記録", "本人宅で読み上げ、本人が署名。父が同席。")
    submit(page, "同意を記録する")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED
    expect(page.get_by_text("本人の同意を記録しました。").first).to_be_visible()
    axe(page, "plans-11-plan-detail-agreed")

    # 5. The first monitoring, reported per goal.
    first = plan.monitorings.order_by("due_on")[0]
    tab_to(page, page.locator(f"a[href='/plans/monitorings/{first.pk}/']"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe(page, "plans-12-monitoring-detail")
    follow(page, "モニタリングを記録する")
    axe(page, "plans-13-monitoring-form")
    type_into(page, "全体の状況", "生活介護に通い始め、表情が明るくなった。")
    goal_fields = page.get_by_label("支援の提供状況・経過", exact=True)
    tab_to(page, goal_fields.first)
    page.keyboard.type("週2日、休まず通えた。")
    type_into(page, "本人の言葉", "電車の写真を見せたら喜ばれた。")
    submit(page, "記録する")
    first.refresh_from_db()
    assert first.status == MonitoringStatus.DONE
    assert first.goal_reports.filter(what_happened="週2日、休まず通えた。").exists()
    axe(page, "plans-14-monitoring-report")

    # 6. Each organization finds its own part in its task list; office B sees nothing.
    tasks = Task.objects.filter(plan_item__plan=plan)
    assert {t.owner_organization_id for t in tasks} == {
        personas.office_a.pk,
        personas.core_center.pk,
        provider.pk,
    }
    core_page = new_signed_in_page(browser, live_server, client_as, personas.core_officer)
    start_at_top(core_page, "/plans/tasks/?scope=organization")
    expect(_task_cell(core_page, "支援計画: 父の相談先をつくる。")).to_be_visible()
    assert "生活介護に週2日通う。" not in core_page.content()
    axe(core_page, "plans-15-task-list")
    provider_page = new_signed_in_page(browser, live_server, client_as, provider_staff)
    start_at_top(provider_page, "/plans/tasks/?scope=organization")
    expect(_task_cell(provider_page, "支援計画: 生活介護に週2日通う。")).to_be_visible()
    assert "父の相談先をつくる。" not in provider_page.content()

    outsider = new_signed_in_page(browser, live_server, client_as, personas.counselor_b)
    response = outsider.goto(f"/plans/{plan.pk}/")
    assert response is not None
    assert response.status == 404
    outsider.goto("/plans/tasks/?scope=organization")
    shown = outsider.content()
    # The household's names, not the family name alone: the outsider's own generated name
    # (in the page's header) may be 高橋 too.
    for name in ("健太", "正男", "高橋さん世帯"):
        assert name not in shown
