"""Plans name providers (issue 16, item 7): a plan item chooses its service from the social
resource directory, the printed plan and the plan page name the provider, the service ring is
drawn from those links, and the API reads and writes the link.  Only active resources may be
chosen; a retired, unknown or absurd id is refused in Japanese, never with a 500."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.core.errors import Invalid
from tsunagu.core.tests.pdf import pdf_text
from tsunagu.directory.models import ResourceStatus, SocialResource
from tsunagu.directory.services import refresh_search_text
from tsunagu.directory.tests.factories import ProviderFactory, ResourceFactory, term
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.plans import selectors, services
from tsunagu.plans.models import PlanItem, PlanStatus, ServiceType, SupportKind, SupportPlan
from tsunagu.plans.tests.world import PlanWorld, build_plan_world

pytestmark = pytest.mark.django_db

HUGE = 2**63


@pytest.fixture
def w(personas) -> PlanWorld:
    return build_plan_world(personas)


@pytest.fixture
def draft(personas, w) -> SupportPlan:
    lead = actor_as(personas.counselor_a, personas.office_a)
    return services.plan_new_version(actor=lead, plan=w.plan, reason="通所先を見直す")


@pytest.fixture
def works(db) -> SocialResource:
    provider = ProviderFactory.create(
        name="社会福祉法人 みどり福祉会", name_kana="みどりふくしかい"
    )
    resource = ResourceFactory.create(
        provider=provider,
        name="就労継続支援B型 ひだまり工房",
        name_kana="ひだまりこうぼう",
        service_type=term("continuous-work-b"),
    )
    refresh_search_text(resource)  # as the directory's services do
    return resource


@pytest.fixture
def closed(db) -> SocialResource:
    return ResourceFactory.create(
        name="生活介護 こもれび（廃止）",
        status=ResourceStatus.DEFUNCT,
        service_type=term("life-care"),
    )


@pytest.fixture
def salon(db) -> SocialResource:
    provider = ProviderFactory.create(name="本町地区社会福祉協議会", name_kana="ほんちょうちく")
    return ResourceFactory.create(
        provider=provider,
        name="ふれあいサロン本町",
        name_kana="ふれあいさろんほんちょう",
        service_type=term("salon"),
    )


def _lead(personas):
    return actor_as(personas.counselor_a, personas.office_a)


FORMAL = {
    "priority": 5,
    "need": "日中に働く場所がほしい。",
    "goal": "工房に週4日通う。",
    "support_kind": SupportKind.FORMAL,
    "amount": "週4日",
}


# --- Service ----------------------------------------------------------------------------------


def test_a_formal_item_names_a_directory_resource_and_keeps_its_names(personas, draft, works):
    item = services.plan_item_save(
        actor=_lead(personas), plan=draft, data={**FORMAL, "resource": works.pk}
    )
    assert item.resource == works
    assert item.responsible_organization is None  # the provider need not be in Tsunagu
    assert item.service_type == ServiceType.EMPLOYMENT_B  # from the directory's taxonomy
    assert item.resource_name == "就労継続支援B型 ひだまり工房"
    assert item.provider_name == "社会福祉法人 みどり福祉会"
    assert item.provider_label == "社会福祉法人 みどり福祉会"
    assert "ひだまり工房" in item.support_label
    event = AuditEvent.objects.filter(action=Action.RECORD_CREATED, target_id=str(item.pk)).get()
    assert event.detail["resource"] == works.pk

    # The directory renames the resource and later retires it: the plan reads as written.
    SocialResource.objects.filter(pk=works.pk).update(
        name="就労継続支援B型 ひだまり", status=ResourceStatus.TEMPORARILY_CLOSED
    )
    item.refresh_from_db()
    assert item.resource_name == "就労継続支援B型 ひだまり工房"
    # Editing the item keeps its (now closed) resource and the names it had.
    again = services.plan_item_save(
        actor=_lead(personas),
        plan=draft,
        item=item,
        data={**FORMAL, "resource": works.pk, "amount": "週3日"},
    )
    assert again.resource_id == works.pk
    assert again.resource_name == "就労継続支援B型 ひだまり工房"


def test_a_new_version_carries_the_resource_and_its_names(personas, w, works):
    lead = _lead(personas)
    first = services.plan_new_version(actor=lead, plan=w.plan, reason="工房を加える")
    services.plan_item_save(actor=lead, plan=first, data={**FORMAL, "resource": works.pk})
    services.plan_agree(actor=lead, plan=first, agreed_on=first.period_start, method="signature")
    second = services.plan_new_version(actor=lead, plan=first, reason="次の版")
    copied = second.items.get(resource=works)
    assert (copied.resource_name, copied.provider_name) == (
        "就労継続支援B型 ひだまり工房",
        "社会福祉法人 みどり福祉会",
    )


@pytest.mark.parametrize("bad", [HUGE, -1, 0, "abc", "1e3", 99999999])
def test_an_unknown_resource_id_is_refused_in_japanese(personas, draft, bad):
    with pytest.raises(Invalid, match="社会資源が見つかりません"):
        services.plan_item_save(actor=_lead(personas), plan=draft, data={**FORMAL, "resource": bad})
    assert not draft.items.filter(priority=5).exists()


def test_a_retired_resource_is_refused(personas, draft, closed):
    with pytest.raises(Invalid, match="廃止のため選べません"):
        services.plan_item_save(
            actor=_lead(personas), plan=draft, data={**FORMAL, "resource": closed.pk}
        )


def test_the_kind_and_the_type_must_fit_the_resource(personas, draft, works, salon):
    lead = _lead(personas)
    with pytest.raises(Invalid, match="インフォーマルな資源です"):
        services.plan_item_save(actor=lead, plan=draft, data={**FORMAL, "resource": salon.pk})
    with pytest.raises(Invalid, match="就労継続支援B型の資源です"):
        services.plan_item_save(
            actor=lead,
            plan=draft,
            data={**FORMAL, "resource": works.pk, "service_type": ServiceType.GROUP_HOME},
        )
    informal = {
        "need": "近所に居場所がほしい。",
        "goal": "サロンに月2回行く。",
        "support_kind": SupportKind.INFORMAL,
        "informal_support": "地域のサロンに参加",
    }
    with pytest.raises(Invalid, match="公的サービスの資源です"):
        services.plan_item_save(actor=lead, plan=draft, data={**informal, "resource": works.pk})
    item = services.plan_item_save(actor=lead, plan=draft, data={**informal, "resource": salon.pk})
    assert item.provider_name == "本町地区社会福祉協議会"
    assert item.service_type == ""


def test_a_plan_naming_a_resource_retired_since_cannot_be_agreed(personas, draft, works):
    lead = _lead(personas)
    services.plan_item_save(actor=lead, plan=draft, data={**FORMAL, "resource": works.pk})
    SocialResource.objects.filter(pk=works.pk).update(status=ResourceStatus.DEFUNCT)
    with pytest.raises(Invalid, match="廃止された社会資源が選ばれています"):
        services.plan_agree(actor=lead, plan=draft, agreed_on=draft.period_start, method="seal")
    draft.refresh_from_db()
    assert draft.status == PlanStatus.DRAFT


def test_the_database_keeps_an_item_naming_someone(personas, draft):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        PlanItem.objects.create(plan=draft, need="x", goal="y", support_kind="formal")


# --- The service ring -------------------------------------------------------------------------


def test_the_ring_places_formal_services_from_links_and_helpers_from_text(
    personas, draft, works, salon
):
    lead = _lead(personas)
    services.plan_item_save(actor=lead, plan=draft, data={**FORMAL, "resource": works.pk})
    services.plan_item_save(
        actor=lead,
        plan=draft,
        data={
            "need": "近所に居場所がほしい。",
            "goal": "サロンに月2回行く。",
            "support_kind": SupportKind.INFORMAL,
            "informal_support": "地域のサロンに参加",
            "resource": salon.pk,
        },
    )
    ring = selectors.service_ring(draft)
    bands = {layer.key: [node.label for node in layer.nodes] for layer in ring.layers}
    assert "社会福祉法人 みどり福祉会" in bands["formal"]
    assert "ふれあいサロン本町" in bands["community"]
    assert bands["helpers"] == ["民生委員 鈴木さん"]  # the world's informal helper, by text
    assert "みどり市基幹相談支援センター" in bands["formal"]  # an item with no resource


# --- Screens ----------------------------------------------------------------------------------


def _item_form(**extra: Any) -> dict[str, Any]:
    return {**FORMAL, **extra}


def test_the_item_form_lists_active_resources_and_saves_the_choice(
    personas, draft, works, closed, client_as
):
    client = client_as(personas.counselor_a)
    url = reverse("plans:plan_item_create", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "ひだまり工房" in page
    assert "こもれび" not in page  # retired: not offered
    assert 'name="resource_q"' in page
    response = client.post(url, _item_form(resource=works.pk))
    assert response.status_code == 302, response.content.decode()
    item = draft.items.get(resource=works)
    assert item.service_type == ServiceType.EMPLOYMENT_B
    detail = client.get(reverse("plans:plan_detail", args=[draft.pk])).content.decode()
    assert "社会福祉法人 みどり福祉会" in detail
    assert reverse("directory:resource_detail", args=[works.pk]) in detail
    assert "支援の輪（バウムクーヘン）" in detail
    # Editing shows the choice selected.
    edit = client.get(reverse("plans:plan_item_edit", args=[draft.pk, item.pk])).content.decode()
    assert re.search(rf'<option value="{works.pk}"[^>]*selected', edit)


@pytest.mark.parametrize("bad", ["closed", str(HUGE), "-3", "abc", "9" * 40])
def test_the_item_form_refuses_a_bad_resource_in_japanese(bad, personas, draft, closed, client_as):
    value = str(closed.pk) if bad == "closed" else bad
    client = client_as(personas.counselor_a)
    url = reverse("plans:plan_item_create", args=[draft.pk])
    response = client.post(url, _item_form(resource=value))
    assert response.status_code in (400, 200)
    assert response.status_code != 302
    assert "その社会資源は選べません" in response.content.decode()
    assert not draft.items.filter(priority=5).exists()


def test_the_resource_search_works_without_javascript_and_with_htmx(
    personas, draft, works, client_as
):
    other = ResourceFactory.create(name="居宅介護 あさひ", service_type=term("home-help"))
    refresh_search_text(other)
    client = client_as(personas.counselor_a)
    url = reverse("plans:plan_item_create", args=[draft.pk])
    # Without JavaScript: the search button posts the form back, nothing is saved.
    page = client.post(url, _item_form(resource_q="ひだまり", _search="resource"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "ひだまり工房" in body
    assert "居宅介護 あさひ" not in body
    assert "工房に週4日通う。" in body  # what was typed is kept
    assert not draft.items.filter(priority=5).exists()
    # With htmx: only the choices, narrowed by the kind and type too.
    choices = reverse("plans:plan_item_resources", args=[draft.pk])
    part = client.get(choices, {"support_kind": "formal", "service_type": "home_help"})
    assert part.status_code == 200
    text = part.content.decode()
    assert "居宅介護 あさひ" in text
    assert "ひだまり工房" not in text
    assert "<html" not in text
    folded = client.get(choices, {"resource_q": "ヒダマリ"}).content.decode()  # kana folded
    assert "ひだまり工房" in folded
    assert other.name not in folded
    for junk in ({"item": str(HUGE)}, {"item": "abc"}):
        assert client.get(choices, junk).status_code == 404
    assert client.get(choices, {"resource_q": "x" * 500, "service_type": "<b>"}).status_code == 200


def test_outsiders_get_404_on_the_resource_choices(personas, draft, client_as):
    url = reverse("plans:plan_item_resources", args=[draft.pk])
    assert client_as(personas.counselor_b).get(url).status_code == 404
    assert client_as(personas.counselor_a).get(url).status_code == 200
    missing = reverse("plans:plan_item_resources", args=[HUGE - 1])
    assert client_as(personas.counselor_a).get(missing).status_code == 404


# --- Printed plan -----------------------------------------------------------------------------


def test_the_printed_plan_names_the_provider_and_the_service(personas, draft, works, client_as):
    services.plan_item_save(
        actor=_lead(personas), plan=draft, data={**FORMAL, "resource": works.pk}
    )
    client = client_as(personas.counselor_a)
    pdf = client.get(reverse("plans:plan_pdf", args=[draft.pk]))
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert "社会福祉法人みどり福祉会" in text
    assert "ひだまり工房" in text
    assert "支援の輪（バウムクーヘン）" in text
    xlsx = client.get(reverse("plans:plan_xlsx", args=[draft.pk]))
    ws = load_workbook(io.BytesIO(xlsx.content))["サービス等利用計画"]
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert "社会福祉法人 みどり福祉会" in cells
    assert any("就労継続支援B型" in c and "ひだまり工房" in c and "週4日" in c for c in cells)


# --- API --------------------------------------------------------------------------------------


class Api:
    def __init__(self, user, organization) -> None:
        self.client = Client()
        token = api_token_for(user, organization)
        self.headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def send(self, method: str, path: str, body: dict[str, Any] | None = None):
        return self.client.generic(
            method,
            f"/api/v1{path}",
            data=json.dumps(body or {}, ensure_ascii=False),
            content_type="application/json",
            **self.headers,
        )


def test_the_api_reads_and_writes_the_resource_link(personas, draft, works, closed):
    lead = Api(personas.counselor_a, personas.office_a)
    body = {"need": "働きたい", "goal": "工房に通う", "support_kind": "formal"}
    created = lead.send("POST", f"/plans/{draft.pk}/items", {**body, "resource_id": works.pk})
    assert created.status_code == 201, created.content.decode()
    out = created.json()
    assert out["resource_id"] == works.pk
    assert out["provider_name"] == "社会福祉法人 みどり福祉会"
    assert out["resource_name"] == "就労継続支援B型 ひだまり工房"
    assert out["resource_status"] == "active"
    assert out["service_type"] == "employment_b"
    plan = lead.send("GET", f"/plans/{draft.pk}").json()
    assert any(i["resource_id"] == works.pk for i in plan["items"])
    # Unlink: the item then needs an organization (a formal service names someone).
    unlinked = lead.send("PATCH", f"/plan-items/{out['id']}", {"resource_id": None})
    assert unlinked.status_code == 422
    patched = lead.send(
        "PATCH",
        f"/plan-items/{out['id']}",
        {"resource_id": None, "responsible_organization_id": personas.office_a.pk},
    )
    assert patched.status_code == 200, patched.content.decode()
    assert patched.json()["resource_id"] is None
    assert patched.json()["provider_name"] == ""


@pytest.mark.parametrize("bad", ["closed", HUGE, 0, "abc", 99999999])
def test_the_api_refuses_a_bad_resource_as_json(bad, personas, draft, closed):
    lead = Api(personas.counselor_a, personas.office_a)
    value = closed.pk if bad == "closed" else bad
    body = {"need": "働きたい", "goal": "通う", "support_kind": "formal", "resource_id": value}
    response = lead.send("POST", f"/plans/{draft.pk}/items", body)
    assert response.status_code == 422, response.content.decode()
    assert response.json()["error"]["message"]
    assert not draft.items.filter(need="働きたい").exists()


def test_outsiders_get_404_on_the_item_api(personas, draft, works):
    outsider = Api(personas.counselor_b, personas.office_b)
    body = {"need": "x", "goal": "y", "support_kind": "formal", "resource_id": works.pk}
    assert outsider.send("POST", f"/plans/{draft.pk}/items", body).status_code == 404
    item = draft.items.first()
    assert item is not None
    patch = outsider.send("PATCH", f"/plan-items/{item.pk}", {"resource_id": works.pk})
    assert patch.status_code == 404
