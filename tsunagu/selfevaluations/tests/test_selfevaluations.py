"""The self-evaluation: criteria frozen once published, an evaluation read-only once submitted,
each office alone with its own, the center's comments seen once released, the years and the
offices compared with the right figures, and bad input never a 500."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tsunagu.accounts.tests.factories import UserFactory, api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.core.errors import Conflict, Forbidden, Invalid
from tsunagu.organizations.models import OrganizationKind
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import MembershipFactory, OrganizationFactory
from tsunagu.selfevaluations import selectors, services
from tsunagu.selfevaluations.models import CriteriaItem, EvaluationStatus, SelfEvaluation
from tsunagu.selfevaluations.tests.factories import Network, make_set, network, serve

pytestmark = pytest.mark.django_db


@pytest.fixture
def net(personas) -> Network:
    return network(personas)


def _api(client: Client, user, method: str, path: str, body: Any = None, org=None):
    token = api_token_for(user, org or user.memberships.get(is_primary=True).organization)
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if method == "GET":
        return client.get(path, **kwargs)
    data = body if isinstance(body, str) else json.dumps(body or {}, ensure_ascii=False)
    return client.generic(method, path, data=data, content_type="application/json", **kwargs)


def _last_event_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _answer_post(evaluation: SelfEvaluation, scores: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"overall_comment": "振り返り"}
    for answer in evaluation.answers.select_related("item"):
        data[f"score_{answer.item_id}"] = scores.get(answer.item.code, "")
        data[f"comment_{answer.item_id}"] = "コメント"
    return data


# --- Criteria ---------------------------------------------------------------------------------


def test_a_new_year_copies_last_years_areas_items_and_scale(net):
    assert net.current.scale_labels == net.last.scale_labels
    codes = list(
        CriteriaItem.objects.filter(area__criteria_set=net.current).values_list("code", flat=True)
    )
    assert codes == ["1-1", "1-2", "2-1"]
    assert [a.name for a in net.current.areas.all()] == ["運営体制", "相談支援の実践"]


def test_a_published_set_cannot_be_edited(personas, net, client_as, client):
    city = actor_as(personas.city_official)
    with pytest.raises(Conflict):
        services.set_update(city, criteria=net.current, title="変更")
    area = net.current.areas.first()
    with pytest.raises(Conflict):
        services.item_create(city, area=area, code="9-9", text="追加")
    item = CriteriaItem.objects.filter(area=area).order_by("pk")[0]
    with pytest.raises(Conflict):
        services.item_delete(city, item=item)

    screen = client_as(personas.city_official)
    response = screen.post(
        reverse("selfevaluations:set_edit", args=[net.current.pk]),
        {"title": "変更", "scale_labels": "a\nb", "guidance": ""},
    )
    assert response.status_code == 409
    response = screen.post(
        reverse("selfevaluations:item_edit", args=[item.pk]),
        {"area": area.pk, "code": "1-1", "text": "変更"},
    )
    assert response.status_code == 409
    response = _api(
        client,
        personas.city_official,
        "PATCH",
        f"/api/v1/self-evaluation-criteria/{net.current.pk}",
        {"title": "変更"},
    )
    assert response.status_code == 409
    response = _api(
        client, personas.city_official, "DELETE", f"/api/v1/self-evaluation-items/{item.pk}"
    )
    assert response.status_code == 409
    net.current.refresh_from_db()
    assert net.current.title.endswith("運営自己評価")
    assert CriteriaItem.objects.filter(pk=item.pk).exists()


def test_only_the_city_drafts_and_a_draft_is_the_citys(personas, client_as, client):
    serve(personas)
    with pytest.raises(Forbidden):
        services.set_create(
            actor_as(personas.core_officer), fiscal_year=2030, title="基準", scale_labels=["a", "b"]
        )
    response = _api(
        client,
        personas.city_official,
        "POST",
        "/api/v1/self-evaluation-criteria",
        {"fiscal_year": 2030, "title": "令和12年度 自己評価", "scale_labels": ["低い", "高い"]},
    )
    assert response.status_code == 201, response.content
    draft_id = response.json()["id"]
    # An office does not learn a draft exists.
    response = client_as(personas.counselor_a).get(
        reverse("selfevaluations:set_detail", args=[draft_id])
    )
    assert response.status_code == 404
    # A draft with no items cannot be published.
    response = _api(
        client,
        personas.city_official,
        "POST",
        f"/api/v1/self-evaluation-criteria/{draft_id}/publish",
    )
    assert response.status_code == 422
    area = _api(
        client,
        personas.city_official,
        "POST",
        f"/api/v1/self-evaluation-criteria/{draft_id}/areas",
        {"name": "人材育成"},
    ).json()
    item = _api(
        client,
        personas.city_official,
        "POST",
        f"/api/v1/self-evaluation-criteria/{draft_id}/items",
        {"area_id": area["id"], "code": "4-1", "text": "研修計画を立てている"},
    )
    assert item.status_code == 201, item.content
    response = _api(
        client,
        personas.city_official,
        "POST",
        f"/api/v1/self-evaluation-criteria/{draft_id}/publish",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "published"


# --- The office's evaluation ------------------------------------------------------------------


def test_a_submitted_evaluation_cannot_be_changed_by_the_office(personas, net, client_as, client):
    evaluation = net.current_a
    before = list(evaluation.answers.values_list("score", flat=True))
    screen = client_as(personas.counselor_a)
    response = screen.post(
        reverse("selfevaluations:evaluation_edit", args=[evaluation.pk]),
        _answer_post(evaluation, {"1-1": 1, "1-2": 1, "2-1": 1}),
    )
    assert response.status_code == 409
    assert "提出済み" in response.content.decode()
    response = screen.get(reverse("selfevaluations:evaluation_edit", args=[evaluation.pk]))
    assert response.status_code == 302
    response = screen.post(reverse("selfevaluations:evaluation_submit", args=[evaluation.pk]))
    assert response.status_code == 302  # back to the page with the message
    response = _api(
        client,
        personas.counselor_a,
        "PATCH",
        f"/api/v1/self-evaluations/{evaluation.pk}",
        {"overall_comment": "書き換え"},
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    response = _api(
        client, personas.counselor_a, "POST", f"/api/v1/self-evaluations/{evaluation.pk}/submit"
    )
    assert response.status_code == 409
    assert list(evaluation.answers.values_list("score", flat=True)) == before
    evaluation.refresh_from_db()
    assert evaluation.overall_comment == "1年を振り返って"


def test_the_office_fills_saves_and_submits_once_on_screen(personas, client_as):
    serve(personas)
    criteria = make_set(personas, 2026)
    screen = client_as(personas.counselor_a)
    response = screen.post(
        reverse("selfevaluations:evaluation_start"), {"criteria_set": criteria.pk}
    )
    assert response.status_code == 302
    evaluation = SelfEvaluation.objects.get(organization=personas.office_a)
    url = reverse("selfevaluations:evaluation_edit", args=[evaluation.pk])
    assert screen.get(url).status_code == 200
    # A draft with a blank score is kept; submitting it is refused with the missing codes.
    response = screen.post(url, _answer_post(evaluation, {"1-1": 4, "1-2": 2}))
    assert response.status_code == 302
    response = screen.post(
        reverse("selfevaluations:evaluation_submit", args=[evaluation.pk]), follow=True
    )
    assert "2-1" in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DRAFT
    screen.post(url, _answer_post(evaluation, {"1-1": 4, "1-2": 2, "2-1": 3}))
    screen.post(reverse("selfevaluations:evaluation_submit", args=[evaluation.pk]))
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SUBMITTED
    assert evaluation.submitted_by == personas.counselor_a
    # The office's read-only member can read but not write.
    reader = client_as(personas.reader_a)
    assert (
        reader.get(reverse("selfevaluations:evaluation_detail", args=[evaluation.pk])).status_code
        == 200
    )
    with pytest.raises(Forbidden):
        services.evaluation_start(actor_as(personas.reader_a), criteria=criteria)
    marker = _last_event_id()
    response = reader.post(
        reverse("selfevaluations:evaluation_return", args=[evaluation.pk]), {"reason": "理由"}
    )
    assert response.status_code == 403
    denied = AuditEvent.objects.filter(pk__gt=marker, action=Action.ACCESS_DENIED).get()
    assert denied.target_id == str(evaluation.pk)


def test_only_the_center_or_the_city_returns_with_a_reason_audited(personas, net, client_as):
    evaluation = net.current_a
    with pytest.raises(Forbidden):
        services.evaluation_return(
            actor_as(personas.counselor_a), evaluation=evaluation, reason="x"
        )
    screen = client_as(personas.core_officer)
    url = reverse("selfevaluations:evaluation_return", args=[evaluation.pk])
    assert screen.post(url, {"reason": "  "}).status_code == 400
    marker = _last_event_id()
    response = screen.post(url, {"reason": "2-1 の根拠を書き足してください。"})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.RETURNED
    row = AuditEvent.objects.filter(pk__gt=marker, action=Action.RECORD_UPDATED).get()
    assert row.detail["reason"] == "2-1 の根拠を書き足してください。"
    # Open again for the office, which corrects and submits again.
    office = actor_as(personas.counselor_a)
    item = evaluation.answers.get(item__code="2-1").item_id
    services.evaluation_save(office, evaluation=evaluation, answers={item: {"score": 4}})
    evaluation = services.evaluation_submit(office, evaluation=evaluation)
    assert evaluation.status == EvaluationStatus.SUBMITTED


def test_the_office_sees_the_centers_comments_once_released(personas, net, client_as, client):
    evaluation = net.current_a
    item = evaluation.answers.get(item__code="1-1").item_id
    screen = client_as(personas.core_officer)
    response = screen.post(
        reverse("selfevaluations:evaluation_review", args=[evaluation.pk]),
        {"center_comment": "全体として着実です。", f"center_{item}": "共有の場を続けてください。"},
    )
    assert response.status_code == 302
    path = f"/api/v1/self-evaluations/{evaluation.pk}"
    before = _api(client, personas.counselor_a, "GET", path).json()
    assert before["center_comment"] is None
    assert all(a["center_comment"] is None for a in before["answers"])
    page = client_as(personas.counselor_a).get(
        reverse("selfevaluations:evaluation_detail", args=[evaluation.pk])
    )
    assert "全体として着実です。" not in page.content.decode()
    # The office may not release nor write the center's comments.
    with pytest.raises(Forbidden):
        services.evaluation_release(actor_as(personas.counselor_a), evaluation=evaluation)
    response = _api(client, personas.core_officer, "POST", f"{path}/release")
    assert response.status_code == 200
    after = _api(client, personas.counselor_a, "GET", path).json()
    assert after["center_comment"] == "全体として着実です。"
    assert {a["code"]: a["center_comment"] for a in after["answers"]}[
        "1-1"
    ] == "共有の場を続けてください。"
    page = client_as(personas.counselor_a).get(
        reverse("selfevaluations:evaluation_detail", args=[evaluation.pk])
    )
    assert "全体として着実です。" in page.content.decode()


# --- Who sees what ----------------------------------------------------------------------------


def test_an_office_cannot_read_anothers_evaluation(personas, net, client_as, client):
    outsider = client_as(personas.counselor_b)
    for name in ("evaluation_detail", "evaluation_edit", "evaluation_review", "evaluation_return"):
        response = outsider.get(reverse(f"selfevaluations:{name}", args=[net.current_a.pk]))
        assert response.status_code == 404, name
    assert (
        outsider.get(reverse("selfevaluations:history", args=[personas.office_a.pk])).status_code
        == 404
    )
    for method, path in (
        ("GET", f"/api/v1/self-evaluations/{net.current_a.pk}"),
        ("PATCH", f"/api/v1/self-evaluations/{net.current_a.pk}"),
        ("GET", f"/api/v1/self-evaluation-offices/{personas.office_a.pk}/history"),
    ):
        response = _api(client, personas.counselor_b, method, path, {})
        assert response.status_code == 404, path
    listed = _api(client, personas.counselor_b, "GET", "/api/v1/self-evaluations").json()
    assert [r["id"] for r in listed["results"]] == [net.current_b.pk]


def test_a_draft_stays_in_its_office_and_the_center_sees_only_its_offices(personas, net, client):
    core = actor_as(personas.core_officer)
    city = actor_as(personas.city_official)
    assert set(selectors.evaluation_rows(core)) == {net.last_a, net.current_a}
    # Office B serves a ward the center does not: its draft is no one's but its own, and even
    # submitted it is the city's, not this center's.
    assert set(selectors.evaluation_rows(city)) == {net.last_a, net.current_a}
    services.evaluation_submit(
        actor_as(personas.counselor_b), evaluation=net.current_b
    ) if False else None
    response = _api(
        client, personas.core_officer, "GET", f"/api/v1/self-evaluations/{net.current_b.pk}"
    )
    assert response.status_code == 404
    board = {row.office.pk: row.state for row in selectors.status_board(city, net.current)}
    assert board[personas.office_a.pk] == "submitted"
    assert board[personas.office_b.pk] == "not_submitted"


def test_the_council_does_not_see_offices_evaluations(personas, net, client_as):
    council_org = OrganizationFactory.create(
        kind=OrganizationKind.SOCIAL_WELFARE_COUNCIL, name="みどり市社会福祉協議会"
    )
    member = UserFactory.create(username="council_member")
    MembershipFactory.create(user=member, organization=council_org, job_title="counselor")
    screen = client_as(member)
    assert screen.get(reverse("selfevaluations:home")).status_code == 404
    assert (
        screen.get(
            reverse("selfevaluations:evaluation_detail", args=[net.current_a.pk])
        ).status_code
        == 404
    )
    assert screen.get(reverse("selfevaluations:summary", args=[net.current.pk])).status_code == 404
    ward = OrganizationFactory.create(kind=OrganizationKind.WARD_OFFICE, name="青葉区役所")
    ward_user = UserFactory.create(username="ward_user")
    MembershipFactory.create(user=ward_user, organization=ward, job_title="caseworker")
    assert (
        client_as(ward_user)
        .get(reverse("selfevaluations:history", args=[personas.office_a.pk]))
        .status_code
        == 404
    )


def test_reads_are_audited(personas, net, client_as, client):
    marker = _last_event_id()
    client_as(personas.core_officer).get(
        reverse("selfevaluations:evaluation_detail", args=[net.current_a.pk])
    )
    row = AuditEvent.objects.filter(pk__gt=marker, action=Action.RECORD_VIEWED).get()
    assert row.target_id == str(net.current_a.pk)
    assert row.organization == personas.core_center
    marker = _last_event_id()
    listed = _api(client, personas.city_official, "GET", "/api/v1/self-evaluations")
    assert listed.json()["count"] == 2
    row = AuditEvent.objects.filter(pk__gt=marker, action=Action.RECORDS_LISTED).get()
    assert row.detail["filters"]["ids"]


# --- Bad input --------------------------------------------------------------------------------


def test_bad_input_is_a_400_or_422_never_a_500(personas, client_as, client):
    serve(personas)
    criteria = make_set(personas, 2026)
    evaluation = services.evaluation_start(actor_as(personas.counselor_a), criteria=criteria)
    item = evaluation.answers.select_related("item").order_by("pk")[0].item
    screen = client_as(personas.counselor_a)
    url = reverse("selfevaluations:evaluation_edit", args=[evaluation.pk])
    for bad in ("5", "0", "あ", "-1", str(2**63)):
        response = screen.post(url, {**_answer_post(evaluation, {}), f"score_{item.pk}": bad})
        assert response.status_code == 400, bad
    # A lone surrogate: in a URL-encoded form it arrives replaced (U+FFFD), in JSON as itself.
    response = screen.post(
        url,
        f"score_{item.pk}=%ED%A0%80&overall_comment=%ED%A0%80",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    response = _api(
        client,
        personas.counselor_a,
        "PATCH",
        f"/api/v1/self-evaluations/{evaluation.pk}",
        '{"overall_comment": "\\ud800"}',
    )
    assert response.status_code in (400, 422), response.content
    response = screen.post(reverse("selfevaluations:evaluation_start"), {"criteria_set": "あ"})
    assert response.status_code == 400
    assert screen.get(f"/self-evaluations/{2**63}/").status_code == 404
    assert screen.get(f"/self-evaluations/criteria/{2**63}/summary/").status_code == 404
    path = f"/api/v1/self-evaluations/{evaluation.pk}"
    for body in (
        {"answers": [{"item_id": item.pk, "score": 5}]},
        {"answers": [{"item_id": item.pk, "score": "あ"}]},
        {"answers": [{"item_id": item.pk, "score": 2**63}]},
        {"answers": [{"item_id": 2**63, "score": 1}]},
        {"answers": [{"item_id": 999999, "score": 1}]},
        '"あ"',
    ):
        response = _api(client, personas.counselor_a, "PATCH", path, body)
        assert response.status_code == 422, (body, response.content)
    assert (
        _api(client, personas.counselor_a, "GET", f"/api/v1/self-evaluations/{2**63}").status_code
        == 404
    )
    response = _api(
        client,
        personas.city_official,
        "POST",
        "/api/v1/self-evaluation-criteria",
        {"fiscal_year": 99999, "title": "x", "scale_labels": ["a", "b"]},
    )
    assert response.status_code == 422
    response = _api(
        client,
        personas.city_official,
        "POST",
        "/api/v1/self-evaluation-criteria",
        {"fiscal_year": 2031, "title": "x", "scale_labels": ["a"]},
    )
    assert response.status_code == 422
    response = _api(client, personas.counselor_a, "GET", "/api/v1/self-evaluations?fiscal_year=あ")
    assert response.status_code == 422
    evaluation.refresh_from_db()
    assert not evaluation.answers.exclude(score=None).exists()


# --- Comparison -------------------------------------------------------------------------------


def test_the_years_compare_item_by_item(personas, net, client_as, client):
    found = selectors.history(actor_as(personas.counselor_a), personas.office_a)
    assert found.years == [2025, 2026]
    assert [(r.code, r.scores) for r in found.rows] == [
        ("1-1", [2, 3]),
        ("1-2", [3, 3]),
        ("2-1", [1, 2]),
    ]
    assert found.averages == [2.0, 2.67]
    page = client_as(personas.core_officer).get(
        reverse("selfevaluations:history", args=[personas.office_a.pk])
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'role="img"' in html
    assert "運営体制 の評価（年度比較）" in html
    data = _api(
        client,
        personas.counselor_a,
        "GET",
        f"/api/v1/self-evaluation-offices/{personas.office_a.pk}/history",
    ).json()
    assert data["years"] == [2025, 2026]
    assert data["rows"][2]["scores"] == [1, 2]


def test_the_distribution_counts_submitted_evaluations_of_the_offices_in_reach(
    personas, net, client
):
    # Office B submits too: the city counts both offices, the center only its own.
    services.evaluation_save(
        actor_as(personas.counselor_b),
        evaluation=net.current_b,
        answers={a.item_id: {"score": 3} for a in net.current_b.answers.all()},
    )
    services.evaluation_submit(actor_as(personas.counselor_b), evaluation=net.current_b)
    city = selectors.summary(actor_as(personas.city_official), net.current)
    assert (city.offices, city.submitted) == (2, 2)
    by_code = {s.item.code: s for s in city.items}
    assert by_code["1-1"].counts == [0, 0, 2, 0]
    assert by_code["2-1"].counts == [0, 1, 1, 0]
    assert by_code["2-1"].mean == 2.5
    # Last year only office A submitted: 2-1 was 1, 1-1 was 2.
    assert by_code["2-1"].previous_mean == 1.0
    assert by_code["1-1"].previous_mean == 2.0
    core = selectors.summary(actor_as(personas.core_officer), net.current)
    assert (core.offices, core.submitted) == (1, 1)
    assert {s.item.code: s.counts for s in core.items}["2-1"] == [0, 1, 0, 0]
    data = _api(
        client,
        personas.city_official,
        "GET",
        f"/api/v1/self-evaluation-criteria/{net.current.pk}/summary",
    ).json()
    assert data["items"][2]["counts"] == [0, 1, 1, 0]
    # An office gets no distribution.
    response = _api(
        client,
        personas.counselor_a,
        "GET",
        f"/api/v1/self-evaluation-criteria/{net.current.pk}/summary",
    )
    assert response.status_code == 404


def test_the_distribution_exports_the_same_figures(personas, net, client_as):
    screen = client_as(personas.city_official)
    url = reverse("selfevaluations:summary_export", args=[net.current.pk])
    response = screen.get(url + "?format=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    line = next(r for r in rows if r and r[0] == "2-1")
    assert line[3:9] == ["1", "0", "0", "0", "1", "2.0"] or line[3:9] == [
        "0",
        "1",
        "0",
        "0",
        "1",
        "2.0",
    ]
    assert line[3:7] == ["0", "1", "0", "0"]
    response = screen.get(url + "?format=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    values = [[c.value for c in row] for row in book.active.iter_rows()]
    assert any(row[0] == "2-1" and row[4] == 1 for row in values)
    assert screen.get(url + "?format=cp932").status_code == 200
    assert screen.get(url + "?format=doc").status_code == 404
    assert client_as(personas.counselor_a).get(url + "?format=csv").status_code == 404


def test_screens_render_for_each_role(personas, net, client_as):
    for user in (personas.counselor_a, personas.core_officer, personas.city_official):
        screen = client_as(user)
        assert screen.get(reverse("selfevaluations:home")).status_code == 200
        assert (
            screen.get(reverse("selfevaluations:set_detail", args=[net.current.pk])).status_code
            == 200
        )
    city = client_as(personas.city_official)
    assert city.get(reverse("selfevaluations:summary", args=[net.current.pk])).status_code == 200
    assert city.get(reverse("selfevaluations:set_create")).status_code == 200
    response = city.post(
        reverse("selfevaluations:set_create"),
        {
            "fiscal_year": net.current.fiscal_year + 1,
            "title": "翌年度",
            "copy_from": net.current.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()
    core_home = client_as(personas.core_officer).get(reverse("selfevaluations:home"))
    assert personas.office_a.name in core_home.content.decode()
    assert personas.office_b.name not in core_home.content.decode()


def test_an_invalid_state_is_refused(personas, net):
    with pytest.raises(Invalid):
        services.evaluation_release(actor_as(personas.core_officer), evaluation=net.current_a)
